"""The service operations behind the undo of a plan's steps, of a draft of the minutes and of the
changes made to accounts: each puts back what was, and refuses (translated) what would undo
something else: a plan moved on meanwhile, a locked year, final minutes, one's own account, an
account name taken since, a site where nobody could administer accounts any more. A viewer changes
nothing."""

from __future__ import annotations

import pytest

from coopdesk.domain.reference import commune_id
from coopdesk.errors import CoopError
from coopdesk.services import Actor


def _refused(call, code: str) -> CoopError:
    with pytest.raises(CoopError) as e:
        call()
    assert e.value.code == code
    assert e.value.message("fr") != code  # a sentence, not the code
    return e.value


def _decision(svc) -> str:
    m = svc.committee.create_meeting(host_commune_id=commune_id("TIZ"), place="Tiznit", held_at="2026-11-20 10:00")
    for name, code in (("Ghazi", "TIZ"), ("Pelain", "VLG")):
        svc.committee.add_attendee(meeting_id=m["id"], name=name, role="elected", commune_id=commune_id(code),
                                   presence="present", is_president=True)
    d = svc.committee.add_decision(meeting_id=m["id"], number="2026-07", title="Plan 2027", kind="plan_validation")
    svc.committee.vote_all(d["id"], "yes")
    return d["id"]


def test_a_plan_goes_back_one_step_at_a_time_and_forgets_its_validation_in_draft(demo):
    svc = demo
    plan = svc.plans.create_plan(2027)
    decision = _decision(svc)
    validated = svc.plans.validate_plan(plan["id"], decision)
    svc.plans.set_plan_status(plan["id"], "in_progress")

    _refused(lambda: svc.plans.step_back_plan(plan["id"], "validated"), "plan_step_changed")  # it moved on
    assert svc.plans.step_back_plan(plan["id"], "in_progress")["status"] == "validated"
    back = svc.plans.step_back_plan(plan["id"], "validated")
    assert (back["status"], back["decision_id"], back["validated_on"]) == ("draft", None, None)
    # the decision is no longer the plan's legal basis: it could be deleted now; the redo records it again
    again = svc.plans.validate_plan(plan["id"], decision, on=validated["validated_on"])
    assert (again["decision_id"], again["validated_on"]) == (decision, validated["validated_on"])
    with pytest.raises(CoopError):
        svc.plans.step_back_plan(plan["id"], "draft")  # nothing before draft


def test_a_locked_year_does_not_go_back_and_only_an_admin_undoes_a_lock(demo):
    svc = demo
    plan = svc.plans.plan_for_year(2025)  # evaluated
    svc.plans.lock_year(plan["id"])
    e = _refused(lambda: svc.plans.step_back_plan(plan["id"], "evaluated"), "year_locked")
    assert "2025" in e.message("fr")
    assert svc.plans.plan(plan["id"])["status"] == "evaluated"
    editor = svc.as_user(Actor("redacteur", "editor", False))
    _refused(lambda: editor.plans.lock_year(plan["id"], locked=False), "forbidden")
    svc.plans.lock_year(plan["id"], locked=False)
    viewer = svc.as_user(Actor("lecteur", "viewer", False))
    _refused(lambda: viewer.plans.step_back_plan(plan["id"], "evaluated"), "forbidden")
    assert svc.plans.step_back_plan(plan["id"], "evaluated")["status"] == "in_progress"


def test_a_draft_of_the_minutes_is_discarded_and_put_back_but_final_minutes_never(demo):
    svc = demo
    m = svc.committee.create_meeting(host_commune_id=commune_id("VLG"), place="Villeneuve", held_at="2026-10-01 10:00")
    first = svc.committee.draft_minutes(m["id"])
    assert first["previous_content"] is None and first["version"] == 1
    again = svc.committee.draft_minutes(m["id"], content="Texte corrigé")
    assert again["id"] == first["id"] and again["previous_content"] == first["content"]

    viewer = svc.as_user(Actor("lecteur", "viewer", False))
    _refused(lambda: viewer.committee.discard_minutes_draft(first["id"]), "forbidden")
    gone = svc.committee.discard_minutes_draft(first["id"])
    assert svc.committee.meeting(m["id"])["minutes"] == []
    svc.committee.restore_minutes(gone)
    assert svc.committee.minutes(first["id"])["content"] == "Texte corrigé"

    svc.committee.finalise_minutes(first["id"])
    _refused(lambda: svc.committee.discard_minutes_draft(first["id"]), "minutes_frozen")
    v2 = svc.committee.new_minutes_version(m["id"])
    taken = svc.committee.discard_minutes_draft(v2["id"])  # the undo of "new version": frozen again
    _refused(lambda: svc.committee.update_meeting(m["id"], place="Ailleurs"), "minutes_frozen")
    svc.committee.restore_minutes(taken)
    svc.committee.finalise_minutes(v2["id"])  # meanwhile (a partner's bundle): v2 is final
    _refused(lambda: svc.committee.restore_minutes(taken), "minutes_frozen")
    assert svc.committee.minutes(v2["id"])["status"] == "final"


def test_accounts_are_put_back_as_they_were_within_the_rules(demo):
    svc = demo
    admin = svc.as_user(Actor("admin", "admin", True))
    users = {u["username"]: u for u in svc.users.users()}

    editor = svc.as_user(Actor("redacteur", "editor", False))
    _refused(lambda: editor.users.account_state(users["admin"]["id"]), "forbidden")
    _refused(lambda: editor.users.delete_user(users["lecteur"]["id"]), "forbidden")
    _refused(lambda: admin.users.delete_user(users["admin"]["id"]), "user_delete_self")

    salma = admin.users.create_user("salma", "editor")
    gone = admin.users.delete_user(salma["id"])
    admin.users.create_user("salma", "viewer")  # the name was given to someone else meanwhile
    _refused(lambda: admin.users.restore_user(gone), "duplicate")

    # the admin's first password, then the editor's; undoing the admin's first would leave an
    # account with a password (so everyone logs in) and no administrator able to log in
    before = admin.users.account_state(users["admin"]["id"])
    svc.auth.set_password("admin", "tiznit-admin-1")
    svc.auth.set_password("redacteur", "redacteur-2026")
    _refused(lambda: admin.users.restore_user(before), "admin_password_first")
    assert svc.auth.login("admin", "tiznit-admin-1").role == "admin"
