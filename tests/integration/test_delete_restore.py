"""Deletes through the services return what they took; putting it back brings the same records
(same ids, same children). The convention's rules refuse some deletes, and a viewer deletes nothing."""

from __future__ import annotations

import pytest

from coopdesk.domain.reference import axis_id, commune_id, organisation_id
from coopdesk.errors import CoopError, PermissionDenied
from coopdesk.services import Actor

TIZ, VLG = commune_id("TIZ"), commune_id("VLG")


def _action(svc, code="1.1.1", year=2026):
    plan = svc.plans.plan_for_year(year) or svc.plans.create_plan(year)
    return svc.plans.create_action(plan_id=plan["id"], code=code, axis_id=axis_id("I"), title="Tawori",
                                   start=f"{year}-01-01", end=f"{year}-12-31")


def _person(svc, last="Ait Ali", commune="TIZ", sex="F"):
    return svc.people.create_person(first_name="Fatima", last_name=last, sex=sex, commune=commune,
                                    birth_date="2001-04-03")


def _meeting(svc, at="2026-03-01T10:00"):
    m = svc.committee.create_meeting(host_commune_id=TIZ, place="Tiznit", held_at=at)
    a = [svc.committee.add_attendee(meeting_id=m["id"], name=n, role="elected", commune_id=c, presence="present",
                                    is_president=True)["id"] for n, c in (("Ghazi", TIZ), ("Pelain", VLG))]
    item = svc.committee.add_agenda_item(meeting_id=m["id"], position=1, title="Plan", debate="…")
    dec = svc.committee.add_decision(meeting_id=m["id"], agenda_item_id=item["id"], number="1", title="Plan 2027")
    svc.committee.vote_all(dec["id"], "yes")
    return m, a, item, dec


def _same_order(meeting):
    """A meeting as a person reads it (voters listed in any order)."""
    for d in meeting["decisions"]:
        d["voters"] = sorted(d["voters"])
    return meeting


def test_person_comes_back_with_enrolments_milestones_attendance_and_teams(svc):
    act = _action(svc)
    p = _person(svc)
    other = _person(svc, "Martin", "VLG", "M")
    enr = svc.people.enrol(p["id"], act["id"], "2026-02-01")
    ms = svc.people.add_milestone(enr["id"], "schooling", "2026-03-01")
    ev = svc.events.create_event(title="Olympiade", start="2026-06-01", mixed_teams=True)
    svc.events.register(ev["id"], [p["id"], other["id"]])
    team = svc.events.create_team(ev["id"], "Amghar", [p["id"], other["id"]])
    svc.attachments.attach("person", p["id"], data=b"consent form", filename="consent.pdf")
    before = svc.people.person(p["id"])

    snap = svc.people.delete_person(p["id"])
    with pytest.raises(CoopError) as e:
        svc.people.person(p["id"])
    assert e.value.code == "not_found"
    assert svc.attachments.attachments("person", p["id"]) == []
    assert [m["person_id"] for m in svc.events.event(ev["id"])["teams"][0]["members"]] == [other["id"]]

    svc.people.restore_person(snap)
    again = svc.people.person(p["id"])
    assert again == before
    assert again["enrolments"][0]["id"] == enr["id"] and again["enrolments"][0]["milestones"][0]["id"] == ms["id"]
    assert len(svc.people.participations(p["id"])) == 1
    members = {m["person_id"] for m in svc.events.event(ev["id"])["teams"][0]["members"]}
    assert members == {p["id"], other["id"]} and svc.events.event(ev["id"])["teams"][0]["id"] == team["id"]
    assert [a["filename"] for a in svc.attachments.attachments("person", p["id"])] == ["consent.pdf"]
    assert svc.dedup.possible_duplicates({"first_name": "Fatima", "last_name": "Ait Ali", "sex": "F",
                                          "commune": "TIZ", "birth_date": "2001-04-03"})[0]["id"] == p["id"]
    ops = [e["op"] for e in svc.audit.entries(entity="person", row_id=p["id"])]
    assert ops[:2] == ["create", "delete"]  # newest first: the restore is a creation, audited


def test_event_comes_back_with_participants_teams_and_headcounts(svc):
    p, q = _person(svc), _person(svc, "Martin", "VLG", "M")
    ev = svc.events.create_event(title="Fête", start="2026-05-01", headcounts={("F", "0-14"): 3})
    svc.events.register(ev["id"], [p["id"], q["id"]])
    svc.events.mark_attendance(ev["id"], {p["id"]: "attended"})
    svc.events.create_team(ev["id"], "Bleus", [p["id"]])
    before = svc.events.event(ev["id"])
    snap = svc.events.delete_event(ev["id"])
    assert svc.events.events() == []
    svc.events.restore_event(snap)
    assert svc.events.event(ev["id"]) == before


