"""Speed of the desktop app on a big database (``coopdesk bench ui`` runs this in a subprocess).

    python -m ui.bench --records 100000 [--runs 3] [--json]

Measures, on a throw-away database with N synthetic beneficiaries:
- start-up: from launching a process to a usable main window (shown, events processed), against a
  bare PySide6 window started the same way in the same run (target: ratio at most 2.5);
- the beneficiaries list: switching to the page and showing the first rows (target < 300 ms);
- search as you type: one keystroke up to the refreshed table, the debounce delay excluded
  (target < 100 ms);
- peak memory (max RSS) of the app process (target < 300 MB).

Start-ups are warm, as a person sees them from the second start on: each kind of process is launched
once, untimed, before the timed runs, and both get the modules' compiled bytecode (written during
that first launch to a cache folder of the run, as an installed app has it from its installer) even
where ``PYTHONDONTWRITEBYTECODE`` is set. ``--source`` keeps the interpreter's own setting (with
``PYTHONDONTWRITEBYTECODE`` every start compiles CoopDesk's Python sources again).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

TARGETS = {"start_ratio": 2.5, "list_ms": 300.0, "keystroke_ms": 100.0, "peak_mb": 300.0}

BARE = """
import sys, time
from PySide6.QtWidgets import QApplication, QLabel, QMainWindow
app = QApplication(sys.argv[:1])
w = QMainWindow(); w.setCentralWidget(QLabel("ready")); w.resize(1366, 768); w.show()
app.processEvents()
print("READY", flush=True)
"""


def _peak_mb() -> float:
    import resource

    kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return kb / 1024 if sys.platform != "darwin" else kb / (1024 * 1024)


def child(db: str, search: str) -> dict:
    """Inside the app process: start as the app does, show the list, type a search; timings
    printed as JSON. Only what the app itself runs comes before READY (QtTest, the timing helpers
    of this module are loaded after it)."""
    import gc

    gc.disable()  # as main.py: no cyclic garbage collection while the app starts
    from ui.app import after_show, build_window, parse_args  # first, as main.py: the core before Qt

    from PySide6.QtCore import QSettings  # isort: skip
    from PySide6.QtWidgets import QApplication  # isort: skip

    app = QApplication(sys.argv[:1])
    settings = QSettings(str(Path(db).with_suffix(".ini")), QSettings.Format.IniFormat)
    window = build_window(app, parse_args(["--db", db, "--lang", "fr"]), settings)
    if isinstance(window, int):
        raise SystemExit(window)
    window.resize(1366, 768)
    window.show()
    app.processEvents()
    warm_up = after_show(window)  # as ui.app.run, before its event loop
    print("READY", flush=True)
    import time

    # The services finish loading on their thread (SQLAlchemy, the models, the engine): measured
    # from READY; the list and the keystrokes are timed after it, as a person's first click comes.
    t = time.perf_counter()
    while warm_up.is_alive():
        app.processEvents()
        warm_up.join(0.005)
    services_ready_ms = (time.perf_counter() - t) * 1000

    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    from ui.main_window import AREAS

    out: dict = {"services_ready_ms": services_ready_ms}
    keys = [k for k, _t in AREAS]
    page = window.pages.get("people")
    if page is None or not hasattr(page, "run_query"):
        out["list_ms"] = None
        out["keystrokes_ms"] = []
    else:
        t = time.perf_counter()
        window.nav.setCurrentRow(keys.index("people"))
        page.run_query()
        app.processEvents()
        out["list_ms"] = (time.perf_counter() - t) * 1000
        out["rows"] = page.model.rowCount()
        page.search.setFocus()
        times = []
        for ch in search:
            t = time.perf_counter()
            QTest.keyClick(page.search, ch)
            page.run_query()  # what the debounce timer fires; its delay is not part of the work
            app.processEvents()
            times.append((time.perf_counter() - t) * 1000)
        out["keystrokes_ms"] = times
        out["found"] = page.model.rowCount()
        for _ in search:
            QTest.keyClick(page.search, Qt.Key.Key_Backspace)
        page.run_query()
        app.processEvents()
    out["peak_mb"] = _peak_mb()
    window.close()
    window.svc.close()
    return out


def _launch(args: list[str], env: dict) -> tuple[float, str]:
    """Seconds from process launch to its READY line, and everything it printed after."""
    import subprocess
    import time

    t = time.perf_counter()
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env)
    assert proc.stdout is not None
    ready = None
    lines = []
    for line in proc.stdout:
        if ready is None and line.startswith("READY"):
            ready = time.perf_counter() - t
        elif ready is not None:
            lines.append(line)
    proc.wait()
    if ready is None or proc.returncode:
        raise RuntimeError(f"benchmark process failed ({proc.returncode})")
    return ready, "".join(lines)


def build_db(path: Path, records: int) -> None:
    from coopdesk.demo import build_demo
    from coopdesk.services import open_services

    svc = open_services(path)
    build_demo(svc)
    svc.people.bulk_create_for_benchmark(max(0, records - svc.people.count()))
    svc.close()


def child_env(folder: Path, *, bytecode: bool = True) -> dict:
    """The environment of both timed processes (bare window and app)."""
    env = dict(os.environ, QT_QPA_PLATFORM=os.environ.get("QT_QPA_PLATFORM", "offscreen"))
    if bytecode:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = str(folder / "bytecode")
    return env


def run(records: int, runs: int, search: str, *, bytecode: bool = True) -> dict:
    import statistics
    import tempfile
    import time

    with tempfile.TemporaryDirectory(prefix="coopdesk-bench-ui-") as tmp:
        env = child_env(Path(tmp), bytecode=bytecode)
        db = Path(tmp) / "bench.db"
        t = time.perf_counter()
        build_db(db, records)
        build_s = time.perf_counter() - t
        bare_cmd = [sys.executable, "-c", BARE]
        app_cmd = [sys.executable, "-m", "ui.bench", "--child", str(db), "--search", search]
        _launch(bare_cmd, env)  # warm-up launches, not timed
        _launch(app_cmd, env)
        bare, app, details = [], [], []
        for _ in range(runs):
            bare.append(_launch(bare_cmd, env)[0])
            secs, text = _launch(app_cmd, env)
            app.append(secs)
            details.append(json.loads(text.strip().splitlines()[-1]))
    keystrokes = [k for d in details for k in d["keystrokes_ms"]]
    lists = [d["list_ms"] for d in details if d["list_ms"] is not None]
    result = {
        "records": records,
        "build_db_s": round(build_s, 1),
        "bare_start_s": round(statistics.median(bare), 3),
        "app_start_s": round(statistics.median(app), 3),
        "start_ratio": round(statistics.median(app) / statistics.median(bare), 2),
        "services_ready_ms": round(statistics.median(d["services_ready_ms"] for d in details), 1),
        "list_ms": round(statistics.median(lists), 1) if lists else None,
        "keystroke_ms_median": round(statistics.median(keystrokes), 1) if keystrokes else None,
        "keystroke_ms_max": round(max(keystrokes), 1) if keystrokes else None,
        "peak_mb": round(max(d["peak_mb"] for d in details), 1),
        "rows_listed": details[-1].get("rows"),
        "search": search,
        "found": details[-1].get("found"),
        "bytecode": bytecode,
    }
    result["ok"] = {
        "start_ratio": result["start_ratio"] <= TARGETS["start_ratio"],
        "list_ms": result["list_ms"] is not None and result["list_ms"] < TARGETS["list_ms"],
        "keystroke_ms": result["keystroke_ms_max"] is not None and result["keystroke_ms_max"] < TARGETS["keystroke_ms"],
        "peak_mb": result["peak_mb"] < TARGETS["peak_mb"],
    }
    return result


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m ui.bench")
    p.add_argument("--records", type=int, default=100_000)
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--search", default="ait ali")
    p.add_argument("--json", action="store_true")
    p.add_argument("--source", action="store_true",
                   help="no bytecode cache of the run: the interpreter's own setting decides (see above)")
    p.add_argument("--child", help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    if args.child:
        print(json.dumps(child(args.child, args.search)), flush=True)
        return 0
    result = run(args.records, args.runs, args.search, bytecode=not args.source)
    if args.json:
        print(json.dumps(result, ensure_ascii=False))
    else:
        rows = [("records", result["records"]),
                ("compiled bytecode", "yes" if result["bytecode"] else "as the interpreter is set"),
                ("bare PySide6 window start (s)", result["bare_start_s"]),
                ("CoopDesk start to usable window (s)", result["app_start_s"]),
                ("start ratio (target <= 2.5)", result["start_ratio"]),
                ("services loaded, after the window (ms)", result["services_ready_ms"]),
                ("beneficiaries list shown (ms, target < 300)", result["list_ms"]),
                ("search keystroke median / max (ms, target < 100)",
                 f"{result['keystroke_ms_median']} / {result['keystroke_ms_max']}"),
                ("peak memory (MB, target < 300)", result["peak_mb"])]
        for label, value in rows:
            print(f"{label:52} {value}")
    return 0 if all(result["ok"].values()) else 1


if __name__ == "__main__":
    sys.exit(main())
