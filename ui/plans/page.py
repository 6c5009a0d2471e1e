"""The plans page: a plan per year with its status steps, the filtered actions, the timeline and the
action editor side by side."""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from coopdesk.domain import constants as C
from coopdesk.errors import CoopError
from coopdesk.i18n import N_, _, format_date, format_number
from ui.common import (
    ChoiceCombo,
    ProgressPanel,
    axis_name,
    commune_name,
    dialogs,
    execute,
    hide_for_viewer,
    money,
    report_error,
)
from ui.common.deleting import delete_key
from ui.common.export import export_button, export_table, retranslate_export_button
from ui.common.lazy import LazyLoad
from ui.common.pickers import choose_decision
from ui.common.repeat import execute_again
from ui.common.tables import FitHeader, RecordsView
from ui.models import Column, RecordsModel
from ui.plans.action_form import ActionEditor
from ui.plans.timeline import Timeline
from ui.print_preview import Previewer

ACTION_COLUMNS = [
    Column(N_("Code"), lambda r: r["code"]),
    Column(N_("Action"), lambda r: r["title"]),
    Column(N_("Axis"), lambda r: r["axis_code"]),
    Column(N_("Lead"), lambda r: r["lead_commune_code"]),
    Column(N_("Status"), lambda r: _(C.ACTION_STATUSES.get(r["status"], r["status"]))),
    Column(N_("Budget"), lambda r: money(r["budget"], r["budget_currency"]), Qt.AlignmentFlag.AlignRight),
]


