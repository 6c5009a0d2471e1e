"""The steering committee (article 5): meetings, a meeting editor (attendees and presence, agenda
with debate summaries, decisions with each member's vote and the unanimity result), the minutes with
their signature steps, and printing through ``coopdesk.pdf.render`` off the UI thread."""

from __future__ import annotations

import importlib.util
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from coopdesk.domain import constants as C
from coopdesk.errors import CoopError
from coopdesk.i18n import N_, _, format_date, format_datetime
from ui.committee.models import VotesModel
from ui.common import (
    ChoiceCombo,
    DateField,
    Form,
    ProgressPanel,
    Task,
    commune_name,
    dialogs,
    execute,
    hide_for_viewer,
    report_error,
)
from ui.common.commands import execute_creation
from ui.common.deleting import delete_button, delete_key, delete_with_undo, retranslate_delete_button
from ui.common.export import export_button, export_table, retranslate_export_button
from ui.common.repeat import execute_again
from ui.common.shortcuts import page_shortcuts
from ui.common.tables import records_view
from ui.models import Column, RecordsModel
from ui.print_preview import Previewer

MEETING_COLUMNS = [
    Column(N_("No."), lambda m: m["number"], Qt.AlignmentFlag.AlignRight),
    Column(N_("Date"), lambda m: format_date(m["held_at"].date(), "medium")),
    Column(N_("Host"), lambda m: m["host_code"]),
    Column(N_("Place"), lambda m: m.get("place", "")),
    Column(N_("Minutes"), lambda m: _(C.MINUTES_STATUSES[m["minutes_status"]]) if m.get("minutes_status") else "—"),
]
ATTENDEE_COLUMNS = [
    Column(N_("Name"), lambda a: a["name"] + (" ★" if a.get("is_president") else "")),
    Column(N_("Title"), lambda a: a.get("title", "")),
    Column(N_("Role"), lambda a: _(C.ATTENDEE_ROLES.get(a.get("role") or "", "")) if a.get("role") else ""),
    Column(N_("Commune"), lambda a: a.get("commune_code", "")),
    Column(N_("Presence"), lambda a: _(C.PRESENCES[a["presence"]]) if a.get("presence") in C.PRESENCES else ""),
]
AGENDA_COLUMNS = [
    Column(N_("No."), lambda i: i["position"], Qt.AlignmentFlag.AlignRight),
    Column(N_("Agenda item"), lambda i: i["title"]),
    Column(N_("Debate"), lambda i: (i.get("debate") or "")[:120]),
]
DECISION_COLUMNS = [
    Column(N_("No."), lambda d: d["number"]),
    Column(N_("Decision"), lambda d: d["title"]),
    Column(N_("Result"), lambda d: _("Adopted unanimously") if d["adopted"] else _("Not adopted")),
]
STEPS = ("draft", "final", "signed_one", "enforceable")


def printing_available() -> bool:
    """True when the printing engine (``coopdesk.pdf.render`` and its documents) is installed."""
    try:
        import coopdesk.pdf as pdf

        return hasattr(pdf, "render") and importlib.util.find_spec("coopdesk.pdf.minutes") is not None
    except ImportError:
        return False



def _table(model, name: str, stretch: int = 1, elastic: tuple[int, ...] | None = None):
    return records_view(model, name, stretch, elastic=elastic)


def _row(*widgets, stretch_first: bool = False) -> QHBoxLayout:
    lay = QHBoxLayout()
    if not stretch_first:
        lay.addStretch(1)
    for w in widgets:
        lay.addWidget(w)
    return lay


