"""A table cell or column header cut short ("…") shows its whole text when the mouse rests on it."""

from __future__ import annotations

from PySide6.QtCore import QPoint
from PySide6.QtWidgets import QToolTip


def _hover(qtbot, widget, pos: QPoint) -> str:
    qtbot.mouseMove(widget, pos)
    qtbot.waitUntil(QToolTip.isVisible, timeout=5000)
    return QToolTip.text()


def _rest_elsewhere(qtbot, window) -> None:
    qtbot.mouseMove(window.nav.viewport(), QPoint(5, 5))
    qtbot.waitUntil(lambda: not QToolTip.isVisible(), timeout=5000)


def test_event_titles_and_headers_cut_in_the_narrow_list_show_whole_on_hover(window, qtbot):
    window.resize(1366, 768)
    window.activateWindow()  # tooltips show in the active window
    qtbot.waitUntil(window.isActiveWindow)
    window.nav.setCurrentRow(4)
    page = window.pages["events"]
    view = page.table
    title_col = 1
    row = next(r for r, e in enumerate(page.list_model.rows) if e["title"].startswith("Foire de l'artisanat"))
    title = page.list_model.row_dict(row)["title"]
    rect = view.visualRect(page.list_model.index(row, title_col))
    assert view.fontMetrics().horizontalAdvance(title) > rect.width()  # cut in the list
    assert _hover(qtbot, view.viewport(), rect.center()) == title

    _rest_elsewhere(qtbot, window)
    header = view.horizontalHeader()
    last = page.list_model.columnCount() - 1
    x = header.sectionViewportPosition(last) + 10
    assert _hover(qtbot, header.viewport(), QPoint(x, header.height() // 2)) == "Participants"
