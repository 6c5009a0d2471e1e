"""The app's start as a person sees it: the window opens on the dashboard with its figures before
the services' heavy part (SQLAlchemy) is loaded; it loads on a thread right after, and then every
page works. Run in a process of its own, as ``main.py`` starts (this test process has SQLAlchemy
loaded already)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence

from ui.main_window import AREAS

ROOT = Path(__file__).resolve().parents[2]

START = """
import gc, json, sys
gc.disable()
from ui.app import after_show, build_window, parse_args  # as main.py: the core first, then Qt
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QApplication
app = QApplication(sys.argv[:1])
settings = QSettings(sys.argv[2], QSettings.Format.IniFormat)
window = build_window(app, parse_args(["--db", sys.argv[1], "--lang", sys.argv[3]]), settings)
window.resize(1366, 768)
window.show()
app.processEvents()
dash = window.pages["dashboard"]
shown = {"sqlalchemy_loaded": "sqlalchemy" in sys.modules, "visible": window.isVisible(),
         "rtl": window.layoutDirection() == Qt.LayoutDirection.RightToLeft,
         "plan": dash.plan_label.text(), "indicators": dash.indicators.rowCount(),
         "warnings": dash.warnings.count(), "sync": dash.sync_list.count(), "title": window.windowTitle()}
after_show(window).join()
keys = [k for k, _t in __import__("ui.main_window", fromlist=["AREAS"]).AREAS]
window.nav.setCurrentRow(keys.index("people"))
app.processEvents()
page = window.pages["people"]
page.run_query()
app.processEvents()
shown["people_rows"] = page.model.rowCount()
shown["gc_enabled"] = gc.isenabled()
print(json.dumps(shown, ensure_ascii=False))
window.close()
"""


@pytest.fixture
def start(demo_template, tmp_path):
    def run(lang: str) -> dict:
        db = tmp_path / f"demo-{lang}.db"
        shutil.copy(demo_template[0], db)
        env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
        out = subprocess.run([sys.executable, "-c", START, str(db), str(tmp_path / "settings.ini"), lang],
                             capture_output=True, text=True, cwd=ROOT, env=env, timeout=120)
        assert out.returncode == 0, out.stderr[-2000:]
        return json.loads(out.stdout.strip().splitlines()[-1])

    return run


@pytest.mark.parametrize("lang", ["fr", "ar"])
def test_the_window_opens_with_the_dashboard_before_sqlalchemy_then_every_page_works(start, lang):
    shown = start(lang)
    assert shown["visible"] and not shown["sqlalchemy_loaded"]
    assert shown["indicators"] > 0 and shown["warnings"] > 0 and shown["sync"] > 0
    assert shown["rtl"] is (lang == "ar")
    assert ("تيزنيت" if lang == "ar" else "Tiznit") in shown["title"]
    assert ("مخطط العمل" if lang == "ar" else "Plan d") in shown["plan"]
    assert shown["people_rows"] > 0  # the services loaded after the window and the list shows
    assert shown["gc_enabled"]  # the collector paused for the start runs again


def test_redo_answers_ctrl_y_and_ctrl_shift_z(window, qtbot, demo, monkeypatch):
    from ui.common import dialogs

    monkeypatch.setattr(dialogs, "confirm", lambda parent, text: True)
    window.nav.setCurrentRow([k for k, _t in AREAS].index("events"))
    page = window.pages["events"]
    qtbot.waitUntil(page.isVisible)
    count = len(demo.events.events())
    for redo in ("Ctrl+Y", "Ctrl+Shift+Z"):
        window.undo_stack.push(_DeleteEvent(demo, demo.events.events()[0]["id"]))
        assert len(demo.events.events()) == count - 1
        qtbot.keyClick(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
        assert len(demo.events.events()) == count
        seq = QKeySequence(redo)[0]
        qtbot.keyClick(window, seq.key(), seq.keyboardModifiers())
        assert len(demo.events.events()) == count - 1, redo
        qtbot.keyClick(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)


class _DeleteEvent:
    """An undo step as the pages push them (the real one is built by ui/common/deleting.py)."""

    def __new__(cls, svc, event_id):
        from PySide6.QtGui import QUndoCommand

        class Step(QUndoCommand):
            def __init__(self) -> None:
                super().__init__("delete an event")
                self.snapshot = None

            def redo(self) -> None:
                self.snapshot = svc.events.delete_event(event_id)

            def undo(self) -> None:
                svc.events.restore_event(self.snapshot)

        return Step()

