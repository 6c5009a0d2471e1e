"""Start-up of the desktop app: arguments, language, fonts, opening the database, the window.

Nothing here touches SQL: the database is opened through ``coopdesk.services``.
"""

from __future__ import annotations

import argparse
import gc
import logging
import os
import sys
import threading
import traceback
from typing import TYPE_CHECKING

# isort: off
# The service layer (SQLAlchemy, Babel) is imported before Qt: once PySide6 is loaded, it reads the
# source of every module imported after it (its ``__feature__`` hook), which made these imports
# about a fifth slower (docs/performance.md, "Desktop").
from coopdesk.services import Services, open_services
# isort: on
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication, QMessageBox

from coopdesk import paths
from coopdesk.errors import CoopError
from coopdesk.i18n import _, set_language
from ui import fonts
from ui.language import apply_language

if TYPE_CHECKING:
    from ui.main_window import MainWindow

log = logging.getLogger("coopdesk.ui")


def parse_args(argv: list[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="coopdesk-gui")
    p.add_argument("--db", help="database file or SQLAlchemy URL")
    p.add_argument("--demo", action="store_true", help="open the demo database (built on first use)")
    p.add_argument("--lang", choices=["fr", "ar", "zgh", "en"], help="language of the interface")
    return p.parse_args(argv)


def is_demo(args: argparse.Namespace) -> bool:
    return bool(args.demo or (not args.db and os.environ.get("COOPDESK_DEMO")))


def open_app_services(args: argparse.Namespace) -> Services:
    """Open the chosen database; the demo one is built the first time. Lazily: an SQLite file at
    this version's schema is only checked, and the dashboard is read without SQLAlchemy, which
    ``after_show`` loads once the window is on screen (docs/performance.md, "Desktop")."""
    if is_demo(args):
        target = paths.demo_database()
        target.parent.mkdir(parents=True, exist_ok=True)
        svc = open_services(target, lazy=True)
        if not svc.overview.is_initialised() or not svc.overview.has_actions():
            from coopdesk.demo import build_demo

            build_demo(svc)
        return svc
    svc = open_services(args.db or paths.default_database(), lazy=True)
    if not svc.overview.is_initialised():
        svc.setup.init("TIZ")
    return svc


def _excepthook(exc_type, exc, tb) -> None:
    """Last resort: log the traceback and show a sentence, never the traceback itself."""
    folder = paths.log_dir()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "coopdesk-errors.log"
    with path.open("a", encoding="utf-8") as fh:
        fh.write("".join(traceback.format_exception(exc_type, exc, tb)) + "\n")
    if isinstance(exc, CoopError):
        text = exc.message()
    else:
        text = _("Something went wrong; nothing was lost. Details were written to {path}.").format(path=path)
    if QApplication.instance() is not None:
        QMessageBox.warning(None, "CoopDesk", text)


def run(argv: list[str] | None = None) -> int:
    gc.disable()  # already done by main.py; here for a start through the ``coopdesk-gui`` entry point
    try:
        argv = list(sys.argv if argv is None else argv)
        args = parse_args(argv[1:])
        app = QApplication.instance() or QApplication(argv[:1])
        app.setOrganizationName("CoopDesk")
        app.setApplicationName("CoopDesk")
        window = build_window(app, args, QSettings())
        if isinstance(window, int):
            resume_gc()
            return window
        window.show()
        app.processEvents()  # the first paint, before the services' loading competes with it
        after_show(window)  # resumes the garbage collector when it is done
    except BaseException:
        resume_gc()
        raise
    code = app.exec()
    window.svc.close()
    return code


def after_show(window: MainWindow) -> threading.Thread:
    """Once the window is on screen: load what the services need (SQLAlchemy, the mapped models,
    the engine: about 0.3 s) on a thread of its own, so the window answers meanwhile; then the
    garbage collector runs again (``resume_gc``). The window builds no other page before that
    thread is done (``MainWindow.loading``): no module is ever imported by two threads at once."""
    svc = window.svc

    def work() -> None:
        try:
            svc.warm_up()
        except Exception:  # noqa: BLE001 - the first service call meets the same error and shows it
            log.exception("loading the services after the start failed")
        finally:
            resume_gc()

    thread = threading.Thread(target=work, name="coopdesk-warm-up", daemon=True)
    window.loading = thread
    thread.start()
    return thread


def resume_gc() -> None:
    """End of the start: the cyclic garbage collector, paused by ``main.py`` while the app's modules
    load and the first screen is built, runs again. What the start made (some 150 000 objects that
    live as long as the app: modules, classes, the mapping, the window) is frozen out of its sight
    first, so no collection ever walks it again; collecting among those objects while they were
    made took about a tenth of the start (docs/performance.md, "Desktop")."""
    gc.freeze()
    gc.enable()


def build_window(app: QApplication, args: argparse.Namespace, settings: QSettings) -> MainWindow | int:
    """Fonts, language, the database and the main window (not shown yet), or the exit code when
    there is no window: the database could not be opened, or nobody logged in.

    ``run`` and the start-up benchmark (``ui.bench``) both start the app through this function.
    """
    fonts.load_app_fonts()
    lang = args.lang or str(settings.value("language", "fr"))
    set_language(lang)
    apply_language(app, lang)
    sys.excepthook = _excepthook
    try:
        svc = open_app_services(args)
    except CoopError as exc:
        QMessageBox.critical(None, "CoopDesk", exc.message())
        return 1
    window_svc = svc
    # The demo database opens without a login (fictitious data); a real one asks once any account
    # has a password (docs/decisions.md, "Login in the desktop app").
    if not is_demo(args):
        from ui.login import ask_login, login_required

        if login_required(svc):
            window_svc = ask_login(svc, settings)
            if window_svc is None:
                svc.close()
                return 0
    from ui.main_window import MainWindow

    return MainWindow(window_svc, settings=settings)
