"""Tab goes through a page in the order a person reads it."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication


def _tab_through(qtbot, start, stop_at: str, limit: int = 30) -> list[str]:
    start.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is start)
    seen = []
    for _ in range(limit):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        name = QApplication.focusWidget().objectName()
        seen.append(name)
        if name == stop_at:
            break
    return seen


def test_beneficiaries_tab_order_follows_the_rows_of_the_page(window, qtbot):
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    window.nav.setCurrentRow(3)
    page = window.pages["people"]
    can_delete = page.delete_button.isEnabled()  # nothing open yet: a disabled button is skipped
    seen = _tab_through(qtbot, page.search, "peopleTable")
    order = ["newPerson", "deletePerson", "importPeople", "exportPeople", "findDuplicates", "anonymisePerson",
             "filterCommune", "filterSex", "filterAction", "filterDisability", "peopleTable"]
    if not can_delete:
        order.remove("deletePerson")
    assert [n for n in seen if n in order] == order, seen
