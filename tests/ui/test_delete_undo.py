"""Delete with undo, as a person does it in the main window: select a row, press Delete or click
the Delete button, confirm, then Ctrl+Z brings the record back with everything it had. Refusals of
the convention's rules are shown translated; a viewer sees no Delete button; an import is one undo step."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QPushButton, QWidget

from coopdesk.errors import CoopError
from coopdesk.i18n import _, ngettext
from coopdesk.services.base import Actor
from tests.ui.person import click as _click
from tests.ui.person import go_to as _go
from ui.common import dialogs


@pytest.fixture
def seen(monkeypatch):
    """The message boxes a person would have seen; every confirmation answered Yes."""
    out: dict[str, list[str]] = {"warn": [], "info": [], "confirm": []}
    monkeypatch.setattr(dialogs, "warn", lambda parent, text: out["warn"].append(text))
    monkeypatch.setattr(dialogs, "info", lambda parent, text: out["info"].append(text))
    monkeypatch.setattr(dialogs, "confirm", lambda parent, text: out["confirm"].append(text) or True)
    return out


def _keys(qtbot, widget: QWidget, standard: QKeySequence.StandardKey) -> None:
    """Press the platform's keys for a standard action (Delete, Undo, Redo) on ``widget``."""
    combo = QKeySequence(standard)[0]
    qtbot.keyClick(widget, combo.key(), combo.keyboardModifiers())


def _select_row(qtbot, view, row: int) -> None:
    view.scrollTo(view.model().index(row, 0))
    rect = view.visualRect(view.model().index(row, 0))
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    view.setFocus()


def _listed(people_page) -> set[str]:
    """The ids the beneficiaries list shows (every page of it)."""
    return {people_page.model.id_at(r) for r in range(people_page.model.rowCount())}


def _row_of(model, row_id: str) -> int:
    return next(r for r in range(model.rowCount()) if model.row_dict(r)["id"] == row_id)


def test_delete_a_beneficiary_then_undo_brings_back_enrolments_and_attendance(window, qtbot, demo, seen):
    page = _go(window, qtbot, "people")
    row = next(r for r in range(page.model.rowCount()) if demo.people.person(page.model.id_at(r))["enrolments"])
    pid = page.model.id_at(row)
    before = demo.people.person(pid)
    events = demo.people.participations(pid)
    _select_row(qtbot, page.table, row)
    assert page.panel.person_id == pid
    count = demo.people.count()

    _keys(qtbot, page.table, QKeySequence.StandardKey.Delete)
    assert seen["confirm"] and before["last_name"] in seen["confirm"][0]
    with pytest.raises(CoopError):
        demo.people.person(pid)
    assert demo.people.count() == count - 1
    assert pid not in _listed(page) and page.panel.person_id is None
    assert window.act_undo.text().endswith(_("Delete beneficiary {name}").format(
        name=f"{before['first_name']} {before['last_name']}"))

    _keys(qtbot, page.table, QKeySequence.StandardKey.Undo)
    assert demo.people.person(pid) == before
    assert demo.people.participations(pid) == events
    assert page.panel.person_id == pid and pid in _listed(page)
    assert page.panel.enrolments.rowCount() == len(before["enrolments"])

    _keys(qtbot, page.table, QKeySequence.StandardKey.Redo)  # and deleted again, the same record
    assert demo.people.count() == count - 1
    assert seen["warn"] == []


def test_remove_an_enrolment_then_undo(window, qtbot, demo, seen):
    page = _go(window, qtbot, "people")
    pid = next(p["id"] for p in demo.people.search(limit=200) if demo.people.person(p["id"])["enrolments"])
    before = demo.people.person(pid)
    page.panel.load(pid)
    page.panel.setCurrentIndex(1)
    tree = page.panel.enrol_view
    tree.setCurrentIndex(page.panel.enrolments.index(0, 0))
    tree.setFocus()
    _keys(qtbot, tree, QKeySequence.StandardKey.Delete)
    assert len(demo.people.person(pid)["enrolments"]) == len(before["enrolments"]) - 1
    assert page.panel.enrolments.rowCount() == len(before["enrolments"]) - 1
    window.act_undo.trigger()  # Edit › Undo
    assert demo.people.person(pid) == before


