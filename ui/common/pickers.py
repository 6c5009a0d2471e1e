"""Small choosers shared by several pages."""

from __future__ import annotations

from PySide6.QtWidgets import QInputDialog, QWidget

from coopdesk.i18n import _, format_date
from ui.common import dialogs


def adopted_decisions(services) -> list[tuple[str, str]]:
    """(id, label) of every adopted committee decision, oldest first."""
    out: list[tuple[str, str]] = []
    for m in services.committee.meetings():
        for d in services.committee.meeting(m["id"])["decisions"]:
            if d["adopted"]:
                out.append((d["id"], f"{format_date(m['held_at'].date(), 'medium')} — "
                                     f"{d['number']} {d.get('title') or ''}".strip()))
    return out


def choose_decision(parent: QWidget, services, title: str) -> str | None:
    """Ask for an adopted decision of the committee; None when there is none or the user cancels."""
    choices = adopted_decisions(services)
    if not choices:
        dialogs.warn(parent, _("No adopted committee decision yet: the committee must decide first."))
        return None
    label, ok = QInputDialog.getItem(parent, title, _("Decision of the committee:"),
                                     [c[1] for c in choices], len(choices) - 1, False)
    if not ok:
        return None
    return {text: key for key, text in choices}[label]
