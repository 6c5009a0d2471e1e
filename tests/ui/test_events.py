"""Events page: attendance ticked from the paper sheet, teams with the mixed rule, the event form."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent, QUndoStack
from PySide6.QtWidgets import QApplication, QLabel, QPushButton

from ui.common import dialogs


def type_text(qtbot, widget, text: str) -> None:
    """Type like a keyboard; QTest.keyClicks aborts on letters outside ASCII, sent here as key events."""
    widget.setFocus()
    for ch in text:
        if ord(ch) < 128:
            qtbot.keyClick(widget, ch)
        else:
            for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
                QApplication.sendEvent(widget, QKeyEvent(kind, 0, Qt.KeyboardModifier.NoModifier, ch))


@pytest.fixture
def page(qtbot, demo, monkeypatch):
    from ui.events.page import EventsPage

    warnings: list[str] = []
    monkeypatch.setattr(dialogs, "warn", lambda parent, text: warnings.append(text))
    stack = QUndoStack()
    p = EventsPage(demo, stack)
    p.stack = stack
    p.warnings = warnings
    qtbot.addWidget(p)
    p.resize(1366, 768)
    p.show()
    return p


def _open(page, event_id: str) -> None:
    row = [r for r, e in enumerate(page.list_model.rows) if e["id"] == event_id][0]
    page.table.selectRow(row)
    assert page.event_id == event_id


def _statuses(demo, event_id):
    return {p["person_id"]: p["status"] for p in demo.events.participants(event_id)}


def test_mark_attendance_in_bulk_then_undo(qtbot, qtmodeltester, page, demo):
    sport = demo.demo_ids["sport"]
    _open(page, sport)
    qtmodeltester.check(page.attendance)
    before = _statuses(demo, sport)
    assert list(before.values()).count("absent") > 0
    page.tabs.setCurrentIndex(1)
    apply = page.findChild(QPushButton, "applyAttendance")
    assert not apply.isEnabled()  # nothing changed yet
    # tick every absent person on the sheet, as a person clicks the check boxes
    view = page.att_view
    for r in range(page.attendance.rowCount()):
        if page.attendance.index(r, 0).data(Qt.ItemDataRole.CheckStateRole) == Qt.CheckState.Unchecked:
            rect = view.visualRect(page.attendance.index(r, 0))
            view.scrollTo(page.attendance.index(r, 0))
            rect = view.visualRect(page.attendance.index(r, 0))
            qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton,
                             pos=rect.center().__class__(rect.left() + 8, rect.center().y()))
    absent = [pid for pid, s in before.items() if s == "absent"]
    assert len(page.attendance.statuses_to_apply()) == len(absent)
    assert f"{len(absent)}" in page.findChild(QLabel, "attendanceSummary").text()
    qtbot.mouseClick(apply, Qt.MouseButton.LeftButton)
    after = _statuses(demo, sport)
    assert set(after.values()) == {"attended"}
    col = [page.attendance.index(r, 3).data() for r in range(page.attendance.rowCount())]
    assert set(col) == {"Présent"} or set(col) == {"A participé"} or len(set(col)) == 1
    assert page.stack.count() == 1  # one sheet = one undo step
    page.stack.undo()
    assert _statuses(demo, sport) == before
    page.stack.redo()
    assert set(_statuses(demo, sport).values()) == {"attended"}


def test_team_mixed_rule_flips_when_a_villeneuve_resident_is_added(qtbot, qtmodeltester, page, demo):
    oly = demo.demo_ids["olympiad"]
    tiz, vlg = demo.demo_ids["people_tiz"][40], demo.demo_ids["people_vlg"][20]
    _open(page, oly)
    page.tabs.setCurrentIndex(1)
    for pid in (tiz, vlg):  # register both through the search box
        person = demo.people.person(pid)
        page.reg_search.clear()
        type_text(qtbot, page.reg_search, person["last_name"] + " " + person["first_name"])
        idx = page.reg_combo.findData(pid)
        assert idx >= 0
        page.reg_combo.setCurrentIndex(idx)
        qtbot.mouseClick(page.findChild(QPushButton, "registerButton"), Qt.MouseButton.LeftButton)
    assert {tiz, vlg} <= set(_statuses(demo, oly))
    qtmodeltester.check(page.attendance)

    page.tabs.setCurrentIndex(2)
    page.team_combo.setCurrentIndex(0)  # "New team"
    type_text(qtbot, page.team_name, "Équipe Tafraout")
    cands = page.candidates
    ids = [cands.item(r).data(Qt.ItemDataRole.UserRole) for r in range(cands.rowCount())]
    assert set(ids) == {tiz, vlg}
    label = page.findChild(QLabel, "mixedLabel")

    def add(pid):
        r = [r for r in range(cands.rowCount()) if cands.item(r).data(Qt.ItemDataRole.UserRole) == pid][0]
        page.candidate_view.setCurrentIndex(cands.index(r, 0))
        qtbot.mouseClick(page.findChild(QPushButton, "addMember"), Qt.MouseButton.LeftButton)

    add(tiz)
    assert label.text().startswith("✖") and not page.team_mixed
    qtbot.mouseClick(page.findChild(QPushButton, "saveTeam"), Qt.MouseButton.LeftButton)
    assert page.warnings and "Tafraout" in page.warnings[-1]  # the service refuses a non-mixed team
    add(vlg)
    assert label.text().startswith("✔") and page.team_mixed
    qtbot.mouseClick(page.findChild(QPushButton, "saveTeam"), Qt.MouseButton.LeftButton)
    teams = {t["name"]: t for t in demo.events.event(oly)["teams"]}
    assert teams["Équipe Tafraout"]["mixed"]
    page.stack.undo()
    assert "Équipe Tafraout" not in {t["name"] for t in demo.events.event(oly)["teams"]}


def test_calendar_highlights_event_days_and_form_refuses_end_before_start(qtbot, page, demo):
    fmt = page.calendar.dateTextFormat()
    days = {d.toString("yyyy-MM-dd") for d in fmt}
    assert {"2026-03-08", "2026-07-04", "2026-07-05"} <= days
    page.new()
    type_text(qtbot, page.form.widget("title"), "Tournoi de football féminin")
    qtbot.keyClicks(page.form.widget("start").edit, "2026-09-12")
    qtbot.keyClicks(page.form.widget("end").edit, "2026-09-10")
    qtbot.mouseClick(page.findChild(QPushButton, "saveEvent"), Qt.MouseButton.LeftButton)
    assert page.findChild(QLabel, "error_end").isVisible()
    page.form.widget("end").edit.clear()
    page.form.widget("type").set_code("sport")
    page.form.widget("anonymous_f").setValue(35)
    qtbot.mouseClick(page.findChild(QPushButton, "saveEvent"), Qt.MouseButton.LeftButton)
    created = [e for e in demo.events.events() if e["title"] == "Tournoi de football féminin"]
    assert created and created[0]["anonymous_f"] == 35
    page.stack.undo()
    assert not [e for e in demo.events.events() if e["title"] == "Tournoi de football féminin"]


def test_anonymous_counts_typed_in_the_age_band_grid_then_undo(qtbot, page, demo):
    from PySide6.QtWidgets import QSpinBox

    page.new()
    type_text(qtbot, page.form.widget("title"), "Course populaire")
    qtbot.keyClicks(page.form.widget("start").edit, "2026-10-04")
    page.form.widget("commune_id").setCurrentIndex(1)

    def type_count(sex: str, band: str, text: str) -> None:
        spin = page.findChild(QSpinBox, f"headcount_{sex}_{band}")
        spin.selectAll()
        qtbot.keyClicks(spin, text)

    type_count("F", "0-14", "12")
    type_count("F", "25-59", "7")
    type_count("M", "60+", "3")
    # the totals by sex follow the grid and are not typed
    assert page.form.widget("anonymous_f").value() == 19 and not page.form.widget("anonymous_f").isEnabled()
    assert page.form.widget("anonymous_m").value() == 3
    qtbot.mouseClick(page.findChild(QPushButton, "saveEvent"), Qt.MouseButton.LeftButton)
    assert not page.warnings
    ev = [e for e in demo.events.events() if e["title"] == "Course populaire"][0]
    assert (ev["anonymous_f"], ev["anonymous_m"]) == (19, 3)
    assert demo.events.headcounts(ev["id"]) == {("F", "0-14"): 12, ("F", "25-59"): 7, ("M", "60+"): 3}

    # an edit of one band, then undo restores the earlier counts
    assert page.event_id == ev["id"]
    type_count("F", "0-14", "2")
    qtbot.mouseClick(page.findChild(QPushButton, "saveEvent"), Qt.MouseButton.LeftButton)
    assert demo.events.event(ev["id"])["anonymous_f"] == 9
    page.stack.undo()
    assert demo.events.headcounts(ev["id"])[("F", "0-14")] == 12
    assert demo.events.event(ev["id"])["anonymous_f"] == 19
    assert page.findChild(QSpinBox, "headcount_F_0-14").value() == 12


def test_an_empty_team_says_how_to_build_it_then_the_rule_as_members_come(qtbot, page, demo):
    race = next(e for e in demo.events.events() if e["title"] == "Course féminine de Tiznit")
    _open(page, race["id"])
    page.tabs.setCurrentIndex(2)
    page.team_combo.setCurrentIndex(0)  # "New team"
    label = page.findChild(QLabel, "mixedLabel")
    empty = label.text()
    assert empty.startswith("ℹ") and "—" not in empty
    cands = page.candidates
    tiz = next(r for r in range(cands.rowCount()) if "(TIZ)" in cands.item(r).text())
    page.candidate_view.setCurrentIndex(cands.index(tiz, 0))
    qtbot.mouseClick(page.findChild(QPushButton, "addMember"), Qt.MouseButton.LeftButton)
    assert label.text() != empty and "Tiznit" in label.text()  # not mixed: only Tiznit
    member = page.members.index(0, 0)
    page.member_view.setCurrentIndex(member)
    qtbot.mouseClick(page.findChild(QPushButton, "removeMember"), Qt.MouseButton.LeftButton)
    assert label.text() == empty


def test_a_sheet_of_hundreds_is_marked_and_undone_behind_a_progress_dialog(qtbot, page, demo, monkeypatch):
    """Hundreds of ticks are written in a worker behind the modal dialog, the window painting meanwhile;
    a sheet of a few is written at once (the test above)."""
    from ui.common import commands

    event = demo.events.create_event(title="Cross des écoles", start="2026-06-14")
    demo.people.bulk_create_for_benchmark(250)
    demo.events.register(event["id"], [p["id"] for p in demo.people.search(limit=250)])
    shown: list[str] = []
    real = commands.run_modal
    monkeypatch.setattr(commands, "run_modal", lambda fn, title, step="", parent=None: (
        shown.append(step), real(fn, title, step, parent))[1])
    page.refresh()
    _open(page, event["id"])
    page.tabs.setCurrentIndex(1)
    for r in range(page.attendance.rowCount()):
        page.attendance.setData(page.attendance.index(r, 0), Qt.CheckState.Checked, Qt.ItemDataRole.CheckStateRole)
    assert len(page.attendance.statuses_to_apply()) == 250
    qtbot.mouseClick(page.findChild(QPushButton, "applyAttendance"), Qt.MouseButton.LeftButton)
    assert set(_statuses(demo, event["id"]).values()) == {"attended"}
    assert len(shown) == 1 and "250" in shown[0]
    page.stack.undo()
    assert "attended" not in set(_statuses(demo, event["id"]).values())
    assert len(shown) == 2
