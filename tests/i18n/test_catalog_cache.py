"""Compiled catalogs are kept between starts (compiling them was a noticeable part of the app's
start), but what a person reads always comes from the .po as it is now."""

from __future__ import annotations

import shutil

import pytest

from coopdesk import i18n


@pytest.fixture
def catalogs(tmp_path, monkeypatch):
    """A copy of the translations and an empty cache folder; the process's catalogs are reloaded
    after the test."""
    folder = tmp_path / "translations"
    shutil.copytree(i18n.TRANSLATIONS_DIR, folder)
    monkeypatch.setattr(i18n, "TRANSLATIONS_DIR", folder)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    saved = dict(i18n._cache)
    i18n._cache.clear()
    yield folder
    i18n._cache.clear()
    i18n._cache.update(saved)


def _restart() -> None:
    """What a new start of the app sees: no catalog in memory."""
    i18n._cache.clear()


def test_an_edited_translation_shows_at_the_next_start(catalogs):
    assert i18n.gettext_for("fr")("Dashboard") == "Tableau de bord"
    po = catalogs / "fr" / "LC_MESSAGES" / "coopdesk.po"
    text = po.read_text(encoding="utf-8")
    assert 'msgstr "Tableau de bord"' in text
    po.write_text(text.replace('msgstr "Tableau de bord"', 'msgstr "Accueil"'), encoding="utf-8")
    _restart()
    assert i18n.gettext_for("fr")("Dashboard") == "Accueil"


def test_a_damaged_compiled_catalog_is_not_used(catalogs, tmp_path):
    assert i18n.gettext_for("ar")("Dashboard") != "Dashboard"
    compiled = list((tmp_path / "cache").rglob("*.mo"))
    assert compiled
    for path in compiled:
        path.write_bytes(b"not a catalog")
    _restart()
    assert i18n.gettext_for("ar")("Dashboard") != "Dashboard"


def test_translations_work_when_the_cache_folder_cannot_be_written(catalogs, tmp_path, monkeypatch):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    assert i18n.gettext_for("fr")("Dashboard") == "Tableau de bord"
