"""Beneficiaries: the paged list with search and filters, a person's form, enrolments and timeline."""

from __future__ import annotations

from typing import Any


def make_page(services: Any, undo_stack) -> Any:
    from ui.people.page import PeoplePage

    return PeoplePage(services, undo_stack)
