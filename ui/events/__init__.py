"""Events: list and calendar, the event form, attendance in bulk, teams with the mixed rule."""

from __future__ import annotations

from typing import Any


def make_page(services: Any, undo_stack) -> Any:
    from ui.events.page import EventsPage

    return EventsPage(services, undo_stack)
