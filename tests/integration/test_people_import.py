"""Spreadsheet import: column mapping, dry run with a problem list per row, error file, one
transaction; saved mappings; organisations and participants."""

from __future__ import annotations

import csv
import datetime as dt
import time

import pytest
from openpyxl import Workbook, load_workbook

from coopdesk.errors import CoopError


def write_csv(path, rows, delimiter=";", encoding="utf-8-sig"):
    with open(path, "w", encoding=encoding, newline="") as fh:
        csv.writer(fh, delimiter=delimiter).writerows(rows)
    return path


def write_xlsx(path, rows):
    wb = Workbook(write_only=True)
    ws = wb.create_sheet()
    for r in rows:
        ws.append(r)
    wb.save(path)
    return path


BAD_FILE = [
    ["Nom", "Prénom", "Sexe", "Date de naissance", "Commune", "Pointure"],
    ["Oubaha", "Hassan", "H", "12/05/1990", "Tiznit", "42"],            # row 2: fine
    ["Tazi", "Salma", "F", "31/02/2001", "TIZ", ""],                     # row 3: bad date
    ["Moreau", "Claire", "F", "1985-07-14", "Paris", ""],               # row 4: unknown commune
    ["Aït Ali", "Fatima-Zahra", "F", "03/04/2001", "TIZ", ""],          # row 5: duplicate of the database
    ["Lahlou", "Said", "M", "", "VLG", ""],                              # row 6: fine
]


def test_dry_run_lists_each_problem_by_row_and_writes_nothing(svc, tmp_path):
    existing = svc.people.create_person(first_name="Fatima Zahra", last_name="Ait Ali", sex="F", commune="TIZ",
                                        birth_date="2001-04-03")
    path = write_csv(tmp_path / "beneficiaires.csv", BAD_FILE)
    before = svc.people.count()
    audit_before = len(svc.audit.entries(limit=10000))

    report = svc.imports.preview("persons", path)

    assert [(p["row"], p["code"]) for p in report["problems"]] == [(1, "unknown_column")]
    by_row = {r["row"]: r for r in report["rows"]}
    assert by_row[2]["action"] == "create" and by_row[6]["action"] == "create"
    assert by_row[3]["action"] == "reject"
    assert [(p["field"], p["code"]) for p in by_row[3]["problems"]] == [("birth_date", "invalid_date")]
    assert [(p["field"], p["code"]) for p in by_row[4]["problems"]] == [("commune", "unknown_commune")]
    assert by_row[5]["action"] == "duplicate"
    assert by_row[5]["duplicates"][0]["ref"] == existing["id"]
    assert "Paris" in by_row[4]["problems"][0]["message"]
    assert report["summary"] == {"create": 2, "update": 0, "reject": 2, "duplicate": 1}
    assert svc.people.count() == before
    assert len(svc.audit.entries(limit=10000)) == audit_before

    # the error file has the rejected rows, their cells and why
    err = svc.imports.error_file(report, tmp_path / "erreurs.xlsx")
    rows = list(load_workbook(err, read_only=True).worksheets[0].iter_rows(values_only=True))
    assert rows[0][0] == "row" and rows[0][-1] == "errors"
    assert [r[0] for r in rows[1:]] == [3, 4, 5]
    assert "31/02/2001" in rows[1] and "Paris" in rows[2]

    # confirmed: the accepted rows are written, the others are not
    done = svc.imports.run("persons", path, dry_run=False)
    assert done["written"]
    assert svc.people.count() == before + 2
    assert {p["last_name"] for p in svc.people.search("oubaha")} == {"Oubaha"}
    assert svc.people.search("Moreau") == []


def test_strict_import_with_errors_writes_nothing(svc, tmp_path):
    path = write_csv(tmp_path / "b.csv", BAD_FILE)
    with pytest.raises(CoopError) as e:
        svc.imports.run("persons", path, dry_run=False, strict=True)
    assert e.value.code == "import_has_errors"
    assert svc.people.count() == 0


def test_duplicates_inside_the_file_and_saved_mapping(svc, tmp_path):
    path = write_xlsx(tmp_path / "liste.xlsx", [
        ["NOM", "PRENOM", "G", "VILLE"],
        ["Ait Ali", "Fatima Zahra", "F", "TIZ"],
        ["Aït-Ali", "Fatima-Zahra", "F", "TIZ"],
    ])
    mapping = {"NOM": "last_name", "PRENOM": "first_name", "G": "sex", "VILLE": "commune"}
    svc.imports.save_mapping("persons", "liste tiznit", mapping)
    assert svc.imports.mappings("persons") == {"liste tiznit": mapping}
    report = svc.imports.preview("persons", path, "liste tiznit")
    assert report["problems"] == []
    assert [r["action"] for r in report["rows"]] == ["create", "duplicate"]
    assert report["rows"][1]["duplicates"][0]["where"] == "row 2"
    svc.imports.run("persons", path, "liste tiznit", dry_run=False, on_duplicate="create")
    assert svc.people.count() == 2


