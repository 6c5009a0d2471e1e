"""A year locked once its activity report is approved: nothing of it changes until an admin unlocks."""

from __future__ import annotations

import pytest

from coopdesk.errors import CoopError


def test_locked_year_refuses_every_change_of_its_data(demo):
    svc = demo
    plan = svc.plans.plan_for_year(2026)
    action_id = svc.demo_ids["action_111"]
    person_id = svc.demo_ids["people_tiz"][0]
    sport = svc.demo_ids["sport"]
    before = svc.plans.action(action_id)
    svc.plans.lock_year(plan["id"])
    attempts = [
        lambda: svc.plans.update_action(action_id, title="Autre titre"),
        lambda: svc.plans.create_indicator(action_id=action_id, code="x", name="X"),
        lambda: svc.people.enrol(svc.demo_ids["people_vlg"][-1], svc.plans.actions(year=2026)[1]["id"]),
        lambda: svc.events.update_event(sport, place="Ailleurs"),
        lambda: svc.events.mark_attendance(sport, {svc.events.participants(sport)[0]["person_id"]: "absent"}),
        lambda: svc.plans.update_plan(plan["id"], evaluation="changée"),
    ]
    for attempt in attempts:
        with pytest.raises(CoopError) as e:
            attempt()
        assert e.value.code == "year_locked" and "2026" in e.value.message("fr")
    assert svc.plans.action(action_id) == before
    # The person's own record is not year data: it still changes.
    svc.people.update_person(person_id, phone="+212 600000001")
    # 2025 is not locked.
    svc.plans.update_action(svc.plans.actions(year=2025)[0]["id"], title="Titre 2025 corrigé")


def test_only_an_admin_unlocks(demo):
    svc = demo
    plan = svc.plans.plan_for_year(2026)
    svc.users.create_user("agent", "editor")
    agent = svc.as_user(svc.users.actor_for("agent"))
    agent.plans.lock_year(plan["id"])
    with pytest.raises(CoopError) as e:
        agent.plans.lock_year(plan["id"], locked=False)
    assert e.value.code == "forbidden"
    svc.plans.lock_year(plan["id"], locked=False)
    svc.plans.update_action(svc.demo_ids["action_111"], title="Titre corrigé")
