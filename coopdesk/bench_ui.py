"""``coopdesk bench ui``: the desktop app's speed on 100 000 beneficiaries.

``coopdesk`` never imports Qt, so this runs ``python -m ui.bench`` in a subprocess and passes its
output and exit code through (see ``ui/bench.py`` for what is measured and the targets).
"""

from __future__ import annotations

import os
import subprocess
import sys
from typing import Any


def register_bench(sub) -> None:
    p = sub.add_parser("ui", help="start-up, beneficiaries list, search keystroke and memory of the desktop app")
    p.add_argument("--records", type=int, default=100_000)
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--search", default="ait ali")
    p.add_argument("--source", action="store_true",
                   help="no bytecode cache of the run: every start compiles the sources if the interpreter says so")
    p.set_defaults(func=cmd_bench_ui)


def cmd_bench_ui(args: Any) -> int:
    cmd = [sys.executable, "-m", "ui.bench", "--records", str(args.records), "--runs", str(args.runs),
           "--search", args.search]
    if getattr(args, "json", False):
        cmd.append("--json")
    if args.source:
        cmd.append("--source")
    env = dict(os.environ)
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    return subprocess.call(cmd, env=env)
