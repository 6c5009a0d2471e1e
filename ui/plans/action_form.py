"""The action form: calendar, lead commune, partners, themes, budget; its indicators with targets per
commune and its funding requests."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from coopdesk.domain import constants as C
from coopdesk.errors import CoopError
from coopdesk.i18n import N_, _, pgettext
from ui.common import (
    CheckList,
    ChoiceCombo,
    DateField,
    Form,
    axis_name,
    commune_name,
    execute,
    money,
    report_error,
    scrolling,
)
from ui.common.commands import execute_creation
from ui.common.deleting import delete_button, delete_key, delete_with_undo, retranslate_delete_button
from ui.common.forms import CodeEdit
from ui.common.labels import hide_for_viewer
from ui.common.tables import records_view
from ui.models import Column, RecordsModel

ACTION_FIELDS = ("code", "title", "axis_id", "lead_commune_id", "start", "end", "status", "budget",
                 "budget_currency", "description")


def _major(minor: int | None) -> str:
    return "" if not minor else f"{minor / 100:.2f}"


INDICATOR_COLUMNS = [
    Column(N_("Code"), lambda r: r["code"]),
    Column(N_("Indicator"), lambda r: r["name"]),
    Column(N_("Method"), lambda r: _(C.INDICATOR_METHODS.get(r.get("method") or "", "")) if r.get("method") else ""),
    Column(N_("Target Tiznit"), lambda r: r["targets"].get("TIZ", ""), Qt.AlignmentFlag.AlignRight),
    Column(N_("Target Villeneuve"), lambda r: r["targets"].get("VLG", ""), Qt.AlignmentFlag.AlignRight),
    Column(N_("Total target"), lambda r: r.get("target_total") or "", Qt.AlignmentFlag.AlignRight),
]

FUNDING_COLUMNS = [
    Column(N_("Funder"), lambda r: r["funder_short"] or r["funder_name"]),
    Column(N_("Status"), lambda r: _(C.FUNDING_STATUSES.get(r["status"], r["status"]))),
    Column(N_("Requested"), lambda r: money(r["requested"], r["currency"]), Qt.AlignmentFlag.AlignRight),
    Column(N_("Granted"), lambda r: money(r["granted"], r["currency"]), Qt.AlignmentFlag.AlignRight),
    Column(N_("Paid"), lambda r: money(r["paid"], r["currency"]), Qt.AlignmentFlag.AlignRight),
]


class ActionEditor(QTabWidget):
    """Edits one action (or a new one); every write is an undoable command through the services."""

    saved = Signal(str)  # id of the action created or changed

    def __init__(self, services, undo_stack, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.svc = services
        self.undo_stack = undo_stack
        self.plan_id: str | None = None
        self.action_id: str | None = None
        self._record: dict[str, Any] = {}

        self.form = Form()
        f = self.form
        f.add("code", N_("Code"), CodeEdit())
        f.add("title", lambda: pgettext("record", "Title"), QLineEdit())  # not a person's title
        self.axis = f.add("axis_id", N_("Axis"), ChoiceCombo([], translate=False))
        self.themes = f.add("themes", N_("Transversal themes"), CheckList())  # as tall as its themes
        self.commune = f.add("lead_commune_id", N_("Lead commune"), ChoiceCombo([], empty=N_("—"), translate=False),
                             aliases=("commune",))
        f.add("start", N_("Start"), DateField())
        f.add("end", N_("End"), DateField())
        f.add("status", N_("Status"), ChoiceCombo(C.ACTION_STATUSES))
        budget = QWidget()
        self.budget = QLineEdit()
        self.budget.setObjectName("field_budget")
        self.currency = ChoiceCombo([(c, c) for c in C.CURRENCIES], translate=False)
        lay = QHBoxLayout(budget)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.budget, 1)
        lay.addWidget(self.currency)
        budget.setFocusProxy(self.budget)
        f.add("budget", N_("Budget"), budget)
        f.fields["budget"] = self.budget  # read the amount; the currency is its own value below
        f.fields["budget_currency"] = self.currency
        self.partners = f.add("partners", N_("Partners"), CheckList())
        desc = QPlainTextEdit()
        desc.setMaximumHeight(60)
        desc.setTabChangesFocus(True)
        f.add("description", N_("Description"), desc)

        self.new_button = QPushButton()
        self.new_button.setObjectName("newAction")
        self.save_button = QPushButton()
        self.save_button.setObjectName("saveAction")
        self.save_button.setDefault(True)
        self.delete_button = QPushButton()
        self.delete_button.setObjectName("deleteAction")
        self.new_button.clicked.connect(self.new_action)
        self.save_button.clicked.connect(self.save)
        self.delete_button.clicked.connect(self.delete)
        buttons = QHBoxLayout()
        buttons.addWidget(self.new_button)
        buttons.addStretch(1)
        buttons.addWidget(self.delete_button)
        buttons.addWidget(self.save_button)
        tab_action = QWidget()
        v = QVBoxLayout(tab_action)
        v.addWidget(scrolling(self.form), 1)
        v.addLayout(buttons)
        self.addTab(tab_action, "")

        # indicators with targets per commune
        self.indicators = RecordsModel(INDICATOR_COLUMNS, parent=self)
        # Six columns in a narrow tab: the targets' titles go onto two lines, then the method and
        # the indicator's name are cut ("…", whole on hover), rather than scrolled sideways.
        self.indicator_view = records_view(self.indicators, "actionIndicatorTable", 1, elastic=(2, 1),
                                           wrap_titles=True)
        self.ind_form = Form()
        self.ind_form.add("code", N_("Code"), CodeEdit())
        self.ind_form.add("name", N_("Indicator"), QLineEdit())
        self.ind_form.add("method", N_("Method"), ChoiceCombo(C.INDICATOR_METHODS))
        self.target_tiz = self.ind_form.add("target_TIZ", N_("Target Tiznit"), QSpinBox())
        self.target_vlg = self.ind_form.add("target_VLG", N_("Target Villeneuve"), QSpinBox())
        for spin in (self.target_tiz, self.target_vlg):
            spin.setRange(0, 1_000_000)
        self.add_indicator_button = QPushButton()
        self.add_indicator_button.setObjectName("addIndicator")
        self.add_indicator_button.clicked.connect(self.add_indicator)
        self.delete_indicator_button = delete_button(services, "deleteIndicator")
        self.delete_indicator_button.clicked.connect(self.delete_indicator)
        delete_key(services, self.indicator_view, self.delete_indicator)
        tab_ind = QWidget()
        v = QVBoxLayout(tab_ind)
        v.addWidget(self.indicator_view, 1)
        v.addWidget(self.delete_indicator_button, 0, Qt.AlignmentFlag.AlignTrailing)
        v.addWidget(self.ind_form)
        v.addWidget(self.add_indicator_button, 0, Qt.AlignmentFlag.AlignTrailing)
        self.addTab(tab_ind, "")

        self.funding = RecordsModel(FUNDING_COLUMNS, parent=self)
        # Read here; a request opens in the Funding area (double-click or Enter), where it is edited.
        self.funding_view = records_view(self.funding, "actionFundingTable", 0)
        self.funding_view.activated.connect(self._open_request)
        self.addTab(self.funding_view, "")

        save = QShortcut(QKeySequence(QKeySequence.StandardKey.Save), self)
        save.activated.connect(self.save)
        hide_for_viewer(services, self.new_button, self.save_button, self.delete_button,
                        self.add_indicator_button, self.ind_form)
        if not services.actor.can_edit:
            self.form.set_read_only(True)
        self.retranslate()
        self.new_action()

    # ------------------------------------------------------------------ data

    def load_references(self) -> None:
        axes = self.svc.convention.axes()
        self.axis.set_choices([(a["id"], f"{a['code']} — {axis_name(a)}") for a in axes if a["kind"] == "strategic"])
        self.themes.set_items([(a["code"], f"{a['code']} — {axis_name(a)}") for a in axes if a["kind"] == "transversal"])
        self.commune.set_choices([(c["id"], commune_name(c)) for c in self.svc.setup.communes()])
        orgs = self.svc.funding.organisations()
        self.partners.set_items([(o["id"], o["short_name"] or o["name"]) for o in orgs if o["kind"] != "funder"]
                                + [(o["id"], o["short_name"] or o["name"]) for o in orgs if o["kind"] == "funder"])

    def set_plan(self, plan_id: str | None) -> None:
        self.plan_id = plan_id

    def new_action(self) -> None:
        self.action_id = None
        self._record = {}
        self.form.clear()
        self.form.widget("status").set_code("planned")
        self.currency.set_code("EUR")
        self.delete_button.setEnabled(False)
        self.indicators.set_rows([])
        self.funding.set_rows([])
        self.setCurrentIndex(0)
        self.setTabEnabled(1, False)
        self.setTabEnabled(2, False)
        self.form.widget("code").setFocus()

    def load(self, action_id: str) -> None:
        a = self.svc.plans.action(action_id)
        self.action_id = action_id
        self.plan_id = a["plan_id"]
        self._record = self._editable(a)
        shown = dict(self._record)
        shown["budget"] = _major(a["budget"])
        self.form.set_values(shown)
        self.delete_button.setEnabled(self.svc.actor.can_edit)
        self.setTabEnabled(1, True)
        self.setTabEnabled(2, True)
        self.refresh_children()

    def refresh_children(self) -> None:
        if self.action_id:
            self.indicators.set_rows(self.svc.plans.indicators(self.action_id))
            self.funding.set_rows(self.svc.funding.requests(action_id=self.action_id))

    @staticmethod
    def _editable(a: dict[str, Any]) -> dict[str, Any]:
        out = {k: a.get(k) for k in ACTION_FIELDS}
        out["themes"] = list(a.get("themes", []))
        out["partners"] = [p["id"] for p in a.get("partners", [])]
        return out

    def _values(self) -> dict[str, Any]:
        v = self.form.values()
        v["budget"] = v["budget"] or "0"
        return v

    # ------------------------------------------------------------------ commands

    def save(self) -> None:
        if not self.svc.actor.can_edit:
            return
        values = self._values()
        self.form.clear_errors()
        plans = self.svc.plans
        try:
            if self.action_id is None:
                data = {**values, "plan_id": self.plan_id}
                created = execute_creation(self.undo_stack, _("Create action {code}").format(code=values["code"]),
                                           create=lambda: plans.create_action(**data), delete=plans.delete_action,
                                           restore=plans.restore_action, after=self._after_command)
                self.load(created["id"])
                self.saved.emit(created["id"])
            else:
                action_id, before = self.action_id, dict(self._record)
                execute(self.undo_stack, _("Change action {code}").format(code=values["code"]),
                        do=lambda: self._write(action_id, values),
                        undo=lambda _r: self._write(action_id, before),
                        after=self._after_command)
                self.load(action_id)
                self.saved.emit(action_id)
        except CoopError as exc:
            report_error(self, exc, self.form)

    def _write(self, action_id: str, values: dict[str, Any]) -> dict[str, Any]:
        scalar = {k: v for k, v in values.items() if k not in ("themes", "partners")}
        if isinstance(scalar.get("budget"), int):
            scalar["budget"] = _major(scalar["budget"]) or "0"
        out = self.svc.plans.update_action(action_id, **scalar)
        self.svc.plans.set_themes(action_id, values.get("themes", []))
        self.svc.plans.set_partners(action_id, values.get("partners", []))
        return out

    def delete(self) -> None:
        """Delete the open action with its indicators, themes and partners (confirmed); undo brings
        it back with the same identifiers. Refused while persons are enrolled or funding requested."""
        if not self.action_id or not self.svc.actor.can_edit:
            return
        action_id, code, plans = self.action_id, self._record.get("code", ""), self.svc.plans
        delete_with_undo(self, self.undo_stack,
                         _("Delete action {code} with its indicators, themes and partners? Events linked to it "
                           "stay.").format(code=code),
                         _("Delete action {code}").format(code=code),
                         do=lambda: plans.delete_action(action_id), undo=plans.restore_action,
                         after=lambda: self._show_action(action_id))

    def _show_action(self, action_id: str) -> None:
        """After a delete, its undo or redo: the action when it exists, else an empty form."""
        try:
            self.load(action_id)
        except CoopError:
            self.new_action()
        self.saved.emit(self.action_id or "")

    def delete_indicator(self) -> None:
        index = self.indicator_view.currentIndex()
        if not self.action_id or not index.isValid() or not self.svc.actor.can_edit:
            return
        ind, plans = self.indicators.row_dict(index.row()), self.svc.plans
        delete_with_undo(self, self.undo_stack,
                         _("Delete indicator {code} with its targets and reported values?").format(code=ind["code"]),
                         _("Delete indicator {code}").format(code=ind["code"]),
                         do=lambda: plans.delete_indicator(ind["id"]), undo=plans.restore_action,
                         after=self.refresh_children)

    def add_indicator(self) -> None:
        if not self.action_id:
            return
        v = self.ind_form.values()
        targets = {"TIZ": v.pop("target_TIZ"), "VLG": v.pop("target_VLG")}
        data = {**v, "action_id": self.action_id}
        plans = self.svc.plans
        try:
            execute_creation(self.undo_stack, _("Add indicator {code}").format(code=v["code"]),
                             create=lambda: plans.create_indicator(targets=targets, **data),
                             delete=plans.delete_indicator, restore=plans.restore_action, after=self.refresh_children)
        except CoopError as exc:
            report_error(self, exc, self.ind_form)
            return
        self.ind_form.clear()

    def _after_command(self) -> None:
        self.saved.emit(self.action_id or "")

    def _open_request(self, index) -> None:
        window = self.window()
        if index.isValid() and hasattr(window, "open_record"):
            window.open_record("funding_request", self.funding.row_dict(index.row())["id"])

    def retranslate(self) -> None:
        self.form.retranslate()
        self.ind_form.retranslate()
        self.load_references()
        self.setTabText(0, _("Action"))
        self.setTabText(1, _("Indicators"))
        self.setTabText(2, _("Funding requests"))
        self.new_button.setText(_("New action"))
        self.new_button.setToolTip(QKeySequence(QKeySequence.StandardKey.New).toString(
            QKeySequence.SequenceFormat.NativeText))
        self.save_button.setText(_("Save"))
        retranslate_delete_button(self.delete_button)
        retranslate_delete_button(self.delete_indicator_button)
        self.add_indicator_button.setText(_("Add indicator"))
        self.indicators.retranslate()
        self.funding.retranslate()
