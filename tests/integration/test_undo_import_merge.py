"""Undo of a spreadsheet import (its persons go, the persons it updated get their values back; redo
brings the same records back) and undo of a merge (the removed record comes back as it was)."""

from __future__ import annotations

import csv

import pytest

from coopdesk.domain.reference import axis_id
from coopdesk.errors import CoopError
from coopdesk.services import Actor


def write_csv(path, rows):
    with open(path, "w", encoding="utf-8-sig", newline="") as fh:
        csv.writer(fh, delimiter=";").writerows(rows)
    return path


def _action(svc, code):
    plan = svc.plans.plan_for_year(2026) or svc.plans.create_plan(2026)
    return svc.plans.create_action(plan_id=plan["id"], code=code, axis_id=axis_id("I"), title=code)["id"]


def test_import_undone_then_redone_with_the_same_ids(svc, tmp_path):
    kept = svc.people.create_person(first_name="Omar", last_name="Tazi", sex="M", commune="TIZ", phone="0600")
    path = write_csv(tmp_path / "b.csv", [
        ["id", "Nom", "Prénom", "Sexe", "Commune", "Téléphone"],
        ["", "Oubaha", "Hassan", "H", "Tiznit", ""],
        ["", "Lahlou", "Said", "M", "VLG", ""],
        [kept["id"], "Tazi", "Omar", "M", "TIZ", "0700"],
    ])
    report = svc.imports.run("persons", path, dry_run=False)
    change = report["undo"]
    assert change.count() == 3 and len(change.created["person"]) == 2
    created = set(change.created["person"])
    assert svc.people.count() == 3 and svc.people.person(kept["id"])["phone"] == "0700"

    redo = svc.imports.undo_import(change)
    assert [p["id"] for p in svc.people.search()] == [kept["id"]]
    assert svc.people.person(kept["id"])["phone"] == "0600"

    svc.imports.redo_import(redo)
    assert {p["id"] for p in svc.people.search()} == created | {kept["id"]}
    assert svc.people.person(kept["id"])["phone"] == "0700"
    assert svc.dedup.possible_duplicates({"first_name": "Hassan", "last_name": "Oubaha"})  # name keys back

    svc.imports.undo_import(change)  # and again, with the same ids
    assert svc.people.count() == 1
    viewer = svc.as_user(Actor("lina", "viewer", False))
    with pytest.raises(CoopError) as e:
        viewer.imports.redo_import(redo)
    assert e.value.code == "forbidden"


def test_import_of_participants_undone(svc, tmp_path):
    p = svc.people.create_person(first_name="Omar", last_name="Tazi", sex="M", commune="TIZ")
    ev = svc.events.create_event(title="Olympiade", start="2026-06-01")
    svc.events.register(ev["id"], [p["id"]])
    path = write_csv(tmp_path / "p.csv", [
        ["Événement", "Nom", "Prénom", "Sexe", "Commune", "Statut"],
        [ev["id"], "Tazi", "Omar", "M", "TIZ", "présent"],
        [ev["id"], "Nouvelle", "Amina", "F", "TIZ", "présent"],
    ])
    report = svc.imports.run("participants", path, dry_run=False)
    assert len(svc.events.participants(ev["id"])) == 2
    svc.imports.undo_import(report["undo"])
    assert [(x["person_id"], x["status"]) for x in svc.events.participants(ev["id"])] == [(p["id"], "registered")]
    assert svc.people.count() == 1


def test_merge_undone_brings_the_removed_record_back(svc):
    a1, a2 = _action(svc, "1.1.1"), _action(svc, "1.1.2")
    keep = svc.people.create_person(first_name="Fatima Zahra", last_name="Ait Ali", sex="F", commune="TIZ")
    gone = svc.people.create_person(first_name_ar="فاطمة الزهراء", last_name_ar="آيت علي", sex="F", commune="TIZ",
                                    phone="+212 611 22 33 44", notes="vue au forum")
    svc.people.enrol(keep["id"], a1, "2026-03-01")
    e1b = svc.people.enrol(gone["id"], a1, "2026-01-15")  # both enrolled in 1.1.1
    svc.people.add_milestone(e1b["id"], "schooling", "2026-02-01")
    svc.people.enrol(gone["id"], a2)
    ev = svc.events.create_event(title="Course", start="2026-05-01", type="sport")
    svc.events.register(ev["id"], [keep["id"]])
    svc.events.register(ev["id"], [gone["id"]], status="attended")
    svc.attachments.attach("person", gone["id"], data=b"scan", filename="consent.pdf")
    before = (svc.people.person(keep["id"]), svc.people.person(gone["id"]),
              sorted((x["person_id"], x["status"]) for x in svc.events.participants(ev["id"])))

    merged = svc.people.merge(keep["id"], gone["id"])
    assert merged["moved"]["enrolments"] == 1
    with pytest.raises(CoopError):
        svc.people.person(gone["id"])

    svc.people.unmerge(merged)
    after = (svc.people.person(keep["id"]), svc.people.person(gone["id"]),
             sorted((x["person_id"], x["status"]) for x in svc.events.participants(ev["id"])))
    assert after == before
    assert [a["filename"] for a in svc.attachments.attachments("person", gone["id"])] == ["consent.pdf"]
    assert "unmerge" in {e["op"] for e in svc.audit.entries(row_id=keep["id"])}
    # and merged again, as a redo does
    svc.people.merge(keep["id"], gone["id"])
    assert len(svc.people.person(keep["id"])["enrolments"]) == 2
