"""The beneficiaries page: a paged table with search as you type and filters, and the person panel."""

from __future__ import annotations

import time
from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from coopdesk.domain import constants as C
from coopdesk.i18n import N_, _, format_number, ngettext
from ui.common import ChoiceCombo, commune_name, hide_for_viewer
from ui.common.deleting import delete_button, delete_key, delete_with_undo, retranslate_delete_button
from ui.common.shortcuts import page_shortcuts
from ui.common.tables import FitHeader, RecordsView
from ui.people.model import PeopleModel
from ui.people.person_panel import PersonPanel, person_label
from ui.people.tools import PeopleTools

DISABILITY_FILTER = {"yes": N_("With a disability"), "no": N_("Without a disability")}


class PeoplePage(QWidget):
    SEARCH_DELAY_MS = 150  # typing pauses shorter than this do not query the database

    def __init__(self, services: Any, undo_stack, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.svc = services
        self.undo_stack = undo_stack
        self.last_query_ms = 0.0

        self.search = QLineEdit()
        self.search.setObjectName("peopleSearch")
        self.search.setClearButtonEnabled(True)
        self.commune = ChoiceCombo([(c["code"], commune_name(c)) for c in services.setup.communes()],
                                   empty=N_("All communes"), translate=False)
        self.commune.setObjectName("filterCommune")
        self.sex = ChoiceCombo(C.SEXES, empty=N_("Women and men"))
        self.sex.setObjectName("filterSex")
        self.action = ChoiceCombo([], empty=N_("All actions"), translate=False)
        self.action.setObjectName("filterAction")
        self.disability = ChoiceCombo(DISABILITY_FILTER, empty=N_("With or without a disability"))
        self.disability.setObjectName("filterDisability")
        self.count_label = QLabel()
        self.count_label.setObjectName("peopleCount")
        self.new_button = QPushButton()
        self.new_button.setObjectName("newPerson")
        self.delete_button = delete_button(services, "deletePerson")
        self.delete_button.clicked.connect(self.delete_person)

        self.model = PeopleModel(services.people, self)
        self.table = RecordsView()  # selectRow works right to left too
        # columns fit the list's width: the names give width when it is short, titles stay whole
        self.table.setHorizontalHeader(FitHeader(0, elastic=(1, 0), parent=self.table))
        self.table.setObjectName("peopleTable")
        self.table.setModel(self.model)
        self.table.setSortingEnabled(True)
        self.table.horizontalHeader().setSortIndicator(0, Qt.SortOrder.AscendingOrder)
        self.table.verticalHeader().hide()
        # Rows all have the same height: the view then never asks every row for its size.
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)

        self.panel = PersonPanel(services, undo_stack)
        self.panel.changed.connect(self._person_changed)
        self.panel.opened.connect(lambda _pid: self.update_delete_button())
        self.tools = PeopleTools(services, self)  # Import…, Export…, Find duplicates, Anonymise…

        filters = QHBoxLayout()
        for w in (self.commune, self.sex, self.action, self.disability):
            filters.addWidget(w)
        top = QHBoxLayout()
        top.addWidget(self.search, 1)
        top.addWidget(self.new_button)
        top.addWidget(self.delete_button)
        left = QWidget()
        lay = QVBoxLayout(left)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addLayout(top)
        lay.addWidget(self.tools)
        lay.addLayout(filters)
        lay.addWidget(self.table, 1)
        lay.addWidget(self.count_label)
        split = QSplitter()
        split.addWidget(left)
        split.addWidget(self.panel)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        split.setSizes([700, 420])  # the list keeps its names readable at 1366 px, also in Arabic
        outer = QVBoxLayout(self)
        outer.addWidget(split)

        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(self.SEARCH_DELAY_MS)
        self.timer.timeout.connect(self.run_query)
        self.search.textChanged.connect(lambda _t: self.timer.start())
        for combo in (self.commune, self.sex, self.action, self.disability):
            combo.currentIndexChanged.connect(lambda _i: self.run_query())
        self.table.selectionModel().currentRowChanged.connect(self._row_changed)
        self.new_button.clicked.connect(self.panel.new)

        acts = page_shortcuts(self, New=self.panel.new, Save=self.panel.save,
                              Find=lambda: (self.search.setFocus(), self.search.selectAll()))
        self.act_new, self.act_save, self.act_find = acts["New"], acts["Save"], acts["Find"]
        delete_key(services, self.table, self.delete_person)
        hide_for_viewer(services, self.new_button)
        QWidget.setTabOrder(self.search, self.new_button)
        QWidget.setTabOrder(self.new_button, self.delete_button)
        # then the tool row (built after the table) before the filters: Tab goes down the page as it reads
        tools = self.tools
        for first, second in ((self.delete_button, tools.import_button), (tools.import_button, tools.export_button),
                              (tools.export_button, tools.duplicates_button),
                              (tools.duplicates_button, tools.anonymise_button),
                              (tools.anonymise_button, tools.progress.cancel_button),
                              (tools.progress.cancel_button, self.commune)):
            QWidget.setTabOrder(first, second)
        QWidget.setTabOrder(self.commune, self.sex)
        QWidget.setTabOrder(self.sex, self.action)
        QWidget.setTabOrder(self.action, self.disability)
        QWidget.setTabOrder(self.disability, self.table)

        self._fill_actions()
        self.retranslate()
        self.run_query()
        self.update_delete_button()

    def _fill_actions(self) -> None:
        self.action.set_choices([(a["id"], f"{a['plan_year']} · {a['code']}") for a in self.panel.actions])

    # ------------------------------------------------------------------ list

    def filters(self) -> dict[str, Any]:
        dis = self.disability.code()
        return {"commune": self.commune.code() or None, "sex": self.sex.code() or None,
                "action_id": self.action.code() or None,
                "disability": None if not dis else dis == "yes"}

    def run_query(self) -> None:
        self.timer.stop()
        started = time.perf_counter()
        self.model.set_query(self.search.text(), **self.filters())
        self.last_query_ms = (time.perf_counter() - started) * 1000
        self._show_count()
        if self.panel.person_id:
            row = self.model.row_of(self.panel.person_id)
            if row >= 0:
                self.table.selectionModel().blockSignals(True)
                self.table.selectRow(row)
                self.table.selectionModel().blockSignals(False)

    def _show_count(self) -> None:
        n = self.model.rowCount()
        self.count_label.setText(ngettext("{n} beneficiary", "{n} beneficiaries", n).format(n=format_number(n)))

    def _row_changed(self, current, _previous) -> None:
        if current.isValid():
            self.panel.load(self.model.id_at(current.row()))

    def _person_changed(self, person_id: str) -> None:
        self.run_query()
        if person_id:
            self.panel.load(person_id)

    def update_delete_button(self) -> None:  # the panel says which person it shows
        self.delete_button.setEnabled(bool(self.panel.person_id) and self.svc.actor.can_edit)

    def delete_person(self) -> None:
        """Delete the open beneficiary (confirmed); undo puts them back with everything they had."""
        pid = self.panel.person_id
        if not pid or not self.svc.actor.can_edit:
            return
        name = person_label(self.panel.record)
        people = self.svc.people

        def after() -> None:  # after the delete, its undo and its redo: show what exists
            self.panel.load(pid)  # an empty form when it is gone
            self.run_query()

        delete_with_undo(self, self.undo_stack,
                         _("Delete the beneficiary {name} with their enrolments, milestones, attendance, "
                           "consents and attached files?").format(name=name),
                         _("Delete beneficiary {name}").format(name=name),
                         do=lambda: people.delete_person(pid), undo=people.restore_person, after=after)

    # ------------------------------------------------------------------ main-window hooks

    def screenshot_states(self):
        """(name, prepare) pairs for the screenshots command: a Tiznit beneficiary with a name in
        Arabic script and enrolments (the most enrolments among the first ones), form and enrolments."""
        def pick(tab: int):
            def prepare() -> None:
                people = self.svc.people
                candidates = [p for p in people.search(commune="TIZ", limit=200) if p.get("last_name_ar")]
                best = None
                for p in candidates[:60]:
                    n = len(people.person(p["id"])["enrolments"])
                    if best is None or n > best[0]:
                        best = (n, p["id"])
                if best is not None:
                    self.panel.load(best[1])
                    self.run_query()  # selects its row when it is on the first page
                    self.table.scrollTo(self.table.currentIndex())
                self.panel.setCurrentIndex(tab)
            return prepare

        return [("people", pick(0)), ("people-enrolments", pick(1))]

    def open_record(self, entity: str, row_id: str) -> None:
        if entity == "person" and row_id:
            self.panel.load(row_id)

    def reload_later(self) -> None:
        """Records changed elsewhere (a restored backup, an applied sync bundle; the main window
        calls it): the list, the actions to filter by and the open beneficiary are read again, at
        once (the list is paged), unless the form holds typing not saved yet."""
        self.panel.reload_actions()
        self._fill_actions()
        pid = self.panel.person_id
        if pid and not self.panel.form.is_modified():
            self.panel.load(pid)  # an empty form when the record is not in the data any more
        self.run_query()

    def retranslate(self) -> None:
        self.search.setPlaceholderText(_("Search by name, in Latin or Arabic script… (Ctrl+F)"))
        self.new_button.setText(_("New beneficiary"))
        retranslate_delete_button(self.delete_button)
        for combo in (self.commune, self.sex, self.action, self.disability):
            combo.retranslate()
        self.model.retranslate()
        self.panel.retranslate()
        self.tools.retranslate()
        self._show_count()