def test_participant_removed_with_team_place_then_back(svc):
    p, q = _person(svc), _person(svc, "Martin", "VLG", "M")
    ev = svc.events.create_event(title="Fête", start="2026-05-01")
    svc.events.register(ev["id"], [p["id"], q["id"]], status="attended")
    svc.events.create_team(ev["id"], "Bleus", [p["id"], q["id"]])
    before = svc.events.event(ev["id"])
    snap = svc.events.remove_participants(ev["id"], [p["id"]])
    got = svc.events.event(ev["id"])
    assert [x["person_id"] for x in got["participants"]] == [q["id"]]
    assert [m["person_id"] for m in got["teams"][0]["members"]] == [q["id"]]
    svc.events.restore_participants(snap)
    assert svc.events.event(ev["id"]) == before


def test_meeting_deleted_and_restored_whole_then_refused_once_minutes_are_final(svc):
    m, _att, _item, dec = _meeting(svc)
    svc.committee.draft_minutes(m["id"])
    before = svc.committee.meeting(m["id"])
    snap = svc.committee.delete_meeting(m["id"])
    assert svc.committee.meetings() == []
    svc.committee.restore_meeting(snap)
    assert _same_order(svc.committee.meeting(m["id"])) == _same_order(before)
    assert svc.committee.is_adopted(dec["id"])

    svc.committee.finalise_minutes(before["minutes"][0]["id"])
    with pytest.raises(CoopError) as e:
        svc.committee.delete_meeting(m["id"])
    assert e.value.code == "meeting_minutes_final" and "1" in e.value.message("en")
    svc.committee.new_minutes_version(m["id"])  # a new draft does not unfreeze the delete
    with pytest.raises(CoopError) as e:
        svc.committee.delete_meeting(m["id"])
    assert e.value.code == "meeting_minutes_final"
    assert e.value.message("fr") != e.value.message("en") or e.value.message("fr")


def test_decision_that_validates_a_plan_is_kept(svc):
    m, _att, _item, dec = _meeting(svc, at="2026-11-10T10:00")
    plan = svc.plans.create_plan(2027)
    svc.plans.validate_plan(plan["id"], dec["id"])
    for call in (lambda: svc.committee.delete_decision(dec["id"]), lambda: svc.committee.delete_meeting(m["id"])):
        with pytest.raises(CoopError) as e:
            call()
        assert e.value.code == "decision_in_use"
    assert svc.plans.plan(plan["id"])["decision_id"] == dec["id"]


def test_attendee_agenda_item_and_decision_back_with_votes_and_links(svc):
    m, (ghazi, _pelain), item, dec = _meeting(svc)
    before = svc.committee.meeting(m["id"])
    snap = svc.committee.remove_attendee(ghazi)
    assert ghazi not in svc.committee.decision(dec["id"])["votes"]
    svc.committee.restore_records(snap)
    snap = svc.committee.delete_agenda_item(item["id"])
    assert svc.committee.decision(dec["id"])["agenda_item_id"] is None
    svc.committee.restore_records(snap)
    snap = svc.committee.delete_decision(dec["id"])
    svc.committee.restore_records(snap)
    assert _same_order(svc.committee.meeting(m["id"])) == _same_order(before)


def test_meeting_of_a_locked_year_is_not_deleted(svc):
    m, *_ = _meeting(svc)
    plan = svc.plans.create_plan(2026)
    with svc.ctx.uow(write=True) as s:  # the plan's year evaluated and its report approved
        from coopdesk.db.models import Plan

        s.get(Plan, plan["id"]).locked = True
    with pytest.raises(CoopError) as e:
        svc.committee.delete_meeting(m["id"])
    assert e.value.code == "year_locked"


def test_action_with_indicators_back_whole_and_refused_while_in_use(svc):
    a = _action(svc)
    svc.plans.set_themes(a["id"], ["T1"])
    svc.plans.set_partners(a["id"], [organisation_id("ADHT")])
    ind = svc.plans.create_indicator(action_id=a["id"], code="a", name="Accompagnés", method="manual",
                                     targets={"TIZ": 9, "VLG": 3})
    svc.plans.report_value(ind["id"], "TIZ", "F", 4)
    ev = svc.events.create_event(title="Atelier", start="2026-04-01", action_id=a["id"])
    before = (svc.plans.action(a["id"]), svc.plans.indicators(a["id"]))
    snap = svc.plans.delete_action(a["id"])
    assert svc.events.event(ev["id"])["action_id"] is None  # the event stays, unlinked
    svc.plans.restore_action(snap)
    assert (svc.plans.action(a["id"]), svc.plans.indicators(a["id"])) == before
    assert svc.events.event(ev["id"])["action_id"] == a["id"]
    snap = svc.plans.delete_indicator(ind["id"])
    assert svc.plans.indicators(a["id"]) == []
    svc.plans.restore_action(snap)
    assert svc.plans.indicators(a["id"]) == before[1]

    svc.people.enrol(_person(svc)["id"], a["id"])
    with pytest.raises(CoopError) as e:
        svc.plans.delete_action(a["id"])
    assert e.value.code == "action_in_use"


