"""At 1366×768, in French, Arabic and Amazigh, nothing is cut or scrolled sideways: tables fit their
columns and titles, the meetings list shows the minutes' status, the action form's choices and
themes show whole (or cut with "…" and whole on hover), and in Arabic an action code reads 1.1.1."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QFont, QFontMetrics, QTextLayout, QTextOption
from PySide6.QtWidgets import QApplication, QStyle, QToolTip

from ui.common.forms import Form
from ui.common.tables import RecordsView
from ui.language import apply_language
from ui.main_window import AREAS, MainWindow

SCREEN = (1366, 768)
LANGS = ["fr", "ar", "zgh"]


def _open(window, qtbot, lang: str, key: str):
    window.set_language(lang)
    window.resize(*SCREEN)
    qtbot.waitUntil(lambda: window.size().toTuple() == SCREEN)
    window.nav.setCurrentRow([k for k, _t in AREAS].index(key))
    page = window.pages[key]
    qtbot.waitUntil(lambda: page.font().families() == QApplication.font().families())  # the new font reached it
    return page


@pytest.fixture
def arabic_window(qtbot, demo, settings):
    """The window as the app opens it for a user whose language is Arabic."""
    from ui import fonts

    app = QApplication.instance()
    fonts.load_app_fonts()
    apply_language(app, "ar")
    w = MainWindow(demo, settings=settings)
    qtbot.addWidget(w, before_close_func=lambda win: [f.mark_saved() for f in win.findChildren(Form)])
    w.resize(*SCREEN)
    w.show()
    qtbot.waitExposed(w)
    yield w
    apply_language(app, "fr")


def _settled(qtbot, view) -> None:
    """The columns are fitted once the events of a change are handled."""
    header = view.horizontalHeader()
    qtbot.waitUntil(lambda: not getattr(header, "_later", None) or not header._later.isActive())


def _title_whole(header, column: int) -> bool:
    """The column's title shows whole: on one line, or on the lines the header's height holds."""
    text = str(header.model().headerData(column, Qt.Orientation.Horizontal) or "")
    font = QFont(header.font())
    font.setBold(True)  # a title is drawn bold when its column is highlighted
    room = header.sectionSize(column) - 4  # the section's margins
    box = QFontMetrics(font).boundingRect(QRect(0, 0, max(room, 1), 10_000), int(Qt.TextFlag.TextWordWrap), text)
    return box.width() <= room and box.height() <= header.height()


def _text_fits(view, index) -> bool:
    """The cell's text is drawn whole, not cut with "…" (the margins as the item delegate keeps them)."""
    font = index.data(Qt.ItemDataRole.FontRole)
    metrics = QFontMetrics(font.resolve(view.font()) if isinstance(font, QFont) else view.font())
    margin = view.style().pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, view) + 1
    return metrics.horizontalAdvance(str(index.data())) + 2 * margin <= view.visualRect(index).width()


@pytest.mark.parametrize("lang", LANGS)
def test_no_table_scrolls_sideways_or_cuts_a_title(window, qtbot, lang):
    window.set_language(lang)
    window.resize(*SCREEN)
    qtbot.waitUntil(lambda: window.size().toTuple() == SCREEN)
    problems = []
    for row, (key, _title) in enumerate(AREAS):
        window.nav.setCurrentRow(row)
        page = window.pages[key]
        states = page.screenshot_states() if hasattr(page, "screenshot_states") else [(key, lambda: None)]
        for name, prepare in states:  # the pages with a representative record open, as in the docs
            prepare()
            for view in page.findChildren(RecordsView):
                if not view.isVisible() or view.model() is None:
                    continue
                _settled(qtbot, view)
                header = view.horizontalHeader()
                if view.horizontalScrollBar().isVisible():
                    problems.append(f"{name}/{view.objectName()}: scrolls sideways")
                cut = [str(view.model().headerData(c, Qt.Orientation.Horizontal)) for c in range(header.count())
                       if not header.isSectionHidden(c) and not _title_whole(header, c)]
                if cut:
                    problems.append(f"{name}/{view.objectName()}: titles cut {cut}")
    assert not problems, f"{lang}: {problems}"


