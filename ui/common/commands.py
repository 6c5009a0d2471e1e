"""Undo commands whose redo() calls a service and whose undo() calls its inverse.

A command that says how many rows its undo and redo touch (``size``) runs them in a worker behind a
modal progress dialog once that reaches :data:`LARGE` (undoing an import of 10 000 persons takes
seconds): the window keeps painting and takes no input until it is done. Smaller ones run here, at
once, as every edit does."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QUndoCommand, QUndoStack
from PySide6.QtWidgets import QApplication

from coopdesk.errors import CoopError
from coopdesk.i18n import _
from ui.common import dialogs
from ui.common.worker import run_modal

LARGE = 200  # rows an undo or redo touches from which it runs in a worker: about 0.1 s here (docs/decisions.md)


class ServiceCommand(QUndoCommand):
    """``size(result)``, when given, is how many rows undoing or redoing ``result`` touches."""

    def __init__(self, text: str, do: Callable[[], Any], undo: Callable[[Any], Any],
                 after: Callable[[], None] | None = None, *, done: bool = False, result: Any = None,
                 size: Callable[[Any], int] | None = None) -> None:
        super().__init__(text)
        self._do = do
        self._undo = undo
        self._after = after
        self._size = size
        self.result = result
        self._skip_first_redo = done

    def redo(self) -> None:
        if self._skip_first_redo:  # already done by execute(), which saw any refusal first
            self._skip_first_redo = False
        else:
            self._guard(lambda: setattr(self, "result", self._run(self._do, redoing=True)))
        if self._after:
            self._after()

    def undo(self) -> None:
        self._guard(lambda: self._run(lambda: self._undo(self.result), redoing=False))
        if self._after:
            self._after()

    def _run(self, call: Callable[[], Any], *, redoing: bool) -> Any:
        if self._size is None:  # an edit of a record or a few: here, at once
            return call()
        size = self._size(self.result) if self.result is not None else 0
        return in_worker_if_large(self, call, size, redoing=redoing)

    def _guard(self, call: Callable[[], Any]) -> None:
        guarded(self, call)


def in_worker_if_large(command: QUndoCommand, call: Callable[[], Any], size: int, *, redoing: bool) -> Any:
    """``call()`` here when ``size`` is under :data:`LARGE` (with the wait cursor), else in a worker
    behind a modal progress dialog; returns its result or raises what it raised, either way."""
    if size < LARGE:
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            return call()
        finally:
            QApplication.restoreOverrideCursor()
    step = (_("Redoing: {action}…") if redoing else _("Undoing: {action}…")).format(action=command.text())
    return run_modal(lambda _progress, _cancelled: call(), _("CoopDesk"), step)


def guarded(command: QUndoCommand, call: Callable[[], Any]) -> None:
    """Run an undo or redo; a refusal (the record changed meanwhile: another user, a sync, a locked
    year) is said, and the command made obsolete instead of doing something else."""
    try:
        call()
    except CoopError as exc:
        command.setObsolete(True)
        dialogs.warn(None, exc.message())


def execute(stack: QUndoStack, text: str, do: Callable[[], Any], undo: Callable[[Any], Any],
            after: Callable[[], None] | None = None, *, size: Callable[[Any], int] | None = None,
            rows: int = 0) -> Any:
    """Run ``do`` now; push the command only if it succeeded. A CoopError propagates to the caller.
    ``size(result)``: how many rows its undo and redo touch (a large one runs them in a worker);
    ``rows``: how many ``do`` touches, when known before (from :data:`LARGE`, ``do`` runs in a worker
    behind the same modal dialog)."""
    if rows >= LARGE:
        result = run_modal(lambda _progress, _cancelled: do(), _("CoopDesk"), text + "…")
    else:
        result = do()
    stack.push(ServiceCommand(text, do, undo, after, done=True, result=result, size=size))
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
    returns what ``reapply(token)`` needs to make it again. ``size``: how many rows they touch; a
    large import's undo and redo run in a worker (see :data:`LARGE`)."""

    def __init__(self, text: str, revert: Callable[[], Any], reapply: Callable[[Any], Any],
                 after: Callable[[], None] | None = None, *, size: int = 0) -> None:
        super().__init__(text)
        self._revert = revert
        self._reapply = reapply
        self._after = after
        self._size = size
        self._token: Any = None
        self._applied = True  # pushed after the change was made: the first redo() does nothing

    def redo(self) -> None:
        if not self._applied:
            guarded(self, lambda: in_worker_if_large(self, lambda: self._reapply(self._token), self._size,
                                                     redoing=True))
        self._applied = True
        if self._after:
            self._after()

    def undo(self) -> None:
        guarded(self, lambda: setattr(self, "_token", in_worker_if_large(self, self._revert, self._size,
                                                                         redoing=False)))
        self._applied = False
        if self._after:
            self._after()
