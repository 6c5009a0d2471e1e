"""A day of work must not crash the app: PySide6 6.12.0 dropped a reference to None or True/False
on every signal emit and event-loop spin under Python 3.11, and Python aborted after a few thousand.
This runs the same calls many times in a child process and checks nothing leaked."""

from __future__ import annotations

import os
import subprocess
import sys

CHILD = r"""
import sys
from PySide6.QtCore import QEventLoop, QObject, QTimer, Signal
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

app = QApplication([])

class Emitter(QObject):
    changed = Signal(int)

e = Emitter()
seen = []
e.changed.connect(seen.append)
before = sys.getrefcount(None), sys.getrefcount(True), sys.getrefcount(False)
for i in range(20000):
    e.changed.emit(i)
    if i % 4 == 0:
        app.processEvents()
    if i % 40 == 0:
        QTest.qWait(0)
        loop = QEventLoop()
        QTimer.singleShot(0, loop.quit)
        loop.exec()
after = sys.getrefcount(None), sys.getrefcount(True), sys.getrefcount(False)
assert len(seen) == 20000
drift = [b - a for b, a in zip(before, after)]
print("drift", drift)
assert all(abs(d) < 200 for d in drift), drift
"""


def test_signals_and_event_loops_do_not_leak_references():
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    r = subprocess.run([sys.executable, "-c", CHILD], capture_output=True, text=True, env=env, timeout=120)
    assert r.returncode == 0, r.stdout + r.stderr
