"""The main window opens on the demo database and shows the dashboard's real data."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QListWidget, QTableView


def test_dashboard_shows_plan_indicators_and_warnings(window):
    plan = window.findChild(QLabel, "planLabel").text()
    assert "2026" in plan
    table = window.findChild(QTableView, "indicatorTable")
    model = table.model()
    rows = {model.index(r, 1).data(): (model.index(r, 2).data(), model.index(r, 3).data())
            for r in range(model.rowCount())}
    assert rows["Personnes accompagnées"] == ("120", "120")
    warnings = window.findChild(QListWidget, "warningList")
    texts = [warnings.item(i).text() for i in range(warnings.count())]
    assert any("2027" in t for t in texts)


def test_navigation_lists_every_area(window, qtbot):
    nav = window.findChild(QListWidget, "navigation")
    assert nav.count() == 9
    qtbot.keyClick(nav, Qt.Key.Key_Down)
    assert window.stack.currentIndex() == 1


def test_arabic_turns_the_window_right_to_left(window):
    window.set_language("ar")
    assert window.layoutDirection() == Qt.LayoutDirection.RightToLeft
    window.set_language("fr")
    assert window.layoutDirection() == Qt.LayoutDirection.LeftToRight
