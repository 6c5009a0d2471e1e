"""Switching the interface language at run time: catalogs, Qt's own translations, direction, font."""

from __future__ import annotations

from PySide6.QtCore import QLibraryInfo, QLocale, Qt, QTranslator
from PySide6.QtWidgets import QApplication

from coopdesk.i18n import is_rtl, set_language
from ui.fonts import font_for

_qt_translator: QTranslator | None = None


def apply_language(app: QApplication, lang: str) -> str:
    """Make ``lang`` the UI language; every open window then gets a LanguageChange event."""
    global _qt_translator
    lang = set_language(lang)
    if _qt_translator is not None:
        app.removeTranslator(_qt_translator)
        _qt_translator = None
    qt_lang = {"fr": "fr", "ar": "ar", "en": "en"}.get(lang)
    if qt_lang and qt_lang != "en":
        tr = QTranslator(app)
        folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
        if tr.load(f"qtbase_{qt_lang}", folder):
            app.installTranslator(tr)
            _qt_translator = tr
    QLocale.setDefault(QLocale({"fr": "fr_FR", "ar": "ar_MA", "zgh": "zgh_MA", "en": "en_GB"}[lang]))
    app.setLayoutDirection(Qt.LayoutDirection.RightToLeft if is_rtl(lang) else Qt.LayoutDirection.LeftToRight)
    app.setFont(font_for(lang, app.font()))
    return lang
