"""The main window fits an ordinary 1366×768 office screen in French, Arabic and Amazigh: every page,
reached through the navigation as a person would, leaves the window within that size."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QSize

from ui.main_window import AREAS

SCREEN = QSize(1366, 768)


def _fits(size: QSize) -> bool:
    return size.width() <= SCREEN.width() and size.height() <= SCREEN.height()


@pytest.mark.parametrize("lang", ["fr", "ar", "zgh"])
def test_every_page_fits_1366_by_768(window, qtbot, lang):
    window.set_language(lang)
    window.resize(SCREEN)
    qtbot.waitUntil(lambda: window.size() == SCREEN)
    too_large = {}
    for row, (key, _title) in enumerate(AREAS):
        window.nav.setCurrentRow(row)
        page = window.pages[key]
        assert window.stack.currentWidget().isAncestorOf(page)
        states = page.screenshot_states() if hasattr(page, "screenshot_states") else [(key, lambda: None)]
        for name, prepare in states:  # the pages with a representative record open, as in the docs
            prepare()
            window.resize(SCREEN)
            need = window.minimumSizeHint().expandedTo(window.minimumSize())
            if not _fits(need) or window.size() != SCREEN:
                too_large[name] = (need.width(), need.height(), window.width(), window.height())
    assert not too_large, f"{lang}: pages that make the window larger than 1366×768: {too_large}"
    assert _fits(window.minimumSizeHint())


def test_a_long_form_scrolls_instead_of_growing_the_window(window):
    from ui.common import FormScroll

    window.set_language("ar")
    page = window.pages["people"]
    scroll = page.panel.form.parentWidget()
    while scroll is not None and not isinstance(scroll, FormScroll):
        scroll = scroll.parentWidget()
    assert scroll is not None and scroll.form is page.panel.form
    assert scroll.minimumSizeHint().height() < page.panel.form.minimumSizeHint().height()
    # sideways nothing is cut: the scroll area is at least as wide as the form
    assert scroll.minimumSizeHint().width() >= page.panel.form.minimumSizeHint().width()


def test_action_and_event_titles_are_not_a_persons_function(window):
    window.set_language("fr")
    committee = window.pages["committee"]
    person_title = committee.att_form._labels["title"][0].text()
    assert person_title == "Fonction"
    for key in ("plans", "events"):
        page = window.pages[key]
        form = page.editor.form if key == "plans" else page.form
        assert form._labels["title"][0].text() != person_title
