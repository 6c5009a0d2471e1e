"""Plans and actions: type an action, see it listed, a bad date refused next to its field, undo."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QLabel, QLineEdit, QPushButton, QTableView

from coopdesk.errors import ValidationError
from coopdesk.services.base import Actor


def _open_plans(window):
    window.nav.setCurrentRow(2)
    return window.pages["plans"]


def _type_action(qtbot, page, code, title, start, end):
    editor = page.editor
    qtbot.mouseClick(editor.new_button, Qt.MouseButton.LeftButton)
    qtbot.keyClicks(editor.form.widget("code"), code)
    qtbot.keyClicks(editor.form.widget("title"), title)
    qtbot.keyClicks(editor.form.widget("start").edit, start)
    qtbot.keyClicks(editor.form.widget("end").edit, end)
    qtbot.keyClicks(editor.budget, "1500")
    qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)


def _codes(page):
    return [page.model.index(r, 0).data() for r in range(page.model.rowCount())]


def test_create_an_action_by_typing_then_undo_it(window, qtbot, qtmodeltester):
    page = _open_plans(window)
    qtmodeltester.check(page.model)
    before = page.svc.plans.count_actions()
    _type_action(qtbot, page, "5.1.1", "Ateliers numeriques pour les jeunes filles", "2026-04-01", "2026-06-30")
    assert "5.1.1" in _codes(page)
    row = _codes(page).index("5.1.1")
    assert page.model.index(row, 1).data() == "Ateliers numeriques pour les jeunes filles"
    assert page.model.index(row, 5).data() == "1\u202f500,00\xa0€"
    assert page.svc.plans.count_actions() == before + 1
    qtmodeltester.check(page.model)

    window.act_undo.trigger()
    assert "5.1.1" not in _codes(page)
    assert page.svc.plans.count_actions() == before
    window.act_redo.trigger()
    assert "5.1.1" in _codes(page)


def test_end_before_start_is_refused_next_to_the_end_field(window, qtbot):
    page = _open_plans(window)
    before = page.svc.plans.count_actions()
    _type_action(qtbot, page, "5.1.2", "Dates inversees", "2026-06-30", "2026-04-01")
    error = page.editor.findChild(QLabel, "error_end")
    assert error.isVisible()
    expected = ValidationError("end_before_start", field="end", start="2026-06-30", end="2026-04-01").message("fr")
    assert error.text() == expected
    assert page.svc.plans.count_actions() == before
    assert "5.1.2" not in _codes(page)
    assert window.undo_stack.count() == 0


def test_filters_by_axis_commune_and_status(window, qtbot):
    page = _open_plans(window)
    all_codes = _codes(page)
    axis = page.findChild(QComboBox, "filterAxis")
    axis.setCurrentIndex(axis.findData("IV"))
    assert _codes(page) and all(c.startswith("4.") for c in _codes(page))
    commune = page.findChild(QComboBox, "filterCommune")
    commune.setCurrentIndex(commune.findData("TIZ"))
    assert _codes(page) == ["4.1.1"]
    axis.setCurrentIndex(0)
    commune.setCurrentIndex(0)
    assert _codes(page) == all_codes
    assert page.timeline.actions  # the provisional calendar has bars


def test_indicator_with_targets_per_commune(window, qtbot, qtmodeltester):
    page = _open_plans(window)
    page.select_action(next(r["id"] for r in page.model.rows if r["code"] == "4.1.1"))
    editor = page.editor
    editor.setCurrentIndex(1)
    qtmodeltester.check(editor.indicators)
    n = editor.indicators.rowCount()
    qtbot.keyClicks(editor.ind_form.widget("code"), "4.1.1-b")
    qtbot.keyClicks(editor.ind_form.widget("name"), "Filles inscrites en club")
    editor.target_tiz.setValue(40)
    editor.target_vlg.setValue(20)
    qtbot.mouseClick(editor.add_indicator_button, Qt.MouseButton.LeftButton)
    assert editor.indicators.rowCount() == n + 1
    row = [editor.indicators.index(r, 0).data() for r in range(n + 1)].index("4.1.1-b")
    assert editor.indicators.index(row, 3).data() == "40"
    assert editor.indicators.index(row, 5).data() == "60"


def test_a_viewer_sees_no_edit_button(qtbot, demo, settings):
    from ui.main_window import MainWindow

    viewer = demo.as_user(Actor("lecteur", "viewer", False))
    w = MainWindow(viewer, settings=settings)
    qtbot.addWidget(w)
    w.show()
    w.nav.setCurrentRow(2)
    page = w.pages["plans"]
    for name in ("newAction", "saveAction", "deleteAction", "newPlan", "nextStep", "addIndicator"):
        button = page.findChild(QPushButton, name)
        assert button is not None and not button.isVisible(), name
    assert page.editor.form.widget("code").isReadOnly()
    assert page.findChild(QTableView, "actionTable").model().rowCount() > 0
    assert isinstance(page.editor.form.widget("title"), QLineEdit)


def test_lock_the_evaluated_year_then_nothing_changes(qtbot, window, demo, monkeypatch):
    from coopdesk.errors import CoopError
    from ui.common import dialogs

    monkeypatch.setattr(dialogs, "confirm", lambda parent, text: True)
    page = window.pages["plans"]
    window.nav.setCurrentRow(2)
    combo = page.plan_combo
    combo.setCurrentIndex(next(i for i in range(combo.count()) if "2025" in combo.itemText(i)))
    lock = page.findChild(QPushButton, "lockYear")
    assert lock.isEnabled()  # 2025 is evaluated
    qtbot.mouseClick(lock, Qt.MouseButton.LeftButton)
    assert demo.plans.plan_for_year(2025)["locked"]
    assert "verrouillée" in page.plan_info.text().lower() or "verrouill" in page.plan_info.text().lower()
    action = demo.plans.actions(year=2025)[0]
    with pytest.raises(CoopError):
        demo.plans.update_action(action["id"], title="X")
    combo.setCurrentIndex(next(i for i in range(combo.count()) if "2026" in combo.itemText(i)))
    assert not lock.isEnabled()  # 2026 is not evaluated yet


def test_hovering_a_bar_of_the_timeline_tells_the_action_its_dates_and_status(qtbot, demo):
    from PySide6.QtCore import QPoint
    from PySide6.QtGui import QUndoStack
    from PySide6.QtWidgets import QToolTip

    from ui.plans.page import PlansPage

    page = PlansPage(demo, QUndoStack())
    qtbot.addWidget(page)
    page.resize(1366, 768)
    page.show()
    qtbot.waitExposed(page)
    page.activateWindow()  # tooltips show in the active window
    qtbot.waitUntil(page.isActiveWindow)
    page.load_plans()
    timeline = page.timeline
    row = next(r for r, a in enumerate(timeline.actions) if a["code"] == "1.1.1")
    qtbot.mouseMove(timeline, timeline.bar_rect(row).center().toPoint())
    qtbot.waitUntil(QToolTip.isVisible, timeout=5000)
    text = QToolTip.text()
    assert text.startswith("1.1.1 — Accompagnement de 120 personnes")
    assert "2026" in text.splitlines()[1]
    assert text.splitlines()[2] == "En cours"
    qtbot.mouseMove(timeline, timeline.bar_rect(row).center().toPoint() + QPoint(0, 400))
    qtbot.waitUntil(lambda: not QToolTip.isVisible(), timeout=5000)


def test_a_funding_request_of_the_action_opens_in_the_funding_area(window, qtbot, demo):
    """The action form lists its funding requests; a double-click opens one where it is edited."""
    req = next(r for r in demo.funding.requests() if r.get("action_id"))
    window.open_record("action", req["action_id"])
    editor = window.pages["plans"].editor
    view = editor.funding_view
    editor.setCurrentWidget(view)
    row = next(i for i, r in enumerate(editor.funding.rows) if r["id"] == req["id"])
    rect = view.visualRect(editor.funding.index(row, 0))
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())  # a double-click:
    qtbot.mouseDClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())  # press, then again
    from ui.main_window import AREAS

    assert window.nav.currentRow() == [k for k, _t in AREAS].index("funding")
    funding = window.pages["funding"]
    current = funding.request_view.currentIndex()
    assert current.isValid() and funding.requests.row_dict(current.row())["id"] == req["id"]
