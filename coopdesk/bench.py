"""``coopdesk bench ...``: speed measurements on throw-away databases (never on a real one).

Sub-commands come from ``sync`` (here) and from every importable ``coopdesk.bench_*`` module's
``register_bench(bench_subparsers)``.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import gzip
import importlib
import io
import pkgutil
import sqlite3
import tempfile
import time
from pathlib import Path
from typing import Any

from coopdesk.i18n import _


def populate(svc: Any, n: int, *, seed: int = 1, batch: int = 10_000) -> dict[str, str]:
    """``n`` persons each enrolled in one action, written through the ORM with change capture on
    (so they travel in bundles), in batches of ``batch`` per transaction."""
    import random

    from coopdesk.db.models import Enrolment, Person, new_id
    from coopdesk.domain.reference import commune_id

    rng = random.Random(seed)
    action = _action(svc)
    first = ["Fatima", "Khadija", "Amina", "Camille", "Yassine", "Mohamed", "Omar", "Lucas"]
    last = ["Ait Ali", "Bakkali", "Oubaha", "Amrani", "Martin", "Dupont", "Idrissi", "Moreau"]
    tiz = commune_id("TIZ")
    done = 0
    while done < n:
        with svc.ctx.uow(write=True) as s:
            enrolments = []
            for _i in range(min(batch, n - done)):
                pid = new_id()
                s.add(Person(id=pid, first_name=rng.choice(first), last_name=f"{rng.choice(last)} {done}",
                             sex=rng.choice("FM"), commune_id=tiz,
                             birth_date=dt.date(rng.randint(1950, 2015), rng.randint(1, 12), rng.randint(1, 28)),
                             phone=f"06{rng.randrange(10**8):08d}", disability=rng.random() < 0.1))
                enrolments.append(Enrolment(id=new_id(), person_id=pid, action_id=action, status="active",
                                            enrolled_on=dt.date(2031, rng.randint(1, 12), rng.randint(1, 28))))
                done += 1
            s.flush()  # persons before their enrolments (no ORM relationship orders them)
            s.add_all(enrolments)
    return {"action_id": action}


def _action(svc: Any) -> str:
    from sqlalchemy import select

    from coopdesk.db.models import Action, Axis, Plan, new_id

    with svc.ctx.uow(write=True) as s:
        p = Plan(id=new_id(), year=2031)
        s.add(p)
        s.flush()
        axis = s.scalars(select(Axis).limit(1)).first()
        a = Action(id=new_id(), plan_id=p.id, code="B.1", axis_id=axis.id, title="Bench")
        s.add(a)
        return a.id


def _rows(db: Path, table: str) -> tuple[list[str], list[tuple]]:
    con = sqlite3.connect(db)
    try:
        cols = [r[1] for r in con.execute(f'PRAGMA table_info("{table}")')]
        return cols, con.execute(f'SELECT * FROM "{table}"').fetchall()
    finally:
        con.close()


def bench_sync(args: argparse.Namespace) -> int:
    from coopdesk.cli import emit
    from coopdesk.services import open_services

    n = args.records
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        a = open_services(folder / "a.db")
        a.setup.init("TIZ")
        b = open_services(folder / "b.db")
        b.setup.init("TIZ", node_code="TIZ2")
        for s, code in ((a, "a"), (b, "b")):
            s.sync.export_identity(folder / f"{code}.id")
        a.sync.trust(folder / "b.id")
        b.sync.trust(folder / "a.id")
        b.sync.backup = a.sync.backup = False
        t0 = time.perf_counter()
        info = populate(a, n)
        t_build = time.perf_counter() - t0

        t0 = time.perf_counter()
        paths = a.sync.export_bundle("TIZ2", folder / "full", max_mb=args.max_size)
        t_export = time.perf_counter() - t0
        size = sum(Path(p).stat().st_size for p in paths)
        t0 = time.perf_counter()
        b.sync.import_bundles(paths)
        t_import = time.perf_counter() - t0
        # Not part of the import: the duplicate check's name keys of the persons received, left by
        # a big sync to one rebuild (the app runs it right after the import, in the same task).
        t0 = time.perf_counter()
        b.dedup.ensure_index()
        t_keys = time.perf_counter() - t0

        # Baselines measured in the same process: plain executemany, gzip CSV.
        raw_cols = {}
        t_plain = 0.0
        csv_bytes = io.BytesIO()
        plain = sqlite3.connect(folder / "plain.db")
        plain.execute("PRAGMA journal_mode=WAL")
        src = sqlite3.connect(folder / "a.db")
        for table in ("person", "enrolment"):
            ddl = src.execute("SELECT sql FROM sqlite_master WHERE type='table' AND name=?", (table,)).fetchone()[0]
            plain.execute(ddl)
            cols, rows = _rows(folder / "a.db", table)
            raw_cols[table] = len(rows)
            t0 = time.perf_counter()
            plain.executemany(f'INSERT INTO "{table}" VALUES ({",".join("?" * len(cols))})', rows)
            plain.commit()
            t_plain += time.perf_counter() - t0
            text = io.StringIO()
            w = csv.writer(text)
            w.writerow(cols)
            w.writerows(rows)
            csv_bytes.write(text.getvalue().encode("utf-8"))
        src.close()
        plain.close()
        gz = len(gzip.compress(csv_bytes.getvalue(), 6))

        # 10 changes, then sync again both ways.
        ids = [r["id"] for r in a.people.search("", limit=10)]
        for i, pid in enumerate(ids):
            a.people.update_person(pid, phone=f"07000000{i:02d}")
        t0 = time.perf_counter()
        inc = a.sync.export_bundle("TIZ2", folder / "inc")
        t_inc_export = time.perf_counter() - t0
        inc_size = sum(Path(p).stat().st_size for p in inc)
        t0 = time.perf_counter()
        b.sync.import_bundles(inc)
        t_inc_import = time.perf_counter() - t0
        a.sync.import_bundles(b.sync.export_bundle("TIZ", folder / "back"))  # b's own node row
        same = a.sync.state_hash("TIZ2") == b.sync.state_hash("TIZ")
        a.close()
        b.close()
    data = {"records": n, "rows": sum(raw_cols.values()), "build_seconds": round(t_build, 2),
            "export_seconds": round(t_export, 2), "import_seconds": round(t_import, 2),
            "name_keys_seconds": round(t_keys, 2), "bundle_bytes": size,
            "bundle_parts": len(paths), "executemany_seconds": round(t_plain, 3),
            "import_vs_executemany": round(t_import / t_plain, 2), "gzip_csv_bytes": gz,
            "bytes_vs_gzip_csv": round(size / gz, 3), "incremental_bytes": inc_size,
            "incremental_export_seconds": round(t_inc_export, 3),
            "incremental_import_seconds": round(t_inc_import, 3), "converged": same, "action": info["action_id"]}

    def text() -> str:
        return "\n".join([
            _("records: {n} persons + {n} enrolments ({rows} rows)").format(n=n, rows=data["rows"]),
            _("export: {s} s, bundle {b} bytes in {p} part(s)").format(s=data["export_seconds"], b=size, p=len(paths)),
            _("import on a fresh node: {s} s").format(s=data["import_seconds"]),
            _("then the duplicate check's name keys rebuilt: {s} s").format(s=data["name_keys_seconds"]),
            _("import / sqlite3 executemany ({e} s): {r} (target at most 5)").format(
                e=data["executemany_seconds"], r=data["import_vs_executemany"]),
            _("bundle / gzip CSV ({g} bytes): {r} (target at most 1.3)").format(g=gz, r=data["bytes_vs_gzip_csv"]),
            _("10 changes: bundle {b} bytes (target < 10 KB), export {e} s, import {i} s (target < 1 s)").format(
                b=inc_size, e=data["incremental_export_seconds"], i=data["incremental_import_seconds"]),
            _("converged: {ok}").format(ok=same),
        ])

    emit(args, data, text)
    return 0


def register(sub: Any) -> None:
    p = sub.add_parser("bench", help=_("speed measurements on throw-away databases"))
    bs = p.add_subparsers(dest="bench_command", metavar="BENCH")
    bs.required = True
    s = bs.add_parser("sync", help=_("export and import of a large node, then 10 changes"))
    s.add_argument("--records", type=int, default=100_000)
    s.add_argument("--max-size", type=float, default=10)
    s.add_argument("--json", action="store_true", default=argparse.SUPPRESS)
    s.set_defaults(func=bench_sync)
    import coopdesk

    for mod in sorted(m.name for m in pkgutil.iter_modules(coopdesk.__path__) if m.name.startswith("bench_")):
        module = importlib.import_module(f"coopdesk.{mod}")
        if hasattr(module, "register_bench"):
            module.register_bench(bs)
