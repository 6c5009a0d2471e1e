"""Data protection: viewers change nothing, no health detail without the permission (screens and
exports), consent per purpose, pseudonymised export, anonymisation to the last byte, retention,
local login."""

from __future__ import annotations

import datetime as dt
import sqlite3

import pytest
from openpyxl import load_workbook

from coopdesk.domain.reference import axis_id, commune_id
from coopdesk.errors import CoopError
from coopdesk.services import Actor

TIZ = commune_id("TIZ")
VIEWER = Actor("lecteur", "viewer", False)
EDITOR_NO_HEALTH = Actor("redacteur", "editor", False)


def person(svc, **kw):
    data = dict(first_name="Fatima Zahra", last_name="Ait Ali", first_name_ar="فاطمة الزهراء",
                last_name_ar="آيت علي", sex="F", commune="TIZ", birth_date="2001-04-03",
                phone="+212 611 22 33 44", email="fz.aitali@example.ma", address="12 rue Souss, Tiznit",
                disability=True, disability_details="Déficience motrice des membres inférieurs")
    data.update(kw)
    return svc.people.create_person(**data)


def sheet_text(path):
    if str(path).endswith(".csv"):
        return path.read_text(encoding="utf-8-sig")
    wb = load_workbook(path, read_only=True)
    return "\n".join(" ".join("" if v is None else str(v) for v in row)
                     for row in wb.worksheets[0].iter_rows(values_only=True))


def test_viewer_cannot_change_anything(svc, tmp_path):
    p = person(svc)
    other = person(svc, first_name="Omar", last_name="Tazi", first_name_ar="", last_name_ar="", sex="M",
                   phone="", email="", address="")
    viewer = svc.as_user(VIEWER)
    attempts = [
        lambda: viewer.people.create_person(first_name="X", last_name="Y", sex="F", commune="TIZ"),
        lambda: viewer.people.update_person(p["id"], phone="0"),
        lambda: viewer.people.delete_person(p["id"]),
        lambda: viewer.dedup.merge(p["id"], other["id"]),
        lambda: viewer.privacy.anonymise(p["id"]),
        lambda: viewer.privacy.give_consent(p["id"], "partners", given_on="2026-01-01"),
        lambda: viewer.privacy.set_retention_months(12),
        lambda: viewer.imports.save_mapping("persons", "m", {"Nom": "last_name"}),
        lambda: viewer.events.create_event(title="E", start="2026-01-01"),
        lambda: viewer.auth.set_password("admin", "a long password"),
        lambda: viewer.attachments.attach("person", p["id"], data=b"x", filename="x.txt"),
    ]
    for attempt in attempts:
        with pytest.raises(CoopError) as e:
            attempt()
        assert e.value.code == "forbidden"
    assert svc.people.count() == 2
    assert svc.people.person(p["id"])["phone"] == "+212 611 22 33 44"
    # reading is allowed
    assert viewer.people.count() == 2


def test_no_disability_detail_without_the_health_permission(svc, tmp_path):
    p = person(svc)
    ev = svc.events.create_event(title="Course", start="2026-05-01", type="sport")
    svc.events.register(ev["id"], [p["id"]])
    secret = "Déficience motrice"
    for actor in (VIEWER, EDITOR_NO_HEALTH):
        other = svc.as_user(actor)
        assert secret not in str(other.people.person(p["id"]))
        assert secret not in str(other.people.search("ait ali"))
        assert secret not in str(other.dedup.possible_duplicates({"first_name": "Fatima Zahra",
                                                                  "last_name": "Ait Ali"}))
        assert "disability_details" not in other.exports.columns("persons")
        for kind in ("persons", "participants"):
            for suffix in ("xlsx", "csv"):
                out = tmp_path / f"{actor.username}-{kind}.{suffix}"
                other.exports.export(kind, out, columns=["last_name", "disability", "disability_details"]
                                     if kind == "persons" else None)
                assert secret not in sheet_text(out)
    # the permission shows it
    out = tmp_path / "admin.xlsx"
    svc.exports.export("persons", out, columns=["last_name", "disability_details"])
    assert secret in sheet_text(out)


