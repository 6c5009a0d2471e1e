"""Undo commands whose redo() calls a service and whose undo() calls its inverse."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QUndoCommand, QUndoStack
from PySide6.QtWidgets import QApplication

from coopdesk.errors import CoopError
from ui.common import dialogs


class ServiceCommand(QUndoCommand):
    def __init__(self, text: str, do: Callable[[], Any], undo: Callable[[Any], Any],
                 after: Callable[[], None] | None = None, *, done: bool = False, result: Any = None) -> None:
        super().__init__(text)
        self._do = do
        self._undo = undo
        self._after = after
        self.result = result
        self._skip_first_redo = done

    def redo(self) -> None:
        if self._skip_first_redo:  # already done by execute(), which saw any refusal first
            self._skip_first_redo = False
        else:
            self._guard(lambda: setattr(self, "result", self._do()))
        if self._after:
            self._after()

    def undo(self) -> None:
        self._guard(lambda: self._undo(self.result))
        if self._after:
            self._after()

    def _guard(self, call: Callable[[], Any]) -> None:
        guarded(self, call)


def guarded(command: QUndoCommand, call: Callable[[], Any]) -> None:
    """Run an undo or redo; a refusal (the record changed meanwhile: another user, a sync, a locked
    year) is said, and the command made obsolete instead of doing something else."""
    try:
        call()
    except CoopError as exc:
        command.setObsolete(True)
        dialogs.warn(None, exc.message())


def execute(stack: QUndoStack, text: str, do: Callable[[], Any], undo: Callable[[Any], Any],
            after: Callable[[], None] | None = None) -> Any:
    """Run ``do`` now; push the command only if it succeeded. A CoopError propagates to the caller."""
    result = do()
    stack.push(ServiceCommand(text, do, undo, after, done=True, result=result))
    return result


def execute_creation(stack: QUndoStack, text: str, create: Callable[[], dict[str, Any]],
                     delete: Callable[[str], Any], restore: Callable[[Any], Any],
                     after: Callable[[], None] | None = None) -> dict[str, Any]:
    """As :func:`execute` for a creation: undo deletes the record (``delete(id)`` returns what it
    took) and redo puts that same record back (``restore``), with its id, so later commands that
    captured the id still find it."""
    held: dict[str, Any] = {}

    def do() -> dict[str, Any]:
        if "snapshot" in held:
            restore(held.pop("snapshot"))
        else:
            held["created"] = create()
        return held["created"]

    def undo(created: dict[str, Any]) -> None:
        held["snapshot"] = delete(created["id"])

    return execute(stack, text, do, undo, after)


class AppliedCommand(QUndoCommand):
    """A change already made elsewhere (an import run in a worker): ``revert()`` undoes it and
    returns what ``reapply(token)`` needs to make it again. Both may take a while (a large import):
    the wait cursor shows meanwhile."""

    def __init__(self, text: str, revert: Callable[[], Any], reapply: Callable[[Any], Any],
                 after: Callable[[], None] | None = None) -> None:
        super().__init__(text)
        self._revert = revert
        self._reapply = reapply
        self._after = after
        self._token: Any = None
        self._applied = True  # pushed after the change was made: the first redo() does nothing

    def redo(self) -> None:
        if not self._applied:
            self._busy(lambda: self._reapply(self._token))
        self._applied = True
        if self._after:
            self._after()

    def undo(self) -> None:
        self._busy(lambda: setattr(self, "_token", self._revert()))
        self._applied = False
        if self._after:
            self._after()

    def _busy(self, call: Callable[[], Any]) -> None:
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            guarded(self, call)
        finally:
            QApplication.restoreOverrideCursor()
