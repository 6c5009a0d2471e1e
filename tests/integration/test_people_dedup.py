"""Possible duplicates before saving (Latin and Arabic script) and the merge of two records."""

from __future__ import annotations

import pytest

from coopdesk.domain.reference import axis_id, commune_id
from coopdesk.errors import CoopError

TIZ = commune_id("TIZ")


def action(svc, code):
    plan = svc.plans.plan_for_year(2026) or svc.plans.create_plan(2026)
    return svc.plans.create_action(plan_id=plan["id"], code=code, axis_id=axis_id("I"), title=code,
                                   lead_commune_id=TIZ)["id"]


@pytest.fixture
def crowd(svc):
    for first, last in (("Fatima", "Oubaha"), ("Zahra", "Tazi"), ("Ali", "Boutaleb"), ("Omar", "Ait Baha")):
        svc.people.create_person(first_name=first, last_name=last, sex="F", commune="TIZ")
    return svc


def test_latin_spelling_variant_is_found(crowd):
    svc = crowd
    p = svc.people.create_person(first_name="Fatima-Zahra", last_name="Aït Ali", sex="F", commune="TIZ",
                                 birth_date="2001-04-03")
    found = svc.dedup.possible_duplicates({"first_name": "Fatima Zahra", "last_name": "Ait Ali", "sex": "F",
                                           "commune": "TIZ", "birth_date": "2001-04-03"})
    assert [c["id"] for c in found] == [p["id"]]
    assert set(found[0]["reasons"]) == {"name", "birth_date", "commune"}
    # a typo is tolerated too
    assert svc.dedup.possible_duplicates({"first_name": "Fatma Zahra", "last_name": "Ait Alli"})[0]["id"] == p["id"]


def test_arabic_script_name_is_found_through_transliteration(crowd):
    svc = crowd
    p = svc.people.create_person(first_name_ar="فاطمة الزهراء", last_name_ar="آيت علي", sex="F", commune="TIZ")
    found = svc.dedup.possible_duplicates({"first_name": "Fatima Zahra", "last_name": "Ait Ali", "commune": "TIZ"})
    assert [c["id"] for c in found] == [p["id"]]
    # and the other way round
    q = svc.people.create_person(first_name="Youssef", last_name="Ouzzine", sex="M", commune="VLG")
    assert svc.dedup.possible_duplicates({"first_name_ar": "يوسف", "last_name_ar": "أوزين"})[0]["id"] == q["id"]


def test_different_people_are_not_duplicates(crowd):
    svc = crowd
    svc.people.create_person(first_name="Fatima Zahra", last_name="Ait Ali", sex="F", commune="TIZ",
                             birth_date="2001-04-03")
    assert svc.dedup.possible_duplicates({"first_name": "Omar", "last_name": "Tazi"}) == []
    # same name, born twenty years apart: not the same person
    assert svc.dedup.possible_duplicates({"first_name": "Fatima Zahra", "last_name": "Ait Ali",
                                          "birth_date": "1981-02-02"}) == []


def test_merge_keeps_every_enrolment_and_is_audited(svc):
    a1, a2, a3 = action(svc, "1.1.1"), action(svc, "1.1.2"), action(svc, "2.1.1")
    keep = svc.people.create_person(first_name="Fatima Zahra", last_name="Ait Ali", sex="F", commune="TIZ")
    gone = svc.people.create_person(first_name_ar="فاطمة الزهراء", last_name_ar="آيت علي", sex="F", commune="TIZ",
                                    phone="+212 611 22 33 44")
    svc.people.enrol(keep["id"], a1)
    e2 = svc.people.enrol(gone["id"], a2)
    e1b = svc.people.enrol(gone["id"], a1)  # both enrolled in 1.1.1
    svc.people.add_milestone(e2["id"], "training", "2026-03-01")
    svc.people.add_milestone(e1b["id"], "schooling", "2026-02-01")
    svc.people.enrol(gone["id"], a3)
    ev = svc.events.create_event(title="Course", start="2026-05-01", type="sport")
    svc.events.register(ev["id"], [gone["id"]])
    svc.attachments.attach("person", gone["id"], data=b"scan", filename="consent.pdf")

    result = svc.dedup.merge(keep["id"], gone["id"])

    person = svc.people.person(keep["id"])
    assert sorted(e["action_id"] for e in person["enrolments"]) == sorted([a1, a2, a3])
    milestones = {m["kind"] for e in person["enrolments"] for m in e["milestones"]}
    assert milestones == {"training", "schooling"}
    assert person["last_name_ar"] == "آيت علي" and person["phone"] == "+212 611 22 33 44"
    assert [p["person_id"] for p in svc.events.participants(ev["id"])] == [keep["id"]]
    assert len(svc.attachments.attachments("person", keep["id"])) == 1
    with pytest.raises(CoopError):
        svc.people.person(gone["id"])
    ops = {e["op"] for e in svc.audit.entries(row_id=keep["id"])}
    assert "merge" in ops
    assert any(e["op"] == "delete" for e in svc.audit.entries(row_id=gone["id"]))
    assert result["moved"]["enrolments"] == 2
    # the removed record is no longer proposed as a duplicate
    assert [c["id"] for c in svc.dedup.possible_duplicates({"first_name": "Fatima Zahra",
                                                            "last_name": "Ait Ali"})] == [keep["id"]]


def test_merge_refuses_same_person(svc):
    p = svc.people.create_person(first_name="Omar", last_name="Tazi", sex="M", commune="TIZ")
    with pytest.raises(CoopError) as e:
        svc.dedup.merge(p["id"], p["id"])
    assert e.value.code == "merge_same_person"