def test_export_applies_filters_columns_and_consent(svc, tmp_path):
    a = person(svc)
    b = person(svc, first_name="Omar", last_name="Tazi", first_name_ar="", last_name_ar="", sex="M",
               commune="VLG", phone="", email="", address="", disability=False, disability_details="")
    c = person(svc, first_name="Salma", last_name="Oubaha", first_name_ar="", last_name_ar="", phone="", email="",
               address="")
    out = tmp_path / "f.csv"
    res = svc.exports.export("persons", out, columns=["last_name", "commune"], filters={"sex": "F"})
    assert res["rows"] == 2
    lines = out.read_text(encoding="utf-8-sig").splitlines()
    assert lines[0] == "last_name;commune"
    assert sorted(lines[1:]) == ["Ait Ali;TIZ", "Oubaha;TIZ"]

    svc.privacy.give_consent(a["id"], "partners", given_on="2026-01-10", collected_by="Hassan Oubaha")
    svc.privacy.give_consent(b["id"], "partners", given_on="2026-01-10")
    svc.privacy.withdraw_consent(b["id"], "partners", on="2026-02-01")
    svc.privacy.give_consent(c["id"], "images", given_on="2026-01-10")
    res = svc.exports.export("persons", tmp_path / "p.csv", columns=["last_name"], purpose="partners")
    assert (tmp_path / "p.csv").read_text(encoding="utf-8-sig").splitlines()[1:] == ["Ait Ali"]
    assert res["rows"] == 1


def test_pseudonymised_export(svc, tmp_path):
    a = person(svc)
    out1, out2 = tmp_path / "a.xlsx", tmp_path / "b.xlsx"
    svc.exports.export("persons", out1, pseudonymised=True)
    svc.exports.export("persons", out2, pseudonymised=True)
    rows = list(load_workbook(out1, read_only=True).worksheets[0].iter_rows(values_only=True))
    assert rows[0] == ("code", "sex", "birth_year", "commune", "disability")
    code = rows[1][0]
    assert code.startswith("P-") and a["id"] not in code
    assert rows[1][1:] == ("F", 2001, "TIZ", 1)
    text = sheet_text(out1)
    for ident in ("Ait Ali", "Fatima", "آيت", "2001-04-03", "+212", "Déficience"):
        assert ident not in text
    assert sheet_text(out2) == text  # the same code every time


@pytest.mark.sqlite_only
def test_anonymisation_leaves_no_trace_and_keeps_the_indicators(svc, tmp_path):
    plan = svc.plans.create_plan(2026)
    act = svc.plans.create_action(plan_id=plan["id"], code="1.1.1", axis_id=axis_id("I"), title="Tawori",
                                  lead_commune_id=TIZ)
    svc.plans.create_indicator(action_id=act["id"], code="P1", name="Personnes accompagnées",
                               method="enrolments", target_total=120)
    p = person(svc, first_name="Tiziri", last_name="Oukhouyaz", first_name_ar="تيزيري", last_name_ar="أوخويز",
               phone="+212 699 88 77 66", email="tiziri.oukhouyaz@example.ma", address="7 derb Tamazight",
               notes="Suivie par Mme Idrissi")
    keep = person(svc, first_name="Hanane", last_name="Bakkali", first_name_ar="", last_name_ar="", birth_date="1999-09-09",
                  disability_details="Surdité",
                  phone="", email="", address="")
    enr = svc.people.enrol(p["id"], act["id"], "2026-01-15")
    svc.people.add_milestone(enr["id"], "schooling", "2026-02-01", notes="Tiziri à l'école Al Amal")
    svc.people.enrol(keep["id"], act["id"], "2026-01-15")
    svc.people.update_person(p["id"], phone="+212 600 00 00 01")  # an old value in the history
    svc.attachments.attach("person", p["id"], data=b"%PDF scan of Tiziri Oukhouyaz consent",
                           filename="consentement-Oukhouyaz.pdf")
    svc.privacy.give_consent(p["id"], "followup", given_on="2026-01-15", scope="Tiziri Oukhouyaz, suivi")
    before = svc.indicators.for_year(2026)

    svc.privacy.anonymise(p["id"])

    after = svc.indicators.for_year(2026)
    assert [i["achieved"] for i in after] == [i["achieved"] for i in before]
    assert after[0]["achieved"]["TIZ"]["F"] == 2
    shown = svc.people.person(p["id"])
    assert shown["anonymised"] and shown["last_name"] == "" and shown["birth_date"] == dt.date(2001, 1, 1)
    assert shown["sex"] == "F" and shown["commune_code"] == "TIZ" and shown["disability"]
    assert svc.people.person(keep["id"])["last_name"] == "Bakkali"
    assert any(e["op"] == "anonymise" for e in svc.audit.entries(row_id=p["id"]))

    db = svc.db.path
    con = sqlite3.connect(db)
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.close()
    raw = db.read_bytes()
    wal = db.with_name(db.name + "-wal")
    if wal.exists():
        raw += wal.read_bytes()
    for ident in ("Tiziri", "Oukhouyaz", "تيزيري", "أوخويز", "699 88 77 66", "600 00 00 01", "tiziri.oukhouyaz",
                  "derb Tamazight", "2001-04-03", "Déficience motrice", "Idrissi", "scan of Tiziri", "oukhouyaz"):
        assert ident.encode("utf-8") not in raw, ident
    assert b"Bakkali" in raw  # the others are untouched


