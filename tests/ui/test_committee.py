"""Steering committee page: a decision with one "no" vote is not adopted; minutes go to enforceable."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QLabel, QPushButton

from ui.common import dialogs


@pytest.fixture
def page(qtbot, demo, monkeypatch):
    from ui.committee.page import CommitteePage

    warnings: list[str] = []
    monkeypatch.setattr(dialogs, "warn", lambda parent, text: warnings.append(text))
    monkeypatch.setattr(dialogs, "confirm", lambda parent, text: True)
    stack = QUndoStack()
    p = CommitteePage(demo, stack)
    p.stack = stack
    p.warnings = warnings
    qtbot.addWidget(p)
    p.resize(1366, 768)
    p.show()
    return p


def _new_meeting(qtbot, page, demo) -> str:
    qtbot.mouseClick(page.findChild(QPushButton, "newMeeting"), Qt.MouseButton.LeftButton)
    qtbot.keyClicks(page.form.widget("place"), "Salle du conseil, Villeneuve")
    qtbot.keyClicks(page.form.widget("held_at"), "2026-11-20 10:00")
    vlg = [c for c in demo.setup.communes() if c["code"] == "VLG"][0]
    page.form.widget("host_commune_id").set_code(vlg["id"])
    qtbot.mouseClick(page.findChild(QPushButton, "saveMeeting"), Qt.MouseButton.LeftButton)
    assert page.warnings == []
    assert page.meeting_id
    return page.meeting_id


def _add_attendee(qtbot, page, name: str, commune: str, president: bool) -> None:
    page.tabs.setCurrentIndex(1)
    f = page.att_form
    qtbot.keyClicks(f.widget("name"), name)
    f.widget("role").set_code("elected")
    code = [c for c in page.communes if c["code"] == commune][0]["id"]
    f.widget("commune_id").set_code(code)
    f.widget("presence").set_code("present")
    f.widget("is_president").setChecked(president)
    qtbot.mouseClick(page.findChild(QPushButton, "addAttendee"), Qt.MouseButton.LeftButton)


def test_decision_with_one_no_vote_is_not_adopted(qtbot, qtmodeltester, page, demo):
    mid = _new_meeting(qtbot, page, demo)
    _add_attendee(qtbot, page, "Abdellah GHAZI", "TIZ", True)
    _add_attendee(qtbot, page, "Pascal PELAIN", "VLG", True)
    _add_attendee(qtbot, page, "Marc Dupont", "VLG", False)
    assert len(demo.committee.meeting(mid)["attendees"]) == 3
    page.tabs.setCurrentIndex(2)
    qtbot.keyClicks(page.agenda_form.widget("title"), "Plan d'action 2027")
    qtbot.mouseClick(page.findChild(QPushButton, "addAgendaItem"), Qt.MouseButton.LeftButton)
    page.tabs.setCurrentIndex(3)
    qtbot.keyClicks(page.decision_form.widget("number"), "2026-07")
    qtbot.keyClicks(page.decision_form.widget("title"), "Validation du plan d'action 2027")
    page.decision_form.widget("kind").set_code("plan_validation")
    qtbot.mouseClick(page.findChild(QPushButton, "addDecision"), Qt.MouseButton.LeftButton)
    assert page.warnings == []
    qtmodeltester.check(page.votes)
    assert page.votes.rowCount() == 3
    label = page.findChild(QLabel, "unanimityLabel")
    # votes read aloud: yes, yes, no (the selection moves to the next member after each vote)
    page.vote_view.selectRow(0)
    for value in ("yes", "yes"):
        qtbot.mouseClick(page.findChild(QPushButton, f"vote_{value}"), Qt.MouseButton.LeftButton)
    assert label.text().startswith("…")  # one vote missing
    qtbot.mouseClick(page.findChild(QPushButton, "vote_no"), Qt.MouseButton.LeftButton)
    decision = demo.committee.meeting(mid)["decisions"][0]
    assert decision["adopted"] is False
    assert label.text().startswith("✖")
    qtmodeltester.check(page.votes)
    # undo the "no": the vote disappears again; a "yes" in its place makes it adopted
    page.stack.undo()
    assert len(demo.committee.meeting(mid)["decisions"][0]["votes"]) == 2
    page.vote_view.selectRow(2)
    qtbot.mouseClick(page.findChild(QPushButton, "vote_yes"), Qt.MouseButton.LeftButton)
    assert demo.committee.meeting(mid)["decisions"][0]["adopted"] is True
    assert label.text().startswith("✔")


def test_finalise_and_sign_minutes_until_enforceable(qtbot, page, demo):
    mid = _new_meeting(qtbot, page, demo)
    _add_attendee(qtbot, page, "Abdellah GHAZI", "TIZ", True)
    page.tabs.setCurrentIndex(4)
    status = page.findChild(QLabel, "minutesStatus")
    sign_tiz = page.findChild(QPushButton, "sign_TIZ")
    assert not sign_tiz.isEnabled()
    qtbot.mouseClick(page.findChild(QPushButton, "draftMinutes"), Qt.MouseButton.LeftButton)
    assert page.latest_minutes()["status"] == "draft"
    assert "GHAZI" in page.minutes_text.toPlainText()
    qtbot.mouseClick(page.findChild(QPushButton, "finaliseMinutes"), Qt.MouseButton.LeftButton)
    assert page.latest_minutes()["status"] == "final"
    assert sign_tiz.isEnabled()
    qtbot.mouseClick(sign_tiz, Qt.MouseButton.LeftButton)
    assert page.latest_minutes()["status"] == "signed_one"
    assert not sign_tiz.isEnabled()
    qtbot.mouseClick(page.findChild(QPushButton, "sign_VLG"), Qt.MouseButton.LeftButton)
    assert demo.committee.meeting(mid)["minutes"][-1]["status"] == "enforceable"
    assert page.findChild(QLabel, "step_enforceable").text().startswith("✔")
    assert status.text()
    # the record is frozen: adding an attendee is refused with the service's sentence
    page.tabs.setCurrentIndex(1)
    _add_attendee(qtbot, page, "Naima Ouhammou", "TIZ", False)
    assert page.warnings
    qtbot.mouseClick(page.findChild(QPushButton, "newMinutesVersion"), Qt.MouseButton.LeftButton)
    assert page.latest_minutes()["version"] == 2 and page.latest_minutes()["status"] == "draft"


def test_meetings_list_model(qtmodeltester, page):
    qtmodeltester.check(page.meetings)
    assert page.meetings.rowCount() >= 2
