"""One person: the form (names in both scripts, consent, health details only with permission),
the enrolments with their milestones, and the person's timeline."""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListView,
    QPlainTextEdit,
    QPushButton,
    QTabWidget,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from coopdesk.domain import constants as C
from coopdesk.errors import CoopError
from coopdesk.i18n import N_, _, format_date
from ui.common import (
    ChoiceCombo,
    DateField,
    Form,
    commune_name,
    dialogs,
    execute,
    hide_for_viewer,
    report_error,
    scrolling,
)
from ui.common.commands import execute_creation
from ui.common.deleting import delete_button, delete_key, delete_with_undo, retranslate_delete_button
from ui.people.merge_dialog import DuplicateBanner

MILESTONE_ROLE = Qt.ItemDataRole.UserRole + 1  # a milestone line's own id (UserRole: its enrolment's)

FORM_FIELDS = ("last_name", "first_name", "last_name_ar", "first_name_ar", "sex", "birth_date", "commune_id",
               "phone", "email", "address", "disability", "disability_details", "consent_date", "consent_scope",
               "consent_collected_by", "notes")


def person_label(p: dict[str, Any]) -> str:
    latin = " ".join(x for x in (p.get("first_name"), p.get("last_name")) if x)
    arabic = " ".join(x for x in (p.get("first_name_ar"), p.get("last_name_ar")) if x)
    return latin or arabic or "—"


