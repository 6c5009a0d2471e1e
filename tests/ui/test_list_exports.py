"""Every list without its own export dialog has an "Export…" button that writes the rows and the
columns the table shows (the page's filters applied) to XLSX or CSV."""

from __future__ import annotations

import csv

import pytest
from openpyxl import load_workbook
from PySide6.QtCore import Qt
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QPushButton

from ui.common import dialogs

PAGES = [
    ("ui.events.page", "EventsPage", "exportEvents", "table"),
    ("ui.plans.page", "PlansPage", "exportActions", "table"),
    ("ui.funding.page", "FundingPage", "exportRequests", "request_view"),
    ("ui.committee.page", "CommitteePage", "exportMeetings", "meeting_view"),
]


def _shown(view) -> tuple[list[str], list[list[str]]]:
    model = view.model()
    cols = [c for c in range(model.columnCount()) if not view.isColumnHidden(c)]
    headers = [model.headerData(c, Qt.Orientation.Horizontal) for c in cols]
    rows = [[model.data(model.index(r, c)) for c in cols] for r in range(model.rowCount())
            if not view.isRowHidden(r)]
    return headers, rows


@pytest.mark.parametrize(("module", "cls", "button", "view"), PAGES, ids=[p[1] for p in PAGES])
@pytest.mark.parametrize("suffix", ["xlsx", "csv"])
def test_export_button_writes_the_list_as_shown(qtbot, demo, monkeypatch, tmp_path, module, cls, button, view,
                                                suffix):
    import importlib

    page_cls = getattr(importlib.import_module(module), cls)
    asked: list[tuple[str, str]] = []
    told: list[str] = []
    out = tmp_path / f"list.{suffix}"
    monkeypatch.setattr(dialogs, "save_file", lambda parent, title, name="", filters="": (
        asked.append((name, filters)), str(out))[1])
    monkeypatch.setattr(dialogs, "info", lambda parent, text: told.append(text))
    monkeypatch.setattr(dialogs, "warn", lambda parent, text: pytest.fail(text))
    page = page_cls(demo, QUndoStack())
    qtbot.addWidget(page)
    page.resize(1366, 768)
    page.show()
    qtbot.wait(10)
    if cls == "PlansPage":  # a filter applied: only the actions of one status are shown
        page.filter_status.set_code("in_progress")
        page.refresh_actions()
    table = getattr(page, view)
    headers, rows = _shown(table)
    assert rows, "the demo data shows rows in this list"
    if cls == "PlansPage":
        assert len(rows) < len(demo.plans.actions())  # the other year and statuses are left out
    qtbot.mouseClick(page.findChild(QPushButton, button), Qt.MouseButton.LeftButton)
    assert asked and asked[0][0].endswith(".xlsx") and "*.csv" in asked[0][1]
    assert out.exists() and told
    if suffix == "xlsx":
        got = [["" if v is None else str(v) for v in row] for row in load_workbook(out).active.iter_rows(values_only=True)]
    else:
        with out.open(encoding="utf-8-sig", newline="") as fh:
            got = list(csv.reader(fh, delimiter=";"))
    assert got[0] == headers
    assert got[1:] == rows
