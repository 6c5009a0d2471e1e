"""The catalogs are complete and sound, and the check that says so can fail."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog, Message

from coopdesk import catalogs as K
from coopdesk.i18n import LANGUAGES, gettext_for


@pytest.fixture(scope="module")
def template() -> Catalog:
    return K.extract()


@pytest.fixture(scope="module")
def reports(template) -> dict[str, K.Report]:
    return {r.lang: r for r in K.check(template=template)}


def test_extraction_finds_the_marked_messages(template):
    ids = {m.id for m in template if m.id}
    assert "Dashboard" in ids                                  # _() / N_() in ui/
    assert "The field “{field}” is required." in ids           # N_() in coopdesk/errors.py
    assert "Sport event" in ids                                # N_() constants
    assert any(isinstance(i, tuple) for i in ids), "no ngettext message extracted"
    locations = {loc for m in template for loc, _line in m.locations}
    assert all(not loc.startswith("/") and "\\" not in loc for loc in locations)
    assert not any(loc.startswith(("tests/", "coopdesk/db/migrations")) for loc in locations)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_catalog_compiles_and_is_complete(lang, reports):
    report = reports[lang]
    assert report.messages > 0
    assert report.problems == [], (
        f"{lang}: {len(report.problems)} problem(s); run `python -m coopdesk.catalogs update`, translate, "
        "then `python -m coopdesk.catalogs check`:\n" + "\n".join(report.problems[:40]))


@pytest.mark.parametrize("lang", LANGUAGES)
def test_plural_header_is_babels(lang):
    catalog = K.read_catalog(lang)
    assert catalog is not None
    assert catalog.plural_forms == Catalog(locale=lang).plural_forms
    expected = {"fr": 3, "ar": 6, "zgh": 2, "en": 2}[lang]   # French: CLDR's "many" (1 000 000)
    assert catalog.num_plurals == expected


def test_french_plural_many_form_is_used():
    ng = K.compile_catalog(K.read_catalog("fr")).ngettext
    one, many, other = (ng("{n} beneficiary", "{n} beneficiaries", n) for n in (1, 1_000_000, 3))
    assert len({one, many, other}) == 3, (one, many, other)


def test_arabic_screen_texts_are_arabic():
    ar = gettext_for("ar")
    assert ar("Steering committee") == "لجنة القيادة"
    assert ar("Beneficiaries") == "المستفيدون"
    assert gettext_for("fr")("Steering committee") == "Comité de pilotage"
    assert all("\u2d30" <= ch <= "\u2d7f" for ch in gettext_for("zgh")("Settings") if ch.isalpha())


# ------------------------------------------------------------------- the checker itself can fail


def _message(msgid, string, flags=()):
    return Message(msgid, string, flags=flags)


def test_placeholder_mismatch_is_reported():
    assert K.check_message(_message("Hello {name}", "Bonjour {nom}"), 3)
    assert K.check_message(_message("Hello {name}", "Bonjour"), 3)
    assert K.check_message(_message("Hello {name}", "Bonjour {name"), 3)
    assert K.check_message(_message("Hello {name}", "Bonjour {name}"), 3) == []


def test_untranslated_fuzzy_and_missing_plural_forms_are_reported():
    assert K.check_message(_message("Save", ""), 2)
    assert K.check_message(_message("Save", "Enregistrer", flags=("fuzzy",)), 2)
    assert K.check_message(_message(("{n} file", "{n} files"), ("{n} fichier", "{n} fichiers")), 3)
    assert K.check_message(_message(("{n} file", "{n} files"), ("{n} f", "", "{n} f")), 3)
    assert K.check_message(_message(("{n} file", "{n} files"), ("{n} f", "{n} f", "f")), 3)
    assert K.check_message(_message(("{n} file", "{n} files"), ("{n} f", "{n} f", "{n} f")), 3) == []


def test_a_new_message_without_translation_fails_the_check(tmp_path):
    root = K.ROOT
    for name in ("coopdesk", "ui", "translations"):
        shutil.copytree(root / name, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(root / "babel.cfg", tmp_path / "babel.cfg")
    (tmp_path / "ui" / "zz_new_screen.py").write_text(
        'from coopdesk.i18n import _\n\nTITLE = _("A brand new screen of {site}")\n', encoding="utf-8")

    before = {r.lang: r for r in K.check(root=tmp_path)}
    assert all(any("A brand new screen" in p for p in before[lang].problems) for lang in LANGUAGES)

    K.update(root=tmp_path)   # the message reaches every catalog, untranslated but for English
    after = {r.lang: r for r in K.check(root=tmp_path)}
    assert any("untranslated: “A brand new screen of {site}”" in p for p in after["fr"].problems)
    assert not any("A brand new screen" in p for p in after["en"].problems)
    po = (tmp_path / "translations" / "fr" / "LC_MESSAGES" / "coopdesk.po").read_text(encoding="utf-8")
    assert "#: ui/zz_new_screen.py\n" in po          # relative, no line number
    assert str(tmp_path) not in po


def test_update_on_unchanged_code_changes_nothing(tmp_path):
    shutil.copytree(K.ROOT / "translations", tmp_path / "translations")
    for name in ("coopdesk", "ui"):
        shutil.copytree(K.ROOT / name, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(K.ROOT / "babel.cfg", tmp_path / "babel.cfg")
    K.update(root=tmp_path)                      # brings the copy in line with the code now
    snapshot = {p: p.read_bytes() for p in Path(tmp_path, "translations").rglob("*.po*")}
    changed = K.update(root=tmp_path)
    assert not any(changed.values())
    assert snapshot == {p: p.read_bytes() for p in Path(tmp_path, "translations").rglob("*.po*")}
