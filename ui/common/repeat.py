"""An undo step whose redo repeats exactly what its first run did.

Some acts choose or compute something when they run: the committee decision picked for a plan, the
minutes' text written from the meeting record, a password turned into its hash. Running them again
on redo could choose or compute something else (or would need the password kept in memory), so
their redo is a separate call, ``again(result, token)``, given the first run's result and what the
undo returned (a snapshot of a draft it deleted, the account as it was).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtGui import QUndoStack

from ui.common.commands import execute


def execute_again(stack: QUndoStack, text: str, do: Callable[[], Any], undo: Callable[[Any], Any],
                  again: Callable[[Any, Any], Any], after: Callable[[], None] | None = None, *,
                  changed: Callable[[Any], bool] | None = None) -> Any:
    """Run ``do()`` now (a CoopError propagates and nothing is pushed); undo calls ``undo(result)``
    and keeps what it returns; redo calls ``again(result, that)``. When ``changed(result)`` is false
    the act changed nothing a person would see: no step is pushed (``after`` still runs)."""
    result = do()
    if changed is not None and not changed(result):
        if after:
            after()
        return result
    held: dict[str, Any] = {"first": True}

    def run() -> Any:
        if not held.pop("first", False):
            again(result, held.pop("token", None))
        return result

    def back(done: Any) -> None:
        held["token"] = undo(done)

    return execute(stack, text, run, back, after)
