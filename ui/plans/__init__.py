"""Plans and actions: plans per year with their status steps, the actions of a plan filtered by axis,
commune and status, the action form, and the plan's provisional calendar as a timeline."""

from __future__ import annotations


def make_page(services, undo_stack):
    from ui.plans.page import PlansPage

    return PlansPage(services, undo_stack)
