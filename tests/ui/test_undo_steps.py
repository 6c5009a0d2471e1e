"""Undo and redo of the steps that change a record's state, as a person does them in the main window:
a plan's next step and the year's lock, preparing the draft of the minutes and starting a new
version, and an administrator's changes to accounts. Click, answer the question, press Ctrl+Z: the
screen shows what it showed before; Ctrl+Y (redo) shows the step again. Finalising minutes stays
outside the stack; so does an editor's lock, which only an administrator can lift."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QInputDialog, QLabel, QPushButton

from coopdesk.domain import constants as C
from coopdesk.errors import CoopError
from coopdesk.i18n import _
from coopdesk.services.base import Actor
from tests.ui.person import click as _click
from tests.ui.person import go_to as _go
from tests.ui.person import redo as _redo
from tests.ui.person import undo as _undo
from ui.common import dialogs


@pytest.fixture
def seen(monkeypatch):
    """The questions and warnings a person would have seen; every question answered Yes, and the
    list of decisions answered with what it offers first (OK)."""
    out: dict[str, list[str]] = {"warn": [], "confirm": []}
    monkeypatch.setattr(dialogs, "warn", lambda parent, text: out["warn"].append(text))
    monkeypatch.setattr(dialogs, "confirm", lambda parent, text: out["confirm"].append(text) or True)
    monkeypatch.setattr(QInputDialog, "getItem",
                        staticmethod(lambda parent, title, label, items, current, editable: (items[current], True)))
    return out


# ---------------------------------------------------------------------- plans


def _shown(page) -> tuple[str, str, str]:
    """What the top of the plans page says: the highlighted step, the line under it, the lock button."""
    return (page.steps.status, page.plan_info.text(), page.findChild(QPushButton, "lockYear").text())


def test_next_steps_and_the_lock_of_a_plan_are_undone_and_redone(window, qtbot, demo, seen):
    page = _go(window, qtbot, "plans")
    _click(qtbot, page, "newPlan")
    assert page.plan_combo.currentText() == "2027"
    draft = _shown(page)
    assert draft[0] == "draft"

    _click(qtbot, page, "nextStep")  # validated by the decision chosen in the list
    plan = demo.plans.plan_for_year(2027)
    assert plan["status"] == "validated" and plan["decision_id"]
    validated = _shown(page)
    assert validated[0] == "validated" and "Validé le" in validated[1]
    assert window.act_undo.text().endswith(_("Move the {year} action plan to “{status}”").format(
        year=2027, status=_(C.PLAN_STATUSES["validated"])))

    _undo(qtbot, page.table)
    assert _shown(page) == draft
    back = demo.plans.plan_for_year(2027)
    assert (back["status"], back["decision_id"], back["validated_on"]) == ("draft", None, None)
    _redo(qtbot, page.table)
    assert _shown(page) == validated
    again = demo.plans.plan_for_year(2027)
    assert (again["decision_id"], again["validated_on"]) == (plan["decision_id"], plan["validated_on"])

    _click(qtbot, page, "nextStep")
    _click(qtbot, page, "nextStep")
    evaluated = _shown(page)
    assert evaluated[0] == "evaluated"
    _click(qtbot, page, "lockYear")
    assert "2027" in seen["confirm"][-1]
    locked = _shown(page)
    assert locked[2] == _("Unlock the year") and demo.plans.plan_for_year(2027)["locked"]

    _undo(qtbot, page.table)  # the lock
    assert _shown(page) == evaluated and not demo.plans.plan_for_year(2027)["locked"]
    _redo(qtbot, page.table)
    assert _shown(page) == locked
    _undo(qtbot, page.table)
    _undo(qtbot, page.table)  # evaluated → in progress
    assert page.steps.status == "in_progress"
    assert page.findChild(QPushButton, "nextStep").isEnabled()
    assert seen["warn"] == []


def test_a_step_undone_after_the_year_was_locked_elsewhere_is_said_and_dropped(window, qtbot, demo, seen):
    page = _go(window, qtbot, "plans")
    _click(qtbot, page, "newPlan")
    _click(qtbot, page, "nextStep")
    plan = demo.plans.plan_for_year(2027)
    demo.plans.lock_year(plan["id"])  # another PC of the town hall, on the same server
    _undo(qtbot, page.table)
    assert seen["warn"] == [CoopError("year_locked", year=2027).message()]
    assert demo.plans.plan_for_year(2027)["status"] == "validated"


def test_an_editor_locks_after_a_question_and_no_undo_is_offered(qtbot, demo, seen, settings):
    from PySide6.QtWidgets import QApplication

    from ui.language import apply_language
    from ui.main_window import MainWindow

    apply_language(QApplication.instance(), "fr")
    editor = demo.as_user(Actor("redacteur", "editor", False))
    w = MainWindow(editor, settings=settings)
    qtbot.addWidget(w)
    w.show()
    page = _go(w, qtbot, "plans")
    page.plan_combo.setCurrentIndex(page.plan_combo.findText("2025"))  # evaluated
    _click(qtbot, page, "lockYear")
    assert seen["confirm"] == [_(
        "Lock the year {year}? Its actions, indicators, funding, enrolments and events will no longer "
        "change; only an administrator can unlock it.").format(year=2025)]
    assert demo.plans.plan_for_year(2025)["locked"]
    assert w.undo_stack.count() == 0 and not w.act_undo.isEnabled()
    assert not page.findChild(QPushButton, "lockYear").isEnabled()  # unlocking is for an administrator


# ---------------------------------------------------------------------- minutes


def test_draft_minutes_and_a_new_version_are_undone_but_finalising_is_not(window, qtbot, demo, seen):
    from coopdesk.domain.reference import commune_id

    m = demo.committee.create_meeting(host_commune_id=commune_id("VLG"), place="Villeneuve",
                                      held_at="2026-10-01 10:00")
    demo.committee.add_attendee(meeting_id=m["id"], name="Abdellah GHAZI", role="elected",
                                commune_id=commune_id("TIZ"), presence="present", is_president=True)
    page = _go(window, qtbot, "committee")
    page.refresh()
    row = next(r for r, x in enumerate(page.meetings.rows) if x["id"] == m["id"])
    rect = page.meeting_view.visualRect(page.meetings.index(row, 0))
    qtbot.mouseClick(page.meeting_view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    page.tabs.setCurrentIndex(4)
    status = page.findChild(QLabel, "minutesStatus")
    nothing = status.text()

    _click(qtbot, page, "draftMinutes")
    assert "GHAZI" in page.minutes_text.toPlainText()
    v1 = page.latest_minutes()
    _undo(qtbot, page.minutes_text)
    assert status.text() == nothing and page.minutes_text.toPlainText() == ""
    assert demo.committee.meeting(m["id"])["minutes"] == []
    _redo(qtbot, page.minutes_text)
    assert page.latest_minutes()["id"] == v1["id"] and page.minutes_text.toPlainText() == v1["content"]

    # the record changes, the draft is written again; undo gives it its first text back
    demo.committee.add_attendee(meeting_id=m["id"], name="Pascal PELAIN", role="elected",
                                commune_id=commune_id("VLG"), presence="present", is_president=True)
    _click(qtbot, page, "draftMinutes")
    assert "PELAIN" in page.minutes_text.toPlainText()
    _undo(qtbot, page.minutes_text)
    assert page.minutes_text.toPlainText() == v1["content"]
    _redo(qtbot, page.minutes_text)
    assert "PELAIN" in page.minutes_text.toPlainText()
    steps = window.undo_stack.count()
    _click(qtbot, page, "draftMinutes")  # nothing changed since: no empty step to undo
    assert window.undo_stack.count() == steps

    _click(qtbot, page, "finaliseMinutes")  # confirmed, and not on the stack
    assert window.undo_stack.count() == steps
    final = status.text()
    _click(qtbot, page, "newMinutesVersion")
    assert page.latest_minutes()["version"] == 2 and page.latest_minutes()["status"] == "draft"
    v2 = page.latest_minutes()["id"]
    _undo(qtbot, page.minutes_text)
    assert status.text() == final and page.findChild(QPushButton, "newMinutesVersion").isEnabled()
    with pytest.raises(CoopError):  # the meeting is frozen again
        demo.committee.update_meeting(m["id"], place="Ailleurs")
    _redo(qtbot, page.minutes_text)
    assert page.latest_minutes()["id"] == v2 and page.latest_minutes()["status"] == "draft"
    assert seen["warn"] == []


# ---------------------------------------------------------------------- accounts


def _click_user(qtbot, page, username: str) -> None:
    row = next(r for r, u in enumerate(page.users.rows) if u["username"] == username)
    rect = page.user_view.visualRect(page.users.index(row, 0))
    qtbot.mouseClick(page.user_view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def _listed(page) -> dict[str, tuple[str, ...]]:
    """The users table as shown: name → its cells."""
    model = page.users
    return {model.index(r, 0).data(): tuple(model.index(r, c).data() for c in range(model.columnCount()))
            for r in range(model.rowCount())}


def test_adding_a_user_is_undone_and_redone_with_the_same_account(window, qtbot, demo, seen):
    page = _go(window, qtbot, "settings")
    demo.auth.set_password("admin", "tiznit-admin-1")
    before = _listed(page)
    form = page.user_form
    qtbot.keyClicks(form.widget("username"), "salma")
    form.widget("role").set_code("viewer")
    for name in ("password", "password_repeat"):
        qtbot.keyClicks(form.widget(name), "salma-tiznit")
    _click(qtbot, page, "addUser")
    assert "salma" in _listed(page)
    salma = next(u for u in demo.users.users() if u["username"] == "salma")

    _undo(qtbot, page.user_view)
    assert _listed(page) == before
    with pytest.raises(CoopError):
        demo.auth.login("salma", "salma-tiznit")
    _redo(qtbot, page.user_view)
    assert next(u for u in demo.users.users() if u["username"] == "salma")["id"] == salma["id"]
    assert demo.auth.login("salma", "salma-tiznit").role == "viewer"
    assert _listed(page)["salma"][2] == _(C.USER_ROLES["viewer"])


def test_role_health_access_password_and_unlock_are_undone(window, qtbot, demo, seen):
    page = _go(window, qtbot, "settings")
    form = page.user_form
    demo.auth.set_password("admin", "tiznit-admin-1")
    demo.auth.set_password("redacteur", "redacteur-2026")
    page.refresh_users()
    before = _listed(page)

    _click_user(qtbot, page, "redacteur")
    form.widget("role").set_code("viewer")
    qtbot.mouseClick(form.widget("can_see_health"), Qt.MouseButton.LeftButton)
    for name in ("password", "password_repeat"):
        qtbot.keyClicks(form.widget(name), "nouveau-2027")
    _click(qtbot, page, "setRole")
    changed = _listed(page)
    assert changed["redacteur"][2:4] == (_(C.USER_ROLES["viewer"]), _("Yes"))
    assert demo.auth.login("redacteur", "nouveau-2027").role == "viewer"

    _undo(qtbot, page.user_view)
    assert _listed(page) == before
    assert form.widget("role").code() == "editor" and not form.widget("can_see_health").isChecked()
    assert demo.auth.login("redacteur", "redacteur-2026").role == "editor"  # the password as it was
    _redo(qtbot, page.user_view)
    assert _listed(page) == changed
    assert demo.auth.login("redacteur", "nouveau-2027").can_see_health

    # five wrong passwords lock the account; the administrator unlocks it, then undoes that
    for _attempt in range(5):
        with pytest.raises(CoopError):
            demo.auth.login("redacteur", "faux-mot-de-passe")
    page.refresh_users()
    locked = _listed(page)
    assert locked["redacteur"][4] == _("Yes")
    _click_user(qtbot, page, "redacteur")
    _click(qtbot, page, "unlockUser")
    assert _listed(page)["redacteur"][4] == _("No")
    _undo(qtbot, page.user_view)
    assert _listed(page) == locked and page.findChild(QPushButton, "unlockUser").isEnabled()
    with pytest.raises(CoopError):
        demo.auth.login("redacteur", "nouveau-2027")
    _redo(qtbot, page.user_view)
    assert demo.auth.login("redacteur", "nouveau-2027").username == "redacteur"
    assert seen["warn"] == []