@pytest.mark.parametrize("lang", LANGS)
def test_the_meetings_list_shows_each_minutes_status_whole(window, qtbot, lang):
    page = _open(window, qtbot, lang, "committee")
    view = page.meeting_view
    header = view.horizontalHeader()
    page.load(page.meetings.rows[0]["id"])
    for tab in range(page.tabs.count()):  # the minutes' tab, with its many buttons, too
        page.tabs.setCurrentIndex(tab)
        qtbot.waitUntil(lambda t=tab: page.tabs.currentWidget().isVisible() and page.tabs.currentIndex() == t)
        # the splitter has given the tab the width it asks for (the list beside it what is left)
        qtbot.waitUntil(lambda: page.tabs.width() >= page.tabs.minimumSizeHint().width())
        _settled(qtbot, view)  # the columns fitted again to the list's new width
        qtbot.waitUntil(lambda: sum(header.sectionSize(c) for c in range(header.count())) <= view.viewport().width())
        assert not view.horizontalScrollBar().isVisible()
        status = next(c for c, col in enumerate(page.meetings.columns) if col.title == "Minutes")
        assert page.meetings.rowCount() >= 2
        for row in range(page.meetings.rowCount()):
            index = page.meetings.index(row, status)
            assert _text_fits(view, index), f"{lang}, tab {tab}: “{index.data()}” is cut"


@pytest.mark.parametrize("lang", LANGS)
def test_the_action_forms_choices_themes_and_indicator_titles_show_whole(window, qtbot, lang):
    page = _open(window, qtbot, lang, "plans")
    page.screenshot_states()[0][1]()  # action 1.1.1 open
    editor = page.editor
    form = editor.form
    # the axis choice is as wide as the fields under it, not 14 characters
    assert form.widget("axis_id").width() >= form.widget("title").width() - 2
    assert form.widget("status").width() >= form.widget("title").width() - 2
    # every transversal theme shows whole, on two lines if need be, with no sideways scroll bar
    themes = editor.themes
    qtbot.waitUntil(lambda: themes.height() >= themes.content_height())
    assert not themes.horizontalScrollBar().isVisible()
    for i in range(themes.count()):
        rect = themes.visualItemRect(themes.item(i))
        assert themes.viewport().rect().contains(rect), themes.item(i).text()
        text_room = QRect(0, 0, rect.width() - 30, 10_000)  # less the check box
        needed = themes.fontMetrics().boundingRect(text_room, int(Qt.TextFlag.TextWordWrap), themes.item(i).text())
        assert needed.height() <= rect.height(), themes.item(i).text()
    # the indicators' titles are whole (two lines) and the table does not scroll sideways
    editor.setCurrentIndex(1)
    view = editor.indicator_view
    _settled(qtbot, view)
    header = view.horizontalHeader()
    assert not view.horizontalScrollBar().isVisible()
    assert all(_title_whole(header, c) for c in range(header.count()))


def test_a_choice_longer_than_its_box_is_cut_with_an_ellipsis_and_whole_on_hover(window, qtbot):
    page = _open(window, qtbot, "fr", "plans")
    page.screenshot_states()[0][1]()
    window.activateWindow()  # tooltips show in the active window
    qtbot.waitUntil(window.isActiveWindow)
    axis = page.editor.axis
    axis.resize(200, axis.height())  # narrower than “I — Inclusion et insertion socio-économique …”
    full = axis.currentText()
    shown = axis.shown_text()
    assert shown.endswith("…") and full.startswith(shown[:-1]) and len(shown) < len(full)
    qtbot.mouseMove(axis, axis.rect().center())
    qtbot.waitUntil(QToolTip.isVisible, timeout=5000)
    assert QToolTip.text() == full


def _glyph_family(text: str, position: int, font: QFont) -> str:
    """The family of the font that draws the character at ``position`` of ``text``."""
    layout = QTextLayout(text, font)
    layout.beginLayout()
    layout.createLine()
    layout.endLayout()
    return layout.glyphRuns(position, 1)[0].rawFont().familyName()


def _cell_font(view, index) -> QFont:
    font = index.data(Qt.ItemDataRole.FontRole)
    return font.resolve(view.font()) if isinstance(font, QFont) else view.font()


