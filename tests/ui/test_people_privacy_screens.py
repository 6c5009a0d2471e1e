"""Duplicates before saving and the merge screen, the health permission in the form, the viewer's
buttons, anonymisation, export with the list's filters, and the audit trail viewer."""

from __future__ import annotations

import csv

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QLabel, QLineEdit, QPlainTextEdit, QPushButton, QWidget

from coopdesk.errors import CoopError
from coopdesk.i18n import _
from coopdesk.services.base import Actor
from tests.ui.person import click as _click
from tests.ui.test_people import type_text
from ui.common import dialogs


@pytest.fixture
def seen(monkeypatch):
    out: dict[str, list[str]] = {"warn": [], "info": [], "confirm": []}
    monkeypatch.setattr(dialogs, "warn", lambda parent, text: out["warn"].append(text))
    monkeypatch.setattr(dialogs, "info", lambda parent, text: out["info"].append(text))

    def confirm(parent, text):
        out["confirm"].append(text)
        return True

    monkeypatch.setattr(dialogs, "confirm", confirm)
    return out


def _page(qtbot, services):
    from ui.people.page import PeoplePage

    p = PeoplePage(services, QUndoStack())
    qtbot.addWidget(p)
    p.resize(1366, 768)
    p.show()
    return p


def _type(qtbot, page, field: str, text: str) -> None:
    w = page.panel.form.widget(field)
    target = w.edit if hasattr(w, "edit") else w
    target.clear()
    type_text(qtbot, target, text)


def _fatima(demo, **more):
    return demo.people.create_person(first_name="Fatima Zahra", last_name="Ait Ali", sex="F", commune="TIZ",
                                     birth_date="2006-04-12", **more)


def test_duplicate_in_the_other_script_shown_before_saving(qtbot, demo, seen):
    known = _fatima(demo)
    page = _page(qtbot, demo)
    before = demo.people.count()
    _click(qtbot, page, "newPerson")
    _type(qtbot, page, "last_name_ar", "آيت علي")
    _type(qtbot, page, "first_name_ar", "فاطمة الزهراء")
    page.panel.form.widget("sex").set_code("F")
    _type(qtbot, page, "birth_date", "2006-04-12")
    _click(qtbot, page, "savePerson")
    banner = page.panel.duplicates
    assert banner.isVisible()
    assert [banner.model.row_dict(r)["id"] for r in range(banner.model.rowCount())] == [known["id"]]
    assert "Fatima Zahra Ait Ali" in banner.model.index(0, 0).data()
    assert demo.people.count() == before  # nothing saved yet

    _click(qtbot, page, "openDuplicate")
    assert page.panel.person_id == known["id"]
    assert not banner.isVisible()

    _click(qtbot, page, "newPerson")
    _type(qtbot, page, "last_name_ar", "آيت علي")
    _type(qtbot, page, "first_name_ar", "فاطمة الزهراء")
    page.panel.form.widget("sex").set_code("F")
    _click(qtbot, page, "savePerson")
    assert banner.isVisible()
    _click(qtbot, page, "saveAnyway")
    assert demo.people.count() == before + 1
    assert page.panel.person_id not in (None, known["id"])
    assert seen["warn"] == []


def test_merge_keeps_every_enrolment(qtbot, qtmodeltester, demo, seen):
    actions = demo.plans.actions()
    a = _fatima(demo, phone="0600000001")
    b = demo.people.create_person(first_name="Fatima-Zahra", last_name="Aït Ali", sex="F", commune="TIZ",
                                  birth_date="2006-04-12")
    demo.people.enrol(a["id"], actions[0]["id"], "2025-01-10")
    demo.people.enrol(b["id"], actions[1]["id"], "2025-02-10")
    page = _page(qtbot, demo)
    page.panel.load(a["id"])
    _click(qtbot, page, "findDuplicates")
    dialog = page.tools.dialog
    assert dialog is not None and dialog.objectName() == "mergeDialog" and dialog.isVisible()
    qtmodeltester.check(dialog.compare)
    assert dialog.other_id() == b["id"]
    side = {dialog.compare.index(r, 0).data(): (dialog.compare.index(r, 1).data(), dialog.compare.index(r, 2).data())
            for r in range(dialog.compare.rowCount())}
    assert side[_("First name")] == ("Fatima Zahra", "Fatima-Zahra")
    assert side[_("Phone")] == ("0600000001", "")
    dialog.findChild(QWidget, "keepA").click()
    with qtbot.waitSignal(dialog.merged):
        _click(qtbot, dialog, "mergeButton")
    assert seen["confirm"] and seen["warn"] == []
    kept = demo.people.person(a["id"])
    assert sorted(e["action_code"] for e in kept["enrolments"]) == sorted(
        x["code"] for x in actions[:2])
    with pytest.raises(CoopError):
        demo.people.person(b["id"])
    assert page.panel.person_id == a["id"]
    assert page.panel.enrolments.rowCount() == 2


