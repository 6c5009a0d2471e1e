"""The main window: navigation of every area on the side, the pages in a stack.

Pages get their services through the constructor; the window owns one undo stack.
"""

from __future__ import annotations

import threading

from PySide6.QtCore import QByteArray, QSettings, Qt
from PySide6.QtGui import QAction, QKeySequence, QUndoStack
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from coopdesk.i18n import N_, _, current_language
from coopdesk.services import Services
from ui.common import dialogs
from ui.common.labels import commune_name
from ui.common.layout_memory import mend_right_to_left, restore_splitters, save_splitters
from ui.dashboard import DashboardPage

AREAS = [
    ("dashboard", N_("Dashboard")),
    ("convention", N_("Convention")),
    ("plans", N_("Plans and actions")),
    ("people", N_("Beneficiaries")),
    ("events", N_("Events")),
    ("committee", N_("Steering committee")),
    ("funding", N_("Funding")),
    ("sync", N_("Sync centre")),
    ("settings", N_("Settings")),
]


def _keys(standard: QKeySequence.StandardKey, *extra: str) -> list[QKeySequence]:
    """The platform's bindings of ``standard`` followed by ``extra``, each once."""
    keys = [*QKeySequence.keyBindings(standard), *(QKeySequence(k) for k in extra)]
    return list({k.toString(): k for k in keys}.values())


