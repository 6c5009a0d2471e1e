"""Closing the window (Ctrl+W, Ctrl+Q, the title bar) with a form typed into but not saved asks
first; answering no keeps the window and what was typed. Nothing to save: it just closes."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton

from ui.common import dialogs
from ui.main_window import AREAS


def _open_people(qtbot, window):
    window.nav.setCurrentRow([k for k, _t in AREAS].index("people"))
    page = window.pages["people"]
    qtbot.waitUntil(lambda: page.isVisible(), timeout=3000)
    return page


def test_close_with_unsaved_typing_asks_and_no_keeps_everything(qtbot, window, monkeypatch):
    asked: list[str] = []
    answer = [False]
    monkeypatch.setattr(dialogs, "confirm", lambda parent, text: asked.append(text) or answer[0])
    page = _open_people(qtbot, window)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=3000)
    qtbot.mouseClick(page.findChild(QPushButton, "newPerson"), Qt.MouseButton.LeftButton)
    last = page.panel.form.widget("last_name")
    last.setFocus()
    qtbot.keyClicks(last, "Zerhouni")
    qtbot.keyClick(last, Qt.Key.Key_W, Qt.KeyboardModifier.ControlModifier)  # Close
    assert len(asked) == 1 and "Bénéficiaires" in asked[0]
    assert window.isVisible() and last.text() == "Zerhouni"
    # Saved, nothing is lost any more: closing asks nothing.
    page.panel.form.widget("sex").set_code("F")
    qtbot.mouseClick(page.findChild(QPushButton, "savePerson"), Qt.MouseButton.LeftButton)
    assert page.panel.person_id is not None
    assert window.unsaved() == []
    qtbot.keyClick(page.panel.form.widget("last_name"), Qt.Key.Key_Q, Qt.KeyboardModifier.ControlModifier)  # Quit
    assert len(asked) == 1
    assert not window.isVisible()


def test_close_with_unsaved_typing_yes_closes(qtbot, window, monkeypatch):
    monkeypatch.setattr(dialogs, "confirm", lambda parent, text: True)
    page = _open_people(qtbot, window)
    page.panel.new()
    qtbot.keyClicks(page.panel.form.widget("first_name"), "Salma")
    assert window.unsaved()
    window.close()
    assert not window.isVisible()


def test_opening_records_leaves_nothing_unsaved(qtbot, window, demo):
    """Only typing makes a form "modified": records opened on every page do not."""
    from coopdesk.domain.reference import CONVENTION_ID

    records = [("person", demo.people.search("", limit=1)[0]["id"]),
               ("event", demo.events.events()[0]["id"]),
               ("meeting", demo.committee.meetings()[0]["id"]),
               ("plan", demo.plans.plans()[0]["id"]),
               ("action", demo.plans.actions()[0]["id"]),
               ("convention", CONVENTION_ID)]
    for entity, row_id in records:
        window.open_record(entity, row_id)
        qtbot.wait(20)
    for row in range(len(AREAS)):
        window.nav.setCurrentRow(row)
        qtbot.wait(10)
    assert window.unsaved() == []
