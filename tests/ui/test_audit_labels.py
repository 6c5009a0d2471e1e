"""The audit list (Settings › Privacy) names every operation the services record in plain words,
never as its code ("trust", "unmerge")."""

from __future__ import annotations

import re
from pathlib import Path

from ui.settings.privacy import OPERATIONS

CORE = Path(__file__).resolve().parents[2] / "coopdesk"


def test_every_recorded_operation_has_a_label():
    written = {m for path in CORE.rglob("*.py") if "migrations" not in path.parts
               for m in re.findall(r"\bop=[\"'](\w+)[\"']", path.read_text(encoding="utf-8"))}
    assert {"create", "update", "delete", "trust", "untrust", "resolve"} <= written  # the scan finds them
    assert written - set(OPERATIONS) == set()
