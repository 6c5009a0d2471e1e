"""Does the window keep turning while long work runs? Undo and redo of a large import, and a restore.

    python -m ui.bench_long_work [--persons 10000] [--json]

On a throw-away database, imports N persons from an XLSX (as the import wizard writes them), then
times, each run once on the UI thread as before (the wait cursor) and once in a worker behind the
modal progress dialog (``ui.common.commands.in_worker_if_large``, ``ui.common.worker.run_modal``):
the undo of the import, its redo, and the restore of a backup made after the import. Meanwhile a
10 ms timer ticks on the UI thread: "idle", it does nothing else; "repainting", each tick repaints
the beneficiaries list (a real ``PeoplePage``, whose model answers from Python, so it competes with
the worker for the interpreter: a stress, a window repaints far less often). Reported per run: the
wall time, the longest the UI thread went without turning its event loop ("longest freeze"), how
many turns it made and the slowest repaint. Offscreen platform; no window is shown to anyone.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any


def _heartbeat(app: Any, widget: Any, run: Callable[[], Any], repaint: bool) -> dict[str, float]:
    from PySide6.QtCore import QTimer

    gaps: list[float] = []
    paints: list[float] = []
    last = [time.perf_counter()]

    def tick() -> None:
        now = time.perf_counter()
        gaps.append(now - last[0])
        if repaint:
            widget.viewport().repaint()
            paints.append(time.perf_counter() - now)
        last[0] = time.perf_counter()

    timer = QTimer()
    timer.setInterval(10)
    timer.timeout.connect(tick)
    app.processEvents()
    last[0] = time.perf_counter()
    timer.start()
    started = time.perf_counter()
    run()
    wall = time.perf_counter() - started
    app.processEvents()  # the tick that was due while run() held the thread (when it did)
    timer.stop()
    out = {"wall_s": round(wall, 2), "longest_freeze_ms": round(max(gaps, default=wall) * 1000, 1),
           "turns": len(gaps)}
    if repaint:
        out["slowest_repaint_ms"] = round(max(paints, default=0.0) * 1000, 1)
    return out


def run(persons: int = 10_000) -> dict[str, Any]:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from coopdesk.bench_people import make_rows, write_xlsx
    from coopdesk.services import open_services

    from PySide6.QtGui import QUndoStack  # isort: skip
    from PySide6.QtWidgets import QApplication  # isort: skip

    from ui.common import commands
    from ui.common.commands import AppliedCommand
    from ui.common.worker import run_modal
    from ui.people.page import PeoplePage

    app = QApplication.instance() or QApplication(sys.argv[:1])
    out: dict[str, Any] = {"persons": persons}
    with tempfile.TemporaryDirectory() as tmp:
        svc = open_services(Path(tmp) / "bench.db")
        svc.setup.init("TIZ")
        xlsx = Path(tmp) / "persons.xlsx"
        write_xlsx(xlsx, make_rows(persons))
        change = svc.imports.run("persons", xlsx, dry_run=False, on_duplicate="create")["undo"]
        out["rows"] = change.count()
        stack = QUndoStack()
        page = PeoplePage(svc, stack)
        page.resize(1366, 768)
        page.show()
        app.processEvents()
        gc.collect()
        gc.freeze()  # as the app does once its window is shown (ui.app.resume_gc)

        path = ""
        restore = svc.setup.restore_backup
        for beat, repaint in (("idle", False), ("repainting", True)):
            for mode, size in (("ui_thread", 0), ("worker", change.count())):
                assert (size >= commands.LARGE) == (mode == "worker"), "the threshold decides the mode"
                stack.clear()
                stack.push(AppliedCommand("import", revert=lambda: svc.imports.undo_import(change),
                                          reapply=svc.imports.redo_import, size=size))
                out[f"{beat}/undo/{mode}"] = _heartbeat(app, page.table, stack.undo, repaint)
                out[f"{beat}/redo/{mode}"] = _heartbeat(app, page.table, stack.redo, repaint)
            if not path:  # a backup of a database that has lived: the import undone and redone twice
                backup = svc.setup.backup_now()
                out["db_mb"] = round(backup["size"] / 1e6, 1)
                path = backup["path"]
            out[f"{beat}/restore/ui_thread"] = _heartbeat(app, page.table, lambda p=path: restore(p), repaint)
            out[f"{beat}/restore/worker"] = _heartbeat(app, page.table, lambda p=path: run_modal(
                lambda _progress, cancelled: restore(p, cancelled=cancelled), "restore"), repaint)
        page.close()
        svc.close()
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--persons", type=int, default=10_000)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    out = run(args.persons)
    if args.json:
        print(json.dumps(out, indent=2))
        return 0
    print(f"{out['persons']} persons imported ({out['rows']} rows to undo), database {out['db_mb']} MB")
    print(f"{'':32}{'wall':>8}{'longest freeze':>16}{'turns':>8}{'slowest repaint':>17}")
    for key, r in out.items():
        if isinstance(r, dict):
            slowest = f"{r['slowest_repaint_ms']:>15.1f}ms" if "slowest_repaint_ms" in r else ""
            print(f"{key:32}{r['wall_s']:>7.2f}s{r['longest_freeze_ms']:>14.1f}ms{r['turns']:>8}{slowest}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
