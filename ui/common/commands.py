"""Undo commands whose redo() calls a service and whose undo() calls its inverse."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtGui import QUndoCommand, QUndoStack

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
        try:
            call()
        except CoopError as exc:  # the record changed meanwhile (another user, a sync): say so
            self.setObsolete(True)
            dialogs.warn(None, exc.message())


def execute(stack: QUndoStack, text: str, do: Callable[[], Any], undo: Callable[[Any], Any],
            after: Callable[[], None] | None = None) -> Any:
    """Run ``do`` now; push the command only if it succeeded. A CoopError propagates to the caller."""
    result = do()
    stack.push(ServiceCommand(text, do, undo, after, done=True, result=result))
    return result
