"""The window's layout remembered between sessions (QSettings): where the user left each splitter.

A page's splitters are found in the order the page builds them; the key names the page, the
splitter's place among them and its number of panes, so a page whose layout changed in a new
version starts with its default sizes instead of someone else's.
"""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QSettings, Qt
from PySide6.QtWidgets import QSplitter, QWidget


def _splitters(page: QWidget) -> list[tuple[str, QSplitter]]:
    return [(f"{i}-{s.count()}", s) for i, s in enumerate(page.findChildren(QSplitter))]


def restore_splitters(settings: QSettings, area: str, page: QWidget) -> None:
    for key, splitter in _splitters(page):
        state = settings.value(f"layout/{area}/splitter{key}")
        if isinstance(state, QByteArray) and not state.isEmpty():
            splitter.restoreState(state)


def save_splitters(settings: QSettings, area: str, page: QWidget) -> None:
    for key, splitter in _splitters(page):
        settings.setValue(f"layout/{area}/splitter{key}", splitter.saveState())


def mend_right_to_left(page: QWidget) -> None:
    """Qt's horizontal splitter (6.11) lays its panes out one pixel too far right in a right-to-left
    layout, so the pane against the navigation lost its right border (a table's frame, a button's
    edge). A one-pixel right margin there brings it back inside; none in left to right. Called when
    a page is built and when the language changes."""
    rtl = page.isRightToLeft()
    for splitter in page.findChildren(QSplitter):
        if splitter.orientation() == Qt.Orientation.Horizontal:
            splitter.setContentsMargins(0, 0, 1 if rtl else 0, 0)
