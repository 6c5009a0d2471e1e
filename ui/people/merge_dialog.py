"""Possible duplicates: the warning shown in the person form before a new person is saved, and the
merge screen that shows two records side by side and keeps one (enrolments, participations,
consents and attachments move to the kept record; the service records the merge in the audit trail
and it reaches the partner sites through sync)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from coopdesk.domain import constants as C
from coopdesk.errors import CoopError
from coopdesk.i18n import N_, _, format_date
from ui.common import dialogs, execute
from ui.common.deleting import undo_hint
from ui.common.tables import records_view as _table
from ui.models import Column, RecordsModel

REASONS = {"name": N_("similar name"), "birth_date": N_("same birth date"), "commune": N_("same commune")}


def candidate_label(c: dict[str, Any]) -> str:
    latin = " ".join(x for x in (c.get("first_name"), c.get("last_name")) if x)
    arabic = " ".join(x for x in (c.get("first_name_ar"), c.get("last_name_ar")) if x)
    return " / ".join(x for x in (latin, arabic) if x) or "—"


CANDIDATE_COLUMNS = [
    Column(N_("Name"), candidate_label),
    Column(N_("Birth date"), lambda c: format_date(c.get("birth_date"), "medium") if c.get("birth_date") else ""),
    Column(N_("Commune"), lambda c: c.get("commune_code") or ""),
    Column(N_("Why"), lambda c: ", ".join(_(REASONS.get(r, r)) for r in c.get("reasons") or [])),
]




class DuplicateBanner(QFrame):
    """Shown above a new person's form when the names match someone already registered."""

    open_requested = Signal(str)
    save_anyway = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("duplicateBanner")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setStyleSheet("#duplicateBanner { background: #fff4e5; }")
        self.text = QLabel()
        self.text.setWordWrap(True)
        self.model = RecordsModel(CANDIDATE_COLUMNS, parent=self)
        self.view = _table(self.model, "duplicateCandidates", 0)
        self.view.setMaximumHeight(120)
        self.view.doubleClicked.connect(lambda _i: self._open())
        self.open_button = QPushButton()
        self.open_button.setObjectName("openDuplicate")
        self.open_button.clicked.connect(self._open)
        self.save_button = QPushButton()
        self.save_button.setObjectName("saveAnyway")
        self.save_button.clicked.connect(self.save_anyway)
        lay = QVBoxLayout(self)
        lay.addWidget(self.text)
        lay.addWidget(self.view)
        row = QHBoxLayout()
        row.addWidget(self.open_button)
        row.addStretch(1)
        row.addWidget(self.save_button)
        lay.addLayout(row)
        self.retranslate()
        self.hide()

    def set_candidates(self, candidates: list[dict[str, Any]]) -> None:
        self.model.set_rows(list(candidates))
        if candidates:
            self.view.selectRow(0)
        self.setVisible(bool(candidates))

    def _open(self) -> None:
        idx = self.view.currentIndex()
        if idx.isValid():
            self.open_requested.emit(self.model.row_dict(idx.row())["id"])

    def retranslate(self) -> None:
        self.text.setText(_("This person may already be registered. Open the existing record, or save "
                            "the new one anyway if it is someone else."))
        self.open_button.setText(_("Open the selected record"))
        self.save_button.setText(_("Save anyway"))
        self.model.retranslate()


# Rows of the side-by-side comparison: (field, label msgid)
COMPARED = [("last_name", N_("Last name")), ("first_name", N_("First name")),
            ("last_name_ar", N_("Last name (Arabic script)")), ("first_name_ar", N_("First name (Arabic script)")),
            ("sex", N_("Sex")), ("birth_date", N_("Birth date")), ("commune_code", N_("Commune")),
            ("phone", N_("Phone")), ("email", N_("Email")), ("address", N_("Address")),
            ("disability", N_("Disability")), ("disability_details", N_("Disability details (health data)")),
            ("enrolments", N_("Enrolments")), ("participations", N_("Events attended or registered"))]


def _show(field: str, p: dict[str, Any]) -> str:
    value = p.get(field)
    if field == "sex":
        return _(C.SEXES.get(value or "", "")) if value else ""
    if field == "birth_date":
        return format_date(value, "medium") if value else ""
    if field == "disability":
        return _("Yes") if value else _("No")
    if field == "enrolments":
        return ", ".join(e["action_code"] for e in value or []) or "—"
    if field == "participations":
        return str(len(value or []))
    return "" if value is None else str(value)


COMPARE_COLUMNS = [Column(N_("Field"), lambda r: _(r["label"])), Column(N_("Record A"), lambda r: r["a"]),
                   Column(N_("Record B"), lambda r: r["b"])]


