"""The beneficiaries page's tool row: Import…, Export…, Find duplicates, Anonymise… (admin only).

Kept apart from the page so the list and the form stay small; the page gives itself (for its
filters, its open person and its refresh) and nothing else.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QHBoxLayout, QPushButton, QVBoxLayout, QWidget

from coopdesk.errors import CoopError
from coopdesk.i18n import _, format_number, ngettext
from ui.common import ProgressPanel, Task, dialogs, hide_for_viewer
from ui.common.commands import AppliedCommand
from ui.people.person_panel import person_label


class PeopleTools(QWidget):
    def __init__(self, services: Any, page: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.svc = services
        self.page = page
        self.dialog: QWidget | None = None
        self.task: Task | None = None
        self.import_button = QPushButton()
        self.import_button.setObjectName("importPeople")
        self.import_button.clicked.connect(self.open_import)
        self.export_button = QPushButton()
        self.export_button.setObjectName("exportPeople")
        self.export_button.clicked.connect(self.open_export)
        self.duplicates_button = QPushButton()
        self.duplicates_button.setObjectName("findDuplicates")
        self.duplicates_button.clicked.connect(self.find_duplicates)
        self.anonymise_button = QPushButton()
        self.anonymise_button.setObjectName("anonymisePerson")
        self.anonymise_button.clicked.connect(self.anonymise)
        self.progress = ProgressPanel()
        self.progress.cancel_button.setObjectName("peopleToolsCancel")
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        for b in (self.import_button, self.export_button, self.duplicates_button):
            row.addWidget(b)
        row.addStretch(1)
        row.addWidget(self.anonymise_button)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addLayout(row)
        lay.addWidget(self.progress)
        hide_for_viewer(services, self.import_button, self.duplicates_button)
        if services.actor.role != "admin":  # erasing a person is an administrator's decision
            self.anonymise_button.hide()
            self.anonymise_button.setEnabled(False)
        self.retranslate()

    def _show(self, dialog: QWidget) -> QWidget:
        if self.dialog is not None:
            self.dialog.close()
            self.dialog.deleteLater()
        self.dialog = dialog
        dialog.show()
        return dialog

    # ------------------------------------------------------------------ tools

    def open_import(self) -> None:
        from ui.people.import_wizard import ImportWizard

        wizard = ImportWizard(self.svc, self)
        wizard.imported.connect(self._imported)
        self._show(wizard)

    def _imported(self, report: dict[str, Any]) -> None:
        """A written import is one undo step: undo deletes what it created and puts back what it
        updated; redo brings the same records back."""
        change = report.get("undo")
        if change is not None and change.count():
            imports = self.svc.imports
            n = change.count()
            self.page.undo_stack.push(AppliedCommand(
                ngettext("Import {n} record from a spreadsheet", "Import {n} records from a spreadsheet",
                         n).format(n=format_number(n)),
                revert=lambda: imports.undo_import(change), reapply=imports.redo_import, after=self._after_import,
                size=n))
        self._after_import()

    def _after_import(self) -> None:
        if self.page.panel.person_id:  # it may have been updated, or created by the import undone
            self.page.panel.load(self.page.panel.person_id)
        self.page.run_query()

    def open_export(self) -> None:
        from ui.people.export_dialog import ExportDialog

        self._show(ExportDialog(self.svc, {"text": self.page.search.text(), **self.page.filters()}, self))

    def _current(self) -> str | None:
        pid = self.page.panel.person_id
        if not pid:
            dialogs.info(self, _("Open a beneficiary in the list first."))
        return pid

    def find_duplicates(self) -> None:
        pid = self._current()
        if not pid:
            return
        try:
            record = self.svc.people.person(pid)
            found = self.svc.dedup.possible_duplicates(record, exclude_id=pid)
        except CoopError as exc:
            dialogs.warn(self, exc.message())
            return
        if not found:
            dialogs.info(self, _("No possible duplicate of {name} was found.").format(name=person_label(record)))
            return
        from ui.people.merge_dialog import MergeDialog

        dialog = MergeDialog(self.svc, pid, found, self, undo_stack=self.page.undo_stack,
                             on_undo_redo=lambda kept: self._merged(kept, ""))
        dialog.merged.connect(self._merged)
        self._show(dialog)

    def _merged(self, kept: str, _removed: str) -> None:
        self.page.panel.load(kept)
        self.page.run_query()

    def anonymise(self) -> None:
        pid = self._current()
        if not pid or self.svc.actor.role != "admin":
            return
        name = person_label(self.page.panel.record)
        text = _("Anonymise {name}? Erased everywhere in this database, the audit trail included: the names in "
                 "both scripts, phone, e-mail, address, notes, disability details, consent details, attached "
                 "files, and the day and month of birth. Kept for the statistics: sex, commune, year of birth, "
                 "the disability flag, enrolments, milestones and attendance. The partner sites receive the "
                 "anonymisation at the next sync. This cannot be undone.").format(name=name)
        if not dialogs.confirm(self, text):
            return
        privacy = self.svc.privacy

        def work(progress, _cancelled):
            progress(10, _("Erasing…"))
            return privacy.anonymise(pid)

        self.task = Task(work)
        self.progress.watch(self.task)
        self.progress.cancel_button.setEnabled(False)  # an erasure is not stopped half-way
        self.anonymise_button.setEnabled(False)
        self.task.signals.finished.connect(lambda _r: self._anonymised(pid))
        self.task.signals.failed.connect(self._failed)
        self.task.start()

    def _anonymised(self, pid: str) -> None:
        self.anonymise_button.setEnabled(True)
        # Undoing an earlier edit would write the erased values back: the history goes.
        self.page.undo_stack.clear()
        self.page.panel.load(pid)
        self.page.run_query()

    def _failed(self, exc: BaseException) -> None:
        self.anonymise_button.setEnabled(True)
        if isinstance(exc, CoopError):
            dialogs.warn(self, exc.message())
        else:
            dialogs.warn(self, _("The anonymisation failed: {error}").format(error=str(exc)))

    def retranslate(self) -> None:
        self.import_button.setText(_("Import…"))
        self.export_button.setText(_("Export…"))
        self.duplicates_button.setText(_("Find duplicates"))
        self.anonymise_button.setText(_("Anonymise…"))
        self.progress.retranslate()
        if self.dialog is not None and hasattr(self.dialog, "retranslate"):
            self.dialog.retranslate()
