"""The dashboard: the current plan, indicator progress per commune and sex, the convention's
warnings, the next events and renewal dates."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from coopdesk.domain import constants as C
from coopdesk.errors import CoopError
from coopdesk.i18n import _, format_date, format_percent
from coopdesk.services import Services
from ui.common import commune_name
from ui.common.lazy import LazyLoad
from ui.models import Column, RecordsModel


def _split(record: dict, commune: str, sex: str) -> int:
    return record["achieved"].get(commune, {}).get(sex, 0)


INDICATOR_COLUMNS = [
    Column("Action", lambda r: r["action_code"]),
    Column("Indicator", lambda r: r["name"]),
    Column("Target", lambda r: r["target_total"], Qt.AlignmentFlag.AlignRight),
    Column("Achieved", lambda r: r["achieved_total"], Qt.AlignmentFlag.AlignRight),
    Column("Progress", lambda r: format_percent(r["progress"]) if r["progress"] is not None else "—",
           Qt.AlignmentFlag.AlignRight),
    Column("Tiznit F", lambda r: _split(r, "TIZ", "F"), Qt.AlignmentFlag.AlignRight),
    Column("Tiznit M", lambda r: _split(r, "TIZ", "M"), Qt.AlignmentFlag.AlignRight),
    Column("Villeneuve F", lambda r: _split(r, "VLG", "F"), Qt.AlignmentFlag.AlignRight),
    Column("Villeneuve M", lambda r: _split(r, "VLG", "M"), Qt.AlignmentFlag.AlignRight),
]


class DashboardPage(LazyLoad, QWidget):
    open_record = Signal(str, str)  # entity, id

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.svc = services
        self.year = dt.date.today().year
        self.plan_label = QLabel()
        self.plan_label.setObjectName("planLabel")
        self.plan_label.setWordWrap(True)
        font = self.plan_label.font()
        font.setPointSizeF(font.pointSizeF() * 1.3)
        font.setBold(True)
        self.plan_label.setFont(font)

        self.indicators = RecordsModel(INDICATOR_COLUMNS, parent=self)
        self.indicator_view = QTableView()
        self.indicator_view.setObjectName("indicatorTable")
        self.indicator_view.setModel(self.indicators)
        self.indicator_view.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.indicator_view.verticalHeader().hide()
        self.indicator_view.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.indicator_view.doubleClicked.connect(self._open_indicator)
        self.indicator_view.activated.connect(self._open_indicator)
        self.indicator_view.selectionModel().currentRowChanged.connect(self._chart_row)
        # QtCharts is loaded when the dashboard is built, not at import of the window module
        from ui.charts import IndicatorChart

        self.chart = IndicatorChart()
        self.chart.bar_clicked.connect(self._open_charted)

        self.warnings = QListWidget()
        self.warnings.setObjectName("warningList")
        self.warnings.itemActivated.connect(self._open_item)
        self.events = QListWidget()
        self.events.setObjectName("eventList")
        self.events.itemActivated.connect(self._open_item)
        self.dates = QLabel()
        self.dates.setWordWrap(True)
        self.sync_list = QListWidget()
        self.sync_list.setObjectName("syncStatusList")
        self.sync_list.setWordWrap(True)
        self.sync_list.itemActivated.connect(self._open_item)
        self.sync_list.itemClicked.connect(self._open_item)

        self.box_ind = QGroupBox()
        ind_layout = QHBoxLayout(self.box_ind)
        ind_layout.addWidget(self.indicator_view, 3)
        ind_layout.addWidget(self.chart, 2)
        self.box_warn = QGroupBox()
        QVBoxLayout(self.box_warn).addWidget(self.warnings)
        self.box_events = QGroupBox()
        lay = QVBoxLayout(self.box_events)
        lay.addWidget(self.events)
        lay.addWidget(self.dates)
        self.box_sync = QGroupBox()
        QVBoxLayout(self.box_sync).addWidget(self.sync_list)

        bottom = QHBoxLayout()
        bottom.addWidget(self.box_warn, 3)
        bottom.addWidget(self.box_events, 2)
        bottom.addWidget(self.box_sync, 2)
        layout = QVBoxLayout(self)
        layout.addWidget(self.plan_label)
        layout.addWidget(self.box_ind, 3)
        layout.addLayout(bottom, 2)
        self.retranslate()

    def retranslate(self) -> None:
        self.box_ind.setTitle(_("Indicators: target and achieved, per commune and sex"))
        self.box_warn.setTitle(_("Warnings of the convention"))
        self.box_events.setTitle(_("Next events and dates"))
        self.box_sync.setTitle(_("Sync with the partner sites"))
        self.indicators.retranslate()
        self.reload_later()

    def reload(self) -> None:
        self.refresh()

    def refresh(self) -> None:
        plan = self.svc.plans.plan_for_year(self.year)
        if plan is None:
            self.plan_label.setText(_("No action plan for {year} yet.").format(year=self.year))
        else:
            status = _(C.PLAN_STATUSES[plan["status"]])
            text = _("Action plan {year}: {status}").format(year=plan["year"], status=status)
            if plan["validated_on"]:
                text += " — " + _("validated on {date}").format(date=format_date(plan["validated_on"]))
            self.plan_label.setText(text)
        self.indicators.set_rows(self.svc.indicators.for_year(self.year))
        self._chart_row(self.indicators.index(0, 0) if self.indicators.rowCount() else None)

        self.warnings.clear()
        for w in self.svc.checks.run():
            item = QListWidgetItem(("⚠ " if w.level == "warning" else "ℹ ") + w.message())
            item.setData(Qt.ItemDataRole.UserRole, (w.entity, w.row_id))
            self.warnings.addItem(item)

        self.events.clear()
        for e in self.svc.events.events(upcoming_from=dt.date.today())[:8]:
            item = QListWidgetItem(f"{format_date(e['start'], 'medium')} — {e['title']}")
            item.setData(Qt.ItemDataRole.UserRole, ("event", e["id"]))
            self.events.addItem(item)
        self._sync_status()
        conv = self.svc.convention.convention()
        if conv["next_renewal"]:
            self.dates.setText(_("Next tacit renewal: {renewal}. Notice to end it before: {notice}.").format(
                renewal=format_date(conv["next_renewal"]), notice=format_date(conv["notice_deadline"])))
        else:
            self.dates.setText(_("The convention is not in force yet: signatures or visas missing."))

    def _sync_status(self) -> None:
        """Per partner: last bundle sent and received, changes waiting, open conflicts."""
        self.sync_list.clear()
        try:
            status = self.svc.sync.status()
            conflicts = self.svc.sync.conflicts() if status["open_conflicts"] else []
        except CoopError as exc:
            item = QListWidgetItem(exc.message())
            item.setData(Qt.ItemDataRole.UserRole, ("sync", ""))
            self.sync_list.addItem(item)
            return
        for p in status["partners"]:
            code = p["node_code"]
            open_here = sum(1 for c in conflicts if code == c["mine_by"] or code in (
                c["theirs_by"] if isinstance(c["theirs_by"], list) else [c["theirs_by"]]))
            text = _("{site}: last bundle sent no. {sent}, received no. {received}; {waiting} changes waiting, "
                     "{conflicts} open conflicts").format(site=code, sent=p["last_bundle_out"],
                                                          received=p["last_bundle_in"],
                                                          waiting=p["pending_changes"], conflicts=open_here)
            item = QListWidgetItem(("⚠ " if open_here else "") + text)
            item.setData(Qt.ItemDataRole.UserRole, ("sync", code))
            item.setToolTip(text)
            self.sync_list.addItem(item)
        if not status["partners"]:
            item = QListWidgetItem(_("No partner site yet: pair with one in the sync centre."))
            item.setData(Qt.ItemDataRole.UserRole, ("sync", ""))
            self.sync_list.addItem(item)

    def _open_item(self, item: QListWidgetItem) -> None:
        entity, row_id = item.data(Qt.ItemDataRole.UserRole)
        if entity:
            self.open_record.emit(entity, row_id or "")

    def _chart_row(self, current, _previous=None) -> None:
        record = self.indicators.row_dict(current.row()) if current is not None and current.isValid() else None
        communes = [(c["code"], commune_name(c)) for c in self.svc.setup.communes()]
        self.chart.show_indicator(record, communes)

    def _open_charted(self) -> None:
        if self.chart.record is not None:
            self.open_record.emit("action", self.chart.record["action_id"])

    def screenshot_states(self):
        def first() -> None:
            if self.indicators.rowCount():
                self.indicator_view.selectRow(0)

        return [("dashboard", first)]

    def _open_indicator(self, index) -> None:
        self.open_record.emit("action", self.indicators.row_dict(index.row())["action_id"])
