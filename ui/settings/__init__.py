"""Settings: this node and its commune, the interface language, users and roles, backups."""

from __future__ import annotations


def make_page(services, undo_stack):
    from ui.settings.page import SettingsPage

    return SettingsPage(services, undo_stack)
