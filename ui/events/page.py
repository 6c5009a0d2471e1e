"""Events: the list and a month calendar, the event form (with the safety data of article 6),
participants and attendance marked in bulk, teams with the mixed rule shown live."""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import (
    QBrush,
    QColor,
    QStandardItem,
    QStandardItemModel,
    QTextCharFormat,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCalendarWidget,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListView,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from coopdesk.domain import constants as C
from coopdesk.errors import CoopError
from coopdesk.i18n import N_, _, format_date, ngettext, pgettext
from ui.common import (
    ChoiceCombo,
    DateField,
    Form,
    ProgressPanel,
    commune_name,
    dialogs,
    execute,
    hide_for_viewer,
    report_error,
    scrolling,
)
from ui.common.commands import execute_creation
from ui.common.deleting import delete_button, delete_key, delete_with_undo, retranslate_delete_button
from ui.common.export import export_button, export_table, retranslate_export_button
from ui.common.shortcuts import page_shortcuts
from ui.common.tables import FitHeader, RecordsView
from ui.events.headcounts import HeadcountGrid
from ui.events.models import AttendanceModel, participant_name
from ui.models import Column, RecordsModel
from ui.print_preview import Previewer

EVENT_COLUMNS = [
    Column(N_("Date"), lambda e: format_date(e["start"], "medium")),
    Column(N_("Event"), lambda e: e["title"]),
    Column(N_("Type"), lambda e: _(C.EVENT_TYPES[e["type"]]) if e.get("type") in C.EVENT_TYPES else ""),
    Column(N_("Participants"), lambda e: e.get("participants", 0), Qt.AlignmentFlag.AlignRight),
]


class EventsPage(QWidget):
    def __init__(self, services: Any, undo_stack, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.svc = services
        self.undo_stack = undo_stack
        self.event_id: str | None = None
        self.current: dict[str, Any] = {}
        self.communes = services.setup.communes()

        # --- list and calendar
        self.calendar = QCalendarWidget()
        self.calendar.setObjectName("eventCalendar")
        self.calendar.setGridVisible(True)
        self.calendar.clicked.connect(self._day_clicked)
        self.list_model = RecordsModel(EVENT_COLUMNS, parent=self)
        self.table = RecordsView()  # selectRow works right to left too
        self.table.setObjectName("eventTable")
        self.table.setModel(self.list_model)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        for col, mode in ((0, QHeaderView.ResizeMode.ResizeToContents), (1, QHeaderView.ResizeMode.Stretch),
                          (3, QHeaderView.ResizeMode.ResizeToContents)):
            header.setSectionResizeMode(col, mode)
        header.resizeSection(2, 110)  # the type: long names are cut, shown whole on hover
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.selectionModel().currentRowChanged.connect(
            lambda cur, _prev: self.load(self.list_model.row_dict(cur.row())["id"]) if cur.isValid() else None)
        self.new_button = QPushButton()
        self.new_button.setObjectName("newEvent")
        self.new_button.clicked.connect(self.new)
        left = QWidget()
        lay = QVBoxLayout(left)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.calendar)
        self.export_button = export_button("exportEvents")
        self.export_button.clicked.connect(lambda: export_table(self, self.table, N_("events")))
        self.delete_button = delete_button(services, "deleteEvent")
        self.delete_button.clicked.connect(self.delete_event)
        delete_key(services, self.table, self.delete_event)
        buttons = QHBoxLayout()
        buttons.addWidget(self.new_button)
        buttons.addWidget(self.delete_button)
        buttons.addWidget(self.export_button)
        lay.addLayout(buttons)
        lay.addWidget(self.table, 1)

        # --- event form
        f = self.form = Form()
        f.add("title", lambda: pgettext("record", "Title"), QLineEdit())  # not a person's title
        f.add("type", N_("Type"), ChoiceCombo(C.EVENT_TYPES, empty=N_("— choose —")))
        self.actions = services.plans.actions()
        f.add("action_id", N_("Action of the plan"), ChoiceCombo(
            [(a["id"], f"{a['plan_year']} · {a['code']} — {a['title']}") for a in self.actions],
            empty=N_("— none —"), translate=False))
        f.add("start", N_("Start"), DateField())
        f.add("end", N_("End"), DateField())
        f.add("place", N_("Place"), QLineEdit())
        f.add("commune_id", N_("Commune"), ChoiceCombo([(c["id"], commune_name(c)) for c in self.communes],
                                                       empty=N_("— none —"), translate=False))
        f.add("responsible", N_("Person responsible"), QLineEdit())
        f.add("emergency_contact", N_("Emergency contact"), QLineEdit())
        notes = QPlainTextEdit()
        notes.setMaximumHeight(60)
        f.add("safety_notes", N_("Safety plan"), notes)
        f.add("mixed_teams", N_("Teams must be mixed (both towns)"), QCheckBox())
        for key, label in (("anonymous_f", N_("Anonymous participants: women and girls")),
                           ("anonymous_m", N_("Anonymous participants: men and boys"))):
            spin = QSpinBox()
            spin.setRange(0, 100000)
            f.add(key, label, spin)
        # Counts by sex and age band; when given, the totals above are their sums.
        self.headcounts = HeadcountGrid()
        self.headcounts.changed.connect(self._headcounts_changed)
        self.headcounts_caption = QLabel()
        self.headcounts_caption.setBuddy(self.headcounts)
        self.headcounts_caption.setWordWrap(True)
        f.layout_.addRow(self.headcounts_caption, self.headcounts)
        self.save_button = QPushButton()
        self.save_button.setObjectName("saveEvent")
        self.save_button.clicked.connect(self.save)
        form_page = QWidget()
        lay = QVBoxLayout(form_page)
        lay.addWidget(scrolling(f), 1)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.save_button)
        lay.addLayout(row)

        # --- participants
        self.attendance = AttendanceModel(self)
        self.attendance.dataChanged.connect(lambda *_a: self._attendance_summary())
        self.att_view = RecordsView()  # selectRow works right to left too
        self.att_view.setHorizontalHeader(FitHeader(1, parent=self.att_view))  # titles whole, the name stretches
        self.att_view.setObjectName("attendanceTable")
        self.att_view.setModel(self.attendance)
        self.att_view.verticalHeader().hide()
        self.tick_all = QPushButton()
        self.tick_all.clicked.connect(lambda: self.attendance.set_all(True))
        self.tick_none = QPushButton()
        self.tick_none.clicked.connect(lambda: self.attendance.set_all(False))
        self.apply_button = QPushButton()
        self.apply_button.setObjectName("applyAttendance")
        self.apply_button.clicked.connect(self.apply_attendance)
        self.att_summary = QLabel()
        self.att_summary.setObjectName("attendanceSummary")
        self.reg_search = QLineEdit()
        self.reg_search.setObjectName("registerSearch")
        self.reg_combo = QComboBox()
        self.reg_combo.setObjectName("registerCandidates")
        self.reg_search.textChanged.connect(self._find_candidates)
        self.reg_button = QPushButton()
        self.reg_button.setObjectName("registerButton")
        self.reg_button.clicked.connect(self.register)
        self.remove_participant = delete_button(services, "removeParticipant")
        self.remove_participant.clicked.connect(self.remove_selected_participant)
        delete_key(services, self.att_view, self.remove_selected_participant)
        part_page = QWidget()
        lay = QVBoxLayout(part_page)
        row = QHBoxLayout()
        row.addWidget(self.reg_search, 1)
        row.addWidget(self.reg_combo, 2)
        row.addWidget(self.reg_button)
        row.addWidget(self.remove_participant)
        lay.addLayout(row)
        lay.addWidget(self.att_view, 1)
        row = QHBoxLayout()
        row.addWidget(self.tick_all)
        row.addWidget(self.tick_none)
        row.addWidget(self.att_summary, 1)
        row.addWidget(self.apply_button)
        lay.addLayout(row)
        self.preview_sheet = QPushButton()
        self.preview_sheet.setObjectName("previewEventAttendance")
        self.preview_sheet.clicked.connect(self.preview_attendance)
        self.preview_certificate = QPushButton()
        self.preview_certificate.setObjectName("previewCertificate")
        self.preview_certificate.clicked.connect(self.preview_certificate_of_selected)
        self.print_progress = ProgressPanel()
        self.print_progress.cancel_button.setObjectName("cancelEventPrint")
        self.previewer = Previewer(self, services, self.print_progress)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.preview_sheet)
        row.addWidget(self.preview_certificate)
        lay.addLayout(row)
        lay.addWidget(self.print_progress)

        # --- teams
        self.team_combo = QComboBox()
        self.team_combo.setObjectName("teamCombo")
        self.team_combo.currentIndexChanged.connect(self._team_chosen)
        self.team_name = QLineEdit()
        self.team_name.setObjectName("teamName")
        self.members = QStandardItemModel(self)
        self.member_view = QListView()
        self.member_view.setObjectName("teamMembers")
        self.member_view.setModel(self.members)
        self.candidates = QStandardItemModel(self)
        self.candidate_view = QListView()
        self.candidate_view.setObjectName("teamCandidates")
        self.candidate_view.setModel(self.candidates)
        for v in (self.member_view, self.candidate_view):
            v.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
            v.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.add_member = QPushButton()
        self.add_member.setObjectName("addMember")
        self.add_member.clicked.connect(lambda: self._move(self.candidate_view, self.candidates, self.members))
        self.remove_member = QPushButton()
        self.remove_member.setObjectName("removeMember")
        self.remove_member.clicked.connect(lambda: self._move(self.member_view, self.members, self.candidates))
        self.mixed_label = QLabel()
        self.mixed_label.setObjectName("mixedLabel")
        self.mixed_label.setWordWrap(True)
        self.save_team = QPushButton()
        self.save_team.setObjectName("saveTeam")
        self.save_team.clicked.connect(self.save_team_members)
        self.team_caption = QLabel()
        self.cand_caption = QLabel()
        self.memb_caption = QLabel()
        team_page = QWidget()
        lay = QVBoxLayout(team_page)
        row = QHBoxLayout()
        row.addWidget(self.team_combo, 1)
        row.addWidget(self.team_caption)
        row.addWidget(self.team_name, 1)
        lay.addLayout(row)
        row = QHBoxLayout()
        col = QVBoxLayout()
        col.addWidget(self.cand_caption)
        col.addWidget(self.candidate_view)
        row.addLayout(col, 1)
        col = QVBoxLayout()
        col.addStretch(1)
        col.addWidget(self.add_member)
        col.addWidget(self.remove_member)
        col.addStretch(1)
        row.addLayout(col)
        col = QVBoxLayout()
        col.addWidget(self.memb_caption)
        col.addWidget(self.member_view)
        row.addLayout(col, 1)
        lay.addLayout(row, 1)
        lay.addWidget(self.mixed_label)
        self.delete_team_button = delete_button(services, "deleteTeam")
        self.delete_team_button.clicked.connect(self.delete_team)
        row = QHBoxLayout()
        row.addWidget(self.delete_team_button)
        row.addStretch(1)
        row.addWidget(self.save_team)
        lay.addLayout(row)

        self.tabs = QTabWidget()
        self.tabs.addTab(form_page, "")
        self.tabs.addTab(part_page, "")
        self.tabs.addTab(team_page, "")
        split = QSplitter()
        split.addWidget(left)
        split.addWidget(self.tabs)
        split.setStretchFactor(0, 2)
        split.setStretchFactor(1, 3)
        split.setSizes([480, 880])  # the list wide enough for the events' titles (the form fits in the rest)
        QVBoxLayout(self).addWidget(split)

        acts = page_shortcuts(self, New=self.new, Save=self.save, Print=self.preview_attendance)
        self.act_new, self.act_save, self.act_preview = acts["New"], acts["Save"], acts["Print"]
        hide_for_viewer(services, self.new_button, self.save_button, self.apply_button, self.reg_button,
                        self.save_team, self.add_member, self.remove_member, self.tick_all, self.tick_none)
        self.retranslate()
        self.refresh()
        if self.list_model.rows:
            self.table.selectRow(0)
        else:
            self.new()

    # ------------------------------------------------------------------ list and calendar

    def refresh(self) -> None:
        events = self.svc.events.events()
        self.list_model.set_rows(events)
        self.calendar.setDateTextFormat(QDate(), QTextCharFormat())  # clear the old highlights
        fmt = QTextCharFormat()
        fmt.setBackground(QBrush(QColor("#ffd54f")))
        fmt.setFontWeight(700)
        self.event_days: dict[dt.date, list[str]] = {}
        for e in events:
            day, end = e["start"], e.get("end") or e["start"]
            while day <= end and (day - e["start"]).days < 62:
                self.event_days.setdefault(day, []).append(e["id"])
                self.calendar.setDateTextFormat(QDate(day.year, day.month, day.day), fmt)
                day += dt.timedelta(days=1)
        if self.event_id:
            for r, e in enumerate(events):
                if e["id"] == self.event_id:
                    self.table.selectionModel().blockSignals(True)
                    self.table.selectRow(r)
                    self.table.selectionModel().blockSignals(False)

    def _day_clicked(self, day: QDate) -> None:
        ids = self.event_days.get(dt.date(day.year(), day.month(), day.day()), [])
        if ids:
            for r, e in enumerate(self.list_model.rows):
                if e["id"] == ids[0]:
                    self.table.selectRow(r)
                    return

    def new(self) -> None:
        self.event_id = None
        self.current = {}
        self.form.clear()
        self.headcounts.set_values({})
        self.table.clearSelection()
        self.attendance.set_participants([])
        self.members.clear()
        self.candidates.clear()
        for i in (1, 2):
            self.tabs.setTabEnabled(i, False)
        self.tabs.setCurrentIndex(0)
        self.delete_button.setEnabled(False)
        self.form.widget("title").setFocus()

    def load(self, event_id: str) -> None:
        try:
            self.current = self.svc.events.event(event_id)
        except CoopError:
            self.new()
            return
        self.event_id = event_id
        self.delete_button.setEnabled(self.svc.actor.can_edit)
        self.form.set_values(self.current)
        self.headcounts.set_values(self.current.get("headcounts"))
        for i in (1, 2):
            self.tabs.setTabEnabled(i, True)
        self.attendance.set_participants(self.current["participants"])
        self._attendance_summary()
        self._fill_teams()
        start = self.current["start"]
        self.calendar.setSelectedDate(QDate(start.year, start.month, start.day))

    def screenshot_states(self):
        """(name, prepare) pairs for the screenshots command: the event with the most participants,
        its form, its participants with their attendance, its teams."""
        def pick(tab: int):
            def prepare() -> None:
                self.refresh()
                rows = self.list_model.rows
                if rows:
                    best = max(range(len(rows)), key=lambda r: (rows[r].get("participants") or 0, -r))
                    self.table.selectRow(best)
                    self.load(rows[best]["id"])
                self.tabs.setCurrentIndex(tab)
            return prepare

        return [("events", pick(0)), ("events-participants", pick(1)), ("events-teams", pick(2))]

    def open_record(self, entity: str, row_id: str) -> None:
        if entity == "event" and row_id:
            self.load(row_id)
            self.refresh()

    def _after(self) -> None:
        self.refresh()
        if self.event_id:
            self.load(self.event_id)

    def reload_later(self) -> None:
        """Records changed elsewhere (a restored backup, an applied sync bundle; the main window
        calls it): the list is read again at once, and the open event unless its form holds typing
        not saved yet."""
        self.refresh()
        if self.event_id and not self.form.is_modified():
            self.load(self.event_id)  # a new, empty form when the event is not in the data any more

    # ------------------------------------------------------------------ event form

    def _headcounts_changed(self) -> None:
        """With counts by age band, the totals by sex follow them and are not typed."""
        by_band = bool(self.headcounts.values())
        for sex, key in (("F", "anonymous_f"), ("M", "anonymous_m")):
            spin = self.form.widget(key)
            if by_band:
                spin.setValue(self.headcounts.totals()[sex])
            spin.setEnabled(not by_band)

    def save(self) -> None:
        values = self.form.values()
        self.form.clear_errors()
        events = self.svc.events
        counts = self.headcounts.values()
        old_counts = dict(self.current.get("headcounts") or {}) if self.event_id else {}
        if counts or old_counts:
            values["headcounts"] = counts
        try:
            if self.event_id is None:
                created = execute_creation(self.undo_stack, _("Create event {title}").format(title=values["title"]),
                                           create=lambda: events.create_event(**values), delete=events.delete_event,
                                           restore=events.restore_event, after=self._after_create_undo)
                self.event_id = created["id"]
            else:
                eid = self.event_id
                before = {k: self.current.get(k) for k in values if k != "headcounts"}
                if "headcounts" in values:
                    before["headcounts"] = old_counts
                execute(self.undo_stack, _("Edit event {title}").format(title=values["title"]),
                        do=lambda: events.update_event(eid, **values),
                        undo=lambda _r: events.update_event(eid, **before), after=self._after)
        except CoopError as exc:
            report_error(self, exc, self.form)
            return
        self._after()

    def _after_create_undo(self) -> None:
        self.refresh()
        if self.event_id:
            try:
                self.svc.events.event(self.event_id)
            except CoopError:  # the creation was undone
                self.new()
                return
            self.load(self.event_id)

    def delete_event(self) -> None:
        """Delete the open event with its participants and teams (confirmed); undo brings it back."""
        if not self.event_id or not self.svc.actor.can_edit:
            return
        eid, title, events = self.event_id, self.current.get("title", ""), self.svc.events
        delete_with_undo(self, self.undo_stack,
                         _("Delete the event “{title}” with its participants, teams and head counts?").format(
                             title=title),
                         _("Delete event {title}").format(title=title),
                         do=lambda: events.delete_event(eid), undo=events.restore_event,
                         after=lambda: self._show_event(eid))

    def _show_event(self, event_id: str) -> None:
        """After a delete, its undo or redo: the event when it exists, else an empty form."""
        self.load(event_id)  # an empty form when it is gone
        self.refresh()  # the list, with its row selected

    # ------------------------------------------------------------------ participants

    def _find_candidates(self, text: str) -> None:
        self.reg_combo.clear()
        if len(text.strip()) < 2:
            return
        for p in self.svc.people.search(text, limit=30):
            self.reg_combo.addItem(participant_name(p) + f" ({p['commune_code']})", p["id"])

    def register(self) -> None:
        pid = self.reg_combo.currentData()
        if not pid or not self.event_id:
            return
        eid = self.event_id
        already = {p["person_id"] for p in self.current.get("participants", [])}
        if pid in already:
            return
        try:
            execute(self.undo_stack, _("Register a participant"),
                    do=lambda: self.svc.events.register(eid, [pid]),
                    undo=lambda _n: self.svc.events.unregister(eid, [pid]), after=self._after)
        except CoopError as exc:
            dialogs.warn(self, exc.message())

    def remove_selected_participant(self) -> None:
        """Take the participant selected in the sheet off the event (and off its team)."""
        index = self.att_view.currentIndex()
        if not self.event_id or not index.isValid() or not self.svc.actor.can_edit:
            return
        person = self.attendance.rows[index.row()]
        eid, pid, events = self.event_id, person["person_id"], self.svc.events
        name = participant_name(person)
        delete_with_undo(self, self.undo_stack,
                         _("Remove {name} from this event, and from their team if they have one?").format(name=name),
                         _("Remove participant {name}").format(name=name),
                         do=lambda: events.remove_participants(eid, [pid]), undo=events.restore_participants,
                         after=lambda: self._show_event(eid))

    def _attendance_summary(self) -> None:
        n = len(self.attendance.ticked)
        total = self.attendance.rowCount()
        changes = len(self.attendance.statuses_to_apply())
        self.att_summary.setText(ngettext("{n} of {total} ticked as present", "{n} of {total} ticked as present",
                                          n).format(n=n, total=total) + " · "
                                 + ngettext("{c} change to apply", "{c} changes to apply", changes).format(c=changes))
        self.apply_button.setEnabled(changes > 0)

    def apply_attendance(self) -> None:
        statuses = self.attendance.statuses_to_apply()
        if not statuses or not self.event_id:
            return
        eid = self.event_id
        events = self.svc.events
        try:
            execute(self.undo_stack, ngettext("Mark attendance of {n} participant", "Mark attendance of {n} participants",
                                              len(statuses)).format(n=len(statuses)),
                    do=lambda: events.mark_attendance(eid, statuses),
                    undo=lambda previous: events.mark_attendance(eid, previous), after=self._after,
                    size=len, rows=len(statuses))  # a sheet of hundreds: in a worker (ui.common.commands)
        except CoopError as exc:
            dialogs.warn(self, exc.message())

    # ------------------------------------------------------------------ teams

    def _fill_teams(self) -> None:
        self.team_combo.blockSignals(True)
        current = self.team_combo.currentData()
        self.team_combo.clear()
        self.team_combo.addItem(_("New team"), "")
        for t in self.current.get("teams", []):
            self.team_combo.addItem(t["name"], t["id"])
        idx = self.team_combo.findData(current) if current else -1
        self.team_combo.setCurrentIndex(idx if idx >= 0 else (1 if self.team_combo.count() > 1 else 0))
        self.team_combo.blockSignals(False)
        self._team_chosen()

    def _team_chosen(self, *_a) -> None:
        team_id = self.team_combo.currentData()
        team = next((t for t in self.current.get("teams", []) if t["id"] == team_id), None)
        self.team_name.setText(team["name"] if team else "")
        self.team_name.setReadOnly(team is not None)
        self.delete_team_button.setEnabled(team is not None and self.svc.actor.can_edit)
        member_ids = {m["person_id"] for m in team["members"]} if team else set()
        in_other = {m["person_id"] for t in self.current.get("teams", []) if t is not team for m in t["members"]}
        self.members.clear()
        self.candidates.clear()
        for p in self.current.get("participants", []):
            item = QStandardItem(f"{participant_name(p)} ({p['commune_code']})")
            item.setData(p["person_id"], Qt.ItemDataRole.UserRole)
            if p["person_id"] in member_ids:
                self.members.appendRow(item)
            elif p["person_id"] not in in_other:
                self.candidates.appendRow(item)
        self._check_team()

    def _move(self, view: QListView, source: QStandardItemModel, target: QStandardItemModel) -> None:
        rows = sorted({i.row() for i in view.selectedIndexes()}, reverse=True)
        for r in rows:
            target.appendRow(source.takeRow(r))
        self._check_team()

    def member_ids(self) -> list[str]:
        return [self.members.item(r).data(Qt.ItemDataRole.UserRole) for r in range(self.members.rowCount())]

    def _check_team(self) -> None:
        ids = self.member_ids()
        check = self.svc.events.team_check(ids)
        names = {c["code"]: commune_name(c) for c in self.communes}
        present = ", ".join(names.get(c, c) for c in check["communes"]) or "—"
        needed = bool(self.current.get("mixed_teams"))
        if not ids:  # nothing to judge yet: say how to build the team, not "only —"
            text = "ℹ " + _("Add participants of both towns to the team.")
            color = "#555555"
        elif check["mixed"]:
            text = "✔ " + _("Mixed team: residents of {communes}.").format(communes=present)
            color = "#1b5e20"
        else:
            text = ("✖ " if needed else "ℹ ") + _("Not mixed: only {communes}. An olympiad team needs residents of "
                                                   "both towns.").format(communes=present)
            color = "#b00020" if needed else "#555555"
        self.mixed_label.setText(text)
        self.mixed_label.setStyleSheet(f"color: {color}; font-weight: bold;")
        self.team_mixed = check["mixed"]

    def save_team_members(self) -> None:
        if not self.event_id:
            return
        eid, team_id, ids = self.event_id, self.team_combo.currentData(), self.member_ids()
        events = self.svc.events
        try:
            if not team_id:
                name = self.team_name.text()
                execute_creation(self.undo_stack, _("Create team {name}").format(name=name),
                                 create=lambda: events.create_team(eid, name, ids), delete=events.delete_team,
                                 restore=events.restore_team, after=self._after)
            else:
                before = [m["person_id"] for t in self.current["teams"] if t["id"] == team_id for m in t["members"]]
                execute(self.undo_stack, _("Change the members of a team"),
                        do=lambda: events.set_team_members(team_id, ids),
                        undo=lambda _r: events.set_team_members(team_id, before), after=self._after)
        except CoopError as exc:
            dialogs.warn(self, exc.message())

    def delete_team(self) -> None:
        team_id = self.team_combo.currentData()
        if not self.event_id or not team_id or not self.svc.actor.can_edit:
            return
        eid, name, events = self.event_id, self.team_combo.currentText(), self.svc.events
        delete_with_undo(self, self.undo_stack,
                         _("Delete the team “{name}”? Its members stay registered for the event.").format(name=name),
                         _("Delete team {name}").format(name=name),
                         do=lambda: events.delete_team(team_id), undo=events.restore_team,
                         after=lambda: self._show_event(eid))

    # ------------------------------------------------------------------ printing

    def preview_attendance(self) -> None:
        """Preview (then print or save) the attendance sheet of this event."""
        if not self.event_id:
            return
        self.previewer.open("attendance", title=_("Attendance sheet") + " · " + self.current.get("title", ""),
                            file_name=f"presences-{self.current['start'].isoformat()}.pdf", event_id=self.event_id)

    def preview_certificate_of_selected(self) -> None:
        """The attendance certificate of the participant selected in the list (refused if they did not attend)."""
        index = self.att_view.currentIndex()
        if not self.event_id or not index.isValid():
            dialogs.warn(self, _("Choose a participant in the list first."))
            return
        person = self.attendance.rows[index.row()]
        name = participant_name(person)
        self.previewer.open("certificate", title=_("Certificate of attendance") + " · " + name,
                            file_name=f"attestation-{self.current['start'].isoformat()}-{index.row() + 1}.pdf",
                            event_id=self.event_id, person_id=person["person_id"])

    # ------------------------------------------------------------------ language

    def retranslate(self) -> None:
        self.form.retranslate()
        self.headcounts.retranslate()
        self.headcounts_caption.setText(_("Anonymous participants by age band"))
        self.list_model.retranslate()
        self.attendance.retranslate()
        self.new_button.setText(_("New event"))
        for b in (self.delete_button, self.remove_participant, self.delete_team_button):
            retranslate_delete_button(b)
        self.remove_participant.setText(_("Remove from the event"))
        retranslate_export_button(self.export_button)
        self.save_button.setText(_("Save"))
        self.tabs.setTabText(0, _("Event"))
        self.tabs.setTabText(1, _("Participants and attendance"))
        self.tabs.setTabText(2, _("Teams"))
        self.tick_all.setText(_("Tick all"))
        self.tick_none.setText(_("Untick all"))
        self.apply_button.setText(_("Apply the attendance sheet"))
        self.reg_search.setPlaceholderText(_("Find a person to register…"))
        self.reg_button.setText(_("Register"))
        self.team_caption.setText(_("Name:"))
        self.cand_caption.setText(_("Participants without a team"))
        self.memb_caption.setText(_("Members of the team"))
        self.add_member.setText(_("Add to the team"))
        self.remove_member.setText(_("Remove from the team"))
        self.save_team.setText(_("Save the team"))
        self.preview_sheet.setText(_("Preview and print the attendance sheet…"))
        self.preview_certificate.setText(_("Certificate of the selected participant…"))
        self.print_progress.retranslate()
        if self.event_id:
            self._attendance_summary()
            self._fill_teams()
