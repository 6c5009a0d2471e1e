"""Small Qt models over plain data that services return (for lists of tens or hundreds of rows).

Big lists (beneficiaries) use a model that pages from the database through a service instead.

In Arabic a cell shows a code such as 1.1.1-a left to right (``labels.code_text``) and draws the point
between digits as a Latin point, not an Arabic one (``fonts.figures_families``): every table of
records, the dashboard's included, shows action codes as "1.1.1".
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from coopdesk.i18n import _
from ui import fonts
from ui.common.labels import code_text

Index = QModelIndex | QPersistentModelIndex


class Column:
    def __init__(self, title: str, value: Callable[[dict[str, Any]], Any], align: Qt.AlignmentFlag | None = None):
        self.title = title  # an untranslated msgid, translated when shown
        self.value = value
        self.align = align


class RecordsModel(QAbstractTableModel):
    """Rows are dicts; columns say how to show them. ``ROLE_ID`` gives the row's id."""

    ROLE_ID = Qt.ItemDataRole.UserRole + 1

    def __init__(self, columns: Sequence[Column], rows: list[dict[str, Any]] | None = None, parent=None) -> None:
        super().__init__(parent)
        self.columns = list(columns)
        self.rows: list[dict[str, Any]] = rows or []

    def set_rows(self, rows: list[dict[str, Any]]) -> None:
        self.beginResetModel()
        self.rows = rows
        self.endResetModel()

    def row_dict(self, row: int) -> dict[str, Any]:
        return self.rows[row]

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        record = self.rows[index.row()]
        col = self.columns[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            value = col.value(record)
            return "" if value is None else code_text(str(value))
        if role == Qt.ItemDataRole.FontRole:
            value = col.value(record)
            return fonts.figures_families() if value is not None and fonts.has_figures(str(value)) else None
        if role == Qt.ItemDataRole.TextAlignmentRole and col.align is not None:
            return int(col.align | Qt.AlignmentFlag.AlignVCenter)
        if role == self.ROLE_ID:
            return record.get("id")
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        # the title also as a tooltip: a narrow column's header is cut short
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole) \
                and orientation == Qt.Orientation.Horizontal:
            if 0 <= section < len(self.columns):
                return _(self.columns[section].title)
        return None

    def retranslate(self) -> None:
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, max(0, len(self.columns) - 1))
        if self.rows:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self.rows) - 1, len(self.columns) - 1))
