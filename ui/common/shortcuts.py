"""Standard shortcuts (New, Save, Find, Print…) that act while the focus is inside one page."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QWidget


def page_shortcuts(page: QWidget, **handlers: Callable[[], object]) -> dict[str, QAction]:
    """One action per ``StandardKey`` name given (``New=…, Save=…, Print=…``), scoped to ``page`` and
    its children so two pages never fight over Ctrl+S. Returns the actions by key name."""
    actions = {}
    for key, handler in handlers.items():
        act = QAction(page)
        act.setShortcut(getattr(QKeySequence.StandardKey, key))
        act.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        act.triggered.connect(lambda _checked=False, h=handler: h())
        page.addAction(act)
        actions[key] = act
    return actions
