"""Switching the interface language at run time: catalogs, Qt's own translations, direction, font.

Qt's own texts (the buttons of message boxes and dialog button boxes, the file dialog, the
calendar) come from the ``qtbase_<lang>.qm`` files shipped inside PySide6. Qt has none for
Tamazight: in Amazigh the standard buttons come from our own catalog (``QT_STRINGS`` below) and
everything else Qt says falls back to French, the official language of the partnership (article 8).
"""

from __future__ import annotations

from PySide6.QtCore import QLibraryInfo, QLocale, Qt, QTranslator
from PySide6.QtWidgets import QApplication

from coopdesk.i18n import FORMAT_LOCALES, N_, gettext_for, is_rtl, set_language
from ui.fonts import font_for

# Which qtbase catalog each language uses; None: Qt's own English.
QT_CATALOGS: dict[str, str | None] = {"fr": "fr", "ar": "ar", "zgh": "fr", "en": None}

# Source texts of Qt's standard buttons (context QPlatformTheme), translated in our catalogs for
# the languages Qt does not ship.
QT_STRINGS = frozenset({
    N_("OK"), N_("Save"), N_("Save All"), N_("Open"), N_("&Yes"), N_("Yes to &All"), N_("&No"),
    N_("N&o to All"), N_("Abort"), N_("Retry"), N_("Ignore"), N_("Close"), N_("Cancel"),
    N_("Discard"), N_("Help"), N_("Apply"), N_("Reset"), N_("Restore Defaults"),
})
_QT_CONTEXTS = frozenset({"QPlatformTheme", "QDialogButtonBox", "QMessageBox"})

_installed: list[QTranslator] = []


class CatalogTranslator(QTranslator):
    """Qt's standard button texts from our gettext catalog (for Tamazight)."""

    def __init__(self, lang: str, parent=None) -> None:
        super().__init__(parent)
        self.lang = lang
        self._gettext = gettext_for(lang)

    def translate(self, context, source_text, disambiguation=None, n=-1):  # noqa: N802 (Qt API)
        if context in _QT_CONTEXTS and source_text in QT_STRINGS:
            text = self._gettext(source_text)
            if text != source_text:
                return text
        return ""  # not ours: the next translator (qtbase) answers

    def isEmpty(self) -> bool:  # noqa: N802 (Qt API)
        return False


def qt_translations_folder() -> str:
    return QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)


def load_qt_catalog(lang: str, parent=None) -> QTranslator | None:
    """Qt's own ``qtbase_<lang>`` translation, or None when PySide6 does not ship it."""
    tr = QTranslator(parent)
    return tr if tr.load(f"qtbase_{lang}", qt_translations_folder()) else None


def apply_language(app: QApplication, lang: str) -> str:
    """Make ``lang`` the UI language; every open window then gets a LanguageChange event."""
    lang = set_language(lang)
    while _installed:
        app.removeTranslator(_installed.pop())
    qt_lang = QT_CATALOGS.get(lang)
    if qt_lang:
        tr = load_qt_catalog(qt_lang, app)
        if tr is not None:
            app.installTranslator(tr)
            _installed.append(tr)
    if lang == "zgh":
        # Installed last, so asked first; it gives way to qtbase for everything else.
        own = CatalogTranslator(lang, app)
        app.installTranslator(own)
        _installed.append(own)
    QLocale.setDefault(QLocale(FORMAT_LOCALES[lang]))
    app.setLayoutDirection(Qt.LayoutDirection.RightToLeft if is_rtl(lang) else Qt.LayoutDirection.LeftToRight)
    app.setFont(font_for(lang, app.font()))
    return lang


def installed_translators() -> list[QTranslator]:
    """The Qt translators in use now (for tests and the About box)."""
    return list(_installed)
