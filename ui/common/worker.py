"""Long work off the UI thread: a QRunnable that only emits signals, and a progress bar with Cancel."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QPushButton, QWidget

from coopdesk.i18n import _

WorkFn = Callable[[Callable[[int, str], None], Callable[[], bool]], Any]


class Cancelled(Exception):
    """Raise it from the work function (or let ``check()`` raise it) to stop cleanly."""


class TaskSignals(QObject):
    progress = Signal(int, str)
    finished = Signal(object)
    failed = Signal(object)
    cancelled = Signal()


class Task(QRunnable):
    def __init__(self, fn: WorkFn) -> None:
        super().__init__()
        self.setAutoDelete(False)  # the page keeps a reference while it watches
        self.fn = fn
        self.signals = TaskSignals()
        self._cancel = threading.Event()
        self.running = False

    def cancel(self) -> None:
        self._cancel.set()

    def is_cancelled(self) -> bool:
        return self._cancel.is_set()

    def start(self, pool: QThreadPool | None = None) -> None:
        self.running = True
        (pool or QThreadPool.globalInstance()).start(self)

    def run(self) -> None:
        try:
            result = self.fn(self.signals.progress.emit, self.is_cancelled)
        except Cancelled:
            self.running = False
            self.signals.cancelled.emit()
        except BaseException as exc:  # noqa: BLE001 - handed to the UI thread, which shows it
            self.running = False
            self.signals.failed.emit(exc)
        else:
            self.running = False
            if self.is_cancelled():
                self.signals.cancelled.emit()
            else:
                self.signals.finished.emit(result)


class ProgressPanel(QWidget):
    """A progress bar, the current step and Cancel; hidden when nothing runs."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.bar = QProgressBar()
        self.bar.setRange(0, 100)
        self.step = QLabel()
        self.cancel_button = QPushButton()
        self.cancel_button.setObjectName("cancelTask")
        lay = QHBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.step)
        lay.addWidget(self.bar, 1)
        lay.addWidget(self.cancel_button)
        self.task: Task | None = None
        self.cancel_button.clicked.connect(self._cancel)
        self.retranslate()
        self.hide()

    def watch(self, task: Task) -> Task:
        self.task = task
        self.bar.setValue(0)
        self.step.clear()
        self.cancel_button.setEnabled(True)
        task.signals.progress.connect(self._progress)
        for sig in (task.signals.finished, task.signals.failed, task.signals.cancelled):
            sig.connect(self._done)
        self.show()
        return task

    def _progress(self, pct: int, msg: str) -> None:
        self.bar.setValue(pct)
        self.step.setText(msg)

    def _cancel(self) -> None:
        if self.task is not None:
            self.task.cancel()
            self.cancel_button.setEnabled(False)
            self.step.setText(_("Cancelling…"))

    def _done(self, *_args: Any) -> None:
        self.hide()

    def retranslate(self) -> None:
        self.cancel_button.setText(_("Cancel"))
