"""The window's layout remembered between sessions (QSettings): where the user left each splitter.

A page's splitters are found in the order the page builds them; the key names the page, the
splitter's place among them and its number of panes, so a page whose layout changed in a new
version starts with its default sizes instead of someone else's.
"""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QSettings
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
