"""Settings › Personal data: the audit trail (administrators), the retention period with the persons
to review, and what stays in each commune and what crosses the border in sync bundles."""

from __future__ import annotations

import html
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from coopdesk.errors import CoopError
from coopdesk.i18n import N_, _, format_date, format_datetime
from ui.common import dialogs
from ui.common.commands import execute
from ui.common.labels import field_label
from ui.common.lazy import LazyLoad
from ui.common.tables import records_view as _table
from ui.models import Column, RecordsModel

# Every operation the services write to the audit trail (``AuditEntry(op=...)``), in plain words.
OPERATIONS = {"create": N_("Created"), "update": N_("Changed"), "delete": N_("Deleted"), "merge": N_("Merged"),
              "anonymise": N_("Anonymised"), "unmerge": N_("Merge undone"),
              "import": N_("Sync bundle applied"), "resolve": N_("Sync conflict resolved"),
              "trust": N_("Partner site trusted"), "untrust": N_("Partner site forgotten")}
HEALTH = {"disability_details"}
# Person fields in plain words, for the sharing explanation.
PERSON_FIELDS = {
    "first_name": N_("first name"), "last_name": N_("last name"), "first_name_ar": N_("first name in Arabic script"),
    "last_name_ar": N_("last name in Arabic script"), "search_key": N_("search key (the names)"),
    "birth_date": N_("exact birth date"), "phone": N_("phone"), "email": N_("e-mail"), "address": N_("address"),
    "disability_details": N_("disability details (health data)"), "notes": N_("notes"),
    "sex": N_("sex"), "commune_id": N_("commune"), "birth_year": N_("birth year"), "disability": N_("disability flag"),
}
DEFAULT_LOCAL = ("first_name", "last_name", "first_name_ar", "last_name_ar", "birth_date", "phone", "email",
                 "address", "disability_details", "notes")


def _value(field: str, value: Any, health: bool) -> str:
    if field in HEALTH and not health:
        return _("(health data, hidden)")
    if value is None:
        return ""
    return str(value)


AUDIT_COLUMNS = [
    Column(N_("When"), lambda e: format_datetime(e["at"], "short") if e.get("at") else ""),
    Column(N_("User"), lambda e: e.get("username") or ""),
    Column(N_("Record type"), lambda e: e.get("entity") or ""),
    Column(N_("Record"), lambda e: e.get("row_id") or ""),
    Column(N_("Operation"), lambda e: _(OPERATIONS.get(e.get("op") or "", e.get("op") or ""))),
]
DIFF_COLUMNS = [Column(N_("Field"), lambda r: field_label(r["field"])), Column(N_("Before"), lambda r: r["before"]),
                Column(N_("After"), lambda r: r["after"])]
INACTIVE_COLUMNS = [
    Column(N_("Name"), lambda p: " ".join(x for x in (p.get("last_name"), p.get("first_name")) if x)
           or p.get("last_name_ar") or "—"),
    Column(N_("Last activity"), lambda p: format_date(p["last_activity"], "medium") if p.get("last_activity")
           else _("none recorded")),
]




def diff_rows(entry: dict[str, Any], health: bool) -> list[dict[str, str]]:
    """One row per field whose value differs between before and after (every field of a creation)."""
    before, after = entry.get("before") or {}, entry.get("after") or {}
    rows = []
    for field in sorted(set(before) | set(after)):
        b, a = before.get(field), after.get(field)
        if b == a:
            continue
        rows.append({"field": field, "before": _value(field, b, health), "after": _value(field, a, health)})
    return rows