class CommitteePage(QWidget):
    def __init__(self, services: Any, undo_stack, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.svc = services
        self.undo_stack = undo_stack
        self.meeting_id: str | None = None
        self.meeting: dict[str, Any] = {}
        self.communes = services.setup.communes()
        commune_choices = [(c["id"], commune_name(c)) for c in self.communes]
        self.task: Task | None = None

        # --- meetings
        self.meetings = RecordsModel(MEETING_COLUMNS, parent=self)
        # Number, date and host fit their contents; when the list is narrow the place, then the
        # minutes' status, are cut ("…", whole on hover) rather than scrolled sideways.
        self.meeting_view = records_view(self.meetings, "meetingTable", 3, elastic=(3, 4))
        self.meeting_view.selectionModel().currentRowChanged.connect(
            lambda cur, _p: self.load(self.meetings.row_dict(cur.row())["id"]) if cur.isValid() else None)
        self.new_button = QPushButton()
        self.new_button.setObjectName("newMeeting")
        self.new_button.clicked.connect(self.new)
        left = QWidget()
        lay = QVBoxLayout(left)
        lay.setContentsMargins(0, 0, 0, 0)
        self.export_button = export_button("exportMeetings")
        self.export_button.clicked.connect(lambda: export_table(self, self.meeting_view, N_("meetings")))
        self.delete_button = delete_button(services, "deleteMeeting")
        self.delete_button.clicked.connect(self.delete_meeting)
        delete_key(services, self.meeting_view, self.delete_meeting)
        buttons = QHBoxLayout()
        buttons.addWidget(self.new_button)
        buttons.addWidget(self.export_button)
        lay.addLayout(buttons)
        lay.addWidget(self.meeting_view, 1)

        # --- meeting form
        f = self.form = Form()
        f.add("number", N_("Meeting number"), QLineEdit())
        f.add("host_commune_id", N_("Host commune"), ChoiceCombo(commune_choices, translate=False))
        f.add("place", N_("Place"), QLineEdit())
        held = QLineEdit()
        held.setPlaceholderText("YYYY-MM-DD HH:MM")
        f.add("held_at", N_("Held on (date and time)"), held)
        f.add("convened_on", N_("Convened on"), DateField())
        f.add("secretary", N_("Secretary"), QLineEdit())
        notes = QPlainTextEdit()
        notes.setMaximumHeight(70)
        f.add("notes", N_("Notes"), notes)
        self.save_button = QPushButton()
        self.save_button.setObjectName("saveMeeting")
        self.save_button.clicked.connect(self.save)
        meeting_page = QWidget()
        lay = QVBoxLayout(meeting_page)
        lay.addWidget(f)
        row = _row(self.save_button)
        row.insertWidget(0, self.delete_button)  # on the left, away from Save
        lay.addLayout(row)
        lay.addStretch(1)

        # --- attendees
        self.attendees = RecordsModel(ATTENDEE_COLUMNS, parent=self)
        self.attendee_view = _table(self.attendees, "attendeeTable", 1, elastic=(1, 0, 2))
        self.presence = ChoiceCombo(C.PRESENCES)
        self.presence.setObjectName("presenceCombo")
        self.presence_button = QPushButton()
        self.presence_button.setObjectName("setPresence")
        self.presence_button.clicked.connect(self.set_presence)
        af = self.att_form = Form()
        af.add("name", N_("Name"), QLineEdit())
        af.add("title", N_("Title"), QLineEdit())
        af.add("role", N_("Role"), ChoiceCombo(C.ATTENDEE_ROLES))
        af.add("commune_id", N_("Commune"), ChoiceCombo(commune_choices, empty=N_("— none (guest) —"), translate=False))
        af.add("presence", N_("Presence"), ChoiceCombo(C.PRESENCES))
        af.add("is_president", N_("President of the commune"), QCheckBox())
        self.add_attendee_button = QPushButton()
        self.add_attendee_button.setObjectName("addAttendee")
        self.add_attendee_button.clicked.connect(self.add_attendee)
        att_page = QWidget()
        lay = QVBoxLayout(att_page)
        lay.addWidget(self.attendee_view, 1)
        self.delete_attendee_button = self._deleter("deleteAttendee", self.attendee_view, self.delete_attendee)
        lay.addLayout(_row(self.delete_attendee_button, self.presence, self.presence_button))
        lay.addWidget(af)
        lay.addLayout(_row(self.add_attendee_button))

        # --- agenda
        self.agenda = RecordsModel(AGENDA_COLUMNS, parent=self)
        self.agenda_view = _table(self.agenda, "agendaTable", 2)
        gf = self.agenda_form = Form()
        gf.add("title", N_("Agenda item"), QLineEdit())
        debate = QPlainTextEdit()
        debate.setMaximumHeight(90)
        gf.add("debate", N_("Summary of the debate"), debate)
        self.add_item_button = QPushButton()
        self.add_item_button.setObjectName("addAgendaItem")
        self.add_item_button.clicked.connect(self.add_agenda_item)
        agenda_page = QWidget()
        lay = QVBoxLayout(agenda_page)
        lay.addWidget(self.agenda_view, 1)
        self.delete_item_button = self._deleter("deleteAgendaItem", self.agenda_view, self.delete_agenda_item)
        lay.addLayout(_row(self.delete_item_button))
        lay.addWidget(gf)
        lay.addLayout(_row(self.add_item_button))

        # --- decisions and votes
        self.decisions = RecordsModel(DECISION_COLUMNS, parent=self)
        self.decision_view = _table(self.decisions, "decisionTable", 1)
        self.decision_view.selectionModel().currentRowChanged.connect(lambda *_a: self._show_votes())
        self.votes = VotesModel(self)
        self.vote_view = _table(self.votes, "voteTable", 0)
        self.vote_buttons: dict[str, QPushButton] = {}
        for code in C.VOTES:
            b = QPushButton()
            b.setObjectName(f"vote_{code}")
            b.clicked.connect(lambda _c=False, v=code: self.cast_vote(v))
            self.vote_buttons[code] = b
        self.result_label = QLabel()
        self.result_label.setObjectName("unanimityLabel")
        self.result_label.setWordWrap(True)
        df = self.decision_form = Form()
        df.add("number", N_("Decision number"), QLineEdit())
        df.add("title", N_("Decision"), QLineEdit())
        df.add("kind", N_("Kind"), ChoiceCombo(C.DECISION_KINDS))
        df.add("agenda_item_id", N_("Agenda item"), ChoiceCombo([], empty=N_("— none —"), translate=False))
        self.add_decision_button = QPushButton()
        self.add_decision_button.setObjectName("addDecision")
        self.add_decision_button.clicked.connect(self.add_decision)
        dec_page = QWidget()
        lay = QVBoxLayout(dec_page)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.decision_view)
        votes_box = QWidget()
        vl = QVBoxLayout(votes_box)
        vl.setContentsMargins(0, 0, 0, 0)
        self.delete_decision_button = self._deleter("deleteDecision", self.decision_view, self.delete_decision)
        vl.addLayout(_row(self.delete_decision_button))
        vl.addWidget(self.vote_view, 1)
        vl.addLayout(_row(*self.vote_buttons.values()))
        vl.addWidget(self.result_label)
        split.addWidget(votes_box)
        lay.addWidget(split, 1)
        lay.addWidget(df)
        lay.addLayout(_row(self.add_decision_button))

        # --- minutes
        self.step_labels = [QLabel() for _s in STEPS]
        for lab, code in zip(self.step_labels, STEPS, strict=True):
            lab.setObjectName(f"step_{code}")
            lab.setAlignment(Qt.AlignmentFlag.AlignCenter)
            lab.setWordWrap(True)
        self.minutes_status = QLabel()
        self.minutes_status.setObjectName("minutesStatus")
        self.minutes_info = QLabel()
        self.minutes_info.setObjectName("minutesInfo")
        self.minutes_info.setWordWrap(True)
        self.minutes_info.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.minutes_text = QPlainTextEdit()
        self.minutes_text.setObjectName("minutesText")
        self.minutes_text.setReadOnly(True)
        self.btn_draft = QPushButton()
        self.btn_draft.setObjectName("draftMinutes")
        self.btn_draft.clicked.connect(self.draft_minutes)
        self.btn_final = QPushButton()
        self.btn_final.setObjectName("finaliseMinutes")
        self.btn_final.clicked.connect(self.finalise)
        self.btn_sign = {}
        for c in self.communes:
            b = QPushButton()
            b.setObjectName(f"sign_{c['code']}")
            b.clicked.connect(lambda _c=False, code=c["code"]: self.sign(code))
            self.btn_sign[c["code"]] = b
        self.btn_version = QPushButton()
        self.btn_version.setObjectName("newMinutesVersion")
        self.btn_version.clicked.connect(self.new_version)
        self.btn_print = QPushButton()
        self.btn_print.setObjectName("printMinutes")
        self.btn_print.clicked.connect(lambda: self.print_pdf("minutes"))
        self.btn_print_att = QPushButton()
        self.btn_print_att.setObjectName("printAttendance")
        self.btn_print_att.clicked.connect(lambda: self.print_pdf("attendance"))
        self.progress = ProgressPanel()
        self.previewer = Previewer(self, services, self.progress)
        self.preview_buttons: dict[str, QPushButton] = {}
        for kind in ("minutes", "attendance", "convocation"):
            b = QPushButton()
            b.setObjectName(f"preview_{kind}")
            b.clicked.connect(lambda _c=False, k=kind: self.preview(k))
            self.preview_buttons[kind] = b
        min_page = QWidget()
        lay = QVBoxLayout(min_page)
        steps = QHBoxLayout()
        for lab in self.step_labels:
            steps.addWidget(lab, 1)
        lay.addLayout(steps)
        lay.addWidget(self.minutes_status)
        lay.addWidget(self.minutes_info)
        lay.addWidget(self.minutes_text, 1)
        # The buttons in two short grids rather than long rows: in one row each they made the tab
        # 800 px wide, and the meetings list beside it cut its minutes' status at 1366 px.
        steps_grid = QGridLayout()
        for column, b in enumerate((self.btn_draft, self.btn_final, self.btn_version)):
            steps_grid.addWidget(b, 0, column)
        for column, b in enumerate(self.btn_sign.values()):
            steps_grid.addWidget(b, 1, column, 1, 2 if column == len(self.btn_sign) - 1 else 1)
        lay.addLayout(steps_grid)
        prints = QGridLayout()
        prints.setColumnStretch(0, 1)
        for row, (pdf, kind) in enumerate(((self.btn_print, "minutes"), (self.btn_print_att, "attendance"),
                                           (None, "convocation"))):
            if pdf is not None:
                prints.addWidget(pdf, row, 1)
            prints.addWidget(self.preview_buttons[kind], row, 2)
        lay.addLayout(prints)
        lay.addWidget(self.progress)

        self.tabs = QTabWidget()
        for page in (meeting_page, att_page, agenda_page, dec_page, min_page):
            self.tabs.addTab(page, "")
        outer = QSplitter()
        outer.addWidget(left)
        outer.addWidget(self.tabs)
        outer.setStretchFactor(0, 2)
        outer.setStretchFactor(1, 3)
        outer.setSizes([520, 840])  # the meetings list with its place and the minutes' status
        QVBoxLayout(self).addWidget(outer)

        acts = page_shortcuts(self, New=self.new, Save=self.save, Print=lambda: self.preview("minutes"))
        self.act_new, self.act_save, self.act_preview = acts["New"], acts["Save"], acts["Print"]
        hide_for_viewer(services, self.new_button, self.save_button, self.presence_button, self.add_attendee_button,
                        self.add_item_button, self.add_decision_button, *self.vote_buttons.values(), self.btn_draft,
                        self.btn_final, *self.btn_sign.values(), self.btn_version)
        self.printing = printing_available()
        self.retranslate()
        self.refresh()
        if self.meetings.rows:
            self.meeting_view.selectRow(len(self.meetings.rows) - 1)
        else:
            self.new()

    def _deleter(self, name: str, view, handler):
        """A Delete button under a table of the meeting, and the Delete key on that table."""
        delete_key(self.svc, view, handler)
        button = delete_button(self.svc, name)
        button.clicked.connect(handler)
        return button

    # ------------------------------------------------------------------ loading

    def refresh(self) -> None:
        self.meetings.set_rows(self.svc.committee.meetings())
        for r, m in enumerate(self.meetings.rows):
            if m["id"] == self.meeting_id:
                self.meeting_view.selectionModel().blockSignals(True)
                self.meeting_view.selectRow(r)
                self.meeting_view.selectionModel().blockSignals(False)

    def reload_later(self) -> None:
        """Records changed elsewhere (a restored backup, an applied sync bundle; the main window
        calls it): the meetings are read again at once, and the open meeting unless one of its
        forms holds typing not saved yet (a meeting gone from the data leaves an empty form)."""
        self.refresh()
        typing = any(f.is_modified() for f in (self.form, self.att_form, self.agenda_form, self.decision_form))
        if self.meeting_id and not typing:
            self.load(self.meeting_id)

    def new(self) -> None:
        self.meeting_id = None
        self.meeting = {}
        self.form.clear()
        self.form.widget("host_commune_id").set_code(self.svc.setup.site().get("commune_id"))
        self.meeting_view.clearSelection()
        self.delete_button.setEnabled(False)
        for i in range(1, 5):
            self.tabs.setTabEnabled(i, False)
        self.tabs.setCurrentIndex(0)

    def load(self, meeting_id: str) -> None:
        try:
            m = self.svc.committee.meeting(meeting_id)
        except CoopError:
            self.new()
            return
        self.meeting_id, self.meeting = meeting_id, m
        self.delete_button.setEnabled(self.svc.actor.can_edit)
        values = dict(m)
        values["held_at"] = m["held_at"].strftime("%Y-%m-%d %H:%M")
        self.form.set_values(values)
        for i in range(1, 5):
            self.tabs.setTabEnabled(i, True)
        self.attendees.set_rows(m["attendees"])
        self.agenda.set_rows(m["agenda"])
        self.decision_form.widget("agenda_item_id").set_choices([(a["id"], f"{a['position']}. {a['title']}")
                                                                 for a in m["agenda"]])
        current = self.decision_view.currentIndex().row()
        self.decisions.set_rows(m["decisions"])
        if m["decisions"]:
            self.decision_view.selectRow(current if 0 <= current < len(m["decisions"]) else 0)
        self._show_votes()
        self._show_minutes()

    def screenshot_states(self):
        """(name, prepare) pairs for the screenshots command: the latest meeting, on its decisions
        with each member's vote, then on its minutes and their signature steps."""
        def pick(tab: int):
            def prepare() -> None:
                self.refresh()
                if self.meetings.rows:
                    latest = max(range(len(self.meetings.rows)),
                                 key=lambda r: self.meetings.rows[r]["held_at"])
                    self.meeting_view.selectRow(latest)
                    self.load(self.meetings.rows[latest]["id"])
                    if self.decisions.rows:
                        self.decision_view.selectRow(0)
                self.tabs.setCurrentIndex(tab)
            return prepare

        return [("committee", pick(3)), ("committee-minutes", pick(4))]

    def open_record(self, entity: str, row_id: str) -> None:
        if entity == "meeting" and row_id:
            self.load(row_id)
            self.refresh()
        elif entity == "minutes" and row_id:
            for m in self.svc.committee.meetings():
                detail = self.svc.committee.meeting(m["id"])
                if any(mn["id"] == row_id for mn in detail["minutes"]):
                    self.load(m["id"])
                    self.refresh()
                    self.tabs.setCurrentIndex(4)
                    return

    def _after(self) -> None:
        self.refresh()
        if self.meeting_id:
            self.load(self.meeting_id)

    def _run(self, text: str, do, undo, form: Form | None = None) -> Any:
        try:
            result = execute(self.undo_stack, text, do=do, undo=undo, after=self._after)
        except CoopError as exc:
            report_error(self, exc, form)
            return None
        if form is not None:
            form.clear_errors()
        return result

    def _create(self, text: str, create, delete, restore, form: Form) -> Any:
        """A creation as one undo step; its redo puts the same record back (same id)."""
        try:
            result = execute_creation(self.undo_stack, text, create, delete, restore, after=self._after)
        except CoopError as exc:
            report_error(self, exc, form)
            return None
        form.clear_errors()
        return result

    # ------------------------------------------------------------------ meeting

    def save(self) -> None:
        values = self.form.values()
        if not values.get("number"):
            values.pop("number")
        c = self.svc.committee
        if self.meeting_id is None:
            created = self._create(_("Create meeting"), lambda: c.create_meeting(**values), c.delete_meeting,
                                   c.restore_meeting, self.form)
            if created:
                self.meeting_id = created["id"]
                self._after()
        else:
            mid = self.meeting_id
            before = {k: self.meeting.get(k) for k in values}
            self._run(_("Edit meeting"), lambda: c.update_meeting(mid, **values),
                      lambda _r: c.update_meeting(mid, **before), self.form)

    def add_attendee(self) -> None:
        values = {**self.att_form.values(), "meeting_id": self.meeting_id}
        if not values["commune_id"]:
            values["commune_id"] = None
        c = self.svc.committee
        if self._create(_("Add attendee"), lambda: c.add_attendee(**values), c.remove_attendee, c.restore_records,
                        self.att_form):
            self.att_form.clear()

    def set_presence(self) -> None:
        index = self.attendee_view.currentIndex()
        if not index.isValid():
            return
        a = self.attendees.row_dict(index.row())
        aid, new, old = a["id"], self.presence.code(), a.get("presence")
        c = self.svc.committee
        self._run(_("Presence of {name}").format(name=a["name"]), lambda: c.update_attendee(aid, presence=new),
                  lambda _r: c.update_attendee(aid, presence=old))

    def add_agenda_item(self) -> None:
        values = {**self.agenda_form.values(), "meeting_id": self.meeting_id,
                  "position": len(self.meeting.get("agenda", [])) + 1}
        c = self.svc.committee
        if self._create(_("Add agenda item"), lambda: c.add_agenda_item(**values), c.delete_agenda_item,
                        c.restore_records, self.agenda_form):
            self.agenda_form.clear()

    # ------------------------------------------------------------------ deletes (confirmed, undoable)

    def delete_meeting(self) -> None:
        """Delete the open meeting with everything recorded in it; refused once its minutes are final."""
        if not self.meeting_id or not self.svc.actor.can_edit:
            return
        mid, number, c = self.meeting_id, self.meeting.get("number", ""), self.svc.committee
        delete_with_undo(self, self.undo_stack,
                         _("Delete meeting no. {number} with its attendees, agenda, decisions, votes and draft "
                           "minutes?").format(number=number),
                         _("Delete meeting no. {number}").format(number=number),
                         do=lambda: c.delete_meeting(mid), undo=c.restore_meeting, after=lambda: self._show(mid))

    def _show(self, meeting_id: str) -> None:
        """After a delete, its undo or redo: the meeting when it exists, else an empty form."""
        self.load(meeting_id)
        self.refresh()

    def _selected(self, view, model) -> dict[str, Any] | None:
        index = view.currentIndex()
        return model.row_dict(index.row()) if index.isValid() and self.meeting_id else None

    def _delete_part(self, question: str, text: str, do, undo) -> None:
        if self.svc.actor.can_edit:
            mid = self.meeting_id
            delete_with_undo(self, self.undo_stack, question, text, do=do, undo=undo, after=lambda: self._show(mid))

    def delete_attendee(self) -> None:
        a, c = self._selected(self.attendee_view, self.attendees), self.svc.committee
        if a is not None:
            self._delete_part(_("Remove {name} from the attendees, with their votes?").format(name=a["name"]),
                              _("Remove attendee {name}").format(name=a["name"]),
                              lambda: c.remove_attendee(a["id"]), c.restore_records)

    def delete_agenda_item(self) -> None:
        item, c = self._selected(self.agenda_view, self.agenda), self.svc.committee
        if item is not None:
            self._delete_part(_("Delete the agenda item “{title}”? Decisions taken under it stay.").format(
                title=item["title"]), _("Delete an agenda item"), lambda: c.delete_agenda_item(item["id"]),
                c.restore_records)

    def delete_decision(self) -> None:
        d, c = self._selected(self.decision_view, self.decisions), self.svc.committee
        if d is not None:
            self._delete_part(_("Delete decision {number} with its votes?").format(number=d["number"]),
                              _("Delete decision {number}").format(number=d["number"]),
                              lambda: c.delete_decision(d["id"]), c.restore_records)

    # ------------------------------------------------------------------ decisions and votes

    def add_decision(self) -> None:
        values = {**self.decision_form.values(), "meeting_id": self.meeting_id}
        if not values["agenda_item_id"]:
            values["agenda_item_id"] = None
        c = self.svc.committee
        created = self._create(_("Add decision"), lambda: c.add_decision(**values), c.delete_decision,
                               c.restore_records, self.decision_form)
        if created:
            self.decision_form.clear()
            for r, d in enumerate(self.decisions.rows):
                if d["id"] == created["id"]:
                    self.decision_view.selectRow(r)

    def current_decision(self) -> dict[str, Any] | None:
        index = self.decision_view.currentIndex()
        return self.decisions.row_dict(index.row()) if index.isValid() else None

    def _show_votes(self) -> None:
        d = self.current_decision()
        self.votes.set_decision(d, self.meeting.get("attendees", []))
        if d is None:
            self.result_label.clear()
            return
        missing = [v["name"] for v in self.votes.voters if v["id"] not in self.votes.votes]
        against = [v["name"] for v in self.votes.voters if self.votes.votes.get(v["id"]) in ("no", "abstain")]
        if d["adopted"]:
            text, color = "✔ " + _("Adopted unanimously by the {n} voting members present.").format(
                n=len(self.votes.voters)), "#1b5e20"
        elif against:
            text, color = "✖ " + _("Not adopted: unanimity is required (against or abstaining: {names}).").format(
                names=", ".join(against)), "#b00020"
        else:
            text, color = "… " + _("Not adopted yet: votes missing ({names}).").format(
                names=", ".join(missing) or "—"), "#8d6e00"
        self.result_label.setText(text)
        self.result_label.setStyleSheet(f"color: {color}; font-weight: bold;")

    def cast_vote(self, value: str) -> None:
        d = self.current_decision()
        index = self.vote_view.currentIndex()
        if d is None or not index.isValid():
            dialogs.warn(self, _("Choose a voting member in the list first."))
            return
        aid = self.votes.attendee_id(index.row())
        previous = self.votes.votes.get(aid)
        did = d["id"]
        c = self.svc.committee
        row = index.row()
        self._run(_("Vote on decision {number}").format(number=d["number"]), lambda: c.vote(did, aid, value),
                  lambda _r: c.vote(did, aid, previous) if previous else c.clear_vote(did, aid))
        if row + 1 < self.votes.rowCount():  # next member, as when reading the votes aloud
            self.vote_view.selectRow(row + 1)

    # ------------------------------------------------------------------ minutes

    def latest_minutes(self) -> dict[str, Any] | None:
        mins = self.meeting.get("minutes") or []
        return mins[-1] if mins else None

    def _show_minutes(self) -> None:
        mn = self.latest_minutes()
        status = mn["status"] if mn else ""
        reached = STEPS.index(status) if status in STEPS else -1
        for i, (lab, code) in enumerate(zip(self.step_labels, STEPS, strict=True)):
            done = i <= reached
            lab.setText(("✔ " if done else "○ ") + _(C.MINUTES_STATUSES[code]))
            lab.setStyleSheet("padding: 6px; border-radius: 4px; " + (
                "background: #c8e6c9; font-weight: bold;" if i == reached else
                "background: #e8f5e9;" if done else "background: #eeeeee; color: #777;"))
        if mn is None:
            self.minutes_status.setText(_("No minutes yet: prepare the draft from the meeting record."))
            self.minutes_info.clear()
            self.minutes_text.clear()
        else:
            self.minutes_status.setText(_("Minutes version {v}: {status}").format(
                v=mn["version"], status=_(C.MINUTES_STATUSES[status])))
            lines = []
            if mn.get("finalised_at"):
                lines.append(_("Finalised on {date}; fingerprint {fp}").format(
                    date=format_datetime(mn["finalised_at"], "medium"), fp=(mn.get("fingerprint") or "")[:16]))
            for s in mn["signatures"]:
                lines.append(_("Signed for {commune} by {name} on {date}").format(
                    commune=s["commune_code"], name=s["signer_name"], date=format_date(s["signed_on"], "medium")))
            self.minutes_info.setText("\n".join(lines))
            self.minutes_text.setPlainText(mn.get("content") or "")
        final = mn is not None and mn.get("finalised_at") is not None
        signed = {s["commune_code"] for s in mn["signatures"]} if mn else set()
        self.btn_draft.setEnabled(not final)
        self.btn_final.setEnabled(mn is not None and not final)
        for code, b in self.btn_sign.items():
            b.setEnabled(final and code not in signed)
        self.btn_version.setEnabled(final)
        for b in (self.btn_print, self.btn_print_att, *self.preview_buttons.values()):
            b.setEnabled(self.printing and self.meeting_id is not None)

    def draft_minutes(self) -> None:
        """Write the draft from the meeting record, one undo step: undo gives the draft its text back,
        or removes the version this created; redo puts back the same text (not one written again)."""
        c, mid = self.svc.committee, self.meeting_id
        if mid is None:
            return

        def undo(r: dict[str, Any]) -> Any:
            if r["previous_content"] is None:
                return c.discard_minutes_draft(r["id"])
            return c.edit_minutes(r["id"], r["previous_content"])

        def again(r: dict[str, Any], discarded: Any) -> None:
            if r["previous_content"] is None:
                c.restore_minutes(discarded)
            else:
                c.edit_minutes(r["id"], r["content"])

        try:
            execute_again(self.undo_stack, _("Prepare the draft of the minutes"), do=lambda: c.draft_minutes(mid),
                          undo=undo, again=again, after=lambda: self._show(mid),
                          changed=lambda r: r["previous_content"] != r["content"])
        except CoopError as exc:
            dialogs.warn(self, exc.message())
            self._after()

    # Finalising and signing are acts with legal effect and a fingerprint: confirmed, never undone
    # (a correction is a new version). See docs/decisions.md.
    def finalise(self) -> None:
        mn = self.latest_minutes()
        if mn is None or not dialogs.confirm(self, _("Finalise version {v} of the minutes? Its text is then frozen "
                                                     "and fingerprinted. This cannot be undone: a correction is "
                                                     "made in a new version.").format(v=mn["version"])):
            return
        try:
            self.svc.committee.finalise_minutes(mn["id"])
        except CoopError as exc:
            dialogs.warn(self, exc.message())
        self._after()

    def sign(self, commune_code: str) -> None:
        mn = self.latest_minutes()
        commune = next(c for c in self.communes if c["code"] == commune_code)
        if mn is None or not dialogs.confirm(self, _(
                "Record the signature of {name}, {title}, on these minutes? A signature cannot be undone: once "
                "every partner commune has signed, the minutes are enforceable.").format(
                name=commune["representative_name"], title=commune["representative_title"])):
            return
        try:
            self.svc.committee.sign_minutes(mn["id"], commune_code, place=self.meeting.get("place", ""))
        except CoopError as exc:
            dialogs.warn(self, exc.message())
        self._after()

    def new_version(self) -> None:
        """A new, unsigned version (it unfreezes the meeting), one undo step: undo removes it while
        it is a draft, which freezes the meeting again; redo puts the same version back."""
        c, mid = self.svc.committee, self.meeting_id
        if mid is None or not dialogs.confirm(self, _("Start a new, unsigned version of the minutes?")):
            return
        try:
            execute_creation(self.undo_stack, _("Start a new version of the minutes"),
                             lambda: c.new_minutes_version(mid), c.discard_minutes_draft, c.restore_minutes,
                             after=lambda: self._show(mid))
        except CoopError as exc:
            dialogs.warn(self, exc.message())
            self._after()

    def print_pdf(self, kind: str) -> None:
        if not self.printing or not self.meeting_id:
            return
        name = f"{'pv' if kind == 'minutes' else 'presences'}-copil-{self.meeting.get('number', '')}.pdf"
        path = dialogs.save_file(self, _("Save the PDF"), name, "PDF (*.pdf)")
        if not path:
            return
        from coopdesk.pdf import render

        svc, mid, lang = self.svc, self.meeting_id, "fr"

        def work(progress, cancelled):
            progress(10, _("Building the PDF…"))
            data = render(svc, kind, lang=lang, meeting_id=mid)
            if cancelled():
                return None
            with open(path, "wb") as fh:
                fh.write(data)
            return path

        self.task = Task(work)
        self.task.signals.failed.connect(
            lambda exc: dialogs.warn(self, exc.message() if isinstance(exc, CoopError) else str(exc)))
        self.progress.watch(self.task)
        self.task.start()

    def preview(self, kind: str) -> None:
        """Preview (then print or save) the minutes, attendance sheet or convocation of this meeting."""
        if not self.printing or not self.meeting_id:
            return
        number = self.meeting.get("number", "")
        title = {"minutes": _("Minutes of the steering committee no. {number}").format(number=number),
                 "attendance": _("Attendance sheet") + f" · {number}",
                 "convocation": _("Convocation") + f" · {number}"}[kind]
        name = {"minutes": "pv", "attendance": "presences", "convocation": "convocation"}[kind]
        self.previewer.open(kind, title=title, file_name=f"{name}-copil-{number}.pdf",
                            lang=None if kind == "convocation" else "fr", meeting_id=self.meeting_id)

    # ------------------------------------------------------------------ language

    def retranslate(self) -> None:
        for model in (self.meetings, self.attendees, self.agenda, self.decisions, self.votes):
            model.retranslate()
        for form in (self.form, self.att_form, self.agenda_form, self.decision_form):
            form.retranslate()
        retranslate_export_button(self.export_button)
        self.presence.retranslate()
        self.new_button.setText(_("New meeting"))
        for b in (self.delete_button, self.delete_attendee_button, self.delete_item_button,
                  self.delete_decision_button):
            retranslate_delete_button(b)
        self.save_button.setText(_("Save"))
        for i, title in enumerate((_("Meeting"), _("Attendees"), _("Agenda"), _("Decisions and votes"), _("Minutes"))):
            self.tabs.setTabText(i, title)
        self.presence_button.setText(_("Set presence"))
        self.add_attendee_button.setText(_("Add attendee"))
        self.add_item_button.setText(_("Add agenda item"))
        self.add_decision_button.setText(_("Add decision"))
        for code, b in self.vote_buttons.items():
            b.setText(_(C.VOTES[code]))
        self.btn_draft.setText(_("Prepare the draft"))
        self.btn_final.setText(_("Finalise"))
        for c in self.communes:
            self.btn_sign[c["code"]].setText(_("Sign for {commune}").format(commune=commune_name(c)))
        self.btn_version.setText(_("New version"))
        self.btn_print.setText(_("Minutes as PDF…"))
        self.btn_print_att.setText(_("Attendance sheet as PDF…"))
        tip = "" if self.printing else _("Printing is not available in this installation yet.")
        self.btn_print.setToolTip(tip)
        self.btn_print_att.setToolTip(tip)
        for kind, text in (("minutes", _("Preview and print the minutes…")),
                           ("attendance", _("Preview and print the attendance sheet…")),
                           ("convocation", _("Preview and print the convocation…"))):
            self.preview_buttons[kind].setText(text)
            self.preview_buttons[kind].setToolTip(tip)
        if self.meeting_id:
            self._show_votes()
            self._show_minutes()
