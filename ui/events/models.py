"""Qt models of the events page: the attendance sheet (a checkable list of participants)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from coopdesk.domain import constants as C
from coopdesk.i18n import N_, _

Index = QModelIndex | QPersistentModelIndex

ATTENDANCE_COLUMNS = (N_("Attended"), N_("Name"), N_("Commune"), N_("Recorded status"))


def participant_name(p: dict[str, Any]) -> str:
    latin = " ".join(x for x in (p.get("last_name"), p.get("first_name")) if x)
    arabic = " ".join(x for x in (p.get("last_name_ar"), p.get("first_name_ar")) if x)
    return " — ".join(x for x in (latin, arabic) if x) or "—"


class AttendanceModel(QAbstractTableModel):
    """One row per registered participant; the first column is the tick of the paper sheet.

    Ticks are local until ``statuses_to_apply()`` is sent in one service call (one undo step).
    """

    ROLE_ID = Qt.ItemDataRole.UserRole + 1

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.rows: list[dict[str, Any]] = []
        self.ticked: set[str] = set()

    def set_participants(self, rows: list[dict[str, Any]]) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.ticked = {r["person_id"] for r in rows if r["status"] == "attended"}
        self.endResetModel()

    def set_all(self, ticked: bool) -> None:
        self.ticked = {r["person_id"] for r in self.rows} if ticked else set()
        if self.rows:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self.rows) - 1, 0))

    def statuses_to_apply(self) -> dict[str, str]:
        """Ticked → attended; not ticked → absent (an excused or absent status already recorded stays)."""
        out: dict[str, str] = {}
        for r in self.rows:
            pid, status = r["person_id"], r["status"]
            if pid in self.ticked:
                target = "attended"
            else:
                target = status if status in ("excused", "absent") else "absent"
            if target != status:
                out[pid] = target
        return out

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(ATTENDANCE_COLUMNS)

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        return base | Qt.ItemFlag.ItemIsUserCheckable if index.column() == 0 else base

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        r = self.rows[index.row()]
        col = index.column()
        if role == self.ROLE_ID:
            return r["person_id"]
        if role == Qt.ItemDataRole.CheckStateRole and col == 0:
            return Qt.CheckState.Checked if r["person_id"] in self.ticked else Qt.CheckState.Unchecked
        if role == Qt.ItemDataRole.DisplayRole:
            if col == 1:
                return participant_name(r)
            if col == 2:
                return r.get("commune_code", "")
            if col == 3:
                return _(C.PARTICIPATION_STATUSES.get(r["status"], r["status"]))
        return None

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:  # noqa: N802
        if not index.isValid() or index.column() != 0 or role != Qt.ItemDataRole.CheckStateRole:
            return False
        pid = self.rows[index.row()]["person_id"]
        checked = value in (Qt.CheckState.Checked, Qt.CheckState.Checked.value, 2, True)
        if checked:
            self.ticked.add(pid)
        else:
            self.ticked.discard(pid)
        self.dataChanged.emit(index, index, [Qt.ItemDataRole.CheckStateRole])
        return True

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            if 0 <= section < len(ATTENDANCE_COLUMNS):
                return _(ATTENDANCE_COLUMNS[section])
        return None

    def retranslate(self) -> None:
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(ATTENDANCE_COLUMNS) - 1)
        if self.rows:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self.rows) - 1, len(ATTENDANCE_COLUMNS) - 1))
