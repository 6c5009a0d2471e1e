"""Long work off the UI thread: restoring a backup behind a modal progress dialog (Cancel until the
file swap starts), after which every page shows the restored data; the undo and redo of a large
import in a worker while the window keeps handling events."""

from __future__ import annotations

import gc
import threading

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QPushButton

from coopdesk.domain.reference import commune_id
from coopdesk.i18n import _
from tests.ui.person import go_to as _go
from ui.common import commands, dialogs

pytestmark = pytest.mark.sqlite_only


def _listed_names(people_page) -> set[str]:
    m = people_page.model
    return {m.index(r, 0).data() for r in range(m.rowCount())}


@pytest.fixture
def answered(monkeypatch):
    seen: dict[str, list[str]] = {"warn": [], "confirm": []}
    monkeypatch.setattr(dialogs, "warn", lambda parent, text: seen["warn"].append(text))
    monkeypatch.setattr(dialogs, "confirm", lambda parent, text: seen["confirm"].append(text) or True)
    return seen


@pytest.fixture
def gate(monkeypatch):
    """Hold the restore's worker at a step until the test lets it go: (step, event) pairs."""
    import coopdesk.db.engine as engine
    import coopdesk.sync.restore as restore

    gates = {"safety": threading.Event(), "swap": threading.Event()}
    backup_sqlite, read_counters = engine.backup_sqlite, restore.read_counters

    def held_backup(path, reason="backup"):
        if reason == "before-restore":
            assert gates["safety"].wait(20)
        return backup_sqlite(path, reason=reason)

    def held_counters(*args, **kwargs):  # the first thing done once the swap has started
        assert gates["swap"].wait(20)
        return read_counters(*args, **kwargs)

    monkeypatch.setattr(engine, "backup_sqlite", held_backup)
    monkeypatch.setattr(restore, "read_counters", held_counters)
    yield gates
    for event in gates.values():  # never leave a worker waiting
        event.set()


def _start_restore(window, qtbot, demo):
    settings = _go(window, qtbot, "settings")
    settings.refresh_backups()
    settings.backup_view.selectRow(0)
    qtbot.mouseClick(settings.findChild(QPushButton, "restoreBackup"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: settings.restore_dialog.isVisible(), timeout=5000)
    return settings, settings.restore_dialog


def test_restore_runs_behind_a_dialog_then_every_page_shows_the_old_data(window, qtbot, demo, answered, gate):
    people = _go(window, qtbot, "people")
    events = _go(window, qtbot, "events")
    pid = people.model.id_at(0)
    old_last = demo.people.person(pid)["last_name"]
    eid = events.list_model.rows[0]["id"]
    old_title = demo.events.event(eid)["title"]
    old_place = "Villeneuve"  # a meeting without final minutes (those of the demo's are frozen)
    mid = demo.committee.create_meeting(host_commune_id=commune_id("VLG"), place=old_place,
                                        held_at="2026-10-01 10:00")["id"]
    committee = _go(window, qtbot, "committee")
    demo.setup.backup_now()
    demo.people.update_person(pid, last_name="Renommé-après-la-sauvegarde")
    demo.events.update_event(eid, title="Titre changé après la sauvegarde")
    demo.committee.update_meeting(mid, place="Salle changée après la sauvegarde")
    people.panel.load(pid)
    events.load(eid)
    committee.load(mid)
    committee.refresh()

    settings, dialog = _start_restore(window, qtbot, demo)
    assert dialog.isModal() and dialog.windowModality() == Qt.WindowModality.ApplicationModal
    cancel = dialog.cancel_button
    gate["safety"].set()
    qtbot.waitUntil(lambda: dialog.step.text() == _("Replacing the data with the backup… This step cannot be "
                                                     "cancelled."), timeout=10000)
    # the worker is held inside the swap: the window still handles events, and Cancel is refused
    ticks: list[int] = []
    QTimer.singleShot(0, lambda: ticks.append(1))
    qtbot.waitUntil(lambda: ticks == [1], timeout=2000)
    assert not cancel.isEnabled()
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert dialog.isVisible() and not settings.task.is_cancelled()

    with qtbot.waitSignal(settings.data_changed, timeout=20000):
        gate["swap"].set()
    assert not dialog.isVisible()
    assert "before-restore" in settings.backup_status.text()
    assert demo.people.person(pid)["last_name"] == old_last  # the window's services read the restored file
    assert people.panel.form.values()["last_name"] == old_last
    assert "Renommé-après-la-sauvegarde" not in _listed_names(people)
    assert events.form.values()["title"] == old_title
    assert old_title in {r["title"] for r in events.list_model.rows}
    assert committee.form.values()["place"] == old_place
    assert "Salle changée après la sauvegarde" not in {r["place"] for r in committee.meetings.rows}
    assert window.undo_stack.count() == 0
    assert answered["warn"] == []


def test_restore_cancelled_before_the_swap_changes_nothing(window, qtbot, demo, answered, gate):
    demo.setup.backup_now()
    org = demo.funding.create_organisation(name="Créée après la sauvegarde")
    settings = _go(window, qtbot, "settings")
    settings.refresh_backups()
    before = settings.backups.rowCount()
    settings, dialog = _start_restore(window, qtbot, demo)
    qtbot.waitUntil(lambda: dialog.step.text() == _("Backing up the current data first…"), timeout=10000)
    assert dialog.cancel_button.isEnabled()
    with qtbot.waitSignal(settings.task.signals.cancelled, timeout=20000):
        qtbot.mouseClick(dialog.cancel_button, Qt.MouseButton.LeftButton)
        assert dialog.step.text() == _("Cancelling…")
        gate["safety"].set()
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=5000)
    assert settings.backup_status.text() == _("Cancelled: nothing was restored.")
    assert any(o["id"] == org["id"] for o in demo.funding.organisations())
    assert settings.backups.rowCount() == before  # no "before-restore" copy of a restore that did not happen
    assert settings.restore_button.isEnabled() and answered["warn"] == []


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
