"""The dashboard: the current plan, indicator progress per commune and sex, the convention's
warnings, the next events and renewal dates, the sync status per partner. Each item opens the
record behind it (a click on the plan's title or the renewal dates, Enter or a double click on an
item of a list)."""

from __future__ import annotations

import datetime as dt
from html import escape
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from coopdesk.domain import constants as C
from coopdesk.i18n import _, format_date, format_percent, ngettext
from coopdesk.services import Services
from ui.common import commune_name
from ui.common.lazy import LazyLoad
from ui.common.tables import FitHeader, RecordsView
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

# Warnings about something missing (no plan yet, no meeting held) have no record behind them:
# they open the area where the user makes it.
AREA_OF_WARNING = {"plan_missing": "plan", "no_meeting_year": "meeting", "no_meeting_yet": "meeting"}


def _link(text: str, href: str) -> str:
    """``text`` as a link that looks like the text around it (the cursor and focus say it is one)."""
    return f'<a href="{href}" style="color: palette(text); text-decoration: none;">{escape(text)}</a>'


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
        self.plan_label.setTextFormat(Qt.TextFormat.RichText)
        self.plan_label.setTextInteractionFlags(Qt.TextInteractionFlag.LinksAccessibleByMouse
                                                | Qt.TextInteractionFlag.LinksAccessibleByKeyboard)
        self.plan_label.linkActivated.connect(self._open_link)
        self.plan_id = ""
        self._communes: list[tuple[str, str]] = []  # (code, name in the UI language), for the chart

        self.indicators = RecordsModel(INDICATOR_COLUMNS, parent=self)
        self.indicator_view = RecordsView()  # rows selected right to left too; cut names on hover
        self.indicator_view.setObjectName("indicatorTable")
        self.indicator_view.setModel(self.indicators)
        # The figures take the width they need, their titles padded (a Tifinagh title drawn bold is
        # wider than measured); the indicator's name gets the rest (no sideways scrolling).
        self.indicator_view.setHorizontalHeader(FitHeader(1, parent=self.indicator_view))
        self.indicator_view.setWordWrap(False)
        self.indicator_view.verticalHeader().hide()
        self.indicator_view.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.indicator_view.doubleClicked.connect(self._open_indicator)
        self.indicator_view.activated.connect(self._open_indicator)
        self.indicator_view.selectionModel().currentRowChanged.connect(self._chart_row)
        # QtCharts is loaded when the dashboard is built, not at import of the window module
        from ui.charts import IndicatorChart

        self.chart = IndicatorChart()
        self.chart.bar_clicked.connect(self._open_charted)

        self.warnings = self._list("warningList")
        self.events = self._list("eventList")
        self.dates = QLabel()
        self.dates.setObjectName("renewalDates")
        self.dates.setWordWrap(True)
        self.dates.setTextFormat(Qt.TextFormat.RichText)
        self.dates.setTextInteractionFlags(Qt.TextInteractionFlag.LinksAccessibleByMouse
                                           | Qt.TextInteractionFlag.LinksAccessibleByKeyboard)
        self.dates.linkActivated.connect(self._open_link)
        self.sync_list = self._list("syncStatusList")
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

    def _list(self, name: str) -> QListWidget:
        """A list whose long lines wrap instead of running past the edge; Enter or a double click
        on an item opens its record."""
        view = QListWidget()
        view.setObjectName(name)
        view.setWordWrap(True)
        view.setSpacing(2)
        view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        view.itemActivated.connect(self._open_item)
        return view

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
        # One read of everything shown, in plain SQL (coopdesk/services/overview.py): at start-up
        # it runs before SQLAlchemy is loaded.
        data = self.svc.overview.dashboard(self.year, dt.date.today())
        self._communes = [(c["code"], commune_name(c)) for c in data["communes"]]
        plan = data["plan"]
        self.plan_id = plan["id"] if plan else ""
        if plan is None:
            text = _("No action plan for {year} yet.").format(year=self.year)
        else:
            status = _(C.PLAN_STATUSES[plan["status"]])
            text = _("Action plan {year}: {status}").format(year=plan["year"], status=status)
            if plan["validated_on"]:
                text += " — " + _("validated on {date}").format(date=format_date(plan["validated_on"]))
        self.plan_label.setText(_link(text, "plan"))
        self.indicators.set_rows(data["indicators"])
        self._chart_row(self.indicators.index(0, 0) if self.indicators.rowCount() else None)

        self.warnings.clear()
        for w in data["warnings"]:
            item = QListWidgetItem(("⚠ " if w.level == "warning" else "ℹ ") + w.message())
            target = (w.entity, w.row_id) if w.entity else (AREA_OF_WARNING.get(w.code, ""), "")
            item.setData(Qt.ItemDataRole.UserRole, target)
            self.warnings.addItem(item)

        self.events.clear()
        for e in data["events"]:
            item = QListWidgetItem(f"{format_date(e['start'], 'medium')} — {e['title']}")
            item.setData(Qt.ItemDataRole.UserRole, ("event", e["id"]))
            self.events.addItem(item)
        self._sync_status(data["sync"], {c["code"]: commune_name(c) for c in data["communes"]})
        conv = data["convention"]
        if conv and conv["next_renewal"]:
            text = _("Next tacit renewal: {renewal}. Notice to end it before: {notice}.").format(
                renewal=format_date(conv["next_renewal"]), notice=format_date(conv["notice_deadline"]))
        else:
            text = _("The convention is not in force yet: signatures or visas missing.")
        self.dates.setText(_link(text, "convention"))

    def _sync_status(self, sync: dict[str, Any], names: dict[str, str]) -> None:
        """Per partner: last bundle sent and received (number and day), changes waiting, and the
        open conflicts as an item of their own that opens the list of conflicts."""
        self.sync_list.clear()
        if "error" in sync:
            self._sync_item(sync["error"].message(), ("sync", ""))
            return
        status, conflicts, history = sync["status"], sync["conflicts"], sync["history"]
        for p in status["partners"]:
            code = p["node_code"]
            last = {d: next((h for h in history if h["partner"] == code and h["direction"] == d), None)
                    for d in ("out", "in")}
            lines = [_("{site} ({commune})").format(site=code, commune=names.get(p["commune_code"], p["commune_code"])),
                     _bundle_line(_("Last bundle sent: no. {seq}, {date}"), _("No bundle sent yet"),
                                  p["last_bundle_out"], last["out"]),
                     _bundle_line(_("Last bundle received: no. {seq}, {date}"), _("No bundle received yet"),
                                  p["last_bundle_in"], last["in"]),
                     ngettext("{n} change waiting to be sent", "{n} changes waiting to be sent",
                              p["pending_changes"]).format(n=p["pending_changes"])]
            self._sync_item("\n".join(lines), ("sync", code))
            open_here = sum(1 for c in conflicts if code == c["mine_by"] or code in (
                c["theirs_by"] if isinstance(c["theirs_by"], list) else [c["theirs_by"]]))
            if open_here:
                self._sync_item("⚠ " + ngettext("{n} open conflict with {site}: choose the value to keep",
                                                 "{n} open conflicts with {site}: choose the values to keep",
                                                 open_here).format(n=open_here, site=code),
                                ("sync_conflict", ""))
        if not status["partners"]:
            self._sync_item(_("No partner site yet: pair with one in the sync centre."), ("sync", ""))

    def _sync_item(self, text: str, target: tuple[str, str]) -> None:
        item = QListWidgetItem(text)
        item.setData(Qt.ItemDataRole.UserRole, target)
        item.setToolTip(text)
        self.sync_list.addItem(item)

    def _open_link(self, href: str) -> None:
        if href == "plan":
            self.open_record.emit("plan", self.plan_id)
        elif href == "convention":
            self.open_record.emit("convention", "")

    def _open_item(self, item: QListWidgetItem) -> None:
        entity, row_id = item.data(Qt.ItemDataRole.UserRole)
        if entity:
            self.open_record.emit(entity, row_id or "")

    def _chart_row(self, current, _previous=None) -> None:
        record = self.indicators.row_dict(current.row()) if current is not None and current.isValid() else None
        self.chart.show_indicator(record, self._communes)

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


def _bundle_line(done: str, none: str, seq: int, entry: dict[str, Any] | None) -> str:
    if not seq:
        return none
    day = format_date(entry["at"].date(), "medium") if entry and entry.get("at") else "—"
    return done.format(seq=seq, date=day)
