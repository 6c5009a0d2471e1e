"""Switching the language at run time: Arabic mirrors the whole window, Amazigh shows Tifinagh."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QDialogButtonBox,
    QLabel,
    QMessageBox,
)

from coopdesk.i18n import gettext_for
from ui.common.forms import Form
from ui.main_window import AREAS

RTL, LTR = Qt.LayoutDirection.RightToLeft, Qt.LayoutDirection.LeftToRight


def arabic(text: str) -> bool:
    return any("\u0600" <= ch <= "\u06ff" for ch in text)


def tifinagh(text: str) -> bool:
    return any("\u2d30" <= ch <= "\u2d7f" for ch in text)


def nav_texts(window) -> list[str]:
    return [window.nav.item(i).text() for i in range(window.nav.count())]


def go_to(qtbot, window, key: str) -> None:
    row = [k for k, _t in AREAS].index(key)
    item = window.nav.item(row)
    qtbot.mouseClick(window.nav.viewport(), Qt.MouseButton.LeftButton,
                     pos=window.nav.visualItemRect(item).center())
    assert window.stack.currentIndex() == row


def form_captions(form: Form) -> list[tuple[str, str]]:
    return [(caption.text(), msgid) for caption, msgid in form._labels.values()]


def test_arabic_mirrors_the_window_and_translates_it(qtbot, window):
    go_to(qtbot, window, "people")
    window.set_language("ar")

    assert QApplication.layoutDirection() == RTL
    assert window.isRightToLeft() and window.nav.isRightToLeft()
    ar = gettext_for("ar")
    assert nav_texts(window) == [ar(title) for _key, title in AREAS]
    assert window.nav.item(0).text() == "لوحة القيادة"
    assert arabic(window.menu_file.title())
    # The navigation is on the right of the pages now.
    qtbot.waitUntil(lambda: window.nav.mapTo(window, window.nav.rect().center()).x() > window.stack.mapTo(
        window, window.stack.rect().center()).x())

    tables = window.findChildren(QAbstractItemView)
    assert tables and all(t.isRightToLeft() for t in tables)

    forms = window.findChildren(Form)
    assert forms, "no form in the window"
    for form in forms:
        assert form.isRightToLeft()
        for text, msgid in form_captions(form):
            assert text == ar(msgid), (type(form.parent()).__name__, msgid, text)
    person_form = window.pages["people"].findChild(Form)
    assert person_form is not None and any(arabic(t) for t, _m in form_captions(person_form))


def test_back_to_french_restores_left_to_right(qtbot, window):
    window.set_language("ar")
    window.set_language("fr")
    assert QApplication.layoutDirection() == LTR
    assert not window.isRightToLeft() and not window.nav.isRightToLeft()
    assert window.nav.item(0).text() == "Tableau de bord"
    assert nav_texts(window) == [gettext_for("fr")(title) for _key, title in AREAS]
    assert not any(arabic(t) for t in nav_texts(window))
    assert window.settings.value("language") == "fr"


def test_amazigh_shows_tifinagh_with_an_explicit_font(qtbot, window):
    window.set_language("zgh")
    assert QApplication.layoutDirection() == LTR
    assert all(tifinagh(t) for t in nav_texts(window))
    assert QApplication.font().families()[0] == "Noto Sans Tifinagh"
    labels = [w for w in window.findChildren(QLabel) if w.isVisible() and tifinagh(w.text())]
    assert labels, "no Tifinagh label on the screen"
    assert all("Noto Sans Tifinagh" in w.font().families() for w in labels)


@pytest.mark.parametrize(("lang", "cancel", "save"), [
    ("fr", "Annuler", "Enregistrer"),
    ("ar", "ألغِ", "احفظ"),          # Qt's own qtbase_ar
    ("zgh", "ⵙⵔ", "ⵃⴹⵓ"),            # Qt has no Tamazight: our catalog
    ("en", "Cancel", "Save"),
])
def test_qt_standard_buttons_are_translated(qtbot, window, lang, cancel, save):
    window.set_language(lang)
    box = QMessageBox(QMessageBox.Icon.Question, "CoopDesk", "?",
                      QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Cancel, window)
    qtbot.addWidget(box)
    box.show()
    assert box.button(QMessageBox.StandardButton.Cancel).text() == cancel
    assert box.button(QMessageBox.StandardButton.Save).text() == save
    assert box.isRightToLeft() == (lang == "ar")
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
    qtbot.addWidget(buttons)
    assert buttons.button(QDialogButtonBox.StandardButton.Cancel).text() == cancel


def test_qt_catalogs_are_shipped():
    from ui.language import load_qt_catalog

    assert load_qt_catalog("fr") is not None
    assert load_qt_catalog("ar") is not None
