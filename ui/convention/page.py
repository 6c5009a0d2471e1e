"""The convention page (articles 1, 3, 7, 9)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QGroupBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from coopdesk.domain import constants as C
from coopdesk.errors import CoopError, ValidationError
from coopdesk.i18n import N_, _, format_date
from ui.common import DateField, Form, axis_name, dialogs, execute, hide_for_viewer, report_error
from ui.common.commands import execute_creation
from ui.common.deleting import delete_button, delete_key, delete_with_undo, retranslate_delete_button
from ui.common.lazy import LazyLoad
from ui.common.pickers import choose_decision
from ui.common.tables import records_view
from ui.models import Column, RecordsModel

DATE_FIELDS = [
    ("deliberation_tiz", N_("Deliberation of Tiznit")),
    ("deliberation_vlg", N_("Deliberation of Villeneuve-la-Garenne")),
    ("transmitted_prefecture", N_("Transmitted to the préfecture")),
    ("signed_tiz", N_("Signed by Tiznit")),
    ("signed_vlg", N_("Signed by Villeneuve-la-Garenne")),
    ("visa_governor", N_("Visa of the Governor")),
    ("visa_prefet", N_("Visa of the Préfet des Hauts-de-Seine")),
    ("terminated_on", N_("Terminated on")),
]
EDITABLE = [k for k, _l in DATE_FIELDS] + ["term_years", "tacit_renewal", "notice_months"]


def _d(value: Any) -> str:
    return format_date(value, "medium") if value else "—"


AMENDMENT_COLUMNS = [
    Column(N_("No."), lambda r: r["number"], Qt.AlignmentFlag.AlignRight),
    Column(N_("Amendment"), lambda r: r["title"]),
    Column(N_("Signed by Tiznit"), lambda r: _d(r["signed_tiz"])),
    Column(N_("Signed by Villeneuve"), lambda r: _d(r["signed_vlg"])),
    Column(N_("In force"), lambda r: _("Yes") if r["valid"] else _("No")),
]

AXIS_COLUMNS = [
    Column(N_("Code"), lambda r: r["code"]),
    Column(N_("Kind"), lambda r: _(C.AXIS_KINDS.get(r["kind"], r["kind"]))),
    Column(N_("Name"), lambda r: axis_name(r)),
]


class ConventionPage(LazyLoad, QWidget):
    def __init__(self, services, undo_stack, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.svc = services
        self.undo_stack = undo_stack
        self.record: dict[str, Any] = {}

        self.title = QLabel()
        self.title.setObjectName("conventionTitle")
        self.title.setWordWrap(True)
        font = self.title.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.2)
        self.title.setFont(font)

        self.form = Form()
        for name, label in DATE_FIELDS:
            self.form.add(name, label, DateField())
        term = self.form.add("term_years", N_("Term (years)"), QSpinBox())
        term.setRange(1, 30)
        self.form.add("tacit_renewal", N_("Tacit renewal"), QCheckBox())
        notice = self.form.add("notice_months", N_("Notice (months)"), QSpinBox())
        notice.setRange(0, 36)
        self.save_button = QPushButton()
        self.save_button.setObjectName("saveConvention")
        self.save_button.clicked.connect(self.save)
        self.box_dates = QGroupBox()
        v = QVBoxLayout(self.box_dates)
        v.addWidget(self.form)
        v.addWidget(self.save_button, 0, Qt.AlignmentFlag.AlignTrailing)

        self.derived = QLabel()
        self.derived.setObjectName("conventionDerived")
        self.derived.setWordWrap(True)
        self.derived.setTextFormat(Qt.TextFormat.RichText)
        self.box_term = QGroupBox()
        QVBoxLayout(self.box_term).addWidget(self.derived)

        self.amendments = RecordsModel(AMENDMENT_COLUMNS, parent=self)
        self.amendment_view = self._table(self.amendments, "amendmentTable", 1)
        self.add_amendment_button = QPushButton()
        self.add_amendment_button.setObjectName("addAmendment")
        self.add_amendment_button.clicked.connect(self.add_amendment)
        self.sign_tiz_button = QPushButton()
        self.sign_tiz_button.setObjectName("signAmendmentTIZ")
        self.sign_tiz_button.clicked.connect(lambda: self.sign("TIZ"))
        self.sign_vlg_button = QPushButton()
        self.sign_vlg_button.setObjectName("signAmendmentVLG")
        self.sign_vlg_button.clicked.connect(lambda: self.sign("VLG"))
        self.delete_amendment_button = delete_button(services, "deleteAmendment")
        self.delete_amendment_button.clicked.connect(self.delete_amendment)
        delete_key(services, self.amendment_view, self.delete_amendment)
        row = QHBoxLayout()
        row.addWidget(self.add_amendment_button)
        row.addWidget(self.delete_amendment_button)
        row.addStretch(1)
        row.addWidget(self.sign_tiz_button)
        row.addWidget(self.sign_vlg_button)
        self.box_amend = QGroupBox()
        v = QVBoxLayout(self.box_amend)
        v.addWidget(self.amendment_view)
        v.addLayout(row)

        self.axes = RecordsModel(AXIS_COLUMNS, parent=self)
        self.axis_view = self._table(self.axes, "axisTable", 2)
        self.box_axes = QGroupBox()
        QVBoxLayout(self.box_axes).addWidget(self.axis_view)

        left = QVBoxLayout()
        left.addWidget(self.box_dates)
        left.addWidget(self.box_term)
        left.addStretch(1)
        right = QVBoxLayout()
        right.addWidget(self.box_amend, 2)
        right.addWidget(self.box_axes, 3)
        body = QWidget()
        cols = QHBoxLayout(body)
        cols.addLayout(left, 1)
        cols.addLayout(right, 1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(body)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(scroll, 1)

        QShortcut(QKeySequence(QKeySequence.StandardKey.Save), self).activated.connect(self.save)
        hide_for_viewer(services, self.save_button, self.add_amendment_button, self.sign_tiz_button,
                        self.sign_vlg_button)
        if not services.actor.can_edit:
            self.form.set_read_only(True)
        undo_stack.indexChanged.connect(lambda *_a: self.refresh() if self.isVisible() else None)
        self.retranslate()

    @staticmethod
    def _table(model: RecordsModel, name: str, stretch: int) -> QTableView:
        return records_view(model, name, stretch)

    def refresh(self) -> None:
        c = self.svc.convention.convention()
        self.record = {k: c[k] for k in EDITABLE}
        self.title.setText(c["title"])
        self.form.set_values(self.record)
        lines = [_("Effective date (the last signature or visa): {date}").format(date=_d(c["effective_date"])),
                 _("Term: {years} years, tacit renewal: {renewal}").format(
                     years=c["term_years"], renewal=_("yes") if c["tacit_renewal"] else _("no"))]
        if c["renewals"]:
            lines.append(_("Renewal dates: {dates}").format(dates=", ".join(_d(d) for d in c["renewals"])))
        if c["next_renewal"]:
            lines.append("<b>" + _("Next renewal: {renewal}; notice to end it before {notice}.").format(
                renewal=_d(c["next_renewal"]), notice=_d(c["notice_deadline"])) + "</b>")
        elif not c["effective_date"]:
            lines.append("<b>" + _("The convention is not in force yet: signatures or visas missing.") + "</b>")
        self.derived.setText("<br>".join(lines))
        self.amendments.set_rows(c["amendments"])
        self.axes.set_rows(self.svc.convention.axes())

    def save(self) -> None:
        if not self.svc.actor.can_edit:
            return
        values = self.form.values()
        before = dict(self.record)
        changed = {k: v for k, v in values.items() if _same(before.get(k)) != _same(v)}
        if not changed:
            return
        old = {k: before.get(k) for k in changed}
        conv = self.svc.convention
        try:
            execute(self.undo_stack, _("Change the convention's dates"),
                    do=lambda: conv.update(**changed), undo=lambda _r: conv.update(**old), after=self.refresh)
        except CoopError as exc:
            report_error(self, exc, self.form)
            return
        self.refresh()

    def _selected_amendment(self) -> dict[str, Any] | None:
        idx = self.amendment_view.currentIndex()
        return self.amendments.row_dict(idx.row()) if idx.isValid() else None

    def add_amendment(self) -> None:
        title, ok = QInputDialog.getText(self, _("New amendment"), _("Title of the amendment:"))
        if not ok or not title.strip():
            return
        decision = choose_decision(self, self.svc, _("New amendment"))
        if decision is None:
            return
        conv = self.svc.convention
        try:
            execute_creation(self.undo_stack, _("Add amendment “{title}”").format(title=title.strip()),
                             create=lambda: conv.add_amendment(title, decision), delete=conv.delete_amendment,
                             restore=conv.restore_amendment, after=self.refresh)
        except CoopError as exc:
            report_error(self, exc)
        self.refresh()

    def delete_amendment(self) -> None:
        """Delete the selected amendment (refused once a commune signed it); undoable."""
        a = self._selected_amendment()
        if a is None or not self.svc.actor.can_edit:
            return
        conv = self.svc.convention
        delete_with_undo(self, self.undo_stack,
                         _("Delete amendment no. {number}, “{title}”?").format(number=a["number"], title=a["title"]),
                         _("Delete amendment no. {number}").format(number=a["number"]),
                         do=lambda: conv.delete_amendment(a["id"]), undo=conv.restore_amendment, after=self.refresh)

    def sign(self, commune: str) -> None:
        a = self._selected_amendment()
        if a is None:
            return
        conv, aid = self.svc.convention, a["id"]
        previous = a["signed_tiz" if commune == "TIZ" else "signed_vlg"]
        title = _("Signature of amendment no. {number}").format(number=a["number"])
        # the day it was signed, which is often not the day it is recorded here
        on = dialogs.ask_date(self, title, _("Date of the signature:"), previous or dt.date.today())
        if on is None:
            return
        try:
            if not on:
                raise ValidationError("required", field="signed_on")
            execute(self.undo_stack, title,
                    do=lambda: conv.sign_amendment(aid, commune, on),
                    undo=lambda _r: conv.set_amendment_signature(aid, commune, previous), after=self.refresh)
        except CoopError as exc:
            report_error(self, exc)
        self.refresh()

    def open_record(self, entity: str, row_id: str) -> None:
        self.refresh()

    def retranslate(self) -> None:
        self.form.retranslate()
        self.box_dates.setTitle(_("Dates of the convention"))
        self.box_term.setTitle(_("Term and renewals"))
        self.box_amend.setTitle(_("Amendments (article 9)"))
        self.box_axes.setTitle(_("Axes (article 3)"))
        self.save_button.setText(_("Save"))
        self.add_amendment_button.setText(_("New amendment"))
        retranslate_delete_button(self.delete_amendment_button)
        self.sign_tiz_button.setText(_("Signed by Tiznit"))
        self.sign_vlg_button.setText(_("Signed by Villeneuve"))
        self.amendments.retranslate()
        self.axes.retranslate()
        self.reload_later()

    def reload(self) -> None:
        self.refresh()


def _same(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)
