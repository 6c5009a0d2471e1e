"""Indicators per commune and sex on a fixed data set, against a count made by hand; the same
figures after an import; and the people commands of the command line."""

from __future__ import annotations

import json

import pytest

from coopdesk.cli import main
from coopdesk.domain.reference import axis_id, commune_id

TIZ, VLG = commune_id("TIZ"), commune_id("VLG")

# (name, sex, commune, enrolled in 1.1.1, milestone "job", attended the sport event)
PEOPLE = [
    ("Fatima", "F", "TIZ", True, True, True),
    ("Khadija", "F", "TIZ", True, False, False),
    ("Aicha", "F", "TIZ", True, True, True),
    ("Mohamed", "M", "TIZ", True, False, True),
    ("Brahim", "M", "TIZ", False, False, True),
    ("Camille", "F", "VLG", True, True, False),
    ("Lucas", "M", "VLG", True, False, True),
    ("Hugo", "M", "VLG", True, True, True),
    ("Inès", "F", "VLG", False, False, True),
    ("Nora", "F", "VLG", False, False, False),  # registered but absent
]


def test_indicators_equal_a_hand_count(svc):
    plan = svc.plans.create_plan(2026)
    tawori = svc.plans.create_action(plan_id=plan["id"], code="1.1.1", axis_id=axis_id("I"), title="Tawori",
                                     lead_commune_id=TIZ)
    sport = svc.plans.create_action(plan_id=plan["id"], code="4.1.1", axis_id=axis_id("IV"), title="Sport",
                                    lead_commune_id=TIZ)
    ind_enr = svc.plans.create_indicator(action_id=tawori["id"], code="A", name="accompagnées", method="enrolments",
                                         targets={"TIZ": 90, "VLG": 30})
    ind_job = svc.plans.create_indicator(action_id=tawori["id"], code="B", name="emploi", method="milestone",
                                         milestone_kind="job", target_total=40)
    ind_part = svc.plans.create_indicator(action_id=sport["id"], code="C", name="sport", method="participants",
                                          target_total=100)
    ev = svc.events.create_event(action_id=sport["id"], title="Course des femmes", start="2026-03-08",
                                 type="sport", commune_id=TIZ, anonymous_f=12, anonymous_m=3)
    statuses = {}
    for name, sex, commune, enrolled, job, attended in PEOPLE:
        p = svc.people.create_person(first_name=name, last_name="Test", sex=sex, commune=commune)
        if enrolled:
            e = svc.people.enrol(p["id"], tawori["id"], "2026-01-10")
            if job:
                svc.people.add_milestone(e["id"], "job", "2026-06-01")
        if name in ("Brahim", "Inès", "Nora", "Fatima", "Aicha", "Mohamed", "Lucas", "Hugo"):
            svc.events.register(ev["id"], [p["id"]])
            statuses[p["id"]] = "attended" if attended else "absent"
    svc.events.mark_attendance(ev["id"], statuses)

    got = {i["code"]: i for i in svc.indicators.for_year(2026)}
    # counted by hand from the table above
    assert got["A"]["achieved"] == {"TIZ": {"F": 3, "M": 1}, "VLG": {"F": 1, "M": 2}}
    assert got["A"]["achieved_total"] == 7 and got["A"]["targets"] == {"TIZ": 90, "VLG": 30}
    assert got["B"]["achieved"] == {"TIZ": {"F": 2, "M": 0}, "VLG": {"F": 1, "M": 1}}
    # attended: Fatima, Aicha, Mohamed, Brahim (TIZ); Lucas, Hugo, Inès (VLG); plus 12 women, 3 men anonymous in TIZ
    assert got["C"]["achieved"] == {"TIZ": {"F": 2 + 12, "M": 2 + 3}, "VLG": {"F": 1, "M": 2}}
    assert ind_enr and ind_job and ind_part


@pytest.mark.sqlite_only
def test_command_line_import_export_anonymise_users(svc, tmp_path, capsys):
    db = str(svc.db.path)
    src = tmp_path / "p.csv"
    src.write_text("Nom;Prénom;Sexe;Date de naissance;Commune;Pointure\n"
                   "Oubaha;Hassan;H;12/05/1990;Tiznit;42\n"
                   "Tazi;Salma;F;31/02/2001;TIZ;\n", encoding="utf-8")
    assert main(["--db", db, "--lang", "en", "import", "persons", str(src), "--dry-run", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["summary"]["create"] == 1 and out["rows"][0]["row"] == 3 and out["dry_run"]
    assert svc.people.count() == 0
    assert main(["--db", db, "import", "persons", str(src), "--errors", str(tmp_path / "err.csv")]) == 0
    capsys.readouterr()
    assert svc.people.count() == 1
    assert "31/02/2001" in (tmp_path / "err.csv").read_text(encoding="utf-8-sig")

    out_file = tmp_path / "out.xlsx"
    assert main(["--db", db, "--json", "export", "persons", "--out", str(out_file), "--pseudonymised"]) == 0
    assert json.loads(capsys.readouterr().out)["rows"] == 1

    pid = svc.people.search("oubaha")[0]["id"]
    assert main(["--db", db, "anonymise", pid]) == 0
    assert svc.people.person(pid)["last_name"] == ""
    assert main(["--db", db, "--json", "anonymise", pid]) == 1
    assert json.loads(capsys.readouterr().err)["error"]["code"] == "already_anonymised"

    assert main(["--db", db, "users", "add", "nadia", "--role", "viewer"]) == 0
    import io
    import sys

    sys.stdin = io.StringIO("un long mot de passe\n")
    try:
        assert main(["--db", db, "users", "passwd", "nadia"]) == 0
    finally:
        sys.stdin = sys.__stdin__
    assert svc.auth.login("nadia", "un long mot de passe").role == "viewer"
