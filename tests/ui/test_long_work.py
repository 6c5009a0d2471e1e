"""Long work off the UI thread: the undo and redo of a large import in a worker while the window
keeps handling events."""

from __future__ import annotations

import gc
import threading

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtGui import QKeySequence

from coopdesk.i18n import _
from ui.common import commands, dialogs
from ui.main_window import AREAS

pytestmark = pytest.mark.sqlite_only


def _go(window, qtbot, key: str):
    window.nav.setCurrentRow([k for k, _t in AREAS].index(key))
    page = window.pages[key]
    qtbot.waitUntil(page.isVisible)
    return page


def _listed_names(people_page) -> set[str]:
    m = people_page.model
    return {m.index(r, 0).data() for r in range(m.rowCount())}


@pytest.fixture
def answered(monkeypatch):
    seen: dict[str, list[str]] = {"warn": [], "confirm": []}
    monkeypatch.setattr(dialogs, "warn", lambda parent, text: seen["warn"].append(text))
    monkeypatch.setattr(dialogs, "confirm", lambda parent, text: seen["confirm"].append(text) or True)
    return seen


def test_large_import_undone_and_redone_in_a_worker_behind_a_dialog(window, qtbot, demo, answered, tmp_path,
                                                                      monkeypatch):
    """Above the threshold the undo runs in a worker: the UI thread keeps turning its event loop
    (a timer fires during it) and the dialog is gone when the undo step has ended."""
    monkeypatch.setattr(commands, "LARGE", 2)  # this small import counts as large
    path = tmp_path / "beneficiaires.csv"
    path.write_text("Nom;Prénom;Sexe;Commune\nZerhouniya;Yasmine;F;TIZ\nQuentinet;Karim;M;VLG\n", encoding="utf-8")
    people = _go(window, qtbot, "people")
    report = demo.imports.run("persons", str(path), dry_run=False)
    people.tools._imported(report)
    before = people.model.rowCount()
    assert {p["last_name"] for p in demo.people.search("Zerhouniya")} == {"Zerhouniya"}

    import ui.common.worker as worker

    shown: list[object] = []
    ticks: list[int] = []
    real_show = worker.TaskDialog.show

    def show(dialog):
        shown.append((dialog.step.text(), dialog.isModal(), dialog.cancel_button.isVisible()))
        timer = QTimer(dialog)  # counts event-loop turns while the dialog is up
        timer.timeout.connect(lambda: ticks.append(1))
        timer.start(0)
        real_show(dialog)

    monkeypatch.setattr(worker.TaskDialog, "show", show)
    held = threading.Event()
    undo_import = type(demo.imports).undo_import

    def slow_undo(self, change):  # the worker waits until the UI thread has shown it turns its loop
        assert held.wait(20)
        return undo_import(self, change)

    monkeypatch.setattr(type(demo.imports), "undo_import", slow_undo)
    waiter = QTimer()
    waiter.timeout.connect(lambda: held.set() if len(ticks) >= 3 else None)
    waiter.start(0)
    combo = QKeySequence(QKeySequence.StandardKey.Undo)[0]
    qtbot.keyClick(people.table, combo.key(), combo.keyboardModifiers())
    waiter.stop()
    # the key returned only once the undo was done
    assert demo.people.search("Zerhouniya") == [] and people.model.rowCount() == before - 2
    assert len(ticks) >= 3
    text = window.undo_stack.redoText()
    assert shown == [(_("Undoing: {action}…").format(action=text), True, False)]
    assert window.undo_stack.canRedo() and answered["warn"] == []
    assert gc.isenabled()  # the collector paused while the worker ran is running again

    window.act_redo.trigger()
    assert {p["last_name"] for p in demo.people.search("Zerhouniya")} == {"Zerhouniya"}
    assert shown[-1][0] == _("Redoing: {action}…").format(action=text)
    assert people.model.rowCount() == before


def test_small_undo_stays_on_the_ui_thread(window, qtbot, demo, answered, tmp_path, monkeypatch):
    import ui.common.worker as worker

    monkeypatch.setattr(worker.TaskDialog, "show", lambda dialog: pytest.fail("no dialog for a small undo"))
    path = tmp_path / "une.csv"
    path.write_text("Nom;Prénom;Sexe;Commune\nTaznakht;Itto;F;TIZ\n", encoding="utf-8")
    people = _go(window, qtbot, "people")
    people.tools._imported(demo.imports.run("persons", str(path), dry_run=False))
    window.act_undo.trigger()
    assert demo.people.search("Taznakht") == []