class MergeDialog(QDialog):
    """Two records side by side; the user keeps one. Emits ``merged(kept_id, removed_id)``."""

    merged = Signal(str, str)

    def __init__(self, services: Any, person_id: str, candidates: list[dict[str, Any]],
                 parent: QWidget | None = None, *, undo_stack: Any = None,
                 on_undo_redo: Callable[[str], None] | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("mergeDialog")
        self.svc = services
        self.person_id = person_id
        self.undo_stack = undo_stack  # the merge is one undo step (it outlives this dialog)
        self.on_undo_redo = on_undo_redo
        self.health = bool(services.actor.can_see_health)
        self.intro = QLabel()
        self.intro.setWordWrap(True)
        self.candidates = RecordsModel(CANDIDATE_COLUMNS, candidates, parent=self)
        self.candidate_view = _table(self.candidates, "mergeCandidates", 0)
        self.candidate_view.setMaximumHeight(130)
        self.compare = RecordsModel(COMPARE_COLUMNS, parent=self)
        self.compare_view = _table(self.compare, "mergeCompare", 0)
        self.compare_view.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.compare_view.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.keep_a = QRadioButton()
        self.keep_a.setObjectName("keepA")
        self.keep_a.setChecked(True)
        self.keep_b = QRadioButton()
        self.keep_b.setObjectName("keepB")
        self.keep_group = QButtonGroup(self)
        self.keep_group.addButton(self.keep_a)
        self.keep_group.addButton(self.keep_b)
        self.merge_button = QPushButton()
        self.merge_button.setObjectName("mergeButton")
        self.merge_button.clicked.connect(self.merge)
        self.close_button = QPushButton()
        self.close_button.setObjectName("mergeClose")
        self.close_button.clicked.connect(self.reject)
        self.hint = QLabel()
        self.hint.setWordWrap(True)
        lay = QVBoxLayout(self)
        lay.addWidget(self.intro)
        lay.addWidget(self.candidate_view)
        lay.addWidget(self.compare_view, 1)
        row = QHBoxLayout()
        row.addWidget(self.keep_a)
        row.addWidget(self.keep_b)
        row.addStretch(1)
        lay.addLayout(row)
        lay.addWidget(self.hint)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.merge_button)
        row.addWidget(self.close_button)
        lay.addLayout(row)
        self.resize(820, 560)
        self.candidate_view.selectionModel().currentRowChanged.connect(lambda _c, _p: self._compare())
        self.records: tuple[dict[str, Any], dict[str, Any]] | None = None
        self.retranslate()
        if candidates:
            self.candidate_view.selectRow(0)
        self._compare()

    def other_id(self) -> str | None:
        idx = self.candidate_view.currentIndex()
        return self.candidates.row_dict(idx.row())["id"] if idx.isValid() else None

    def _load(self, person_id: str) -> dict[str, Any]:
        p = self.svc.people.person(person_id)
        p["participations"] = self.svc.people.participations(person_id)
        return p

    def _compare(self) -> None:
        other = self.other_id()
        self.merge_button.setEnabled(bool(other) and bool(self.svc.actor.can_edit))
        if not other:
            self.records = None
            self.compare.set_rows([])
            return
        try:
            a, b = self._load(self.person_id), self._load(other)
        except CoopError as exc:
            dialogs.warn(self, exc.message())
            return
        self.records = (a, b)
        rows = []
        for field, label in COMPARED:
            if field == "disability_details" and not self.health:
                continue
            rows.append({"label": label, "a": _show(field, a), "b": _show(field, b)})
        self.compare.set_rows(rows)

    def merge(self) -> None:
        other = self.other_id()
        if not other or self.records is None:
            return
        keep, remove = (self.person_id, other) if self.keep_a.isChecked() else (other, self.person_id)
        kept = self.records[0] if keep == self.person_id else self.records[1]
        name = candidate_label(kept)
        question = _("Keep the record of {name} and merge the other into it? Its enrolments, events, consents "
                     "and attachments move to the kept record and the other record is deleted.").format(name=name)
        if not dialogs.confirm(self, f"{question}\n\n{undo_hint()}"):
            return
        people, told = self.svc.people, self.on_undo_redo
        try:
            if self.undo_stack is None:
                people.merge(keep, remove)
            else:
                execute(self.undo_stack, _("Merge two records of {name}").format(name=name),
                        do=lambda: people.merge(keep, remove), undo=people.unmerge,
                        after=(lambda: told(keep)) if told else None, size=lambda merged: len(merged["undo"]))
        except CoopError as exc:
            dialogs.warn(self, exc.message())
            return
        self.merged.emit(keep, remove)
        self.accept()

    def retranslate(self) -> None:
        self.setWindowTitle(_("Possible duplicates"))
        self.intro.setText(_("These records may be the same person. Compare them, choose the one to keep, "
                             "then merge."))
        self.keep_a.setText(_("Keep record A (the one open)"))
        self.keep_b.setText(_("Keep record B (the selected duplicate)"))
        self.hint.setText(_("The kept record's empty fields are filled from the other one."))
        self.merge_button.setText(_("Merge"))
        self.close_button.setText(_("Close"))
        self.candidates.retranslate()
        self.compare.retranslate()