class PrivacySection(LazyLoad, QTabWidget):
    def __init__(self, services: Any, undo_stack: QUndoStack | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.undo_stack = undo_stack if undo_stack is not None else QUndoStack(self)
        self.setObjectName("privacyTabs")
        self.svc = services
        self.is_admin = services.actor.role == "admin"
        self.health = bool(services.actor.can_see_health)

        # audit trail
        self.audit_page = QWidget()
        self.audit_note = QLabel()
        self.audit_note.setWordWrap(True)
        self.f_entity = QComboBox()
        self.f_entity.setObjectName("auditEntity")
        self.f_entity.setEditable(True)
        self.f_user = QComboBox()
        self.f_user.setObjectName("auditUser")
        self.f_user.setEditable(True)
        self.f_record = QLineEdit()
        self.f_record.setObjectName("auditRecord")
        self.f_record.setClearButtonEnabled(True)
        self.search_button = QPushButton()
        self.search_button.setObjectName("auditSearch")
        self.search_button.clicked.connect(self.refresh_audit)
        self.f_record.returnPressed.connect(self.refresh_audit)
        self.audit = RecordsModel(AUDIT_COLUMNS, parent=self)
        self.audit_view = _table(self.audit, "auditTable", 3)
        self.diff = RecordsModel(DIFF_COLUMNS, parent=self)
        self.diff_view = _table(self.diff, "auditDiff", 2)
        self.diff_view.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.audit_view.selectionModel().currentRowChanged.connect(lambda c, _p: self._show_diff(c.row()))
        filters = QHBoxLayout()
        self.captions = {k: QLabel() for k in ("entity", "user", "record")}
        for key, w in (("entity", self.f_entity), ("user", self.f_user), ("record", self.f_record)):
            self.captions[key].setBuddy(w)
            filters.addWidget(self.captions[key])
            filters.addWidget(w, 1)
        filters.addWidget(self.search_button)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.audit_view)
        split.addWidget(self.diff_view)
        lay = QVBoxLayout(self.audit_page)
        lay.addWidget(self.audit_note)
        lay.addLayout(filters)
        lay.addWidget(split, 1)
        for w in (self.f_entity, self.f_user, self.f_record, self.search_button, split):
            w.setVisible(self.is_admin)

        # retention
        self.retention_page = QWidget()
        self.months = QSpinBox()
        self.months.setObjectName("retentionMonths")
        self.months.setRange(0, 600)
        self.months.setEnabled(self.is_admin)
        self.save_months = QPushButton()
        self.save_months.setObjectName("saveRetention")
        self.save_months.clicked.connect(self.save_retention)
        self.save_months.setVisible(self.is_admin)
        self.retention_note = QLabel()
        self.retention_note.setWordWrap(True)
        self.inactive = RecordsModel(INACTIVE_COLUMNS, parent=self)
        self.inactive_view = _table(self.inactive, "inactivePersons", 0)
        self.inactive_view.doubleClicked.connect(lambda _i: self.open_inactive())
        self.open_button = QPushButton()
        self.open_button.setObjectName("openInactive")
        self.open_button.clicked.connect(self.open_inactive)
        self.inactive_count = QLabel()
        self.inactive_count.setObjectName("inactiveCount")
        form = QFormLayout()
        self.months_caption = QLabel()
        row = QHBoxLayout()
        row.addWidget(self.months)
        row.addWidget(self.save_months)
        row.addStretch(1)
        form.addRow(self.months_caption, row)
        lay = QVBoxLayout(self.retention_page)
        lay.addLayout(form)
        lay.addWidget(self.retention_note)
        lay.addWidget(self.inactive_count)
        lay.addWidget(self.inactive_view, 1)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.open_button)
        lay.addLayout(row)

        # sharing
        self.sharing = QLabel()
        self.sharing.setObjectName("sharingExplanation")
        self.sharing.setWordWrap(True)
        self.sharing.setTextFormat(Qt.TextFormat.RichText)
        self.sharing.setAlignment(Qt.AlignmentFlag.AlignTop)
        sharing_page = QWidget()
        QVBoxLayout(sharing_page).addWidget(self.sharing, 1)

        self.addTab(self.audit_page, "")
        self.addTab(self.retention_page, "")
        self.addTab(sharing_page, "")
        self.retranslate()

    # ------------------------------------------------------------------ audit

    def _fill_filters(self) -> None:
        if not self.is_admin:
            return
        entity, user = self.f_entity.currentText(), self.f_user.currentText()
        entities = sorted({"person", "consent", "enrolment", "milestone", "participation"}
                          | {p["entity"] for p in self._policy()})
        self.f_entity.clear()
        self.f_entity.addItems(["", *entities])
        self.f_entity.setCurrentText(entity)
        self.f_user.clear()
        self.f_user.addItems(["", "system", *[u["username"] for u in self.svc.users.users()]])
        self.f_user.setCurrentText(user)

    def refresh_audit(self) -> None:
        if not self.is_admin:
            return
        try:
            rows = self.svc.audit.entries(entity=self.f_entity.currentText().strip() or None,
                                          row_id=self.f_record.text().strip() or None,
                                          username=self.f_user.currentText().strip() or None, limit=500)
        except CoopError as exc:
            dialogs.warn(self, exc.message())
            return
        self.audit.set_rows(rows)
        self.diff.set_rows([])
        if rows:
            self.audit_view.selectRow(0)

    def show_record(self, entity: str, row_id: str) -> None:
        """The history of one record (used by tests and from a record's screen)."""
        self.setCurrentWidget(self.audit_page)
        self.f_entity.setCurrentText(entity)
        self.f_user.setCurrentText("")
        self.f_record.setText(row_id)
        self.refresh_audit()

    def _show_diff(self, row: int) -> None:
        if 0 <= row < self.audit.rowCount():
            self.diff.set_rows(diff_rows(self.audit.row_dict(row), self.health))
        else:
            self.diff.set_rows([])

    # ------------------------------------------------------------------ retention

    def refresh_retention(self) -> None:
        try:
            months = self.svc.privacy.retention_months()
            people = self.svc.privacy.inactive_persons()
        except CoopError as exc:
            dialogs.warn(self, exc.message())
            return
        self.months.setValue(months)
        self.inactive.set_rows(people)
        self._inactive_text(months)

    def _inactive_text(self, months: int) -> None:
        if not months:
            self.inactive_count.setText(_("No retention period is set: no one is listed."))
        else:
            self.inactive_count.setText(_("{n} persons without any activity for more than {months} months, "
                                          "to review (anonymise, or keep if still followed).").format(
                                              n=self.inactive.rowCount(), months=months))

    def save_retention(self) -> None:
        """One undo step: undo sets the period it replaced."""
        privacy, months = self.svc.privacy, self.months.value()
        try:
            before = privacy.retention_months()
            if before == months:
                return
            execute(self.undo_stack, _("Set the retention period to {months} months").format(months=months),
                    do=lambda: (privacy.set_retention_months(months), before)[1],
                    undo=lambda previous: privacy.set_retention_months(previous), after=self.refresh_retention)
        except CoopError as exc:
            dialogs.warn(self, exc.message())
            return
        self.refresh_retention()

    def open_inactive(self) -> None:
        idx = self.inactive_view.currentIndex()
        window = self.window()
        if idx.isValid() and hasattr(window, "open_record"):
            window.open_record("person", self.inactive.row_dict(idx.row())["id"])

    # ------------------------------------------------------------------ sharing

    def _policy(self) -> list[dict[str, Any]]:
        try:
            return list(self.svc.sync.policy())
        except (CoopError, AttributeError):
            return []

    def sharing_text(self) -> str:
        policy = [p for p in self._policy() if p["entity"] == "person"]
        if policy:
            local = [p["field"] for p in policy if not p["travels"]]
            changed = [p["field"] for p in policy if p["travels"] != p["default"]]
        else:  # no sharing policy readable here: the built-in default
            local, changed = list(DEFAULT_LOCAL), []
        words = [html.escape(_(PERSON_FIELDS.get(f, f))) for f in local if f != "search_key"]
        parts = [
            "<p>" + html.escape(_("Each commune keeps its beneficiaries' identity at home. A sync bundle sent to "
                                  "the other commune carries a beneficiary as a pseudonymous record: an "
                                  "identifier, sex, birth year, commune, the disability flag, consents, "
                                  "enrolments, milestones and attendance. That is enough for the shared "
                                  "indicators, split by commune and sex.")) + "</p>",
            "<p><b>" + html.escape(_("Stays in the commune where it was entered:")) + "</b> "
            + ", ".join(words) + ".</p>",
            "<p>" + html.escape(_("Disability details are health data (GDPR article 9, Moroccan law 09-08): they "
                                  "never cross the border by default, and only users with the health permission "
                                  "see them.")) + "</p>",
            "<p>" + html.escape(_("Files attached to a beneficiary (a scanned consent form, a certificate) stay "
                                  "in the commune too, name and content.")) + "</p>",
            "<p>" + html.escape(_("Sites of the same commune receive everything. Plans, actions, events, "
                                  "committee meetings, decisions and funding travel in full.")) + "</p>",
        ]
        if changed:
            names = ", ".join(html.escape(_(PERSON_FIELDS.get(f, f))) for f in changed)
            parts.append("<p><b>" + html.escape(_("An administrator changed the default for:")) + "</b> "
                         + names + ".</p>")
        return "".join(parts)

    # ------------------------------------------------------------------ texts

    def reload(self) -> None:
        self._fill_filters()
        self.refresh_audit()
        self.refresh_retention()
        self.sharing.setText(self.sharing_text())

    def retranslate(self) -> None:
        self.setTabText(0, _("Audit trail"))
        self.setTabText(1, _("Retention"))
        self.setTabText(2, _("What is shared"))
        self.audit_note.setText(_("Every change with who made it, when, and the values before and after. "
                                  "Filter by record type, user or record identifier.") if self.is_admin else
                                _("Only an administrator can view the audit trail."))
        self.captions["entity"].setText(_("Record type"))
        self.captions["user"].setText(_("User"))
        self.captions["record"].setText(_("Record"))
        self.search_button.setText(_("Show"))
        self.months_caption.setText(_("Review persons inactive for more than (months)"))
        self.months.setSpecialValueText(_("never"))
        self.save_months.setText(_("Save"))
        self.retention_note.setText(_("Nothing is deleted automatically: the list is for review. 0 turns the "
                                      "review off."))
        self.open_button.setText(_("Open the selected person"))
        for model in (self.audit, self.diff, self.inactive):
            model.retranslate()
        self._inactive_text(self.months.value())
        self.reload_later()