class PlanSteps(QLabel):
    """draft › validated › in progress › evaluated, the current step highlighted (one rich-text label,
    so the steps mirror with the layout in Arabic)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("planSteps")
        self.setTextFormat(Qt.TextFormat.RichText)
        self.status = ""

    def set_status(self, status: str) -> None:
        from html import escape

        self.status = status
        current = C.PLAN_STATUS_ORDER.index(status) if status in C.PLAN_STATUS_ORDER else -1
        parts = []
        for i, code in enumerate(C.PLAN_STATUS_ORDER):
            text = escape(_(C.PLAN_STATUSES[code]))
            if i == current:
                parts.append(f'<span style="background:#2e6bd1; color:white; font-weight:bold">&nbsp;{text}&nbsp;</span>')
            elif i < current:
                parts.append(f'<span style="color:#2e7d32">{text}</span>')
            else:
                parts.append(f'<span style="color:#888888">{text}</span>')
        self.setText(" &nbsp;›&nbsp; ".join(parts))


class PlansPage(LazyLoad, QWidget):
    def __init__(self, services, undo_stack, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.svc = services
        self.undo_stack = undo_stack
        self.plans: list[dict[str, Any]] = []

        self.year_label = QLabel()
        self.plan_combo = QComboBox()
        self.plan_combo.setObjectName("planCombo")
        self.plan_combo.currentIndexChanged.connect(self._plan_chosen)
        self.new_plan_button = QPushButton()
        self.new_plan_button.setObjectName("newPlan")
        self.new_plan_button.clicked.connect(self.new_plan)
        self.steps = PlanSteps()
        self.next_step_button = QPushButton()
        self.next_step_button.setObjectName("nextStep")
        self.next_step_button.clicked.connect(self.next_step)
        self.plan_info = QLabel()
        self.plan_info.setObjectName("planInfo")
        top = QHBoxLayout()
        top.addWidget(self.year_label)
        top.addWidget(self.plan_combo)
        top.addWidget(self.new_plan_button)
        top.addSpacing(12)
        top.addWidget(self.steps)
        top.addWidget(self.next_step_button)
        self.lock_button = QPushButton()
        self.lock_button.setObjectName("lockYear")
        self.lock_button.clicked.connect(self.toggle_lock)
        top.addWidget(self.lock_button)
        top.addStretch(1)
        self.report_button = QPushButton()
        self.report_button.setObjectName("previewReport")
        self.report_button.clicked.connect(self.preview_report)
        top.addWidget(self.report_button)
        self.print_progress = ProgressPanel()
        self.print_progress.cancel_button.setObjectName("cancelReport")
        self.previewer = Previewer(self, services, self.print_progress)

        self.filter_axis = ChoiceCombo([], empty=N_("All axes"), translate=False)
        self.filter_axis.setObjectName("filterAxis")
        self.filter_commune = ChoiceCombo([], empty=N_("Both communes"), translate=False)
        self.filter_commune.setObjectName("filterCommune")
        self.filter_status = ChoiceCombo(C.ACTION_STATUSES, empty=N_("All statuses"))
        self.filter_status.setObjectName("filterStatus")
        self.filter_label = QLabel()
        filters = QHBoxLayout()
        filters.addWidget(self.filter_label)
        for combo in (self.filter_axis, self.filter_commune, self.filter_status):
            combo.currentIndexChanged.connect(self.refresh_actions)
            filters.addWidget(combo)
        filters.addStretch(1)
        self.export_button = export_button("exportActions")
        self.export_button.clicked.connect(lambda: export_table(self, self.table, N_("actions")))
        filters.addWidget(self.export_button)

        self.model = RecordsModel(ACTION_COLUMNS, parent=self)
        self.table = RecordsView()  # selectRow works right to left too
        self.table.setHorizontalHeader(FitHeader(1, parent=self.table))  # the title stretches, or is cut
        self.table.setObjectName("actionTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.selectionModel().currentRowChanged.connect(self._row_chosen)
        self.timeline = Timeline()
        self.timeline.action_clicked.connect(self.select_action)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.timeline)
        self.timeline_title = QLabel()
        left = QWidget()
        lv = QVBoxLayout(left)
        lv.setContentsMargins(0, 0, 0, 0)
        lv.addLayout(filters)
        lv.addWidget(self.table, 3)
        lv.addWidget(self.timeline_title)
        lv.addWidget(scroll, 2)

        self.editor = ActionEditor(services, undo_stack)
        self.editor.saved.connect(self._saved)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(left)
        splitter.addWidget(self.editor)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        # the editor opens wide enough for its six indicator columns and long axis names
        splitter.setSizes([700, 470])
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.plan_info)
        layout.addWidget(self.print_progress)
        layout.addWidget(splitter, 1)

        new = QShortcut(QKeySequence(QKeySequence.StandardKey.New), self)
        new.activated.connect(self.editor.new_action)
        report = QShortcut(QKeySequence(QKeySequence.StandardKey.Print), self)
        report.activated.connect(self.preview_report)
        report.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        delete_key(services, self.table, self.editor.delete)
        hide_for_viewer(services, self.new_plan_button, self.next_step_button, self.lock_button)
        undo_stack.indexChanged.connect(self._external_change)
        self.retranslate()

    # ------------------------------------------------------------------ loading

    def load_plans(self, select_id: str | None = None) -> None:
        current = select_id or self.current_plan_id()
        self.plans = self.svc.plans.plans()
        self.plan_combo.blockSignals(True)
        self.plan_combo.clear()
        for p in self.plans:
            self.plan_combo.addItem(str(p["year"]), p["id"])
        self.plan_combo.blockSignals(False)
        idx = self.plan_combo.findData(current) if current else -1
        if idx < 0:
            years = [p["year"] for p in self.plans]
            this = dt.date.today().year
            idx = years.index(this) if this in years else len(years) - 1
        self.plan_combo.setCurrentIndex(idx)
        self._plan_chosen()

    def current_plan_id(self) -> str | None:
        return self.plan_combo.currentData()

    def current_plan(self) -> dict[str, Any] | None:
        pid = self.current_plan_id()
        return next((p for p in self.plans if p["id"] == pid), None)

    def _plan_chosen(self, *_args: Any) -> None:
        plan = self.current_plan()
        self.editor.set_plan(plan["id"] if plan else None)
        self.report_button.setEnabled(plan is not None)
        if plan is None:
            self.steps.set_status("")
            self.plan_info.setText(_("No action plan yet: create one for the coming year."))
            self.next_step_button.setEnabled(False)
            self.lock_button.setEnabled(False)
        else:
            self.steps.set_status(plan["status"])
            info = [_("To be validated by the committee before {deadline}.").format(
                deadline=format_date(plan["deadline"]))]
            if plan["validated_on"]:
                info.append(_("Validated on {date}.").format(date=format_date(plan["validated_on"])))
            if plan["late"]:
                info.append(_("Validated late."))
            if plan["locked"]:
                info.append(_("Year locked: its activity report was approved."))
            self.plan_info.setText(" ".join(info))
            self.next_step_button.setEnabled(plan["status"] != "evaluated" and not plan["locked"])
            # Locked once the year is evaluated and its report approved; only an admin unlocks.
            self.lock_button.setText(_("Unlock the year") if plan["locked"] else _("Lock the year"))
            self.lock_button.setEnabled(plan["status"] == "evaluated" and (
                not plan["locked"] or self.svc.actor.role == "admin"))
        if self.editor.action_id is None or (plan and self.editor.plan_id != plan["id"]):
            self.editor.new_action()
            self.editor.set_plan(plan["id"] if plan else None)
        self.refresh_actions()

    def refresh_actions(self, *_args: Any) -> None:
        plan_id = self.current_plan_id()
        rows = self.svc.plans.actions(plan_id, axis=self.filter_axis.code() or None,
                                      commune=self.filter_commune.code() or None,
                                      status=self.filter_status.code() or None) if plan_id else []
        keep = self.editor.action_id
        self.model.set_rows(rows)
        plan = self.current_plan()
        all_rows = self.svc.plans.actions(plan_id) if plan_id else []
        self.timeline.set_actions(plan["year"] if plan else dt.date.today().year, all_rows)
        self.timeline_title.setText(_("Provisional calendar ({count} actions)").format(
            count=format_number(len(all_rows))))
        if keep:
            self._select_row_of(keep)

    def _select_row_of(self, action_id: str) -> bool:
        for row, r in enumerate(self.model.rows):
            if r["id"] == action_id:
                self.table.selectionModel().blockSignals(True)
                self.table.selectRow(row)
                self.table.selectionModel().blockSignals(False)
                return True
        return False

    def _row_chosen(self, current, _previous) -> None:
        if current.isValid():
            self.editor.load(self.model.row_dict(current.row())["id"])

    def select_action(self, action_id: str) -> None:
        self.editor.load(action_id)
        self._select_row_of(action_id)

    def _saved(self, action_id: str) -> None:
        self.refresh_actions()
        if action_id:
            self._select_row_of(action_id)

    def _external_change(self, *_args: Any) -> None:
        if not self.isVisible():
            return
        self.refresh_actions()

    def open_record(self, entity: str, row_id: str) -> None:
        if entity == "plan":
            self.load_plans(select_id=row_id)
        elif entity == "action":
            plan_id = self.svc.plans.action(row_id)["plan_id"]
            for combo in (self.filter_axis, self.filter_commune, self.filter_status):
                combo.set_code("")
            self.load_plans(select_id=plan_id)
            self.select_action(row_id)

    def screenshot_states(self):
        """(name, prepare) pairs for the screenshots command: the 1.1.1 action of this year open."""
        def open_first() -> None:
            self.load_plans()
            rows = self.model.rows
            pick = next((r for r in rows if r["code"] == "1.1.1"), rows[0] if rows else None)
            if pick:
                self.select_action(pick["id"])

        def indicators() -> None:
            open_first()
            self.editor.setCurrentIndex(1)

        return [("plans", open_first), ("plans-indicators", indicators)]

    # ------------------------------------------------------------------ plan commands

    def new_plan(self) -> None:
        years = [p["year"] for p in self.plans]
        year = (max(years) + 1) if years else dt.date.today().year + 1
        plans = self.svc.plans
        try:
            created = execute(self.undo_stack, _("Create the {year} action plan").format(year=year),
                              do=lambda: plans.create_plan(year),
                              undo=lambda r: self._delete_plan(r["id"]),
                              after=lambda: self.load_plans())
        except CoopError as exc:
            report_error(self, exc)
            return
        self.load_plans(select_id=created["id"])

    def _delete_plan(self, plan_id: str) -> None:
        self.svc.plans.delete_plan(plan_id)

    def next_step(self) -> None:
        """The plan's next step, one undo step: undo takes it back (see docs/decisions.md)."""
        plan = self.current_plan()
        if plan is None:
            return
        order = C.PLAN_STATUS_ORDER
        target = order[order.index(plan["status"]) + 1]
        plans, pid = self.svc.plans, plan["id"]
        text = _("Move the {year} action plan to “{status}”").format(
            year=plan["year"], status=_(C.PLAN_STATUSES[target]))
        try:
            if target == "validated":
                decision = self._choose_decision()
                if decision is None:
                    return
                # redo records the same decision and date, whatever the list offers by then
                execute_again(self.undo_stack, text, do=lambda: plans.validate_plan(pid, decision),
                              undo=lambda _r: plans.step_back_plan(pid, "validated"),
                              again=lambda r, _t: plans.validate_plan(pid, r["decision_id"], on=r["validated_on"]),
                              after=lambda: self.load_plans(select_id=pid))
            else:
                execute(self.undo_stack, text, do=lambda: plans.set_plan_status(pid, target),
                        undo=lambda _r: plans.step_back_plan(pid, target),
                        after=lambda: self.load_plans(select_id=pid))
        except CoopError as exc:
            report_error(self, exc)
            return
        self.load_plans(select_id=pid)

    def toggle_lock(self) -> None:
        plan = self.current_plan()
        if plan is None:
            return
        locking = not plan["locked"]
        if locking and not dialogs.confirm(self, _(
                "Lock the year {year}? Its actions, indicators, funding, enrolments and events will no longer "
                "change; only an administrator can unlock it.").format(year=plan["year"])):
            return
        plans, pid = self.svc.plans, plan["id"]
        try:
            if self.svc.actor.role == "admin":
                text = (_("Lock the year {year}") if locking else _("Unlock the year {year}")).format(year=plan["year"])
                execute(self.undo_stack, text, do=lambda: plans.lock_year(pid, locked=locking),
                        undo=lambda _r: plans.lock_year(pid, locked=not locking),
                        after=lambda: self.load_plans(select_id=pid))
            else:
                # Only an administrator unlocks: an editor's lock is confirmed, not put on the undo
                # stack, whose undo the service would refuse (docs/decisions.md).
                plans.lock_year(pid, locked=locking)
        except CoopError as exc:
            report_error(self, exc)
            return
        self.load_plans(select_id=pid)

    def _choose_decision(self) -> str | None:
        """An adopted committee decision validates the plan (article 4)."""
        return choose_decision(self, self.svc, _("Validate the plan"))

    def preview_report(self) -> None:
        """Preview (then print or save) the annual activity report of the plan's year."""
        plan = self.current_plan()
        if plan is None:
            return
        year = plan["year"]
        self.previewer.open("report", title=_("Annual activity report {year}").format(year=year),
                            file_name=f"rapport-activite-{year}.pdf", year=year)

    def retranslate(self) -> None:
        self.year_label.setText(_("Plan of the year"))
        self.report_button.setText(_("Annual report…"))
        self.print_progress.retranslate()
        self.new_plan_button.setText(_("New plan"))
        retranslate_export_button(self.export_button)
        self.next_step_button.setText(_("Next step"))
        plan = self.current_plan() if getattr(self, "plans", None) else None
        self.lock_button.setText(_("Unlock the year") if plan and plan["locked"] else _("Lock the year"))
        self.filter_label.setText(_("Filter:"))
        axes = self.svc.convention.axes("strategic")
        self.filter_axis.set_choices([(a["code"], f"{a['code']} — {axis_name(a)}") for a in axes])
        self.filter_axis.retranslate()
        self.filter_commune.set_choices([(c["code"], commune_name(c)) for c in self.svc.setup.communes()])
        self.filter_commune.retranslate()
        self.filter_status.retranslate()
        self.model.retranslate()
        self.editor.retranslate()
        self.reload_later()

    def reload(self) -> None:
        self.load_plans()
