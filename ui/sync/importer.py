"""Import of sync bundles: files chosen or dropped → preview (nothing written) → Apply or Cancel.

Both the preview and the import run in a background task (verifying and decrypting a large bundle
takes time); a refused bundle shows the service's translated message and nothing is written.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from coopdesk.errors import CoopError
from coopdesk.i18n import _
from ui.common import ProgressPanel, Task, dialogs, hide_for_viewer
from ui.common.worker import Cancelled
from ui.models import RecordsModel
from ui.sync.models import PREVIEW_COLUMNS, STATUSES, preview_rows, stage_text

BUNDLE_SUFFIX = ".coopsync"


def service_progress(progress, cancelled=None):
    """Adapt the service's ``(stage, fraction)`` to the task's ``(percent, text)``. With ``cancelled``,
    a cancel stops the work at the next stage: the service's unit of work rolls back on the
    exception, so a cancelled import writes nothing (bundles already applied stay applied)."""

    def report(stage: str, fraction: float) -> None:
        if cancelled is not None and stage != "done" and cancelled():
            raise Cancelled()
        progress(int(round(fraction * 100)), stage_text(stage))

    return report


class ImportPanel(QWidget):
    previewed = Signal(object)   # the preview summary
    applied = Signal(object)     # the import summary
    refused = Signal(str)        # the translated message of a refused bundle
    changed = Signal()           # the database changed (after an import)

    def __init__(self, services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.svc = services
        self.paths: list[str] = []
        self.summary: dict[str, Any] | None = None
        self.task: Task | None = None

        self.choose_button = QPushButton()
        self.choose_button.setObjectName("importBundles")
        self.choose_button.clicked.connect(self.choose_files)
        self.hint = QLabel()
        self.hint.setWordWrap(True)
        self.files_label = QLabel()
        self.files_label.setObjectName("importFiles")
        self.files_label.setWordWrap(True)

        self.model = RecordsModel(PREVIEW_COLUMNS, parent=self)
        self.view = QTableView()
        self.view.setObjectName("bundlePreview")
        self.view.setModel(self.model)
        self.view.verticalHeader().hide()
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.view.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)

        self.message = QLabel()
        self.message.setObjectName("importMessage")
        self.message.setWordWrap(True)
        self.apply_button = QPushButton()
        self.apply_button.setObjectName("applyBundles")
        self.apply_button.clicked.connect(self.apply)
        self.cancel_button = QPushButton()
        self.cancel_button.setObjectName("cancelPreview")
        self.cancel_button.clicked.connect(self.clear)
        self.progress = ProgressPanel()
        self.progress.cancel_button.setObjectName("cancelSyncImport")

        top = QHBoxLayout()
        top.addWidget(self.choose_button)
        top.addWidget(self.hint, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.message, 1)
        buttons.addWidget(self.apply_button)
        buttons.addWidget(self.cancel_button)
        lay = QVBoxLayout(self)
        lay.addLayout(top)
        lay.addWidget(self.files_label)
        lay.addWidget(self.view, 1)
        lay.addWidget(self.progress)
        lay.addLayout(buttons)
        hide_for_viewer(self.svc, self.choose_button, self.apply_button, self.cancel_button)
        self.retranslate()
        self._update_buttons()

    # ------------------------------------------------------------------ steps

    def choose_files(self) -> None:
        paths = dialogs.open_files(self, _("Import sync bundles"),
                                   _("Sync bundles (*.coopsync);;All files (*)"))
        if paths:
            self.preview_files(paths)

    def preview_files(self, paths: list[str]) -> None:
        """Verify the files and show what they would change; nothing is written."""
        if self.busy():
            dialogs.warn(self, _("Wait until the current import ends."))
            return
        self.paths = [str(p) for p in paths]
        self.summary = None
        self.model.set_rows([])
        self.files_label.setText(_("Files: {names}").format(names=", ".join(Path(p).name for p in self.paths)))
        self._set_message(_("Checking the files…"))
        sync, paths_ = self.svc.sync, list(self.paths)
        self._run(lambda progress, cancelled: sync.preview(paths_), self._previewed)

    def apply(self) -> None:
        if self.summary is None or self.busy():
            return
        # Not on the undo stack: the partner sites already hold these changes (see docs/decisions.md).
        question = _("Apply these sync bundles? This cannot be undone: the partner sites already have these "
                     "changes.")
        if self.svc.sync.backs_up:  # a database file; a server is backed up by its own tools
            question += " " + _("A backup of the database is made first.")
        if not dialogs.confirm(self, question):
            return
        sync, dedup, paths_ = self.svc.sync, self.svc.dedup, list(self.paths)

        def work(progress, cancelled):
            result = sync.import_bundles(paths_, progress=service_progress(progress, cancelled))
            # A big first sync leaves the duplicate check's name keys to one rebuild: done now, so
            # the first person typed afterwards is checked at once (the import is already saved).
            progress(100, stage_text("index"))
            dedup.ensure_index()
            return result

        self._set_message(_("Importing…"))
        self._run(work, self._applied)

    def clear(self) -> None:
        self.paths, self.summary = [], None
        self.model.set_rows([])
        self.files_label.clear()
        self._set_message(_("Nothing was imported."))
        self._update_buttons()

    def busy(self) -> bool:
        return self.task is not None and self.task.running

    # ------------------------------------------------------------------ results

    def _previewed(self, summary: dict[str, Any]) -> None:
        self.summary = summary
        rows = preview_rows(summary)
        self.model.set_rows(rows)
        if all(b["status"] == "already_applied" for b in summary["bundles"]):
            self.summary = None
            self._set_message(_("These bundles were already imported: nothing new."))
        else:
            self._set_message(self._warnings(summary) or _("Nothing is written yet: check what will change, then "
                                                           "Apply or Cancel."))
        self._update_buttons()
        self.previewed.emit(summary)

    def _applied(self, summary: dict[str, Any]) -> None:
        self.summary = None
        self.model.set_rows(preview_rows(summary))
        parts = [_("Bundle {seq} from {sender}: {status}").format(
            seq=b["seq"], sender=b["sender"], status=_(STATUSES.get(b["status"], b["status"])))
            for b in summary["bundles"]]
        self._set_message(" · ".join(parts) + ("\n" + self._warnings(summary) if self._warnings(summary) else ""))
        self._update_buttons()
        self.changed.emit()
        self.applied.emit(summary)

    def _warnings(self, summary: dict[str, Any]) -> str:
        out = []
        for b in summary.get("bundles", []):
            for w in b.get("warnings", []):
                if w.get("code") == "clock_ahead":
                    out.append(_("Warning: the clock of site {node} is about {hours} hours ahead.").format(
                        node=w["node"], hours=w["hours"]))
        return "\n".join(out)

    def _failed(self, exc: BaseException) -> None:
        self.summary = None
        self.model.set_rows([])
        if isinstance(exc, CoopError):
            text = exc.message()
        else:
            text = _("The import failed: {error}").format(error=str(exc))
        self._set_message(_("Refused, nothing was changed: {reason}").format(reason=text), error=True)
        self._update_buttons()
        dialogs.warn(self, text)
        self.refused.emit(text)

    def _cancelled(self) -> None:
        self.summary = None
        self._set_message(_("Cancelled: nothing was changed."))
        self._update_buttons()

    # ------------------------------------------------------------------ plumbing

    def _run(self, work, done) -> None:
        self.task = Task(work)
        self.progress.watch(self.task)
        self.task.signals.finished.connect(done)
        self.task.signals.failed.connect(self._failed)
        self.task.signals.cancelled.connect(self._cancelled)
        self.task.start()
        self._update_buttons()

    def _set_message(self, text: str, error: bool = False) -> None:
        self.message.setStyleSheet("color: #b00020;" if error else "")
        self.message.setText(text)

    def _update_buttons(self) -> None:
        running = self.busy()
        self.apply_button.setEnabled(self.summary is not None and not running)
        self.cancel_button.setEnabled(bool(self.paths) and not running)
        self.choose_button.setEnabled(not running)

    def retranslate(self) -> None:
        self.choose_button.setText(_("Import bundle files…"))
        self.hint.setText(_("Or drop .coopsync files anywhere on the window. You will see what they change "
                            "before anything is written."))
        self.apply_button.setText(_("Apply"))
        self.cancel_button.setText(_("Cancel"))
        self.model.retranslate()
        self.progress.retranslate()
