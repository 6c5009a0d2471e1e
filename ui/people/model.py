"""The beneficiaries table: a Qt model that pages from the database, never holding the whole list.

Like Anki's browser table, the model keeps only what is on screen and near it: the total count and a
few pages of rows fetched with ``svc.people.search(offset, limit)``. Sort and filters run in SQL.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from coopdesk.domain import constants as C
from coopdesk.i18n import N_, _, format_date

Index = QModelIndex | QPersistentModelIndex

# (header msgid, sort key of the service or None when the column does not sort)
COLUMNS: list[tuple[str, str | None]] = [
    (N_("Name"), "name"),
    (N_("Name in Arabic script"), None),
    (N_("Sex"), "sex"),
    (N_("Birth date"), "birth_date"),
    (N_("Commune"), "commune"),
    (N_("Disability"), None),
]


def latin_name(p: dict[str, Any]) -> str:
    return " ".join(x for x in (p.get("last_name"), p.get("first_name")) if x)


def arabic_name(p: dict[str, Any]) -> str:
    return " ".join(x for x in (p.get("last_name_ar"), p.get("first_name_ar")) if x)


class PeopleModel(QAbstractTableModel):
    """Rows come page by page from the people service; ``ROLE_ID`` gives a row's person id."""

    ROLE_ID = Qt.ItemDataRole.UserRole + 1
    PAGE = 200
    MAX_PAGES = 30  # about 6 000 rows kept at most, whatever the size of the list

    def __init__(self, people_service: Any, parent=None) -> None:
        super().__init__(parent)
        self.people = people_service
        self.text = ""
        self.filters: dict[str, Any] = {}
        self.order = "name"
        self._count = 0
        self._pages: OrderedDict[int, list[dict[str, Any]]] = OrderedDict()
        self.fetches = 0  # page queries made (the speed check reads it)

    # ------------------------------------------------------------------ query

    def set_query(self, text: str = "", **filters: Any) -> None:
        self.text = text
        self.filters = {k: v for k, v in filters.items() if v not in (None, "")}
        self.refresh()

    def refresh(self) -> None:
        self.beginResetModel()
        self._pages.clear()
        self._count = self.people.count(self.text, **self.filters)
        self.endResetModel()

    def _page(self, number: int) -> list[dict[str, Any]]:
        page = self._pages.get(number)
        if page is None:
            page = self.people.search(self.text, order=self.order, offset=number * self.PAGE,
                                      limit=self.PAGE, **self.filters)
            self.fetches += 1
            self._pages[number] = page
            while len(self._pages) > self.MAX_PAGES:
                self._pages.popitem(last=False)
        else:
            self._pages.move_to_end(number)
        return page

    def record(self, row: int) -> dict[str, Any] | None:
        if not 0 <= row < self._count:
            return None
        page = self._page(row // self.PAGE)
        offset = row % self.PAGE
        return page[offset] if offset < len(page) else None

    def id_at(self, row: int) -> str | None:
        rec = self.record(row)
        return rec["id"] if rec else None

    def row_of(self, person_id: str) -> int:
        """The row of a person among the pages already fetched, or -1."""
        for number, page in self._pages.items():
            for i, rec in enumerate(page):
                if rec["id"] == person_id:
                    return number * self.PAGE + i
        return -1

    # ------------------------------------------------------------------ Qt model

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self._count

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or role not in (Qt.ItemDataRole.DisplayRole, self.ROLE_ID,
                                               Qt.ItemDataRole.TextAlignmentRole):
            return None
        if role == Qt.ItemDataRole.TextAlignmentRole:
            if index.column() == 1:  # Arabic names read from the right whatever the UI language
                return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            return None
        rec = self.record(index.row())
        if rec is None:
            return None
        if role == self.ROLE_ID:
            return rec["id"]
        col = index.column()
        if col == 0:
            return latin_name(rec)
        if col == 1:
            return arabic_name(rec)
        if col == 2:
            return _(C.SEXES[rec["sex"]]) if rec.get("sex") in C.SEXES else ""
        if col == 3:
            return format_date(rec.get("birth_date"), "short")
        if col == 4:
            return rec.get("commune_code", "")
        if col == 5:
            return _("Yes") if rec.get("disability") else ""
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            if 0 <= section < len(COLUMNS):
                return _(COLUMNS[section][0])
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(COLUMNS) or COLUMNS[column][1] is None:
            return
        key = COLUMNS[column][1]
        self.order = key if order == Qt.SortOrder.AscendingOrder else "-" + key
        self.beginResetModel()  # every row moves: a reset is honest and cheap (pages are refetched)
        self._pages.clear()
        self.endResetModel()

    def retranslate(self) -> None:
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(COLUMNS) - 1)
        if self._count:
            self.dataChanged.emit(self.index(0, 0), self.index(self._count - 1, len(COLUMNS) - 1))
