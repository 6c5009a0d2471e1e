"""Import beneficiaries, organisations or event participants from a spreadsheet (XLSX or CSV).

Three steps, as CiviCRM users know them: choose the file, map its columns (the suggested mapping,
or one saved by name), then a dry run that says per row what would be created, updated or rejected
and why, with the possible duplicates flagged and an error file to save. Nothing is written until
Import is pressed; the import runs in the background and a Cancel writes nothing (the service
writes every row in one transaction and rolls it back when cancelled).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from coopdesk.errors import CoopError
from coopdesk.i18n import N_, _, format_number
from coopdesk.people.imports import suggest_mapping
from ui.common import ChoiceCombo, ProgressPanel, Task, dialogs
from ui.common.worker import Cancelled
from ui.models import Column, RecordsModel

KINDS = {"persons": N_("Beneficiaries"), "organisations": N_("Organisations"),
         "participants": N_("Event participants")}
FIELD_LABELS = {
    "id": N_("Identifier (update an existing record)"),
    "first_name": N_("First name"),
    "last_name": N_("Last name"),
    "first_name_ar": N_("First name (Arabic script)"),
    "last_name_ar": N_("Last name (Arabic script)"),
    "sex": N_("Sex"),
    "birth_date": N_("Birth date"),
    "commune": N_("Commune"),
    "phone": N_("Phone"),
    "email": N_("Email"),
    "address": N_("Address"),
    "disability": N_("Disability"),
    "disability_details": N_("Disability details (health data)"),
    "notes": N_("Notes"),
    "name": N_("Name"),
    "short_name": N_("Short name"),
    "kind": N_("Kind"),
    "country": N_("Country"),
    "contact": N_("Contact"),
    "event": N_("Event"),
    "person_id": N_("Person identifier"),
    "status": N_("Attendance"),
}
ACTIONS = {"create": N_("To create"), "update": N_("To update"), "reject": N_("Rejected"),
           "duplicate": N_("Possible duplicate, left out"), "file": N_("Whole file")}
IGNORE = ""


def _row_name(r: dict[str, Any]) -> str:
    v = r.get("values") or {}
    latin = " ".join(str(v[k]) for k in ("first_name", "last_name") if v.get(k))
    arabic = " ".join(str(v[k]) for k in ("first_name_ar", "last_name_ar") if v.get(k))
    return latin or arabic or str(v.get("name") or v.get("person_id") or "")


def reasons(r: dict[str, Any]) -> str:
    """Why a row is rejected or left out, in the UI language (made now, not at the dry run)."""
    out = []
    for p in r.get("problems") or []:
        if p["code"] == "possible_duplicate":
            continue
        out.append(CoopError(p["code"], **p["params"]).message())
    for d in r.get("duplicates") or []:
        if d["source"] == "row":
            out.append(_("Possible duplicate of {name} (row {row} of the file)").format(name=d["name"], row=d["ref"]))
        else:
            out.append(_("Possible duplicate of {name}, already registered").format(name=d["name"]))
    return " · ".join(out)


PREVIEW_COLUMNS = [
    Column(N_("Row"), lambda r: r["row"], Qt.AlignmentFlag.AlignRight),
    Column(N_("Result"), lambda r: _(ACTIONS.get(r["action"], r["action"]))),
    Column(N_("Name"), _row_name),
    Column(N_("Why"), reasons),
]


class ImportWizard(QDialog):
    """Emits ``imported(report)`` after rows were written, so lists refresh."""

    imported = Signal(object)

    def __init__(self, services: Any, parent: QWidget | None = None, kind: str = "persons") -> None:
        super().__init__(parent)
        self.setObjectName("importWizard")
        self.svc = services
        self.path = ""
        self.headers: list[str] = []
        self.report: dict[str, Any] | None = None
        self.task: Task | None = None
        self.resize(900, 600)

        # step 1: the file
        self.kind = ChoiceCombo(KINDS)
        self.kind.setObjectName("importKind")
        self.kind.set_code(kind)
        self.path_edit = QLineEdit()
        self.path_edit.setObjectName("importPath")
        self.path_edit.setReadOnly(True)
        self.choose_button = QPushButton()
        self.choose_button.setObjectName("importChoose")
        self.choose_button.clicked.connect(self.choose_file)
        self.file_hint = QLabel()
        self.file_hint.setWordWrap(True)
        step1 = QWidget()
        form1 = QFormLayout(step1)
        self.kind_caption, self.file_caption = QLabel(), QLabel()
        form1.addRow(self.kind_caption, self.kind)
        row = QHBoxLayout()
        row.addWidget(self.path_edit, 1)
        row.addWidget(self.choose_button)
        form1.addRow(self.file_caption, row)
        form1.addRow(self.file_hint)

        # step 2: the columns
        self.saved = QComboBox()
        self.saved.setObjectName("importSavedMapping")
        self.saved.activated.connect(self._saved_chosen)
        self.map_box = QWidget()
        self.map_form = QFormLayout(self.map_box)
        self.map_combos: dict[str, QComboBox] = {}
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.map_box)
        self.mapping_name = QLineEdit()
        self.mapping_name.setObjectName("importMappingName")
        self.save_mapping_button = QPushButton()
        self.save_mapping_button.setObjectName("importSaveMapping")
        self.save_mapping_button.clicked.connect(self.save_mapping)
        self.dup_create = QCheckBox()
        self.dup_create.setObjectName("importDuplicatesToo")
        self.map_hint = QLabel()
        self.map_hint.setWordWrap(True)
        step2 = QWidget()
        lay2 = QVBoxLayout(step2)
        top = QHBoxLayout()
        self.saved_caption = QLabel()
        top.addWidget(self.saved_caption)
        top.addWidget(self.saved, 1)
        lay2.addLayout(top)
        lay2.addWidget(self.map_hint)
        lay2.addWidget(scroll, 1)
        bottom = QHBoxLayout()
        bottom.addWidget(self.mapping_name, 1)
        bottom.addWidget(self.save_mapping_button)
        lay2.addLayout(bottom)
        lay2.addWidget(self.dup_create)

        # step 3: the dry run
        self.summary = QLabel()
        self.summary.setObjectName("importSummary")
        self.summary.setWordWrap(True)
        self.preview = RecordsModel(PREVIEW_COLUMNS, parent=self)
        self.table = QTableView()
        self.table.setObjectName("importPreview")
        self.table.setModel(self.preview)
        self.table.verticalHeader().hide()
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(True)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.error_file_button = QPushButton()
        self.error_file_button.setObjectName("importErrorFile")
        self.error_file_button.clicked.connect(self.save_error_file)
        step3 = QWidget()
        lay3 = QVBoxLayout(step3)
        lay3.addWidget(self.summary)
        lay3.addWidget(self.table, 1)
        row = QHBoxLayout()
        row.addWidget(self.error_file_button)
        row.addStretch(1)
        lay3.addLayout(row)

        self.steps = QStackedWidget()
        for w in (step1, step2, step3):
            self.steps.addWidget(w)
        self.progress = ProgressPanel()
        self.progress.cancel_button.setObjectName("importCancelTask")
        self.back_button = QPushButton()
        self.back_button.setObjectName("importBack")
        self.back_button.clicked.connect(self.back)
        self.next_button = QPushButton()
        self.next_button.setObjectName("importNext")
        self.next_button.clicked.connect(self.next)
        self.apply_button = QPushButton()
        self.apply_button.setObjectName("importApply")
        self.apply_button.clicked.connect(self.apply)
        self.close_button = QPushButton()
        self.close_button.setObjectName("importClose")
        self.close_button.clicked.connect(self.reject)
        nav = QHBoxLayout()
        nav.addWidget(self.back_button)
        nav.addStretch(1)
        nav.addWidget(self.next_button)
        nav.addWidget(self.apply_button)
        nav.addWidget(self.close_button)
        self.step_title = QLabel()
        font = self.step_title.font()
        font.setBold(True)
        self.step_title.setFont(font)
        lay = QVBoxLayout(self)
        lay.addWidget(self.step_title)
        lay.addWidget(self.steps, 1)
        lay.addWidget(self.progress)
        lay.addLayout(nav)
        self.retranslate()
        self._show_step(0)

    # ------------------------------------------------------------------ steps

    def _show_step(self, step: int) -> None:
        self.steps.setCurrentIndex(step)
        busy = self.task is not None and self.task.running
        self.back_button.setEnabled(step > 0 and not busy)
        self.next_button.setVisible(step < 2)
        self.next_button.setEnabled(not busy and (step != 0 or bool(self.path)))
        self.apply_button.setVisible(step == 2)
        report = self.report or {}
        accepted = sum((report.get("summary") or {}).get(k, 0) for k in ("create", "update"))
        self.apply_button.setEnabled(step == 2 and not busy and accepted > 0 and not report.get("written"))
        self.kind.setEnabled(not busy)
        self.choose_button.setEnabled(not busy)
        self._step_title()

    def _step_title(self) -> None:
        titles = (N_("1. Choose the file"), N_("2. Match the columns to the fields"),
                  N_("3. Check what the import will do"))
        self.step_title.setText(_(titles[self.steps.currentIndex()]))

    def choose_file(self) -> None:
        path = dialogs.open_file(self, _("Choose a spreadsheet to import"),
                                 _("Spreadsheets (*.xlsx *.csv);;All files (*)"))
        if path:
            self.path = path
            self.path_edit.setText(path)
            self._show_step(0)

    def back(self) -> None:
        self._show_step(max(0, self.steps.currentIndex() - 1))

    def next(self) -> None:
        step = self.steps.currentIndex()
        if step == 0:
            self._read_headers()
        elif step == 1:
            self.dry_run()

    def _read_headers(self) -> None:
        imports, path = self.svc.imports, self.path

        def work(progress, _cancelled):
            progress(0, _("Reading the file…"))
            return imports.read(path).headers

        self._run(work, self._headers_read)

    def _headers_read(self, headers: list[str]) -> None:
        self.headers = list(headers)
        self._fill_saved()
        self._build_mapping(suggest_mapping(self.kind.code(), self.headers))
        self._show_step(1)

    # ------------------------------------------------------------------ mapping

    def _fields(self) -> list[str]:
        fields = self.svc.imports.fields(self.kind.code())
        if not self.svc.actor.can_see_health:
            fields = [f for f in fields if f != "disability_details"]
        return fields

    def _build_mapping(self, mapping: dict[str, str]) -> None:
        while self.map_form.rowCount():
            self.map_form.removeRow(0)
        self.map_combos = {}
        fields = self._fields()
        for i, header in enumerate(self.headers):
            combo = QComboBox()
            combo.setObjectName(f"importColumn{i}")
            combo.addItem(_("(ignore this column)"), IGNORE)
            for f in fields:
                combo.addItem(_(FIELD_LABELS.get(f, f)), f)
            idx = combo.findData(mapping.get(header) or IGNORE)
            combo.setCurrentIndex(max(idx, 0))
            self.map_form.addRow(QLabel(header or _("(no header)")), combo)
            self.map_combos[header] = combo

    def mapping(self) -> dict[str, str]:
        return {h: c.currentData() for h, c in self.map_combos.items() if c.currentData()}

    def _fill_saved(self) -> None:
        self.saved.clear()
        self.saved.addItem(_("Suggested from the column headers"), "")
        try:
            for name in self.svc.imports.mappings(self.kind.code()):
                self.saved.addItem(name, name)
        except CoopError as exc:
            dialogs.warn(self, exc.message())

    def _saved_chosen(self, _index: int) -> None:
        name = self.saved.currentData()
        if not name:
            self._build_mapping(suggest_mapping(self.kind.code(), self.headers))
            return
        self._build_mapping(self.svc.imports.mapping(self.kind.code(), name))
        self.mapping_name.setText(name)

    def save_mapping(self) -> None:
        name = self.mapping_name.text().strip()
        try:
            self.svc.imports.save_mapping(self.kind.code(), name, self.mapping())
        except CoopError as exc:
            dialogs.warn(self, exc.message())
            return
        self._fill_saved()
        self.saved.setCurrentIndex(max(0, self.saved.findData(name)))
        self.map_hint.setText(_("Mapping “{name}” saved for the next import.").format(name=name))

    # ------------------------------------------------------------------ dry run and import

    def _options(self) -> dict[str, Any]:
        return {"mapping": self.mapping(), "on_duplicate": "create" if self.dup_create.isChecked() else "skip"}

    def dry_run(self) -> None:
        imports, kind, path, options = self.svc.imports, self.kind.code(), self.path, self._options()

        def work(progress, cancelled):
            return imports.preview(kind, path, progress=_rows_progress(progress, _("Checking row {n} of {total}…")),
                                   cancelled=cancelled, **options)

        self.report = None
        self._run(work, self._previewed)

    def _previewed(self, report: dict[str, Any]) -> None:
        self.report = report
        rows = [{"row": p["row"], "action": "file", "problems": [p], "duplicates": [], "values": {}}
                for p in report["problems"]]
        rows += [r for r in report["rows"] if r["action"] in ("reject", "duplicate")]
        rows += [r for r in report["rows"] if r["action"] not in ("reject", "duplicate")]
        self.preview.set_rows(rows)
        self._show_summary()
        self.error_file_button.setEnabled(bool(report["summary"]["reject"] or report["summary"]["duplicate"]))
        self._show_step(2)

    def _show_summary(self) -> None:
        if self.report is None:
            self.summary.clear()
            return
        s = {k: format_number(v) for k, v in self.report["summary"].items()}
        if self.report.get("written"):
            text = _("Imported: {create} created, {update} updated. Rows left out: {reject} rejected, "
                     "{duplicate} possible duplicates.").format(**s)
        else:
            text = _("Nothing is written yet. The import would create {create}, update {update}; "
                     "{reject} rows are rejected and {duplicate} possible duplicates are left out.").format(**s)
        self.summary.setText(text)

    def save_error_file(self) -> None:
        if self.report is None:
            return
        out = dialogs.save_file(self, _("Save the rows that were not imported"), "errors.xlsx",
                                _("Excel workbook (*.xlsx);;CSV (*.csv)"))
        if not out:
            return
        try:
            path = self.svc.imports.error_file(self.report, out)
        except CoopError as exc:
            dialogs.warn(self, exc.message())
            return
        self.map_hint.setText(str(path))
        dialogs.info(self, _("The rows that were not imported and why were saved in {path}.").format(path=path))

    def apply(self) -> None:
        imports, kind, path, options = self.svc.imports, self.kind.code(), self.path, self._options()

        def work(progress, cancelled):
            return imports.run(kind, path, dry_run=False, cancelled=cancelled,
                               progress=_rows_progress(progress, _("Importing row {n} of {total}…")), **options)

        self._run(work, self._applied)

    def _applied(self, report: dict[str, Any]) -> None:
        self.report = report
        self._show_summary()
        self._show_step(2)
        self.imported.emit(report)

    # ------------------------------------------------------------------ background work

    def _run(self, work, done) -> None:
        def guarded(progress, cancelled):
            try:
                return work(progress, cancelled)
            except CoopError as exc:
                if exc.code == "cancelled":
                    raise Cancelled() from exc
                raise

        self.task = Task(guarded)
        self.progress.watch(self.task)
        self.task.signals.finished.connect(lambda result: (self._idle(), done(result)))
        self.task.signals.failed.connect(self._failed)
        self.task.signals.cancelled.connect(self._cancelled)
        self.task.start()
        self._show_step(self.steps.currentIndex())

    def _idle(self) -> None:
        if self.task is not None:
            self.task.running = False

    def _failed(self, exc: BaseException) -> None:
        self._idle()
        self._show_step(self.steps.currentIndex())
        if isinstance(exc, CoopError):
            dialogs.warn(self, exc.message())
        else:
            dialogs.warn(self, _("The import failed: {error}").format(error=str(exc)))

    def _cancelled(self) -> None:
        self._idle()
        self._show_step(self.steps.currentIndex())
        self.summary.setText(_("Cancelled: nothing was changed."))

    def reject(self) -> None:
        if self.task is not None and self.task.running:
            self.task.cancel()  # closing while it runs cancels; the service writes nothing
        super().reject()

    def retranslate(self) -> None:
        self.setWindowTitle(_("Import from a spreadsheet"))
        self.kind_caption.setText(_("What the file lists"))
        self.file_caption.setText(_("File"))
        self.choose_button.setText(_("Choose…"))
        self.file_hint.setText(_("An Excel workbook (.xlsx) or a CSV file, with the column names on the first row."))
        self.saved_caption.setText(_("Saved mapping"))
        self.map_hint.setText(_("Each column of the file goes into the field chosen here; a column set to "
                                "“ignore” is not read."))
        self.mapping_name.setPlaceholderText(_("Name of this mapping, to use it again"))
        self.save_mapping_button.setText(_("Save the mapping"))
        self.dup_create.setText(_("Also import the rows flagged as possible duplicates"))
        self.error_file_button.setText(_("Save the error file…"))
        self.back_button.setText(_("Back"))
        self.next_button.setText(_("Next"))
        self.apply_button.setText(_("Import"))
        self.close_button.setText(_("Close"))
        self.kind.retranslate()
        self.progress.retranslate()
        self.preview.retranslate()
        self._step_title()
        self._show_summary()


def _rows_progress(progress, template: str):
    def report(n: int, total: int) -> None:
        progress(int(100 * n / total) if total else 0,
                 template.format(n=format_number(n), total=format_number(total)))

    return report
