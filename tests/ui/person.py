"""What a person does in the main window, for the Qt tests: open an area, click a named button,
press the undo and redo keys."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton, QWidget

from ui.main_window import AREAS


def go_to(window, qtbot, key: str):
    """Open an area from the navigation; its page, once shown."""
    window.nav.setCurrentRow([k for k, _t in AREAS].index(key))
    page = window.pages[key]
    qtbot.waitUntil(page.isVisible)
    return page


def click(qtbot, root: QWidget, name: str) -> None:
    """Click the button named ``name`` under ``root``; it must be shown and enabled."""
    button = root.findChild(QPushButton, name)
    assert button is not None and button.isVisible() and button.isEnabled(), name
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def undo(qtbot, widget: QWidget) -> None:
    qtbot.keyClick(widget, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)


def redo(qtbot, widget: QWidget) -> None:
    qtbot.keyClick(widget, Qt.Key.Key_Y, Qt.KeyboardModifier.ControlModifier)