def test_csv_encoding_and_delimiter_are_sniffed(svc, tmp_path):
    path = write_csv(tmp_path / "excel.csv", [["Nom", "Prénom", "Sexe", "Commune"], ["Lefèvre", "Léa", "F", "VLG"]],
                     delimiter=",", encoding="cp1252")
    svc.imports.run("persons", path, dry_run=False)
    assert svc.people.search("Lefevre")[0]["first_name"] == "Léa"


def test_viewer_cannot_import(svc, tmp_path):
    from coopdesk.services import Actor

    path = write_csv(tmp_path / "b.csv", BAD_FILE[:2])
    viewer = svc.as_user(Actor("lecteur", "viewer", False))
    assert viewer.imports.preview("persons", path)["summary"]["create"] == 1
    with pytest.raises(CoopError) as e:
        viewer.imports.run("persons", path, dry_run=False)
    assert e.value.code == "forbidden"
    assert svc.people.count() == 0


def test_organisations_and_participants(svc, tmp_path):
    orgs = write_csv(tmp_path / "orgs.csv", [["Nom", "Sigle", "Type", "Commune"],
                                             ["Association Défi du Handicap Tiznit", "ADHT-2", "association", "TIZ"],
                                             ["Coopérative Argan", "", "cooperative", "TIZ"],
                                             ["Coopérative Argan", "", "cooperative", "TIZ"]])
    report = svc.imports.run("organisations", orgs, dry_run=False)
    # ADHT is in the reference data already; the third row repeats the second
    assert [r["action"] for r in report["rows"]] == ["duplicate", "create", "duplicate"]
    assert any(o["name"] == "Coopérative Argan" for o in svc.funding.organisations())

    ev = svc.events.create_event(title="Foulées de Tiznit", start="2026-03-08", type="sport")
    known = svc.people.create_person(first_name="Salma", last_name="Tazi", sex="F", commune="TIZ",
                                     birth_date="2004-01-01")
    parts = write_csv(tmp_path / "parts.csv", [["Evenement", "Nom", "Prenom", "Sexe", "Commune", "Date de naissance", "Statut"],
                                               ["Foulées de Tiznit", "Tazi", "Salma", "F", "TIZ", "2004-01-01", "présente"],
                                               ["Foulées de Tiznit", "Amazigh", "Nadia", "F", "TIZ", "", "présente"],
                                               ["Marathon de Paris", "Dupont", "Léa", "F", "VLG", "", ""]])
    report = svc.imports.run("participants", parts, dry_run=False)
    assert [r["action"] for r in report["rows"]] == ["create", "create", "reject"]
    assert report["rows"][2]["problems"][0]["code"] == "unknown_event"
    got = {(p["last_name"], p["status"]) for p in svc.events.participants(ev["id"])}
    assert got == {("Tazi", "attended"), ("Amazigh", "attended")}
    assert known["id"] in {p["person_id"] for p in svc.events.participants(ev["id"])}


SYL = ["ba", "ki", "lo", "mu", "ne", "ra", "si", "to", "za", "fe", "gu", "ho", "ja", "di", "pe", "ve", "ri", "sa",
       "ko", "ma"]


def syllables(n: int) -> str:
    """A distinct made-up name for each number (digits would make every name alike)."""
    out = ""
    for _ in range(4):
        out += SYL[n % 20]
        n //= 20
    return out.capitalize()


def test_ten_thousand_rows_in_one_transaction(svc, tmp_path):
    rows = [["Nom", "Prénom", "Sexe", "Date de naissance", "Commune"]]
    for i in range(10_000):
        rows.append([syllables(i), syllables(i * 7919 + 13), "F" if i % 2 else "M", (dt.date(1950, 1, 1) + dt.timedelta(days=i)).isoformat(),
                     "TIZ" if i % 4 else "VLG"])
    rows.append(["Tazi", "Omar", "M", "not a date", "TIZ"])
    path = write_csv(tmp_path / "big.csv", rows)
    t0 = time.perf_counter()
    report = svc.imports.run("persons", path, dry_run=False)
    assert report["summary"]["create"] == 10_000 and report["summary"]["reject"] == 1
    assert svc.people.count() == 10_000
    assert svc.people.count(commune="VLG") == 2_500
    assert time.perf_counter() - t0 < 120  # a guard against a per-row transaction, not a benchmark

    # a failure while writing leaves nothing: all or nothing
    svc2_path = write_csv(tmp_path / "big2.csv", rows[:200])
    calls = {"n": 0}

    def cancel_at_the_end():
        calls["n"] += 1
        return calls["n"] > 1 + 1  # polled during the check (once), then before and after writing

    with pytest.raises(CoopError) as e:
        svc.imports.run("persons", svc2_path, dry_run=False, on_duplicate="create", cancelled=cancel_at_the_end)
    assert e.value.code == "cancelled"
    assert svc.people.count() == 10_000
