"""The funding page: organisations on the left, the year's requests and their totals on the right,
and the request form below."""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from coopdesk.domain import constants as C
from coopdesk.errors import CoopError
from coopdesk.i18n import N_, _, format_number
from ui.common import ChoiceCombo, DateField, Form, execute, hide_for_viewer, money, report_error
from ui.common.commands import execute_creation
from ui.common.deleting import delete_button, delete_key, delete_with_undo, retranslate_delete_button
from ui.common.export import export_button, export_table, retranslate_export_button
from ui.common.lazy import LazyLoad
from ui.common.tables import records_view as _table
from ui.models import Column, RecordsModel

ORG_COLUMNS = [
    Column(N_("Short name"), lambda r: r.get("short_name") or ""),
    Column(N_("Organisation"), lambda r: r["name"]),
    Column(N_("Kind"), lambda r: _(C.ORGANISATION_KINDS.get(r.get("kind") or "", "")) if r.get("kind") else ""),
    Column(N_("Country"), lambda r: r.get("country") or ""),
]


def _rate(r: dict[str, Any]) -> str:
    return format_number(r["rate_mad_per_eur_e4"] / 10_000) if r.get("rate_mad_per_eur_e4") else ""


REQUEST_COLUMNS = [
    Column(N_("Year"), lambda r: r["year"]),
    Column(N_("Action"), lambda r: r["action_code"]),
    Column(N_("Funder"), lambda r: r["funder_short"] or r["funder_name"]),
    Column(N_("Status"), lambda r: _(C.FUNDING_STATUSES.get(r["status"], r["status"]))),
    Column(N_("Requested"), lambda r: money(r["requested"], r["currency"]), Qt.AlignmentFlag.AlignRight),
    Column(N_("Granted"), lambda r: money(r["granted"], r["currency"]), Qt.AlignmentFlag.AlignRight),
    Column(N_("Paid"), lambda r: money(r["paid"], r["currency"]), Qt.AlignmentFlag.AlignRight),
    Column(N_("MAD per EUR"), _rate, Qt.AlignmentFlag.AlignRight),
    Column(N_("Requested in EUR"), lambda r: money(r["requested_eur"], "EUR") if r["requested_eur"] is not None
           else "—", Qt.AlignmentFlag.AlignRight),
]

REQUEST_FIELDS = ("action_id", "funder_id", "currency", "requested", "granted", "paid", "rate", "status",
                  "requested_on", "notes")


def _major(minor: int | None) -> str:
    return "" if not minor else f"{minor / 100:.2f}"




