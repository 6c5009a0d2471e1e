"""Reference data typed in several languages is shown in the reader's language."""

from __future__ import annotations

from types import SimpleNamespace

from coopdesk.domain import constants as C
from coopdesk.domain.reference import AXES
from coopdesk.i18n import gettext_for, localized

YOUTH = next(a for a in AXES if a["code"] == "II")


def test_axis_name_per_language():
    assert localized(YOUTH, "name", "fr") == "La jeunesse"
    assert localized(YOUTH, "name", "ar") == "الشباب"
    assert localized(YOUTH, "name", "zgh") == "ⵜⴰⵎⵥⵥⵉⵜ"
    assert localized(YOUTH, "name", "en") == "Youth"


def test_french_when_a_language_is_missing():
    record = SimpleNamespace(name_fr="Nouvel axe", name_ar="", name_zgh=None)
    assert localized(record, "name", "ar") == "Nouvel axe"
    assert localized(record, "name", "zgh") == "Nouvel axe"
    assert localized({"name": "Agadir"}, "name", "ar") == "Agadir"


def test_every_axis_has_a_name_in_every_language():
    for axis in AXES:
        for lang in ("fr", "ar", "zgh", "en"):
            assert axis[f"name_{lang}"].strip(), (axis["code"], lang)


def test_statuses_roles_and_event_types_are_translated_at_display():
    for table in (C.PLAN_STATUSES, C.ACTION_STATUSES, C.EVENT_TYPES, C.ATTENDEE_ROLES, C.USER_ROLES,
                  C.MINUTES_STATUSES, C.VOTES):
        for lang in ("ar", "zgh"):   # in French some words are the same ("Abstention")
            _ = gettext_for(lang)
            for msgid in table.values():
                assert _(msgid) != msgid, (lang, msgid)
    assert gettext_for("fr")(C.MINUTES_STATUSES["enforceable"]) == "Signé par les deux présidents : exécutoire"
