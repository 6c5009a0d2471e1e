"""Long work off the UI thread: a QRunnable that only emits signals, a progress bar with Cancel
(``ProgressPanel``, inside a page) and a modal progress dialog (``TaskDialog``, for work during which
nothing else may touch the data: restoring a backup, undoing a large import)."""

from __future__ import annotations

import gc
import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QEventLoop, QObject, QRunnable, Qt, QThreadPool, Signal
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

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


class TaskDialog(QDialog):
    """A modal progress dialog watching a :class:`Task`: the step, a bar and (when the work can
    stop) Cancel. Modal to the whole application, so nothing else writes while the task runs, and
    the window behind it keeps painting. It closes itself when the task ends; Escape and the title
    bar's close button mean Cancel, and do nothing while cancelling is refused."""

    def __init__(self, title: str, parent: QWidget | None = None, *, cancellable: bool = True) -> None:
        super().__init__(parent)
        self.setObjectName("taskDialog")
        self.setWindowTitle(title)
        self.setWindowModality(Qt.WindowModality.ApplicationModal)
        self.setWindowFlag(Qt.WindowType.WindowCloseButtonHint, False)
        self.step = QLabel()
        self.step.setObjectName("taskStep")
        self.step.setWordWrap(True)
        self.step.setMinimumWidth(360)
        self.bar = QProgressBar()
        self.bar.setRange(0, 100)
        self.cancel_button = QPushButton(_("Cancel"))
        self.cancel_button.setObjectName("taskCancel")
        self.cancel_button.clicked.connect(self.reject)
        self.cancel_button.setVisible(cancellable)
        self.cancellable = cancellable
        lay = QVBoxLayout(self)
        lay.addWidget(self.step)
        lay.addWidget(self.bar)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.cancel_button)
        lay.addLayout(row)
        self.task: Task | None = None
        self._ended = False
        self._gc_paused = False

    def watch(self, task: Task, *, progress: bool = True) -> Task:
        """Close when ``task`` ends; show its progress unless the caller words the steps itself
        (``progress=False``, then it calls :meth:`set_progress`). Python's cyclic garbage collector
        waits until then: the work allocates a lot (ORM rows), and each full collection it set off
        would stop the UI thread too, for 100-200 ms (docs/performance.md, "Long work")."""
        self.task = task
        self._gc_paused = gc.isenabled()
        gc.disable()
        if progress:
            task.signals.progress.connect(self.set_progress)
        for sig in (task.signals.finished, task.signals.failed, task.signals.cancelled):
            sig.connect(self._end)
        return task

    def set_progress(self, pct: int, msg: str) -> None:
        if pct < 0:  # no measure of the work: a busy bar
            self.bar.setRange(0, 0)
        else:
            self.bar.setRange(0, 100)
            self.bar.setValue(pct)
        if msg:
            self.step.setText(msg)

    def set_cancellable(self, allowed: bool) -> None:
        """Refuse (or allow again) Cancel: the button stays in view, greyed, so the refusal shows."""
        self.cancellable = allowed
        self.cancel_button.setEnabled(allowed)

    def reject(self) -> None:
        if self._ended:
            super().reject()
            return
        if not self.cancellable or self.task is None:
            return
        self.task.cancel()
        self.set_cancellable(False)
        self.step.setText(_("Cancelling…"))

    def closeEvent(self, event) -> None:  # noqa: N802
        if self._ended:
            super().closeEvent(event)
        else:
            event.ignore()
            self.reject()

    def _end(self, *_args: Any) -> None:
        if not self._ended and self._gc_paused:
            gc.enable()
        self._ended = True
        self.accept()


def run_modal(fn: WorkFn, title: str, step: str = "", parent: QWidget | None = None) -> Any:
    """Run ``fn`` in a worker behind a :class:`TaskDialog` (no Cancel) and return its result, or
    raise what it raised, as if it had run here. The window keeps painting meanwhile (a local event
    loop) and takes no input. For a call that must have finished when this returns: an undo or redo
    of a large change, which the undo stack expects done when ``undo()`` returns."""
    task = Task(fn)
    dialog = TaskDialog(title, parent or QApplication.activeWindow(), cancellable=False)
    dialog.watch(task)
    dialog.set_progress(-1, step)
    outcome: dict[str, Any] = {}
    loop = QEventLoop()
    task.signals.finished.connect(lambda result: outcome.setdefault("result", result))
    task.signals.failed.connect(lambda exc: outcome.setdefault("error", exc))
    for sig in (task.signals.finished, task.signals.failed, task.signals.cancelled):
        sig.connect(loop.quit)
    dialog.show()
    task.start()
    # The task's signals are queued to this thread: even a task that ends at once is heard in the loop.
    loop.exec()
    dialog.deleteLater()
    if "error" in outcome:
        raise outcome["error"]  # Task.run hands every exception over
    return outcome.get("result")