def test_retention_lists_inactive_persons(svc):
    plan = svc.plans.create_plan(2023)
    act = svc.plans.create_action(plan_id=plan["id"], code="1.1.1", axis_id=axis_id("I"), title="Tawori",
                                  lead_commune_id=TIZ)
    old = person(svc, first_name="Ancien", last_name="Beneficiaire", first_name_ar="", last_name_ar="")
    recent = person(svc, first_name="Nouvelle", last_name="Inscrite", first_name_ar="", last_name_ar="")
    svc.people.enrol(old["id"], act["id"], "2020-09-01")
    svc.people.enrol(recent["id"], act["id"], "2026-09-01")
    assert svc.privacy.inactive_persons(dt.date(2026, 11, 1)) == []  # no retention set: nothing listed
    svc.privacy.set_retention_months(36)
    listed = svc.privacy.inactive_persons(dt.date(2026, 11, 1))
    assert [p["id"] for p in listed] == [old["id"]]
    assert listed[0]["last_activity"] == dt.date(2020, 9, 1)


@pytest.mark.sqlite_only
def test_local_login_with_lock_after_five_failures(svc):
    svc.users.create_user("redacteur", "editor", can_see_health=False)
    svc.auth.set_password("redacteur", "sel et argan 2026")
    actor = svc.auth.login("redacteur", "sel et argan 2026")
    assert (actor.username, actor.role, actor.can_see_health) == ("redacteur", "editor", False)
    with sqlite3.connect(svc.db.path) as con:
        stored = con.execute("SELECT password_hash FROM user WHERE username='redacteur'").fetchone()[0]
    assert stored.startswith("$argon2id$") and "argan" not in stored
    with pytest.raises(CoopError) as e:
        svc.auth.login("nobody", "whatever")
    assert e.value.code == "login_failed"
    for _ in range(4):
        with pytest.raises(CoopError) as e:
            svc.auth.login("redacteur", "wrong")
        assert e.value.code == "login_failed"
    with pytest.raises(CoopError) as e:
        svc.auth.login("redacteur", "wrong")
    assert e.value.code == "account_locked"
    with pytest.raises(CoopError) as e:  # locked: even the right password is refused
        svc.auth.login("redacteur", "sel et argan 2026")
    assert e.value.code == "account_locked"
    svc.auth.unlock("redacteur")
    assert svc.auth.login("redacteur", "sel et argan 2026").username == "redacteur"
    with pytest.raises(CoopError) as e:
        svc.auth.set_password("redacteur", "short")
    assert e.value.code == "password_too_short"
    # the audit trail never holds a password hash
    assert "argon2" not in str(svc.audit.entries(entity="user", limit=1000))
