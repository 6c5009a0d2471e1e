"""In Arabic (right to left) a page that reselects its current row after a change keeps it."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QApplication, QLabel, QPushButton

from ui.common import dialogs
from ui.language import apply_language


@pytest.fixture
def arabic():
    app = QApplication.instance()
    apply_language(app, "ar")
    yield
    apply_language(app, "fr")


@pytest.fixture
def committee(qtbot, demo, monkeypatch, arabic):
    from ui.committee.page import CommitteePage

    warnings: list[str] = []
    monkeypatch.setattr(dialogs, "warn", lambda parent, text: warnings.append(text))
    p = CommitteePage(demo, QUndoStack())
    p.warnings = warnings
    qtbot.addWidget(p)
    p.resize(1366, 768)
    p.show()
    qtbot.waitExposed(p)
    return p


def _click_row(qtbot, view, row: int) -> None:
    rect = view.visualRect(view.model().index(row, 0))
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def test_votes_read_aloud_in_arabic_keep_the_decision_and_move_to_the_next_member(qtbot, committee, demo):
    page = committee
    assert page.isRightToLeft()
    qtbot.mouseClick(page.findChild(QPushButton, "newMeeting"), Qt.MouseButton.LeftButton)
    qtbot.keyClicks(page.form.widget("place"), "Salle du conseil, Tiznit")
    qtbot.keyClicks(page.form.widget("held_at"), "2026-11-20 10:00")
    qtbot.mouseClick(page.findChild(QPushButton, "saveMeeting"), Qt.MouseButton.LeftButton)
    assert page.warnings == []
    for name, commune in (("Abdellah GHAZI", "TIZ"), ("Pascal PELAIN", "VLG")):
        page.tabs.setCurrentIndex(1)
        f = page.att_form
        qtbot.keyClicks(f.widget("name"), name)
        f.widget("role").set_code("elected")
        f.widget("commune_id").set_code([c for c in page.communes if c["code"] == commune][0]["id"])
        f.widget("presence").set_code("present")
        qtbot.mouseClick(page.findChild(QPushButton, "addAttendee"), Qt.MouseButton.LeftButton)
    page.tabs.setCurrentIndex(3)
    qtbot.keyClicks(page.decision_form.widget("number"), "2026-09")
    qtbot.keyClicks(page.decision_form.widget("title"), "Jumelage scolaire")
    qtbot.mouseClick(page.findChild(QPushButton, "addDecision"), Qt.MouseButton.LeftButton)
    assert page.warnings == []

    # the new decision is selected, so its voting members are listed
    assert page.current_decision() is not None
    assert page.votes.rowCount() == 2
    _click_row(qtbot, page.vote_view, 0)
    qtbot.mouseClick(page.findChild(QPushButton, "vote_yes"), Qt.MouseButton.LeftButton)
    # after the vote the page reloads: the decision stays chosen and the next member is selected
    assert page.current_decision() is not None
    assert page.vote_view.currentIndex().row() == 1
    qtbot.mouseClick(page.findChild(QPushButton, "vote_yes"), Qt.MouseButton.LeftButton)
    assert page.warnings == []
    assert demo.committee.meeting(page.meeting_id)["decisions"][0]["adopted"] is True
    assert page.findChild(QLabel, "unanimityLabel").text().startswith("✔")


def test_records_view_selects_a_row_in_both_directions(qtbot, demo):
    from PySide6.QtGui import QStandardItemModel

    from ui.common.tables import records_view

    model = QStandardItemModel(3, 2)
    view = records_view(model, "someTable", 1)
    qtbot.addWidget(view)
    view.resize(400, 200)
    view.show()
    for direction in (Qt.LayoutDirection.RightToLeft, Qt.LayoutDirection.LeftToRight):
        view.setLayoutDirection(direction)
        view.selectRow(2)
        assert [i.row() for i in view.selectionModel().selectedRows()] == [2]
        assert view.currentIndex().row() == 2
        view.selectRow(0)
        assert [i.row() for i in view.selectionModel().selectedRows()] == [0]


def test_a_day_clicked_in_the_arabic_calendar_opens_its_event(qtbot, demo, arabic):
    from PySide6.QtCore import QDate
    from PySide6.QtWidgets import QTableView

    from ui.events.page import EventsPage

    page = EventsPage(demo, QUndoStack())
    qtbot.addWidget(page)
    page.resize(1366, 768)
    page.show()
    qtbot.waitExposed(page)
    first = page.event_id  # the first event of the list is open; click the day of another one
    event = next(e for e in demo.events.events() if e["title"].startswith("Olympiades") and e["id"] != first)
    start = event["start"]
    page.calendar.setCurrentPage(start.year, start.month)
    grid = page.calendar.findChild(QTableView)
    model = grid.model()
    cells = [model.index(r, c) for r in range(model.rowCount()) for c in range(model.columnCount())]
    day = next(i for i in cells if str(i.data()) == str(start.day) and 0 < i.row())
    with qtbot.waitSignal(page.calendar.clicked) as clicked:
        qtbot.mouseClick(grid.viewport(), Qt.MouseButton.LeftButton, pos=grid.visualRect(day).center())
    assert clicked.args[0] == QDate(start.year, start.month, start.day)
    assert page.event_id == event["id"]
    assert page.list_model.row_dict(page.table.currentIndex().row())["id"] == event["id"]


def test_a_bar_of_the_arabic_timeline_selects_its_action_in_the_list(qtbot, demo, arabic):
    from ui.plans.page import PlansPage

    page = PlansPage(demo, QUndoStack())
    qtbot.addWidget(page)
    page.resize(1366, 768)
    page.show()
    qtbot.waitExposed(page)
    page.load_plans()
    timeline = page.timeline
    row = next(r for r, a in enumerate(timeline.actions) if a["code"] == "2.1.1")
    qtbot.mouseClick(timeline, Qt.MouseButton.LeftButton, pos=timeline.bar_rect(row).center().toPoint())
    action_id = timeline.actions[row]["id"]
    assert page.editor.action_id == action_id
    assert page.model.row_dict(page.table.currentIndex().row())["id"] == action_id
    assert [i.row() for i in page.table.selectionModel().selectedRows()] == [page.table.currentIndex().row()]
