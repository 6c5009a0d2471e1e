"""Export a list as it is shown: the rows of the table (the page's filters already applied by the
service that filled it) and its visible columns, as XLSX or CSV (``coopdesk.people.sheets``).

    button = export_button("exportEvents")             # text set by retranslate_export_button
    button.clicked.connect(lambda: export_table(self, self.table, N_("events")))

The file is chosen through ``dialogs.save_file`` (replaced in tests); a name without a known
extension gets ``.xlsx``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView, QPushButton, QWidget

from coopdesk.errors import CoopError
from coopdesk.i18n import _, format_number
from coopdesk.people.sheets import write_sheet
from ui.common import dialogs


def export_button(object_name: str) -> QPushButton:
    button = QPushButton()
    button.setObjectName(object_name)
    return button


def retranslate_export_button(button: QPushButton) -> None:
    button.setText(_("Export…"))
    button.setToolTip(_("Write this list, as shown, to an Excel or CSV file"))


def table_contents(view: QAbstractItemView) -> tuple[list[str], list[list[Any]]]:
    """Headers and rows of a table view as shown: hidden columns and rows left out, in the view's
    column order; a ``RecordsModel`` cell keeps its value's type (numbers stay numbers)."""
    model = view.model()
    header = view.horizontalHeader() if hasattr(view, "horizontalHeader") else None
    order = ([header.logicalIndex(v) for v in range(header.count())] if header is not None
             else list(range(model.columnCount())))
    cols = [c for c in order if not (hasattr(view, "isColumnHidden") and view.isColumnHidden(c))]
    headers = [str(model.headerData(c, Qt.Orientation.Horizontal) or "") for c in cols]
    records = getattr(model, "rows", None)
    columns = getattr(model, "columns", None)
    rows: list[list[Any]] = []
    for r in range(model.rowCount()):
        if hasattr(view, "isRowHidden") and view.isRowHidden(r):
            continue
        row = []
        for c in cols:
            if records is not None and columns is not None:
                value = columns[c].value(records[r])
                row.append("" if value is None else value if isinstance(value, int | float) else str(value))
            else:
                row.append(model.data(model.index(r, c)) or "")
        rows.append(row)
    return headers, rows


def export_table(parent: QWidget, view: QAbstractItemView, name: str) -> str | None:
    """Ask for a file and write the list shown in ``view``; ``name`` is a msgid of the default
    file name (``N_("events")``). Returns the path written, or None (cancelled or refused)."""
    out = dialogs.save_file(parent, _("Export the list"), f"{_(name)}.xlsx",
                            ";;".join((_("Excel workbook (*.xlsx)"), _("CSV (*.csv)"))))
    if not out:
        return None
    target = Path(out)
    if target.suffix.lower() not in (".xlsx", ".csv"):
        target = target.with_name(f"{target.name}.xlsx")
    headers, rows = table_contents(view)
    try:
        write_sheet(target, headers, rows)
    except (CoopError, OSError) as exc:
        dialogs.warn(parent, _("The export failed: {error}").format(
            error=exc.message() if isinstance(exc, CoopError) else str(exc)))
        return None
    dialogs.info(parent, _("{n} rows written to {path}").format(n=format_number(len(rows)), path=target.name))
    return str(target)