class MainWindow(QMainWindow):
    def __init__(self, services: Services, settings: QSettings | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.svc = services
        self.loading: threading.Thread | None = None
        self.settings = settings or QSettings()
        self.undo_stack = QUndoStack(self)
        self.nav = QListWidget()
        self.nav.setObjectName("navigation")
        self.stack = QStackedWidget()
        # Pages are built the first time they are shown (or asked for): start-up builds one.
        self.pages = LazyPages(self)
        self._slots: dict[str, QWidget] = {}
        central = QWidget()
        layout = QHBoxLayout(central)
        layout.addWidget(self.nav)
        layout.addWidget(self.stack, 1)
        self.setCentralWidget(central)
        for key, _title in AREAS:
            slot = QWidget()
            QVBoxLayout(slot).setContentsMargins(0, 0, 0, 0)
            self._slots[key] = slot
            self.stack.addWidget(slot)
            item = QListWidgetItem()
            item.setData(Qt.ItemDataRole.UserRole, key)
            self.nav.addItem(item)
        self.nav.currentRowChanged.connect(self._show_row)
        self.nav.setCurrentRow(0)
        self.site_label = QLabel()
        self.statusBar().addPermanentWidget(self.site_label)
        self._actions()
        self.setAcceptDrops(True)  # sync bundles (.coopsync) dropped anywhere open the import preview
        self.retranslate()
        self._restore()

    def _show_row(self, row: int) -> None:
        if 0 <= row < len(AREAS):
            self.pages[AREAS[row][0]]  # build it if needed
            self.stack.setCurrentIndex(row)

    def _make_page(self, key: str) -> QWidget:
        if self.loading is not None:  # the services still loading after the start (ui.app.after_show)
            self.loading.join()
            self.loading = None
        if key == "dashboard":
            page = DashboardPage(self.svc)
            page.open_record.connect(self.open_record)
        else:
            factory = page_factory(key)
            page = factory(self.svc, self.undo_stack) if factory is not None else PlaceholderPage(key)
        if hasattr(page, "data_changed"):  # e.g. an imported sync bundle: the other pages reload
            page.data_changed.connect(lambda k=key: self._reload_others(k))
        self._slots[key].layout().addWidget(page)
        restore_splitters(self.settings, key, page)
        mend_right_to_left(page)
        return page

    def _reload_others(self, key: str) -> None:
        for other, page in list(self.pages.items()):
            if other != key and hasattr(page, "reload_later"):
                page.reload_later()

    # ------------------------------------------------------------------ dropped sync bundles

    def _bundle_paths(self, event) -> list[str]:
        mime = event.mimeData()
        if not mime.hasUrls() or not self.svc.actor.can_edit:
            return []
        return [u.toLocalFile() for u in mime.urls()
                if u.isLocalFile() and u.toLocalFile().lower().endswith(".coopsync")]

    def dragEnterEvent(self, event) -> None:  # noqa: N802
        if self._bundle_paths(event):
            event.acceptProposedAction()
        else:
            super().dragEnterEvent(event)

    def dragMoveEvent(self, event) -> None:  # noqa: N802
        if self._bundle_paths(event):
            event.acceptProposedAction()
        else:
            super().dragMoveEvent(event)

    def dropEvent(self, event) -> None:  # noqa: N802
        paths = self._bundle_paths(event)
        if not paths:
            super().dropEvent(event)
            return
        event.acceptProposedAction()
        self.open_bundles(paths)

    def open_bundles(self, paths: list[str]) -> None:
        """Show the sync centre with the preview of these bundle files (nothing is written yet)."""
        self.nav.setCurrentRow([k for k, _t in AREAS].index("sync"))
        page = self.pages["sync"]
        if hasattr(page, "preview_files"):
            page.preview_files(paths)

    def _actions(self) -> None:
        # Every key the platform binds to undo and redo, and Ctrl+Z / Ctrl+Y / Ctrl+Shift+Z on all of
        # them (``setShortcut`` would keep only the first: Ctrl+Y redid here, Ctrl+Shift+Z did not).
        self.act_undo = self.undo_stack.createUndoAction(self)
        self.act_undo.setShortcuts(_keys(QKeySequence.StandardKey.Undo, "Ctrl+Z"))
        self.act_redo = self.undo_stack.createRedoAction(self)
        self.act_redo.setShortcuts(_keys(QKeySequence.StandardKey.Redo, "Ctrl+Y", "Ctrl+Shift+Z"))
        self.act_quit = QAction(self)
        # The platform's Quit keys; Windows (and Qt without a desktop theme) has none: Ctrl+Q then.
        self.act_quit.setShortcuts(QKeySequence.keyBindings(QKeySequence.StandardKey.Quit)
                                   or [QKeySequence("Ctrl+Q")])
        self.act_quit.triggered.connect(self.close)
        # One window: the standard Close keys (Ctrl+W, Ctrl+F4) close it, as Quit does.
        self.act_close = QAction(self)
        self.act_close.setShortcuts(QKeySequence.StandardKey.Close)
        self.act_close.triggered.connect(self.close)
        self.menu_file = self.menuBar().addMenu("")
        self.menu_file.addAction(self.act_close)
        self.menu_file.addAction(self.act_quit)
        self.addActions([self.act_close, self.act_quit])  # their keys work wherever the focus is
        self.menu_edit = self.menuBar().addMenu("")
        self.menu_edit.addAction(self.act_undo)
        self.menu_edit.addAction(self.act_redo)

    def retranslate(self) -> None:
        site = self.svc.overview.site()
        # the commune's name in the UI language (تيزنيت in Arabic), as on every page
        commune = next((c for c in self.svc.overview.communes() if c["id"] == site["commune_id"]), None)
        name = commune_name(commune) if commune else site["commune_name"]
        self.setWindowTitle(_("CoopDesk — {site}").format(site=name))
        self.site_label.setText(_("Node {node} · {commune}").format(node=site["node_code"], commune=name))
        for row, (_key, title) in enumerate(AREAS):
            self.nav.item(row).setText(_(title))
        # As wide as the longest title in this language (Arabic pages would squeeze it), no wider:
        # the pages get the rest of a 1366 px screen.
        self.nav.setFixedWidth(min(240, self.nav.sizeHintForColumn(0) + 2 * self.nav.frameWidth() + 12))
        self.menu_file.setTitle(_("&File"))
        self.menu_edit.setTitle(_("&Edit"))
        self.act_quit.setText(_("&Quit"))
        self.act_close.setText(_("&Close"))
        for page in self.pages.values():
            mend_right_to_left(page)
            if hasattr(page, "retranslate"):
                page.retranslate()

    def set_language(self, lang: str) -> None:
        from PySide6.QtWidgets import QApplication

        from ui.language import apply_language

        apply_language(QApplication.instance(), lang)
        self.settings.setValue("language", current_language())
        self.retranslate()

    def open_record(self, entity: str, row_id: str) -> None:
        target = {"plan": "plans", "action": "plans", "event": "events", "meeting": "committee",
                  "minutes": "committee", "convention": "convention", "person": "people",
                  "sync": "sync", "sync_conflict": "sync", "funding_request": "funding"}.get(entity)
        if target is None:
            return
        keys = [k for k, _t in AREAS]
        self.nav.setCurrentRow(keys.index(target))
        page = self.pages[target]
        if hasattr(page, "open_record"):
            page.open_record(entity, row_id)

    def _restore(self) -> None:
        geometry = self.settings.value("window/geometry")
        if isinstance(geometry, QByteArray) and not geometry.isEmpty():
            self.restoreGeometry(geometry)
        else:
            self.resize(1280, 760)

    def unsaved(self) -> list[str]:
        """The titles of the areas whose open form holds changes not saved yet."""
        from ui.common.forms import Form

        titles = dict(AREAS)
        out = []
        for key, page in dict.items(self.pages):  # the pages built in this session
            if isinstance(page, QWidget) and any(f.is_modified() for f in page.findChildren(Form)):
                out.append(_(titles[key]))
        return out

    def closeEvent(self, event) -> None:  # noqa: N802
        unsaved = self.unsaved()
        if unsaved and not dialogs.confirm(self, _("Changes in {areas} are not saved. Close CoopDesk and lose "
                                                   "them?").format(areas=", ".join(unsaved))):
            event.ignore()
            return
        self.settings.setValue("window/geometry", self.saveGeometry())
        for key, page in dict.items(self.pages):  # the pages built in this session
            save_splitters(self.settings, key, page)
        super().closeEvent(event)


class PlaceholderPage(QLabel):
    def __init__(self, key: str) -> None:
        super().__init__()
        self.key = key
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)

    def retranslate(self) -> None:
        self.setText(_("This screen is being built."))


class LazyPages(dict):
    """The window's pages by area key, each built on first access."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__()
        self._window = window

    def __missing__(self, key: str) -> QWidget:
        page = self._window._make_page(key)
        self[key] = page
        if hasattr(page, "retranslate") and not isinstance(page, DashboardPage):
            page.retranslate()
        return page

    def get(self, key: str, default=None):  # type: ignore[override]
        return self[key] if key in self._window._slots else default


def page_factory(key: str):
    """``make_page(services, undo_stack)`` of the package ``ui.<key>``, imported when first needed."""
    import importlib

    name = f"ui.{key}"
    try:
        mod = importlib.import_module(name)
    except ModuleNotFoundError as exc:
        if exc.name == name:
            return None
        raise
    return getattr(mod, "make_page", None)
