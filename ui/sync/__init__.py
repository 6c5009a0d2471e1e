"""Sync centre: pairing with partner sites, bundles prepared for them and imported from them (with a
preview), conflicts, history and the sharing policy."""

from __future__ import annotations


def make_page(services, undo_stack):
    from ui.sync.page import SyncPage

    return SyncPage(services, undo_stack)
