"""Shared fixtures: a fresh initialised database, and the demo database built once per run."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


PG_URL = os.environ.get("COOPDESK_TEST_PG_URL")  # e.g. postgresql+psycopg://coop:coop@localhost/coopdesk_test


def pytest_collection_modifyitems(config, items):
    if not PG_URL:
        return
    skip = pytest.mark.skip(reason="reads the SQLite file itself (suite running on PostgreSQL)")
    for item in items:
        if "sqlite_only" in item.keywords:
            item.add_marker(skip)


def _fresh_pg(url: str) -> str:
    """An empty PostgreSQL schema for one test (only when COOPDESK_TEST_PG_URL is set)."""
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()
    return url


@pytest.fixture
def svc(tmp_path):
    """A fresh database initialised for Tiznit: SQLite in a temp folder, or PostgreSQL when
    COOPDESK_TEST_PG_URL is set (the same tests then check the services are portable)."""
    from coopdesk.services import open_services

    services = open_services(_fresh_pg(PG_URL) if PG_URL else tmp_path / "coopdesk.db")
    services.setup.init("TIZ")
    yield services
    services.close()


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory):
    """The demo database, built once; tests that write get their own copy."""
    from coopdesk.demo import build_demo
    from coopdesk.services import open_services

    path = tmp_path_factory.mktemp("demo") / "demo.db"
    services = open_services(path)
    ids = build_demo(services)
    services.close()
    return path, ids


@pytest.fixture
def demo(demo_template, tmp_path):
    from coopdesk.services import open_services

    src, ids = demo_template
    dst = tmp_path / "demo.db"
    shutil.copy(src, dst)
    services = open_services(dst)
    services.demo_ids = ids
    yield services
    services.close()


@pytest.fixture
def settings(tmp_path):
    """Window settings in a temp file, so tests never read or write the user's own."""
    from PySide6.QtCore import QSettings

    return QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)


@pytest.fixture
def window(qtbot, demo, settings):
    """The main window on a copy of the demo database, in French (the language is reset after)."""
    from PySide6.QtWidgets import QApplication

    from ui import fonts
    from ui.language import apply_language
    from ui.main_window import MainWindow

    fonts.load_app_fonts()
    apply_language(QApplication.instance(), "fr")
    from ui.common.forms import Form

    def forget_typing(window) -> None:
        """What a test typed and left unsaved would make closing the window ask (a modal question)."""
        for form in window.findChildren(Form):
            form.mark_saved()

    w = MainWindow(demo, settings=settings)
    qtbot.addWidget(w, before_close_func=forget_typing)
    w.show()
    yield w
    apply_language(QApplication.instance(), "fr")


@pytest.fixture(autouse=True)
def _no_waiting_message_box(request, monkeypatch):
    """A message box nobody answers would wait for a click until CI gives up: in a Qt test one not
    replaced by the test (``dialogs.confirm``, ``dialogs.warn``…) fails it at once instead."""
    if "qtbot" not in request.fixturenames:
        return
    from PySide6.QtWidgets import QMessageBox

    def refuse(*args, **kwargs):
        text = args[2] if len(args) > 2 else kwargs.get("text", "")
        raise AssertionError(f"a message box would wait for a click: {text}")

    for name in ("question", "warning", "information", "critical"):
        monkeypatch.setattr(QMessageBox, name, staticmethod(refuse))
