"""Delete buttons and the Delete key of the lists: confirmed, then one undoable command.

    self.delete_button = delete_button(services, "deleteEvent")         # hidden from a viewer
    delete_key(services, self.table, self.delete_event)                 # Delete while the table has focus
    def delete_event(self):
        delete_with_undo(self, self.undo_stack, _("Delete the event “{title}”…?").format(title=t),
                         _("Delete event {title}").format(title=t),
                         do=lambda: events.delete_event(eid), undo=events.restore_event, after=...)

The service does the delete and returns what it took (a snapshot); the undo gives it back with the
same identifiers. A refusal (a rule of the convention, a viewer) is shown translated, nothing pushed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence, QUndoStack
from PySide6.QtWidgets import QPushButton, QWidget

from coopdesk.errors import CoopError
from coopdesk.i18n import _
from ui.common import dialogs
from ui.common.commands import execute
from ui.common.labels import hide_for_viewer


def delete_button(services: Any, name: str) -> QPushButton:
    """A "Delete" button named ``name`` (its text comes from :func:`retranslate_delete_button`)."""
    button = QPushButton()
    button.setObjectName(name)
    retranslate_delete_button(button)
    hide_for_viewer(services, button)
    return button


def retranslate_delete_button(button: QPushButton) -> None:
    button.setText(_("Delete"))
    button.setToolTip(QKeySequence(QKeySequence.StandardKey.Delete).toString(QKeySequence.SequenceFormat.NativeText))


def delete_key(services: Any, view: QWidget, handler: Callable[[], object]) -> QAction | None:
    """The Delete key runs ``handler`` while ``view`` has the focus (not for a viewer)."""
    if not services.actor.can_edit:
        return None
    act = QAction(view)
    act.setObjectName(f"{view.objectName()}Delete")
    act.setShortcut(QKeySequence(QKeySequence.StandardKey.Delete))
    act.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
    act.triggered.connect(lambda _checked=False: handler())
    view.addAction(act)
    return act


def undo_hint() -> str:
    keys = QKeySequence(QKeySequence.StandardKey.Undo).toString(QKeySequence.SequenceFormat.NativeText)
    return _("You can undo it with Edit › Undo ({shortcut}).").format(shortcut=keys)


def delete_with_undo(parent: QWidget, stack: QUndoStack, question: str, text: str, do: Callable[[], Any],
                     undo: Callable[[Any], Any], after: Callable[[], None] | None = None) -> bool:
    """Ask ``question``; if confirmed run ``do`` and push its undo as ``text``. True when deleted."""
    if not dialogs.confirm(parent, f"{question}\n\n{undo_hint()}"):
        return False
    try:
        execute(stack, text, do, undo, after)
    except CoopError as exc:
        dialogs.warn(parent, exc.message())
        return False
    return True
