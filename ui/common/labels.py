"""Names of reference data in the UI language, amounts, and the viewer rule."""

from __future__ import annotations

import re
from typing import Any

from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QWidget

from coopdesk.i18n import _, current_language, format_money


def _localised(record: dict[str, Any], lang: str | None = None) -> str:
    lang = lang or current_language()
    for key in (f"name_{lang}", "name_fr", "name"):
        if record.get(key):
            return str(record[key])
    return str(record.get("code", ""))


def axis_name(axis: dict[str, Any], lang: str | None = None) -> str:
    return _localised(axis, lang)


def commune_name(commune: dict[str, Any], lang: str | None = None) -> str:
    return _localised(commune, lang)


def money(minor: int | None, currency: str) -> str:
    return format_money(minor or 0, currency or "EUR")


# An identifier written left to right, with a digit: action 1.1.1, indicator 1.1.1-a, decision 2025-01.
_CODE = re.compile(r"(?=[^\d]*\d)[0-9A-Za-z]+(?:[.\-/][0-9A-Za-z]+)+")
LRI, PDI = "\u2066", "\u2069"  # left-to-right isolate … pop directional isolate


def is_code(text: str) -> bool:
    return bool(_CODE.fullmatch(text))


def code_text(text: str) -> str:
    """``text`` as shown: in a right-to-left layout a code such as 1.1.1-a is isolated left to right,
    or the bidi algorithm shows its letter first ("a-1.1.1"); other texts are unchanged."""
    if text and QGuiApplication.isRightToLeft() and is_code(text):
        return f"{LRI}{text}{PDI}"
    return text


def can_edit(services: Any) -> bool:
    return bool(services.actor.can_edit)


def hide_for_viewer(services: Any, *widgets: QWidget) -> None:
    """A viewer sees no edit buttons (the services refuse a viewer's writes anyway)."""
    if not can_edit(services):
        for w in widgets:
            w.hide()
            w.setEnabled(False)


def field_label(field: str) -> str:
    """The translated name of a database field (its code when it has none)."""
    from coopdesk.domain.constants import FIELD_LABELS

    label = FIELD_LABELS.get(field)
    return _(label) if label else field
