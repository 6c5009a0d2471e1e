"""Funding: the funders and partner organisations, and the funding requests of the actions with
their amounts (requested, granted, paid) and statuses, in EUR and MAD."""

from __future__ import annotations


def make_page(services, undo_stack):
    from ui.funding.page import FundingPage

    return FundingPage(services, undo_stack)
