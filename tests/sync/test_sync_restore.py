"""An undone delete travels: a record deleted then put back with the same identifiers (the undo of a
delete, of a merge) is there on the partner too, with its children, and the two sites converge."""

from __future__ import annotations

from coopdesk.domain.reference import axis_id
from tests.sync.test_sync_natural_keys import both_ways, converged, ship


def test_event_deleted_then_restored_here_comes_back_on_the_partner(nodes, tmp_path):
    a, b = nodes["TIZ"], nodes["TIZ2"]
    p = a.people.create_person(first_name="Omar", last_name="Bakkali", sex="M", commune="TIZ")
    ev = a.events.create_event(title="Olympiade", start="2026-06-01")
    a.events.register(ev["id"], [p["id"]], status="attended")
    a.events.create_team(ev["id"], "Amghar", [p["id"]])
    ship(a, b, tmp_path / "1")
    snap = a.events.delete_event(ev["id"])
    ship(a, b, tmp_path / "2")
    assert b.events.events() == []
    a.events.restore_event(snap)
    ship(a, b, tmp_path / "3")
    got = b.events.event(ev["id"])
    assert [(x["person_id"], x["status"]) for x in got["participants"]] == [(p["id"], "attended")]
    assert [t["name"] for t in got["teams"]] == ["Amghar"] and got["teams"][0]["members"]
    both_ways(a, b, tmp_path, "4")
    assert converged(a, b)
    assert a.sync.conflicts() == [] and b.sync.conflicts() == []


def test_person_deleted_and_restored_before_any_sync_reaches_the_partner_whole(nodes, tmp_path):
    a, b = nodes["TIZ"], nodes["TIZ2"]
    plan = a.plans.create_plan(2026)
    act = a.plans.create_action(plan_id=plan["id"], code="1.1.1", axis_id=axis_id("I"), title="Tawori")
    p = a.people.create_person(first_name="Omar", last_name="Bakkali", sex="M", commune="TIZ")
    enr = a.people.enrol(p["id"], act["id"])
    a.people.add_milestone(enr["id"], "schooling", "2026-03-01")
    a.people.restore_person(a.people.delete_person(p["id"]))
    ship(a, b, tmp_path / "1")
    assert b.people.person(p["id"])["enrolments"][0]["milestones"]
    both_ways(a, b, tmp_path, "2")
    assert converged(a, b)


def test_merge_undone_reaches_the_partner(nodes, tmp_path):
    a, b = nodes["TIZ"], nodes["TIZ2"]
    keep = a.people.create_person(first_name="Fatima", last_name="Ait Ali", sex="F", commune="TIZ")
    gone = a.people.create_person(first_name="Fatima", last_name="Ait-Ali", sex="F", commune="TIZ", phone="0611")
    ship(a, b, tmp_path / "1")
    merged = a.people.merge(keep["id"], gone["id"])
    ship(a, b, tmp_path / "2")
    assert b.people.count() == 1
    a.people.unmerge(merged)
    ship(a, b, tmp_path / "3")
    assert b.people.person(gone["id"])["phone"] == "0611"
    assert b.people.person(keep["id"])["phone"] == ""
    both_ways(a, b, tmp_path, "4")
    assert converged(a, b)


def test_a_restored_backup_does_not_reuse_change_or_bundle_numbers_the_partner_already_has(nodes, tmp_path):
    """Restore an older backup, change something: the partner applies it (it is neither taken for a
    change it already holds nor refused as a replayed bundle), and a full bundle from the partner
    brings back what was made after the backup."""
    a, b = nodes["TIZ"], nodes["TIZ2"]
    org = a.funding.create_organisation(name="Fondation avant")
    ship(a, b, tmp_path / "1")
    backup = a.setup.backup_now()
    after = a.funding.create_organisation(name="Fondation après la sauvegarde")
    ship(a, b, tmp_path / "2")
    out = a.setup.restore_backup(backup["path"])
    assert out["changes_after_backup"] >= 1
    assert [o["name"] for o in a.funding.organisations() if o["id"] == after["id"]] == []
    a.funding.update_organisation(org["id"], name="Fondation renommée")
    _paths, res = ship(a, b, tmp_path / "3")
    assert res["bundles"][0]["status"] == "applied"
    names = {o["id"]: o["name"] for o in b.funding.organisations()}
    assert names[org["id"]] == "Fondation renommée" and names[after["id"]] == "Fondation après la sauvegarde"
    # What a lost after the backup is still at the partner: a full bundle brings it back.
    ship(b, a, tmp_path / "4", full=True)
    assert {o["id"] for o in a.funding.organisations()} >= {org["id"], after["id"]}
    both_ways(a, b, tmp_path, "5")
    assert converged(a, b)


def test_many_records_enrolled_elsewhere_while_deleted_here_come_back_with_their_enrolments(nodes, tmp_path):
    """25 persons deleted on one PC while another enrols them: there the enrolments wait hidden
    (their person is gone); when the persons are put back, one bundle brings all 25 enrolments back."""
    a, b = nodes["TIZ"], nodes["TIZ2"]
    plan = a.plans.create_plan(2026)
    act = a.plans.create_action(plan_id=plan["id"], code="1.1.1", axis_id=axis_id("I"), title="Tawori")
    ids = [a.people.create_person(first_name=f"Omar {i}", last_name="Bakkali", sex="M", commune="TIZ")["id"]
           for i in range(25)]
    ship(a, b, tmp_path / "1")
    snaps = [a.people.delete_person(pid) for pid in ids]
    for pid in ids:
        b.people.enrol(pid, act["id"])
    ship(a, b, tmp_path / "2")
    assert b.people.enrolments(act["id"]) == []  # hidden: their persons are deleted
    for snap in snaps:
        a.people.restore_person(snap)
    ship(a, b, tmp_path / "3")  # 25 persons back in one bundle: their enrolments show again
    assert sorted(e["person_id"] for e in b.people.enrolments(act["id"])) == sorted(ids)
    both_ways(a, b, tmp_path, "4")
    assert converged(a, b)
    assert len(a.people.enrolments(act["id"])) == 25