def test_delete_an_event_then_undo(window, qtbot, demo, seen):
    page = _go(window, qtbot, "events")
    olympiad = demo.demo_ids["olympiad"]
    before = demo.events.event(olympiad)
    _select_row(qtbot, page.table, _row_of(page.list_model, olympiad))
    assert page.event_id == olympiad
    _click(qtbot, page, "deleteEvent")
    assert before["title"] in seen["confirm"][0]
    assert olympiad not in [e["id"] for e in demo.events.events()]
    assert page.event_id is None and olympiad not in [e["id"] for e in page.list_model.rows]

    _keys(qtbot, page.table, QKeySequence.StandardKey.Undo)
    assert demo.events.event(olympiad) == before  # participants, attendance and the four teams
    assert page.event_id == olympiad and page.form.widget("title").text() == before["title"]
    assert page.table.currentIndex().row() == _row_of(page.list_model, olympiad)
    assert seen["warn"] == []


def test_remove_a_participant_then_undo_puts_them_back_in_their_team(window, qtbot, demo, seen):
    page = _go(window, qtbot, "events")
    olympiad = demo.demo_ids["olympiad"]
    _select_row(qtbot, page.table, _row_of(page.list_model, olympiad))
    before = demo.events.event(olympiad)
    page.tabs.setCurrentIndex(1)
    page.att_view.selectRow(0)
    page.att_view.setFocus()
    gone = page.attendance.rows[0]["person_id"]
    _keys(qtbot, page.att_view, QKeySequence.StandardKey.Delete)
    now = demo.events.event(olympiad)
    assert gone not in {p["person_id"] for p in now["participants"]}
    assert gone not in {m["person_id"] for t in now["teams"] for m in t["members"]}
    window.act_undo.trigger()
    assert demo.events.event(olympiad) == before


def test_a_meeting_with_final_minutes_is_not_deleted(window, qtbot, demo, seen):
    page = _go(window, qtbot, "committee")
    signed = demo.demo_ids["meetings"][0]
    number = demo.committee.meeting(signed)["number"]
    _select_row(qtbot, page.meeting_view, _row_of(page.meetings, signed))
    stack_before = window.undo_stack.count()
    _keys(qtbot, page.meeting_view, QKeySequence.StandardKey.Delete)
    assert seen["warn"] == [_("Meeting no. {number} has final minutes: it cannot be deleted.").format(number=number)]
    assert demo.committee.meeting(signed)["id"] == signed
    assert window.undo_stack.count() == stack_before  # nothing to undo


def test_a_draft_meeting_is_deleted_whole_and_undo_brings_it_back(window, qtbot, demo, seen):
    page = _go(window, qtbot, "committee")
    from coopdesk.domain.reference import commune_id

    m = demo.committee.create_meeting(host_commune_id=commune_id("VLG"), place="Villeneuve", held_at="2026-10-01 10:00")
    a = demo.committee.add_attendee(meeting_id=m["id"], name="Pelain", role="elected", commune_id=commune_id("VLG"))
    dec = demo.committee.add_decision(meeting_id=m["id"], number="9", title="Jumelage")
    demo.committee.vote(dec["id"], a["id"], "yes")
    page.refresh()
    _select_row(qtbot, page.meeting_view, _row_of(page.meetings, m["id"]))
    before = demo.committee.meeting(m["id"])
    page.tabs.setCurrentIndex(0)
    _click(qtbot, page, "deleteMeeting")
    assert m["id"] not in [x["id"] for x in demo.committee.meetings()]
    window.act_undo.trigger()
    assert demo.committee.meeting(m["id"]) == before
    assert page.meeting_id == m["id"]


def test_a_viewer_sees_no_delete_button_and_the_service_refuses(qtbot, demo, seen, settings):
    from PySide6.QtWidgets import QApplication

    from ui.language import apply_language
    from ui.main_window import MainWindow

    apply_language(QApplication.instance(), "fr")
    viewer = demo.as_user(Actor("lina", "viewer", False))
    w = MainWindow(viewer, settings=settings)
    qtbot.addWidget(w)
    w.show()
    for key in ("people", "events", "committee", "plans", "funding", "convention"):
        page = _go(w, qtbot, key)
        buttons = [b for b in page.findChildren(QPushButton) if b.objectName().startswith(("delete", "remove"))]
        assert buttons, key
        assert not any(b.isVisible() or b.isEnabled() for b in buttons), key
    page = w.pages["people"]
    pid = demo.people.search(limit=1)[0]["id"]
    page.panel.load(pid)
    page.table.setFocus()
    _keys(qtbot, page.table, QKeySequence.StandardKey.Delete)  # the key does nothing either
    assert seen["confirm"] == [] and demo.people.person(pid)["id"] == pid
    with pytest.raises(CoopError) as e:
        viewer.people.delete_person(pid)
    assert e.value.code == "forbidden" and e.value.message() == _("Your role ({role}) does not allow this action.").format(
        role="viewer")


