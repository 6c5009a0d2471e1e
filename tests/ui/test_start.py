"""Starting the desktop app (``ui.app.run``, what ``main.py`` calls)."""

from __future__ import annotations

import gc

import pytest

import ui.app
from coopdesk.errors import CoopError


@pytest.fixture
def collector():
    """``run`` pauses the garbage collector and freezes what the start made; put both back after."""
    yield
    gc.unfreeze()
    gc.enable()


def test_a_database_that_cannot_be_opened_is_explained_and_the_app_ends_cleanly(qtbot, monkeypatch, collector):
    shown: list[str] = []

    def refuse(args):
        raise CoopError("db_not_sqlite", path="notes.db")

    monkeypatch.setattr(ui.app, "open_app_services", refuse)
    monkeypatch.setattr(ui.app.QMessageBox, "critical", lambda parent, title, text: shown.append(text))
    monkeypatch.setattr(ui.app.sys, "excepthook", ui.app.sys.excepthook)  # run() replaces it
    gc.disable()  # as main.py does before the start
    assert ui.app.run(["coopdesk", "--db", "notes.db", "--lang", "fr"]) == 1
    assert shown == [CoopError("db_not_sqlite", path="notes.db").message("fr")]  # in French, not a code
    assert "notes.db" in shown[0] and "db_not_sqlite" not in shown[0]
    # the session goes on with the garbage collector running (it is only paused during the start)
    assert gc.isenabled()
