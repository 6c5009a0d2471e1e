"""The same record created offline on two sites (the plan of a year, an enrolment) is one record after
sync; a record deleted then created again comes back everywhere; a remaining clash is refused clearly."""

from __future__ import annotations

import pytest

from coopdesk.domain.reference import axis_id
from coopdesk.errors import CoopError
from tests.sync.nodes import file_digest


def ship(src, dst, out, **kw):
    paths = src.sync.export_bundle(dst.sync._me()[1], out, **kw)
    return paths, dst.sync.import_bundles(paths)


def both_ways(a, b, tmp_path, tag):
    ship(a, b, tmp_path / f"{tag}-ab")
    ship(b, a, tmp_path / f"{tag}-ba")
    ship(a, b, tmp_path / f"{tag}-ab2")


def converged(a, b):
    return a.sync.state_hash(b.sync._me()[1]) == b.sync.state_hash(a.sync._me()[1])


def test_both_sites_create_the_plan_of_2027_offline_and_get_one_plan(nodes, tmp_path):
    a, b = nodes["TIZ"], nodes["VLG"]
    pa = a.plans.create_plan(2027, evaluation="")
    pb = b.plans.create_plan(2027)
    assert pa["id"] == pb["id"]
    # Each site then adds an action of the same code, and a different one.
    aa = a.plans.create_action(plan_id=pa["id"], code="1.1.1", axis_id=axis_id("I"), title="Tawori (TIZ)")
    ab = b.plans.create_action(plan_id=pb["id"], code="1.1.1", axis_id=axis_id("I"), title="Tawori (VLG)")
    b.plans.create_action(plan_id=pb["id"], code="4.1.1", axis_id=axis_id("IV"), title="Sport")
    assert aa["id"] == ab["id"]
    both_ways(a, b, tmp_path, "1")
    for s in (a, b):
        plans = [p for p in s.plans.plans() if p["year"] == 2027]
        assert len(plans) == 1
        codes = sorted(x["code"] for x in s.plans.actions(plans[0]["id"]))
        assert codes == ["1.1.1", "4.1.1"]
    # The two titles of 1.1.1 were concurrent: one wins everywhere, the other is an open conflict.
    assert a.plans.action(aa["id"])["title"] == b.plans.action(aa["id"])["title"]
    conflicts = a.sync.conflicts()
    assert conflicts == b.sync.conflicts()
    assert {(c["mine"], c["theirs"]) for c in conflicts if c["field"] == "title"} in (
        {("Tawori (TIZ)", "Tawori (VLG)")}, {("Tawori (VLG)", "Tawori (TIZ)")})
    assert converged(a, b)


def test_both_sites_enrol_the_same_person_offline_and_get_one_enrolment(nodes, tmp_path):
    a, b = nodes["TIZ"], nodes["TIZ2"]
    plan = a.plans.create_plan(2026)
    act = a.plans.create_action(plan_id=plan["id"], code="1.1.1", axis_id=axis_id("I"), title="Tawori")
    p = a.people.create_person(first_name="Fatima", last_name="Ait Ali", sex="F", commune="TIZ")
    ship(a, b, tmp_path / "0")
    ea = a.people.enrol(p["id"], act["id"], enrolled_on="2026-02-01")
    eb = b.people.enrol(p["id"], act["id"], enrolled_on="2026-02-03")
    assert ea["id"] == eb["id"]
    b.people.add_milestone(eb["id"], "schooling", "2026-03-01")
    ev = a.events.create_event(title="Olympiade", start="2026-06-01")
    ship(a, b, tmp_path / "ev")
    a.events.register(ev["id"], [p["id"]])
    b.events.register(ev["id"], [p["id"]], status="attended")
    both_ways(a, b, tmp_path, "1")
    for s in (a, b):
        enr = s.people.person(p["id"])["enrolments"]
        assert len(enr) == 1 and len(enr[0]["milestones"]) == 1
        assert len(s.people.participations(p["id"])) == 1
    assert converged(a, b)


def test_deleted_then_created_again_comes_back_here_and_on_the_partner(nodes, tmp_path):
    a, b = nodes["TIZ"], nodes["VLG"]
    plan = a.plans.create_plan(2028, evaluation="first")
    ship(a, b, tmp_path / "1")
    assert b.plans.plan_for_year(2028) is not None
    with a.ctx.uow(write=True) as s:  # the services refuse to delete a plan with actions: none here
        from coopdesk.db.models import Plan

        s.delete(s.get(Plan, plan["id"]))
    ship(a, b, tmp_path / "2")
    assert a.plans.plan_for_year(2028) is None and b.plans.plan_for_year(2028) is None
    again = a.plans.create_plan(2028, evaluation="second")
    assert again["id"] == plan["id"]
    ship(a, b, tmp_path / "3")
    got = b.plans.plan_for_year(2028)
    assert got is not None and got["evaluation"] == "second"
    both_ways(a, b, tmp_path, "4")
    assert converged(a, b)
    assert a.sync.conflicts() == [] and b.sync.conflicts() == []


def test_enrolment_removed_then_made_again_on_the_other_site_comes_back(nodes, tmp_path):
    a, b = nodes["TIZ"], nodes["TIZ2"]
    plan = a.plans.create_plan(2026)
    act = a.plans.create_action(plan_id=plan["id"], code="1.1.1", axis_id=axis_id("I"), title="Tawori")
    p = a.people.create_person(first_name="Omar", last_name="Bakkali", sex="M", commune="TIZ")
    e = a.people.enrol(p["id"], act["id"])
    ship(a, b, tmp_path / "1")
    a.people.unenrol(e["id"])
    ship(a, b, tmp_path / "2")
    assert b.people.person(p["id"])["enrolments"] == []
    b.people.enrol(p["id"], act["id"])  # re-enrolled on the other site: same record, live again
    both_ways(a, b, tmp_path, "3")
    for s in (a, b):
        assert len(s.people.person(p["id"])["enrolments"]) == 1
    assert converged(a, b)


def test_a_remaining_unique_clash_is_refused_clearly_and_writes_nothing(nodes, tmp_path):
    a, b = nodes["TIZ"], nodes["TIZ2"]
    plan = a.plans.create_plan(2026)
    ship(a, b, tmp_path / "0")
    # Renaming a code onto one the other site created offline: two records, one code.
    x = a.plans.create_action(plan_id=plan["id"], code="9.9.8", axis_id=axis_id("I"), title="X")
    ship(a, b, tmp_path / "1")
    a.plans.update_action(x["id"], code="9.9.9")
    b.plans.create_action(plan_id=plan["id"], code="9.9.9", axis_id=axis_id("I"), title="Y")
    paths = a.sync.export_bundle("TIZ2", tmp_path / "2")
    before = file_digest(b.db.path)
    with pytest.raises(CoopError) as err:
        b.sync.import_bundles(paths)
    assert err.value.code == "sync_unique_clash"
    assert "9.9.9" in str(err.value.params.get("values", "")) or "9.9.9" in str(err.value)
    assert file_digest(b.db.path) == before
    # Staff fix it (the other code), then the same bundle imports.
    y = next(r for r in b.plans.actions(plan["id"]) if r["title"] == "Y")
    b.plans.update_action(y["id"], code="9.9.7")
    res = b.sync.import_bundles(paths)
    assert res["bundles"][0]["status"] == "applied"
