"""Export a list as XLSX or CSV: the columns shown on screen, the filters applied, optionally
pseudonymised (stable codes, birth year) and for a purpose (only persons who consented to it).

The service decides what may leave the database (no health field without the permission, consent
per purpose); the dialog writes the rows in the background into a temporary file that becomes the
chosen file only when complete, so Cancel leaves nothing behind.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from coopdesk.domain import constants as C
from coopdesk.errors import CoopError
from coopdesk.i18n import N_, _, format_number
from coopdesk.people.sheets import write_sheet
from ui.common import CheckList, ChoiceCombo, ProgressPanel, Task, dialogs
from ui.common.worker import Cancelled
from ui.people.import_wizard import FIELD_LABELS, KINDS

FORMATS = {"xlsx": N_("Excel workbook (.xlsx)"), "csv": N_("CSV for any spreadsheet (.csv)")}
# The columns of the beneficiaries list on screen, in export field names.
SHOWN = {
    "persons": ["last_name", "first_name", "last_name_ar", "first_name_ar", "sex", "birth_date", "commune",
                "disability"],
    "participants": ["event", "event_date", "last_name", "first_name", "sex", "commune", "status"],
}
MORE_LABELS = {"event_date": N_("Event date"), "code": N_("Code"), "birth_year": N_("Birth year")}
DEFAULT_NAMES = {"persons": N_("beneficiaries"), "organisations": N_("organisations"),
                 "participants": N_("participants")}


def column_label(field: str) -> str:
    return _(FIELD_LABELS.get(field) or MORE_LABELS.get(field) or field)


class ExportDialog(QDialog):
    """``filters``: those of the beneficiaries list (text, commune, sex, disability, action_id)."""

    exported = Signal(object)

    def __init__(self, services: Any, filters: dict[str, Any] | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("exportDialog")
        self.svc = services
        self.filters = {k: v for k, v in (filters or {}).items() if v not in (None, "")}
        self.task: Task | None = None
        self.kind = ChoiceCombo(KINDS)
        self.kind.setObjectName("exportKind")
        self.kind.currentIndexChanged.connect(lambda _i: self._kind_changed())
        self.filter_label = QLabel()
        self.filter_label.setObjectName("exportFilters")
        self.filter_label.setWordWrap(True)
        self.columns = CheckList()
        self.columns.setObjectName("exportColumns")
        self.columns.setMaximumHeight(220)
        self.pseudo = QCheckBox()
        self.pseudo.setObjectName("exportPseudonymised")
        self.pseudo.toggled.connect(lambda on: self.columns.setEnabled(not on))
        self.purpose = ChoiceCombo(services.privacy.purposes(), empty=N_("Our own staff (no consent filter)"))
        self.purpose.setObjectName("exportPurpose")
        self.format = ChoiceCombo(FORMATS)
        self.format.setObjectName("exportFormat")
        self.health_note = QLabel()
        self.health_note.setWordWrap(True)
        self.status = QLabel()
        self.status.setObjectName("exportStatus")
        self.status.setWordWrap(True)
        self.progress = ProgressPanel()
        self.progress.cancel_button.setObjectName("exportCancelTask")
        self.export_button = QPushButton()
        self.export_button.setObjectName("exportButton")
        self.export_button.clicked.connect(self.export)
        self.close_button = QPushButton()
        self.close_button.setObjectName("exportClose")
        self.close_button.clicked.connect(self.reject)
        form = QFormLayout()
        self.captions = {key: QLabel() for key in ("kind", "filters", "columns", "purpose", "format")}
        form.addRow(self.captions["kind"], self.kind)
        form.addRow(self.captions["filters"], self.filter_label)
        form.addRow(self.captions["columns"], self.columns)
        form.addRow("", self.pseudo)
        form.addRow(self.captions["purpose"], self.purpose)
        form.addRow(self.captions["format"], self.format)
        lay = QVBoxLayout(self)
        lay.addLayout(form)
        lay.addWidget(self.health_note)
        lay.addWidget(self.progress)
        lay.addWidget(self.status)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.export_button)
        row.addWidget(self.close_button)
        lay.addLayout(row)
        self.resize(620, 560)
        self.retranslate()
        self._kind_changed()

    # ------------------------------------------------------------------ choices

    def _kind_changed(self) -> None:
        kind = self.kind.code()
        fields = self.svc.exports.columns(kind)
        self.columns.set_items([(f, column_label(f)) for f in fields])
        shown = SHOWN.get(kind, fields)
        self.columns.set_checked([f for f in fields if f in shown])
        self.pseudo.setEnabled(kind != "organisations")
        self.purpose.setEnabled(kind != "organisations")
        if kind == "organisations":
            self.pseudo.setChecked(False)
        self._describe_filters()

    def _applied_filters(self) -> dict[str, Any]:
        return dict(self.filters) if self.kind.code() == "persons" else {}

    def _describe_filters(self) -> None:
        f = self._applied_filters()
        parts = []
        if f.get("text"):
            parts.append(_("name contains “{text}”").format(text=f["text"]))
        if f.get("commune"):
            parts.append(_("commune {code}").format(code=f["commune"]))
        if f.get("sex"):
            parts.append(_(C.SEXES.get(f["sex"], f["sex"])))
        if f.get("disability") is not None:
            parts.append(_("with a disability") if f["disability"] else _("without a disability"))
        if f.get("action_id"):
            parts.append(_("enrolled in the chosen action"))
        self.filter_label.setText(_("Those of the list: {filters}").format(filters=", ".join(parts)) if parts
                                  else _("None: the whole list"))

    def options(self) -> dict[str, Any]:
        return {"columns": self.columns.checked(), "filters": self._applied_filters(),
                "pseudonymised": self.pseudo.isChecked(), "purpose": self.purpose.code() or None}

    # ------------------------------------------------------------------ export

    def export(self) -> None:
        kind, suffix = self.kind.code(), self.format.code() or "xlsx"
        options = self.options()
        if not options["pseudonymised"] and not options["columns"]:
            dialogs.warn(self, _("Choose at least one column."))
            return
        name = f"{_(DEFAULT_NAMES[kind])}.{suffix}"
        out = dialogs.save_file(self, _("Export the list"), name,
                                _("Excel workbook (*.xlsx)") if suffix == "xlsx" else _("CSV (*.csv)"))
        if not out:
            return
        target = Path(out)
        if target.suffix.lower() != f".{suffix}":
            target = target.with_name(f"{target.name}.{suffix}")
        total = self.svc.people.count(**options["filters"]) if kind == "persons" else 0
        exports = self.svc.exports
        step = _("Writing row {n} of {total}…") if total else _("Writing row {n}…")

        def work(progress, cancelled):
            cols, rows = exports.rows(kind, **options)
            partial = target.with_name(f".{target.stem}.partial{target.suffix}")
            counted = {"n": 0}

            def watched():
                for row in rows:
                    if cancelled():
                        raise Cancelled()
                    counted["n"] += 1
                    n = counted["n"]
                    if n % 500 == 0:
                        progress(int(100 * n / total) if total else 0,
                                 step.format(n=format_number(n), total=format_number(total)))
                    yield row

            try:
                write_sheet(partial, cols, watched())
                if cancelled():
                    raise Cancelled()
                os.replace(partial, target)
            finally:
                if partial.exists():
                    partial.unlink()
            return {"path": str(target), "rows": counted["n"], "columns": cols}

        self.task = Task(work)
        self.progress.watch(self.task)
        self.export_button.setEnabled(False)
        self.task.signals.finished.connect(self._done)
        self.task.signals.failed.connect(self._failed)
        self.task.signals.cancelled.connect(self._cancelled)
        self.task.start()

    def _done(self, result: dict[str, Any]) -> None:
        self.export_button.setEnabled(True)
        self.status.setText(_("{n} rows written to {path}").format(n=format_number(result["rows"]),
                                                                   path=result["path"]))
        self.exported.emit(result)

    def _failed(self, exc: BaseException) -> None:
        self.export_button.setEnabled(True)
        if isinstance(exc, CoopError):
            dialogs.warn(self, exc.message())
        else:
            dialogs.warn(self, _("The export failed: {error}").format(error=str(exc)))

    def _cancelled(self) -> None:
        self.export_button.setEnabled(True)
        self.status.setText(_("Export cancelled: no file was written."))

    def reject(self) -> None:
        if self.task is not None and self.task.running:
            self.task.cancel()
        super().reject()

    def retranslate(self) -> None:
        self.setWindowTitle(_("Export a list"))
        texts = {"kind": N_("List"), "filters": N_("Filters applied"), "columns": N_("Columns"),
                 "purpose": N_("For"), "format": N_("Format")}
        for key, label in self.captions.items():
            label.setText(_(texts[key]))
        self.pseudo.setText(_("Pseudonymised: a stable code instead of the name, the birth year instead of "
                              "the date (for partners and funders)"))
        self.health_note.setText(
            _("Health details are exported only for users allowed to see them. For a purpose, only the persons "
              "who consented to it are exported.") if self.svc.actor.can_see_health else
            _("Your account does not show health data: disability details are never exported. For a purpose, "
              "only the persons who consented to it are exported."))
        self.export_button.setText(_("Export…"))
        self.close_button.setText(_("Close"))
        self.kind.retranslate()
        self.purpose.retranslate()
        self.format.retranslate()
        self.progress.retranslate()
        self._describe_filters()