def test_organisation_and_funding_request(svc):
    a = _action(svc)
    org = svc.funding.create_organisation(name="Coopérative Tifawin", kind="funder", commune_id=TIZ)
    svc.plans.set_partners(a["id"], [org["id"]])
    req = svc.funding.create_request(action_id=a["id"], funder_id=org["id"], currency="EUR", requested="100")
    with pytest.raises(CoopError) as e:
        svc.funding.delete_organisation(org["id"])
    assert e.value.code == "organisation_in_use" and "Tifawin" in e.value.message("en")
    snap = svc.funding.delete_request(req["id"])
    assert svc.funding.requests() == []
    svc.funding.restore_records(snap)
    assert [r["id"] for r in svc.funding.requests()] == [req["id"]]
    svc.funding.delete_request(req["id"])
    snap = svc.funding.delete_organisation(org["id"])
    assert svc.plans.action(a["id"])["partners"] == []
    svc.funding.restore_records(snap)
    assert [p["id"] for p in svc.plans.action(a["id"])["partners"]] == [org["id"]]


def test_amendment_deleted_until_signed_and_signature_undone(svc):
    _m, _att, _item, dec = _meeting(svc)
    am = svc.convention.add_amendment("Avenant 1", dec["id"])
    snap = svc.convention.delete_amendment(am["id"])
    assert svc.convention.amendments() == []
    svc.convention.restore_amendment(snap)
    assert [(a["id"], a["number"]) for a in svc.convention.amendments()] == [(am["id"], 1)]
    svc.convention.sign_amendment(am["id"], "TIZ", "2026-04-01")
    with pytest.raises(CoopError) as e:
        svc.convention.delete_amendment(am["id"])
    assert e.value.code == "amendment_signed"
    svc.convention.set_amendment_signature(am["id"], "TIZ", None)
    assert svc.convention.amendments()[0]["signed_tiz"] is None
    svc.convention.delete_amendment(am["id"])


def test_enrolment_and_milestone(svc):
    a = _action(svc)
    p = _person(svc)
    enr = svc.people.enrol(p["id"], a["id"], "2026-02-01")
    svc.people.add_milestone(enr["id"], "schooling", "2026-03-01")
    ms = svc.people.add_milestone(enr["id"], "training", "2026-04-01")
    before = svc.people.person(p["id"])
    snap = svc.people.delete_milestone(ms["id"])
    assert len(svc.people.person(p["id"])["enrolments"][0]["milestones"]) == 1
    svc.people.restore_milestone(snap)
    snap = svc.people.unenrol(enr["id"])
    assert svc.people.person(p["id"])["enrolments"] == []
    svc.people.restore_enrolment(snap)
    assert svc.people.person(p["id"]) == before


def test_locked_year_refuses_deleting_its_records(svc):
    a = _action(svc)
    p = _person(svc)
    svc.people.enrol(p["id"], a["id"])
    plan = svc.plans.plan_for_year(2026)
    with svc.ctx.uow(write=True) as s:
        from coopdesk.db.models import Plan

        s.get(Plan, plan["id"]).locked = True
    with pytest.raises(CoopError) as e:
        svc.people.delete_person(p["id"])
    assert e.value.code == "year_locked"
    assert svc.people.person(p["id"])["enrolments"]


def test_viewer_deletes_nothing(svc):
    p = _person(svc)
    ev = svc.events.create_event(title="Fête", start="2026-05-01")
    m, *_ = _meeting(svc)
    viewer = svc.as_user(Actor("lina", "viewer", False))
    for call in (lambda: viewer.people.delete_person(p["id"]), lambda: viewer.events.delete_event(ev["id"]),
                 lambda: viewer.committee.delete_meeting(m["id"])):
        with pytest.raises(PermissionDenied) as e:
            call()
        assert e.value.code == "forbidden"
    snap = svc.people.delete_person(p["id"])
    with pytest.raises(PermissionDenied):
        viewer.people.restore_person(snap)
    assert svc.people.count() == 0