def test_without_the_health_permission_no_disability_details_anywhere_in_the_form(qtbot, demo, seen):
    secret = "Trisomie 21, suivi orthophonique"
    person = _fatima(demo, disability=True, disability_details=secret)
    editor = demo.as_user(Actor("redacteur", "editor", False))
    page = _page(qtbot, editor)
    page.panel.load(person["id"])
    details = page.panel.form.widget("disability_details")
    assert not details.isVisible()
    assert details.toPlainText() == ""
    texts = [w.text() for w in page.findChildren(QLabel) + page.findChildren(QLineEdit)]
    texts += [w.toPlainText() for w in page.findChildren(QPlainTextEdit)]
    assert not any(secret in t for t in texts)
    assert page.panel.form.widget("disability").isChecked()  # the flag stays (indicators)
    # nor in the export dialog's columns
    _click(qtbot, page, "exportPeople")
    assert "disability_details" not in [page.tools.dialog.columns.item(i).data(Qt.ItemDataRole.UserRole)
                                        for i in range(page.tools.dialog.columns.count())]


@pytest.mark.parametrize(("role", "shown"), [
    ("viewer", {"exportPeople"}),
    ("editor", {"importPeople", "exportPeople", "findDuplicates"}),
    ("admin", {"importPeople", "exportPeople", "findDuplicates", "anonymisePerson"}),
])
def test_tool_buttons_by_role(qtbot, demo, role, shown):
    page = _page(qtbot, demo.as_user(Actor("someone", role, False)))
    names = ("importPeople", "exportPeople", "findDuplicates", "anonymisePerson")
    assert {n for n in names if page.findChild(QPushButton, n).isVisible()} == shown


def test_anonymise_says_what_is_erased_then_erases(qtbot, demo, seen):
    person = _fatima(demo, phone="0611223344")
    page = _page(qtbot, demo)
    page.panel.load(person["id"])
    with qtbot.waitSignal(page.model.modelReset, timeout=20000):
        _click(qtbot, page, "anonymisePerson")
    text = seen["confirm"][0]
    assert "Fatima Zahra Ait Ali" in text
    after = demo.people.person(person["id"])
    assert after["anonymised"] and after["first_name"] == "" and after["phone"] == ""
    assert page.panel.form.widget("last_name").text() == ""
    assert page.undo_stack.count() == 0


def test_export_with_the_lists_filters(qtbot, demo, seen, tmp_path, monkeypatch):
    page = _page(qtbot, demo)
    page.commune.set_code("VLG")
    expected = demo.people.count(commune="VLG")
    out = tmp_path / "liste.csv"
    monkeypatch.setattr(dialogs, "save_file", lambda parent, title, name="", filters="": str(out))
    _click(qtbot, page, "exportPeople")
    dialog = page.tools.dialog
    assert "VLG" in dialog.filter_label.text()
    dialog.format.set_code("csv")
    with qtbot.waitSignal(dialog.exported, timeout=20000):
        _click(qtbot, dialog, "exportButton")
    with out.open(encoding="utf-8-sig") as fh:
        rows = list(csv.reader(fh, delimiter=";"))
    assert rows[0] == ["last_name", "first_name", "last_name_ar", "first_name_ar", "sex", "birth_date",
                       "commune", "disability"]
    assert len(rows) == expected + 1 and {r[6] for r in rows[1:]} == {"VLG"}
    assert not list(tmp_path.glob(".*partial*"))


def test_audit_viewer_shows_before_and_after_of_an_edit(qtbot, qtmodeltester, window, demo):
    person = _fatima(demo)
    demo.people.update_person(person["id"], phone="0699887766")
    window.nav.setCurrentRow(8)
    page = window.pages["settings"]
    page.tabs.setCurrentIndex(1)
    section = page.privacy
    section.setCurrentIndex(0)
    section.f_record.setText(person["id"])
    _click(qtbot, section, "auditSearch")
    qtmodeltester.check(section.audit)
    ops = [section.audit.index(r, 4).data() for r in range(section.audit.rowCount())]
    assert len(ops) == 2
    section.audit_view.selectRow(0)  # newest first: the edit
    diff = {section.diff.index(r, 0).data(): (section.diff.index(r, 1).data(), section.diff.index(r, 2).data())
            for r in range(section.diff.rowCount())}
    assert diff["Téléphone"] == ("", "0699887766")  # the field named in the user's language
    assert "09-08" in section.findChild(QLabel, "sharingExplanation").text()