def test_undo_of_an_import_removes_its_persons_and_redo_brings_them_back(window, qtbot, demo, seen, tmp_path,
                                                                          monkeypatch):
    page = _go(window, qtbot, "people")
    path = tmp_path / "beneficiaires.csv"
    path.write_text("Nom;Prénom;Sexe;Commune\nZerhouniya;Yasmine;F;TIZ\nQuentinet;Karim;M;VLG\n", encoding="utf-8")
    monkeypatch.setattr(dialogs, "open_file", lambda parent, title, filters="": str(path))
    before = demo.people.count()
    _click(qtbot, page, "importPeople")
    wizard = page.tools.dialog
    _click(qtbot, wizard, "importChoose")
    _click(qtbot, wizard, "importNext")
    qtbot.waitUntil(lambda: wizard.steps.currentIndex() == 1, timeout=5000)
    _click(qtbot, wizard, "importNext")
    qtbot.waitUntil(lambda: wizard.steps.currentIndex() == 2, timeout=10000)
    with qtbot.waitSignal(wizard.imported, timeout=10000):
        _click(qtbot, wizard, "importApply")
    created = {p["id"] for name in ("Zerhouniya", "Quentinet") for p in demo.people.search(name)}
    assert len(created) == 2 and demo.people.count() == before + 2
    assert page.model.rowCount() == before + 2
    assert window.undo_stack.undoText() == ngettext("Import {n} record from a spreadsheet",
                                                   "Import {n} records from a spreadsheet", 2).format(n=2)
    _click(qtbot, wizard, "importClose")
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)

    _keys(qtbot, page.table, QKeySequence.StandardKey.Undo)
    assert demo.people.count() == before and demo.people.search("Zerhouniya") == []
    assert page.model.rowCount() == before
    _keys(qtbot, page.table, QKeySequence.StandardKey.Redo)
    assert {p["id"] for name in ("Zerhouniya", "Quentinet") for p in demo.people.search(name)} == created
    assert seen["warn"] == []


def test_adding_an_amendment_is_undone_and_redone_as_the_same_amendment(window, qtbot, demo, seen, monkeypatch):
    from PySide6.QtWidgets import QInputDialog

    import ui.convention.page as convention_page

    adopted = next(d["id"] for m in demo.committee.meetings() for d in demo.committee.meeting(m["id"])["decisions"]
                   if d["adopted"])
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("Avenant : jumelage des écoles", True))
    monkeypatch.setattr(convention_page, "choose_decision", lambda parent, services, title: adopted)
    page = _go(window, qtbot, "convention")
    before = demo.convention.amendments()
    _click(qtbot, page, "addAmendment")
    added = [a for a in demo.convention.amendments() if a not in before]
    assert [a["title"] for a in added] == ["Avenant : jumelage des écoles"]
    assert page.amendments.rowCount() == len(before) + 1
    _keys(qtbot, page.amendment_view, QKeySequence.StandardKey.Undo)
    assert demo.convention.amendments() == before and page.amendments.rowCount() == len(before)
    _keys(qtbot, page.amendment_view, QKeySequence.StandardKey.Redo)
    assert [a for a in demo.convention.amendments() if a not in before] == added  # same id, same number
    assert seen["warn"] == []


def test_undone_creation_redone_is_the_same_record(window, qtbot, demo, seen):
    """A person created, undone, redone: the same id, so a later step that names it still applies."""
    page = _go(window, qtbot, "people")
    _click(qtbot, page, "newPerson")
    qtbot.keyClicks(page.panel.form.widget("last_name"), "Tazirt")
    qtbot.keyClicks(page.panel.form.widget("first_name"), "Itto")
    page.panel.form.widget("sex").set_code("F")
    _click(qtbot, page.panel, "savePerson")
    pid = page.panel.person_id
    assert pid and demo.people.person(pid)["last_name"] == "Tazirt"
    window.act_undo.trigger()
    with pytest.raises(CoopError):
        demo.people.person(pid)
    window.act_redo.trigger()
    assert demo.people.person(pid)["first_name"] == "Itto"
