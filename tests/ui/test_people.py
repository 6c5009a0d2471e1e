"""Beneficiaries page: typed like a person would, on the demo database."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent, QUndoStack
from PySide6.QtWidgets import QApplication, QLabel, QLineEdit, QPushButton, QTableView

from coopdesk.domain import constants as C
from coopdesk.i18n import _
from ui.common import dialogs


@pytest.fixture
def page(qtbot, demo, monkeypatch):
    from ui.people.page import PeoplePage

    warnings: list[str] = []
    monkeypatch.setattr(dialogs, "warn", lambda parent, text: warnings.append(text))
    stack = QUndoStack()
    p = PeoplePage(demo, stack)
    p.undo_stack_ = stack
    p.warnings = warnings
    qtbot.addWidget(p)
    p.resize(1366, 768)
    p.show()
    return p


def type_text(qtbot, widget, text: str) -> None:
    """Type like a keyboard does; QTest.keyClicks only knows Latin-1, so Arabic letters are sent as
    key events carrying their text (what an Arabic keyboard layout delivers)."""
    widget.setFocus()
    for ch in text:
        if ord(ch) < 128:
            qtbot.keyClick(widget, ch)
        else:
            for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
                QApplication.sendEvent(widget, QKeyEvent(kind, 0, Qt.KeyboardModifier.NoModifier, ch))


def _search(qtbot, page, text: str) -> None:
    page.search.clear()
    type_text(qtbot, page.search, text)
    qtbot.waitUntil(lambda: not page.timer.isActive() and page.model.text == text, timeout=2000)


def _names(page) -> list[str]:
    m = page.model
    return [m.index(r, 0).data() + " | " + m.index(r, 1).data() for r in range(m.rowCount())]


def _type(qtbot, page, field: str, text: str) -> None:
    w = page.panel.form.widget(field)
    target = w.edit if hasattr(w, "edit") else w
    target.clear()
    type_text(qtbot, target, text)


def test_create_by_typing_find_by_search_in_both_scripts_then_undo(qtbot, qtmodeltester, page, demo):
    qtmodeltester.check(page.model)
    total = page.model.rowCount()
    assert total == demo.people.count() > 100
    qtbot.mouseClick(page.findChild(QPushButton, "newPerson"), Qt.MouseButton.LeftButton)
    _type(qtbot, page, "last_name", "Zerhouni")
    _type(qtbot, page, "first_name", "Salma")
    _type(qtbot, page, "last_name_ar", "الزرهوني")
    _type(qtbot, page, "first_name_ar", "سلمى")
    page.panel.form.widget("sex").set_code("F")
    _type(qtbot, page, "birth_date", "2004-05-17")
    qtbot.mouseClick(page.findChild(QPushButton, "savePerson"), Qt.MouseButton.LeftButton)
    assert page.warnings == []
    assert page.panel.person_id is not None
    assert page.model.rowCount() == total + 1

    _search(qtbot, page, "zerhou")
    assert _names(page) == ["Zerhouni Salma | الزرهوني سلمى"]
    _search(qtbot, page, "الزرهوني")
    assert _names(page) == ["Zerhouni Salma | الزرهوني سلمى"]
    assert "1" in page.findChild(QLabel, "peopleCount").text()

    page.undo_stack_.undo()  # what Ctrl+Z does in the main window
    assert page.model.rowCount() == 0
    assert demo.people.count("zerhouni") == 0
    assert page.panel.person_id is None or page.panel.title.text()
    page.undo_stack_.redo()
    assert demo.people.count("zerhouni") == 1
    assert page.model.rowCount() == 1


def test_bad_birth_date_is_refused_next_to_the_field(qtbot, page, demo):
    total = demo.people.count()
    page.panel.new()
    _type(qtbot, page, "last_name", "Amrani")
    page.panel.form.widget("sex").set_code("M")
    _type(qtbot, page, "birth_date", "31/02/2001")
    qtbot.mouseClick(page.findChild(QPushButton, "savePerson"), Qt.MouseButton.LeftButton)
    error = page.findChild(QLabel, "error_birth_date")
    assert error.isVisible()
    assert "31/02/2001" in error.text() and "date" in error.text()  # French sentence from the catalog
    assert page.warnings == []
    assert demo.people.count() == total
    assert page.undo_stack_.count() == 0
    # a future date is refused the same way; a missing sex next to the sex field
    _type(qtbot, page, "birth_date", "2999-01-01")
    page.panel.form.widget("sex").set_code("")
    qtbot.mouseClick(page.findChild(QPushButton, "savePerson"), Qt.MouseButton.LeftButton)
    assert page.findChild(QLabel, "error_sex").isVisible()


def test_filters_sort_and_enrolment_with_milestone(qtbot, qtmodeltester, page, demo):
    page.commune.set_code("VLG")
    assert page.model.rowCount() == demo.people.count(commune="VLG")
    page.sex.set_code("F")
    assert all(page.model.index(r, 2).data() == _(C.SEXES["F"]) for r in range(page.model.rowCount()))
    page.commune.set_code("")
    page.sex.set_code("")
    page.disability.set_code("yes")
    assert page.model.rowCount() == 120
    page.disability.set_code("")
    table = page.findChild(QTableView, "peopleTable")
    header = table.horizontalHeader()
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton,
                     pos=header.rect().center().__class__(header.sectionViewportPosition(3) + 5, 5))
    first = page.model.record(0)["birth_date"]
    last = page.model.record(page.model.rowCount() - 1)["birth_date"]
    assert first is None or last is None or first <= last
    qtmodeltester.check(page.model)

    # open a person, enrol in another action, add a milestone, then undo the milestone
    table.selectRow(0)
    pid = page.panel.person_id
    assert pid
    before = len(demo.people.person(pid)["enrolments"])
    page.panel.setCurrentIndex(1)
    target = [a for a in page.panel.actions if a["code"] == "2.1.1"][0]
    page.panel.action_combo.set_code(target["id"])
    qtbot.keyClicks(page.panel.enrol_date.edit, "2026-02-01")
    qtbot.mouseClick(page.panel.enrol_button, Qt.MouseButton.LeftButton)
    assert len(demo.people.person(pid)["enrolments"]) == before + 1
    tree = page.panel.enrolments
    row = [r for r in range(tree.rowCount()) if tree.item(r, 0).text().startswith("2.1.1")][0]
    page.panel.enrol_view.setCurrentIndex(tree.index(row, 0))
    page.panel.ms_kind.set_code("internship")
    qtbot.keyClicks(page.panel.ms_date.edit, "2026-06-10")
    qtbot.mouseClick(page.panel.ms_button, Qt.MouseButton.LeftButton)
    enr = [e for e in demo.people.person(pid)["enrolments"] if e["action_code"] == "2.1.1"][0]
    assert [m["kind"] for m in enr["milestones"]] == ["internship"]
    timeline = page.panel.timeline
    assert any(_(C.MILESTONE_KINDS["internship"]) in timeline.item(r).text() for r in range(timeline.rowCount()))
    page.undo_stack_.undo()
    enr = [e for e in demo.people.person(pid)["enrolments"] if e["action_code"] == "2.1.1"][0]
    assert enr["milestones"] == []


def test_health_details_hidden_without_permission(qtbot, demo):
    from coopdesk.services import Actor
    from ui.people.page import PeoplePage

    svc = demo.as_user(Actor("agent", "editor", can_see_health=False))
    p = PeoplePage(svc, QUndoStack())
    qtbot.addWidget(p)
    p.show()
    p.disability.set_code("yes")
    p.findChild(QTableView, "peopleTable").selectRow(0)
    details = p.panel.form.widget("disability_details")
    assert not details.isVisible()
    assert details.toPlainText() == ""


def test_viewer_sees_no_edit_buttons(qtbot, demo):
    from coopdesk.services import Actor
    from ui.people.page import PeoplePage

    p = PeoplePage(demo.as_user(Actor("v", "viewer", True)), QUndoStack())
    qtbot.addWidget(p)
    p.show()
    assert not p.findChild(QPushButton, "newPerson").isVisible()
    assert not p.findChild(QPushButton, "savePerson").isVisible()
    assert p.panel.form.widget("last_name").isReadOnly()


def test_find_shortcut_focuses_search(qtbot, page):
    page.panel.form.widget("last_name").setFocus()
    qtbot.keySequence(page.panel.form.widget("last_name"), "Ctrl+F")
    assert page.findChild(QLineEdit, "peopleSearch").hasFocus()