class PersonPanel(QTabWidget):
    """Emits ``changed(person_id)`` after any write so the list refreshes, ``opened(person_id)``
    when it shows a person ("" for the empty form of a new one)."""

    changed = Signal(str)
    opened = Signal(str)

    def __init__(self, services: Any, undo_stack, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.svc = services
        self.undo_stack = undo_stack
        self.person_id: str | None = None
        self.health = bool(services.actor.can_see_health)

        # --- details
        self.form = Form()
        arabic = []
        f = self.form
        f.add("last_name", N_("Last name"), QLineEdit())
        f.add("first_name", N_("First name"), QLineEdit())
        arabic.append(f.add("last_name_ar", N_("Last name (Arabic script)"), QLineEdit()))
        arabic.append(f.add("first_name_ar", N_("First name (Arabic script)"), QLineEdit()))
        for w in arabic:
            w.setLayoutDirection(Qt.LayoutDirection.RightToLeft)
        f.add("sex", N_("Sex"), ChoiceCombo(C.SEXES, empty=N_("— choose —")))
        f.add("birth_date", N_("Birth date"), DateField())
        communes = [(c["id"], commune_name(c)) for c in services.setup.communes()]
        self.communes = services.setup.communes()
        f.add("commune_id", N_("Commune of residence"), ChoiceCombo(communes, translate=False), aliases=("commune",))
        f.add("phone", N_("Phone"), QLineEdit())
        f.add("email", N_("Email"), QLineEdit())
        f.add("address", N_("Address"), QLineEdit())
        f.add("disability", N_("Disability"), QCheckBox())
        details = QPlainTextEdit()
        details.setMaximumHeight(60)
        f.add("disability_details", N_("Disability details (health data)"), details)
        if not self.health:  # a user without the health permission sees no disability detail at all
            f.layout_.setRowVisible(f.error_label("disability_details").parentWidget(), False)
        f.add("consent_date", N_("Consent given on"), DateField())
        f.add("consent_scope", N_("Consent scope"), QLineEdit())
        f.add("consent_collected_by", N_("Consent collected by"), QLineEdit())
        notes = QPlainTextEdit()
        notes.setMaximumHeight(60)
        f.add("notes", N_("Notes"), notes)
        self.save_button = QPushButton()
        self.save_button.setObjectName("savePerson")
        self.save_button.clicked.connect(self.save)
        self.title = QLabel()
        self.title.setObjectName("personTitle")
        font = self.title.font()
        font.setBold(True)
        self.title.setFont(font)
        # Possible duplicates of a new person, shown before it is saved (ui/people/merge_dialog.py).
        self.duplicates = DuplicateBanner()
        self.duplicates.open_requested.connect(self._open_duplicate)
        self.duplicates.save_anyway.connect(lambda: self.save(force=True))
        details_page = QWidget()
        lay = QVBoxLayout(details_page)
        lay.addWidget(self.title)
        lay.addWidget(self.duplicates)
        lay.addWidget(scrolling(f), 1)  # 16 rows: taller than the window in Arabic without it
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.save_button)
        lay.addLayout(row)
        QWidget.setTabOrder(f.widget("notes"), self.save_button)

        # --- enrolments and milestones
        self.enrolments = QStandardItemModel(self)
        self.enrol_view = QTreeView()
        self.enrol_view.setObjectName("enrolmentTree")
        self.enrol_view.setModel(self.enrolments)
        self.enrol_view.setEditTriggers(QTreeView.EditTrigger.NoEditTriggers)
        # the date fits its contents and the action or milestone takes the rest (see _fill_enrolments)
        self.enrol_view.header().setStretchLastSection(False)
        self.enrol_view.header().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.action_combo = ChoiceCombo([], translate=False)
        self.action_combo.setObjectName("enrolAction")
        self.enrol_date = DateField()
        self.enrol_date.setObjectName("enrolDate")
        self.enrol_button = QPushButton()
        self.enrol_button.setObjectName("enrolButton")
        self.enrol_button.clicked.connect(self.enrol)
        self.ms_kind = ChoiceCombo(C.MILESTONE_KINDS)
        self.ms_kind.setObjectName("milestoneKind")
        self.ms_date = DateField()
        self.ms_date.setObjectName("milestoneDate")
        self.ms_button = QPushButton()
        self.ms_button.setObjectName("milestoneButton")
        self.ms_button.clicked.connect(self.add_milestone)
        self.enrol_delete = delete_button(services, "deleteEnrolmentLine")
        self.enrol_delete.clicked.connect(self.delete_enrolment_line)
        delete_key(services, self.enrol_view, self.delete_enrolment_line)
        self.enrol_error = QLabel()
        self.enrol_error.setObjectName("enrolError")
        self.enrol_error.setStyleSheet("color: #b00020;")
        self.enrol_error.setWordWrap(True)
        enrol_page = QWidget()
        lay = QVBoxLayout(enrol_page)
        lay.addWidget(self.enrol_view, 1)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.enrol_delete)
        lay.addLayout(row)
        row = QHBoxLayout()
        row.addWidget(self.action_combo, 2)
        row.addWidget(self.enrol_date, 1)
        row.addWidget(self.enrol_button)
        lay.addLayout(row)
        row = QHBoxLayout()
        row.addWidget(self.ms_kind, 2)
        row.addWidget(self.ms_date, 1)
        row.addWidget(self.ms_button)
        lay.addLayout(row)
        lay.addWidget(self.enrol_error)

        # --- timeline
        self.timeline = QStandardItemModel(self)
        self.timeline_view = QListView()
        self.timeline_view.setObjectName("timeline")
        self.timeline_view.setModel(self.timeline)
        self.timeline_view.setEditTriggers(QListView.EditTrigger.NoEditTriggers)

        self.addTab(details_page, "")
        self.addTab(enrol_page, "")
        self.addTab(self.timeline_view, "")
        hide_for_viewer(services, self.save_button, self.enrol_button, self.ms_button)
        if not services.actor.can_edit:
            f.set_read_only(True)
        self.reload_actions()
        self.retranslate()
        self.new()

    # ------------------------------------------------------------------ loading

    def reload_actions(self) -> None:
        self.actions = self.svc.plans.actions()
        self.action_combo.set_choices([(a["id"], f"{a['plan_year']} · {a['code']} — {a['title']}")
                                       for a in self.actions])

    def new(self) -> None:
        self.person_id = None
        self.duplicates.set_candidates([])
        self.form.clear()
        site = self.svc.setup.site()
        self.form.widget("commune_id").set_code(site.get("commune_id"))
        self.enrolments.clear()
        self.timeline.clear()
        self.setTabEnabled(1, False)
        self.setTabEnabled(2, False)
        self.setCurrentIndex(0)
        self._title()
        self.form.widget("last_name").setFocus()
        self.opened.emit("")

    def load(self, person_id: str | None) -> None:
        if not person_id:
            self.new()
            return
        try:
            p = self.svc.people.person(person_id)
        except CoopError:  # deleted meanwhile (an undo, a sync): show an empty form
            self.new()
            return
        self.person_id = person_id
        self.record = p
        self.duplicates.set_candidates([])
        self.form.set_values(p)
        self.setTabEnabled(1, True)
        self.setTabEnabled(2, True)
        self._fill_enrolments(p)
        self._fill_timeline(p)
        self._title()
        self.opened.emit(person_id)

    def _title(self) -> None:
        if self.person_id:
            self.title.setText(person_label(self.record))
        else:
            self.title.setText(_("New beneficiary"))

    def _fill_enrolments(self, p: dict[str, Any]) -> None:
        self.enrolments.clear()
        self.enrolments.setHorizontalHeaderLabels([_("Action or milestone"), _("Date")])
        for enr in p["enrolments"]:
            status = _(C.ENROLMENT_STATUSES.get(enr.get("status") or "active", "Active"))
            parent = QStandardItem(f"{enr['action_code']} — {enr['action_title']} ({status})")
            parent.setData(enr["id"], Qt.ItemDataRole.UserRole)
            for ms in enr["milestones"]:
                child = QStandardItem(_(C.MILESTONE_KINDS.get(ms["kind"], ms["kind"])))
                child.setData(enr["id"], Qt.ItemDataRole.UserRole)
                child.setData(ms["id"], MILESTONE_ROLE)
                parent.appendRow([child, QStandardItem(format_date(ms["on"], "medium"))])
            self.enrolments.appendRow([parent, QStandardItem(format_date(enr.get("enrolled_on"), "medium"))])
        self.enrol_view.expandAll()
        self.enrol_view.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)  # not cut at 100 px
        if self.enrolments.rowCount():
            self.enrol_view.setCurrentIndex(self.enrolments.index(0, 0))

    def _fill_timeline(self, p: dict[str, Any]) -> None:
        items: list[tuple[dt.date, str]] = []
        if p.get("birth_date"):
            items.append((p["birth_date"], _("Born")))
        if p.get("consent_date"):
            items.append((p["consent_date"], _("Consent given: {scope}").format(scope=p.get("consent_scope") or "—")))
        for enr in p["enrolments"]:
            if enr.get("enrolled_on"):
                items.append((enr["enrolled_on"], _("Enrolled in action {code}").format(code=enr["action_code"])))
            for ms in enr["milestones"]:
                items.append((ms["on"], _("{milestone} (action {code})").format(
                    milestone=_(C.MILESTONE_KINDS.get(ms["kind"], ms["kind"])), code=enr["action_code"])))
        for part in self.svc.people.participations(p["id"]):
            items.append((part["start"], _("{event}: {status}").format(
                event=part["title"], status=_(C.PARTICIPATION_STATUSES.get(part["status"], part["status"])))))
        self.timeline.clear()
        for day, text in sorted(items, key=lambda x: x[0], reverse=True):
            self.timeline.appendRow(QStandardItem(f"{format_date(day, 'medium')} — {text}"))

    # ------------------------------------------------------------------ writes

    def values(self) -> dict[str, Any]:
        values = self.form.values()
        if not self.health:
            values.pop("disability_details", None)
        return values

    def save(self, *_args: Any, force: bool = False) -> None:
        if not self.svc.actor.can_edit:
            return
        values = self.values()
        self.form.clear_errors()
        people = self.svc.people
        try:
            if self.person_id is None and not force:
                candidates = self.svc.dedup.possible_duplicates(values)
                if candidates:  # the user opens one of them, or saves anyway
                    self.duplicates.set_candidates(candidates)
                    return
            if self.person_id is None:
                created = execute_creation(self.undo_stack,
                                           _("Create beneficiary {name}").format(name=person_label(values)),
                                           create=lambda: people.create_person(**values),
                                           delete=people.delete_person, restore=people.restore_person,
                                           after=self._after_undo_redo)
                self.load(created["id"])
                self.changed.emit(created["id"])
            else:
                pid = self.person_id
                before = {k: self.record.get(k) for k in values}
                execute(self.undo_stack, _("Edit beneficiary {name}").format(name=person_label(values)),
                        do=lambda: people.update_person(pid, **values),
                        undo=lambda _rec: people.update_person(pid, **before),
                        after=self._after_undo_redo)
                self.load(pid)
                self.changed.emit(pid)
        except CoopError as exc:
            report_error(self, exc, self.form)

    def _open_duplicate(self, person_id: str) -> None:
        self.load(person_id)
        self.changed.emit(person_id)

    def _after_undo_redo(self) -> None:
        # Called after every redo/undo (and once right after the first do): keep the panel honest.
        self.changed.emit(self.person_id or "")

    def enrol(self) -> None:
        if not self.person_id:
            return
        pid, action_id, day = self.person_id, self.action_combo.code(), self.enrol_date.text() or None
        self.enrol_error.clear()
        people = self.svc.people
        try:
            execute_creation(self.undo_stack, _("Enrol in an action"), create=lambda: people.enrol(pid, action_id, day),
                             delete=people.unenrol, restore=people.restore_enrolment, after=self._after_undo_redo)
        except CoopError as exc:
            self.enrol_error.setText(exc.message())
            return
        self.load(pid)

    def add_milestone(self) -> None:
        index = self.enrol_view.currentIndex()
        enrolment_id = index.data(Qt.ItemDataRole.UserRole) if index.isValid() else None
        self.enrol_error.clear()
        if not self.person_id or not enrolment_id:
            self.enrol_error.setText(_("Choose the enrolment first."))
            return
        pid, kind, day = self.person_id, self.ms_kind.code(), self.ms_date.text()
        people = self.svc.people
        try:
            execute_creation(self.undo_stack, _("Add a milestone"),
                             create=lambda: people.add_milestone(enrolment_id, kind, day),
                             delete=people.delete_milestone, restore=people.restore_milestone,
                             after=self._after_undo_redo)
        except CoopError as exc:
            self.enrol_error.setText(exc.message())
            return
        self.load(pid)

    def delete_enrolment_line(self) -> None:
        """Remove the enrolment or the milestone selected in the tree (confirmed, undoable)."""
        index = self.enrol_view.currentIndex()
        if not self.person_id or not index.isValid() or not self.svc.actor.can_edit:
            return
        index = index.siblingAtColumn(0)
        pid, people = self.person_id, self.svc.people
        enrolment_id = index.data(Qt.ItemDataRole.UserRole)
        milestone_id = index.data(MILESTONE_ROLE)
        enrolment = next((e for e in self.record["enrolments"] if e["id"] == enrolment_id), None)
        if enrolment is None:
            return

        def after() -> None:  # show the person whose enrolments changed, and refresh the list
            self.load(pid)
            self.changed.emit(pid)

        if milestone_id:
            ms = next(m for m in enrolment["milestones"] if m["id"] == milestone_id)
            what = _(C.MILESTONE_KINDS.get(ms["kind"], ms["kind"]))
            delete_with_undo(self, self.undo_stack,
                             _("Delete the milestone “{milestone}” of {date}?").format(
                                 milestone=what, date=format_date(ms["on"], "medium")),
                             _("Delete a milestone"), do=lambda: people.delete_milestone(milestone_id),
                             undo=people.restore_milestone, after=after)
        else:
            delete_with_undo(self, self.undo_stack,
                             _("Remove the enrolment in action {code} with its milestones?").format(
                                 code=enrolment["action_code"]),
                             _("Remove an enrolment"), do=lambda: people.unenrol(enrolment_id),
                             undo=people.restore_enrolment, after=after)

    def retranslate(self) -> None:
        self.form.retranslate()
        self.setTabText(0, _("Details"))
        self.setTabText(1, _("Enrolments and milestones"))
        self.setTabText(2, _("Timeline"))
        self.save_button.setText(_("Save"))
        self.enrol_button.setText(_("Enrol"))
        self.ms_button.setText(_("Add milestone"))
        retranslate_delete_button(self.enrol_delete)
        self.ms_kind.retranslate()
        self.duplicates.retranslate()
        self._title()
        if self.person_id:
            self.load(self.person_id)


__all__ = ["PersonPanel", "person_label", "FORM_FIELDS", "dialogs"]