class FundingPage(LazyLoad, QWidget):
    def __init__(self, services, undo_stack, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.svc = services
        self.undo_stack = undo_stack
        self.request_id: str | None = None
        self.before: dict[str, Any] = {}

        self.kind = ChoiceCombo(C.ORGANISATION_KINDS, empty=N_("All organisations"))
        self.kind.setObjectName("filterKind")
        self.kind.currentIndexChanged.connect(self.refresh_orgs)
        self.orgs = RecordsModel(ORG_COLUMNS, parent=self)
        self.org_view = _table(self.orgs, "organisationTable", 1)
        self.delete_org_button = delete_button(services, "deleteOrganisation")
        self.delete_org_button.clicked.connect(self.delete_organisation)
        delete_key(services, self.org_view, self.delete_organisation)
        self.box_orgs = QGroupBox()
        v = QVBoxLayout(self.box_orgs)
        v.addWidget(self.kind)
        v.addWidget(self.org_view)
        v.addWidget(self.delete_org_button, 0, Qt.AlignmentFlag.AlignTrailing)

        self.year = QComboBox()
        self.year.setObjectName("fundingYear")
        self.year.currentIndexChanged.connect(self.refresh_requests)
        self.year_label = QLabel()
        self.totals = QLabel()
        self.totals.setObjectName("fundingTotals")
        self.totals.setWordWrap(True)
        self.requests = RecordsModel(REQUEST_COLUMNS, parent=self)
        self.request_view = _table(self.requests, "requestTable", 2)
        self.request_view.selectionModel().currentRowChanged.connect(self._row_chosen)

        f = self.form = Form()
        self.action = f.add("action_id", N_("Action"), ChoiceCombo([], translate=False))
        self.funder = f.add("funder_id", N_("Funder"), ChoiceCombo([], translate=False))
        f.add("currency", N_("Currency"), ChoiceCombo([(c, c) for c in C.CURRENCIES], translate=False))
        f.add("requested", N_("Requested"), QLineEdit())
        f.add("granted", N_("Granted"), QLineEdit())
        f.add("paid", N_("Paid"), QLineEdit())
        f.add("rate", N_("MAD per EUR"), QLineEdit(), aliases=("rate_mad_per_eur_e4",))
        f.add("status", N_("Status"), ChoiceCombo(C.FUNDING_STATUSES))
        f.add("requested_on", N_("Requested on"), DateField())
        f.add("notes", N_("Notes"), QLineEdit())
        self.new_button = QPushButton()
        self.new_button.setObjectName("newRequest")
        self.new_button.clicked.connect(self.new_request)
        self.save_button = QPushButton()
        self.save_button.setObjectName("saveRequest")
        self.save_button.clicked.connect(self.save)
        self.delete_button = delete_button(services, "deleteRequest")
        self.delete_button.clicked.connect(self.delete_request)
        self.delete_button.setEnabled(False)  # until a request is chosen
        delete_key(services, self.request_view, self.delete_request)
        buttons = QHBoxLayout()
        buttons.addWidget(self.new_button)
        buttons.addStretch(1)
        buttons.addWidget(self.delete_button)
        buttons.addWidget(self.save_button)
        self.box_form = QGroupBox()
        v = QVBoxLayout(self.box_form)
        v.addWidget(self.form)
        v.addLayout(buttons)

        right = QWidget()
        rv = QVBoxLayout(right)
        rv.setContentsMargins(0, 0, 0, 0)
        top = QHBoxLayout()
        top.addWidget(self.year_label)
        top.addWidget(self.year)
        top.addWidget(self.totals, 1)
        self.export_button = export_button("exportRequests")
        self.export_button.clicked.connect(lambda: export_table(self, self.request_view, N_("funding requests")))
        top.addWidget(self.export_button)
        rv.addLayout(top)
        rv.addWidget(self.request_view, 3)
        rv.addWidget(self.box_form, 2)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.box_orgs)
        splitter.addWidget(right)
        splitter.setStretchFactor(0, 2)
        splitter.setStretchFactor(1, 5)
        QVBoxLayout(self).addWidget(splitter)

        QShortcut(QKeySequence(QKeySequence.StandardKey.New), self).activated.connect(self.new_request)
        QShortcut(QKeySequence(QKeySequence.StandardKey.Save), self).activated.connect(self.save)
        hide_for_viewer(services, self.new_button, self.save_button)
        if not services.actor.can_edit:
            self.form.set_read_only(True)
        undo_stack.indexChanged.connect(lambda *_a: self.refresh_requests() if self.isVisible() else None)
        self.retranslate()

    # ------------------------------------------------------------------ data

    def load_references(self) -> None:
        actions = self.svc.plans.actions()
        self.action.set_choices([(a["id"], f"{a['plan_year']} · {a['code']} — {a['title']}") for a in actions])
        self.funder.set_choices([(o["id"], o["short_name"] or o["name"]) for o in self.svc.funding.organisations()])
        years = sorted({a["plan_year"] for a in actions})
        current = self.year.currentData()
        self.year.blockSignals(True)
        self.year.clear()
        self.year.addItem(_("All years"), 0)
        for y in years:
            self.year.addItem(str(y), y)
        this = dt.date.today().year
        idx = self.year.findData(current if current is not None else this)
        self.year.setCurrentIndex(max(idx, 0))
        self.year.blockSignals(False)

    def refresh_orgs(self, *_args: Any) -> None:
        self.orgs.set_rows(self.svc.funding.organisations(self.kind.code() or None))

    def refresh_requests(self, *_args: Any) -> None:
        year = self.year.currentData() or None
        rows = self.svc.funding.requests(year=year)
        self.requests.set_rows(rows)
        totals = self.svc.funding.totals(year)
        parts = []
        for cur, t in sorted(totals.items()):
            parts.append(_("{currency}: requested {requested}, granted {granted}, paid {paid}").format(
                currency=cur, requested=money(t["requested"], cur), granted=money(t["granted"], cur),
                paid=money(t["paid"], cur)))
        self.totals.setText("\n".join(parts) or _("No funding request."))
        if self.request_id:
            for row, r in enumerate(rows):
                if r["id"] == self.request_id:
                    self.request_view.selectionModel().blockSignals(True)
                    self.request_view.selectRow(row)
                    self.request_view.selectionModel().blockSignals(False)

    def _row_chosen(self, current, _previous) -> None:
        if current.isValid():
            self.load(self.requests.row_dict(current.row()))

    def load(self, r: dict[str, Any]) -> None:
        self.request_id = r["id"]
        self.delete_button.setEnabled(self.svc.actor.can_edit)
        shown = {k: r.get(k) for k in REQUEST_FIELDS}
        for k in ("requested", "granted", "paid"):
            shown[k] = _major(r[k])
        shown["rate"] = _major(r["rate_mad_per_eur_e4"] // 100) if r.get("rate_mad_per_eur_e4") else ""
        self.before = self._service_values(shown)
        self.form.set_values(shown)

    def new_request(self) -> None:
        self.request_id = None
        self.delete_button.setEnabled(False)
        self.before = {}
        self.form.clear()
        self.form.widget("currency").set_code("EUR")
        self.form.widget("status").set_code("draft")
        self.request_view.clearSelection()
        self.form.widget("action_id").setFocus()

    @staticmethod
    def _service_values(v: dict[str, Any]) -> dict[str, Any]:
        out = dict(v)
        rate = out.pop("rate", "") or "0"
        from coopdesk.domain.fields import parse_money

        out["rate_mad_per_eur_e4"] = parse_money(rate, "rate") * 100
        for k in ("requested", "granted", "paid"):
            out[k] = out[k] or "0"
        return out

    def save(self) -> None:
        if not self.svc.actor.can_edit:
            return
        funding = self.svc.funding
        try:
            values = self._service_values(self.form.values())
            if self.request_id is None:
                created = execute_creation(self.undo_stack, _("Add a funding request"),
                                           create=lambda: funding.create_request(**values),
                                           delete=funding.delete_request, restore=funding.restore_records,
                                           after=self.refresh_requests)
                self.request_id = created["id"]
            else:
                rid, before = self.request_id, dict(self.before)
                execute(self.undo_stack, _("Change a funding request"),
                        do=lambda: funding.update_request(rid, **values),
                        undo=lambda _r: funding.update_request(rid, **before),
                        after=self.refresh_requests)
            self.before = values
        except CoopError as exc:
            report_error(self, exc, self.form)
            return
        self.form.clear_errors()
        self.refresh_requests()

    def delete_request(self) -> None:
        """Delete the selected funding request (confirmed); undo brings it back."""
        if not self.request_id or not self.svc.actor.can_edit:
            return
        rid, funding = self.request_id, self.svc.funding

        def after() -> None:  # after the delete, its undo and its redo: show what exists
            self.refresh_requests()
            row = next((r for r in self.requests.rows if r["id"] == rid), None)
            if row is None:
                self.new_request()
            else:
                self.load(row)
                self.refresh_requests()  # selects its row

        row = next((r for r in self.requests.rows if r["id"] == rid), {})
        what = f"{row.get('action_code', '')} · {row.get('funder_short') or row.get('funder_name', '')}"
        delete_with_undo(self, self.undo_stack, _("Delete the funding request {request}?").format(request=what),
                         _("Delete a funding request"), do=lambda: funding.delete_request(rid),
                         undo=funding.restore_records, after=after)

    def delete_organisation(self) -> None:
        """Delete the selected organisation (refused while it has funding requests); undoable."""
        index = self.org_view.currentIndex()
        if not index.isValid() or not self.svc.actor.can_edit:
            return
        org, funding = self.orgs.row_dict(index.row()), self.svc.funding
        name = org.get("short_name") or org["name"]

        def after() -> None:
            self.refresh_orgs()
            self.load_references()

        delete_with_undo(self, self.undo_stack,
                         _("Delete the organisation {name}? It is also taken off the partners of actions.").format(
                             name=name),
                         _("Delete organisation {name}").format(name=name),
                         do=lambda: funding.delete_organisation(org["id"]), undo=funding.restore_records, after=after)

    def open_record(self, entity: str, row_id: str) -> None:
        if entity != "funding_request":
            return
        if not any(r["id"] == row_id for r in self.requests.rows):
            if not self.year.count():
                self.load_references()
            self.year.setCurrentIndex(0)  # all years: the request may be of another year than this one
            self.refresh_requests()
        for row, r in enumerate(self.requests.rows):
            if r["id"] == row_id:
                self.request_view.selectRow(row)
                self.request_view.setFocus()

    def screenshot_states(self):
        def first() -> None:
            if self.requests.rowCount():
                self.request_view.selectRow(0)

        return [("funding", first)]

    def retranslate(self) -> None:
        self.box_orgs.setTitle(_("Funders and partner organisations"))
        self.box_form.setTitle(_("Funding request"))
        self.year_label.setText(_("Year"))
        self.new_button.setText(_("New request"))
        retranslate_delete_button(self.delete_button)
        retranslate_delete_button(self.delete_org_button)
        retranslate_export_button(self.export_button)
        self.save_button.setText(_("Save"))
        self.kind.retranslate()
        self.form.retranslate()
        self.orgs.retranslate()
        self.requests.retranslate()
        self.reload_later()

    def reload(self) -> None:
        self.load_references()
        self.refresh_orgs()
        self.refresh_requests()
