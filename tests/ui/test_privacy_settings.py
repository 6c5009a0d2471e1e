"""Settings › Privacy: the audit list names every operation the services record in plain words,
never as its code ("trust", "unmerge"); the retention period is one undo step."""

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


def test_the_retention_period_is_one_undo_step(window, qtbot, demo):
    from PySide6.QtCore import Qt

    from ui.main_window import AREAS

    window.nav.setCurrentRow([k for k, _t in AREAS].index("settings"))
    privacy = window.pages["settings"].privacy
    qtbot.waitUntil(window.pages["settings"].isVisible)
    before = demo.privacy.retention_months()
    privacy.months.setValue(before + 24)
    qtbot.mouseClick(privacy.save_months, Qt.MouseButton.LeftButton)
    assert demo.privacy.retention_months() == before + 24
    qtbot.keyClick(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert demo.privacy.retention_months() == before and privacy.months.value() == before
    qtbot.keyClick(window, Qt.Key.Key_Y, Qt.KeyboardModifier.ControlModifier)
    assert demo.privacy.retention_months() == before + 24 and privacy.months.value() == before + 24
