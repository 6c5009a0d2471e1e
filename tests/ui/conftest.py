from __future__ import annotations

import pytest
from PySide6.QtCore import QSettings


@pytest.fixture
def settings(tmp_path):
    return QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)


@pytest.fixture
def window(qtbot, demo, settings):
    from PySide6.QtWidgets import QApplication

    from ui import fonts
    from ui.language import apply_language
    from ui.main_window import MainWindow

    fonts.load_app_fonts()
    apply_language(QApplication.instance(), "fr")
    w = MainWindow(demo, settings=settings)
    qtbot.addWidget(w)
    w.show()
    yield w
    apply_language(QApplication.instance(), "fr")
