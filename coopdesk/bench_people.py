"""``coopdesk bench people``: the people area's speed targets on throw-away databases.

1. Import of a 100 000-row XLSX of persons with the duplicate checks (target < 60 s).
2. One duplicate check of a new person against those 100 000 (target < 100 ms, median).
3. The year's indicators on 100 000 persons and 1 000 000 participations (target < 2 s).

Names are drawn from Maghrebi and French first names and made-up family names with Amazigh and
Arabic prefixes (Ait, Ou, Id, Ben, El), so blocks have a realistic size; 1 % of the rows repeat an
earlier person with a spelling variant. The 1 000 000 participations of step 3 are inserted with
executemany (setting up the bench is not what it measures).

    python -m coopdesk.bench_people --persons 20000     # a quicker run
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

IMPORT_TARGET_S, CHECK_TARGET_MS, INDICATORS_TARGET_S = 60.0, 100.0, 2.0
FIRST_F = ["Fatima", "Khadija", "Aicha", "Meryem", "Salma", "Hanane", "Naima", "Zineb", "Latifa", "Samira", "Imane",
           "Yasmine", "Hafsa", "Nadia", "Ilham", "Fatima Zahra", "Souad", "Malika", "Rachida", "Karima", "Camille",
           "Léa", "Manon", "Inès", "Sarah", "Nora", "Lina", "Tiziri", "Itto", "Dihya"]
FIRST_M = ["Mohamed", "Ahmed", "Youssef", "Brahim", "Hassan", "Omar", "Said", "Lahcen", "Mustapha", "Rachid",
           "Hamza", "Karim", "Abdelaziz", "Mehdi", "Ayoub", "Abdellah", "Hicham", "Khalid", "Driss", "Jamal",
           "Lucas", "Hugo", "Nathan", "Adam", "Théo", "Rayan", "Yanis", "Massinissa", "Idir", "Aksel"]
PREFIX = ["Ait ", "Ou", "Id ", "Ben", "El ", "", "", "", "", ""]
ROOT_A = ["b", "t", "k", "m", "l", "r", "z", "s", "h", "d", "f", "g", "n", "j", "ch", "kh"]
ROOT_V = ["a", "ou", "i", "a", "e"]


def family_name(rng: random.Random) -> str:
    root = "".join(rng.choice(ROOT_A) + rng.choice(ROOT_V) for _ in range(rng.choice((2, 3))))
    return (rng.choice(PREFIX) + root.capitalize()).strip()


def variant(name: str) -> str:
    """A spelling variant staff might type: a hyphen, an accent, ou/u, a doubled letter."""
    return name.replace(" ", "-").replace("ou", "u").replace("ai", "aï").replace("s", "ss", 1)


def make_rows(n: int, seed: int = 7) -> list[list[Any]]:
    rng = random.Random(seed)
    rows: list[list[Any]] = []
    for i in range(n):
        if i > 100 and rng.random() < 0.01:
            src = rows[rng.randrange(len(rows))]
            rows.append([variant(src[0]), variant(src[1]), src[2], src[3], src[4]])
            continue
        sex = rng.choice("FM")
        first = rng.choice(FIRST_F if sex == "F" else FIRST_M)
        born = dt.date(1950, 1, 1) + dt.timedelta(days=rng.randrange(365 * 60))
        rows.append([family_name(rng), first, sex, born, "TIZ" if rng.random() < 0.75 else "VLG"])
    return rows


def write_xlsx(path: Path, rows: list[list[Any]]) -> None:
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet()
    ws.append(["Nom", "Prénom", "Sexe", "Date de naissance", "Commune"])
    for r in rows:
        ws.append(r)
    wb.save(path)


def run(persons: int = 100_000, participations: int = 1_000_000, folder: Path | None = None) -> dict[str, Any]:
    from coopdesk.services import open_services

    with tempfile.TemporaryDirectory() as tmp:
        base = folder or Path(tmp)
        xlsx = base / "persons.xlsx"
        t0 = time.perf_counter()
        write_xlsx(xlsx, make_rows(persons))
        t_write = time.perf_counter() - t0
        svc = open_services(base / "bench.db")
        try:
            svc.setup.init("TIZ")
            t0 = time.perf_counter()
            report = svc.imports.run("persons", xlsx, dry_run=False)
            t_import = time.perf_counter() - t0
            count = svc.people.count()
            probes = [{"first_name": "Fatima Zahra", "last_name": "Ait Ali", "birth_date": "2001-04-03",
                       "commune": "TIZ"},
                      {"first_name_ar": "محمد", "last_name_ar": "أوبوكو"},
                      {"first_name": "Youssef", "last_name": "Benkarima", "birth_date": "1990-05-05"}]
            svc.dedup.possible_duplicates(probes[0])  # builds nothing: the import kept the keys current
            times = []
            for _ in range(7):
                for probe in probes:
                    t0 = time.perf_counter()
                    svc.dedup.possible_duplicates(probe)
                    times.append((time.perf_counter() - t0) * 1000)
            t_check = statistics.median(times)
            t_fill, t_ind = _indicators(svc, base / "bench.db", participations)
        finally:
            svc.close()
    return {"persons": count, "xlsx_write_seconds": round(t_write, 1), "import_seconds": round(t_import, 1),
            "import_summary": report["summary"], "duplicate_check_ms_median": round(t_check, 1),
            "duplicate_check_ms_max": round(max(times), 1), "participations": participations,
            "participations_fill_seconds": round(t_fill, 1), "indicators_seconds": round(t_ind, 2)}


def _indicators(svc, db: Path, participations: int) -> tuple[float, float]:
    import sqlite3

    from coopdesk.domain.reference import axis_id, commune_id

    plan = svc.plans.create_plan(2026)
    actions = []
    for code, method, kind in (("1.1.1", "enrolments", None), ("1.1.2", "milestone", "job"),
                               ("4.1.1", "participants", None), ("4.1.3", "participants", None)):
        act = svc.plans.create_action(plan_id=plan["id"], code=code, axis_id=axis_id("I"), title=code,
                                      lead_commune_id=commune_id("TIZ"))
        svc.plans.create_indicator(action_id=act["id"], code=f"I{code}", name=code, method=method,
                                   milestone_kind=kind, target_total=1000)
        actions.append(act["id"])
    t0 = time.perf_counter()
    events = []
    for i in range(400):
        ev = svc.events.create_event(action_id=actions[2 + i % 2], type="sport", title=f"Event {i}",
                                     start=dt.date(2026, 1 + i % 12, 1 + i % 28),
                                     commune_id=commune_id("TIZ" if i % 3 else "VLG"),
                                     anonymous_f=i % 7, anonymous_m=i % 5)
        events.append((ev["id"],))
    con = sqlite3.connect(db)
    ids = [r[0] for r in con.execute("SELECT id FROM person")]
    rng = random.Random(3)
    per_event = participations // len(events)
    rows = []
    for eid, *_ in events:
        for pid in rng.sample(ids, per_event):
            rows.append((str(uuid.uuid4()), eid, pid, "attended" if rng.random() < 0.8 else "absent"))
    con.executemany("INSERT INTO participation (id, event_id, person_id, status) VALUES (?,?,?,?)", rows)
    enrolled = rng.sample(ids, min(20_000, len(ids)))
    enr = [(str(uuid.uuid4()), pid, actions[i % 2], "2026-01-10", "active") for i, pid in enumerate(enrolled)]
    con.executemany("INSERT INTO enrolment (id, person_id, action_id, enrolled_on, status) VALUES (?,?,?,?,?)", enr)
    con.executemany('INSERT INTO milestone (id, enrolment_id, kind, "on", notes) VALUES (?,?,?,?,?)',
                    [(str(uuid.uuid4()), e[0], "job", "2026-06-01", "") for e in enr[::3]])
    con.commit()
    con.execute("ANALYZE")
    con.close()
    t_fill = time.perf_counter() - t0
    svc.indicators.for_year(2026)  # warm the page cache once, as a screen opened twice would
    t0 = time.perf_counter()
    result = svc.indicators.for_year(2026)
    t_ind = time.perf_counter() - t0
    assert sum(i["achieved_total"] for i in result) > 0
    return t_fill, t_ind


def cmd_bench_people(args: argparse.Namespace) -> int:
    from coopdesk.cli import emit
    from coopdesk.i18n import _

    data = run(args.persons, args.participations)

    def text() -> str:
        return "\n".join([
            _("import of {n} rows (XLSX) with duplicate checks: {s} s (target < {t} s); {summary}").format(
                n=data["persons"], s=data["import_seconds"], t=IMPORT_TARGET_S, summary=data["import_summary"]),
            _("one duplicate check against {n} persons: median {m} ms, max {x} ms (target < {t} ms)").format(
                n=data["persons"], m=data["duplicate_check_ms_median"], x=data["duplicate_check_ms_max"],
                t=CHECK_TARGET_MS),
            _("indicators of the year, {n} persons and {p} participations: {s} s (target < {t} s)").format(
                n=data["persons"], p=data["participations"], s=data["indicators_seconds"], t=INDICATORS_TARGET_S),
        ])

    emit(args, data, text)
    return 0


def register_bench(sub: Any) -> None:
    p = sub.add_parser("people", help="import of 100 000 persons, one duplicate check, the year's indicators")
    p.add_argument("--persons", type=int, default=100_000)
    p.add_argument("--participations", type=int, default=1_000_000)
    p.add_argument("--json", action="store_true", default=argparse.SUPPRESS)
    p.set_defaults(func=cmd_bench_people)


if __name__ == "__main__":
    import sys

    from coopdesk.cli import main

    raise SystemExit(main(["bench", "people", *sys.argv[1:]]))