def _glyph_x(layout: QTextLayout, position: int) -> float:
    """Where the character at ``position`` is drawn, from the left."""
    return layout.glyphRuns(position, 1)[0].positions()[0].x()


def test_action_codes_read_1_1_1_in_arabic_everywhere(arabic_window, qtbot):
    from ui.common.export import table_contents

    window = arabic_window
    window.nav.setCurrentRow([k for k, _t in AREAS].index("plans"))
    page = window.pages["plans"]
    page.screenshot_states()[0][1]()
    # the Arabic font draws the point between digits as an Arabic point: 1٫1٫1 …
    assert page.table.font().families()[0] == "Noto Naskh Arabic"
    assert _glyph_family("1.1.1", 1, page.table.font()) == "Noto Naskh Arabic"
    # … so the plans' list isolates the code left to right and draws its points with Noto Sans
    row = next(r for r, a in enumerate(page.model.rows) if a["code"] == "1.1.1")
    index = page.model.index(row, 0)
    shown = index.data()
    assert shown == "\u20661.1.1\u2069"
    assert _glyph_family(shown, shown.index("."), _cell_font(page.table, index)) == "Noto Sans"

    # the action form's code field
    code = page.editor.form.widget("code")
    assert code.text() == "1.1.1"
    assert _glyph_family(code.text(), 1, code.font()) == "Noto Sans"

    # an indicator code reads 1.1.1-a from the left, not a-1.1.1, in the right-to-left table
    page.editor.setCurrentIndex(1)
    ind = page.editor.indicators
    index = ind.index(next(r for r, i in enumerate(ind.rows) if i["code"] == "1.1.1-a"), 0)
    shown = index.data()
    layout = QTextLayout(shown, _cell_font(page.editor.indicator_view, index))
    option = QTextOption()
    option.setTextDirection(Qt.LayoutDirection.RightToLeft)
    layout.setTextOption(option)
    layout.beginLayout()
    layout.createLine().setLineWidth(500)
    layout.endLayout()
    assert _glyph_x(layout, shown.index("1")) < _glyph_x(layout, shown.index("-")) < _glyph_x(layout, shown.index("a"))
    # what is written to a spreadsheet is the code itself, without the isolating marks
    assert "1.1.1-a" in [r[0] for r in table_contents(page.editor.indicator_view)[1]]

    # the dashboard's indicators list shows its action codes through the same model
    window.nav.setCurrentRow([k for k, _t in AREAS].index("dashboard"))
    view = window.pages["dashboard"].indicator_view
    model = view.model()
    action = next(c for c in range(model.columnCount())
                  if str(model.data(model.index(0, c))).strip("\u2066\u2069") == "1.1.1")
    index = model.index(0, action)
    assert _glyph_family(index.data(), index.data().index("."), _cell_font(view, index)) == "Noto Sans"


def test_codes_stay_as_typed_in_french(window, qtbot):
    page = _open(window, qtbot, "fr", "plans")
    page.screenshot_states()[0][1]()
    row = next(r for r, a in enumerate(page.model.rows) if a["code"] == "1.1.1")
    assert page.model.index(row, 0).data() == "1.1.1"
    assert page.model.index(row, 0).data(Qt.ItemDataRole.FontRole) is None


def test_a_meeting_status_cut_in_a_narrow_list_shows_whole_on_hover(window, qtbot):
    page = _open(window, qtbot, "fr", "committee")
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    view = page.meeting_view
    splitter = view.parentWidget().parentWidget()
    splitter.setSizes([360, splitter.width() - 360])  # the list dragged narrower
    _settled(qtbot, view)
    assert not view.horizontalScrollBar().isVisible()  # cut, not scrolled sideways
    status = next(c for c, col in enumerate(page.meetings.columns) if col.title == "Minutes")
    index = next(page.meetings.index(r, status) for r in range(page.meetings.rowCount())
                 if not _text_fits(view, page.meetings.index(r, status)))
    qtbot.mouseMove(view.viewport(), view.visualRect(index).center())
    qtbot.waitUntil(QToolTip.isVisible, timeout=5000)
    assert QToolTip.text() == index.data()
