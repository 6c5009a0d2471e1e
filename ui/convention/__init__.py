"""The convention: its dates (signatures, visas, effective date), term, renewals and notice; its
amendments with both signatures; the axes with their names in the UI language."""

from __future__ import annotations


def make_page(services, undo_stack):
    from ui.convention.page import ConventionPage

    return ConventionPage(services, undo_stack)
