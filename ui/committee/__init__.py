"""Steering committee: meetings, attendees, agenda, decisions and votes, minutes and signatures."""

from __future__ import annotations

from typing import Any


def make_page(services: Any, undo_stack) -> Any:
    from ui.committee.page import CommitteePage

    return CommitteePage(services, undo_stack)
