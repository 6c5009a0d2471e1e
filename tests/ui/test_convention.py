"""Convention page: an amendment is signed on the day typed (not the day it is recorded), undoably."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QLineEdit, QPushButton

from ui.common import dialogs
from ui.common.pickers import adopted_decisions


@pytest.fixture
def page(qtbot, demo, monkeypatch):
    from ui.convention.page import ConventionPage

    warnings: list[str] = []
    monkeypatch.setattr(dialogs, "warn", lambda parent, text: warnings.append(text))
    stack = QUndoStack()
    p = ConventionPage(demo, stack)
    p.stack, p.warnings = stack, warnings
    qtbot.addWidget(p)
    p.resize(1366, 768)
    p.show()
    qtbot.waitExposed(p)
    yield p
    stack.indexChanged.disconnect()  # the stack outlives the page here (in the app the window owns both)


def _answer_date(qtbot, text: str | None) -> None:
    """When the date dialog opens: type ``text`` and press OK, or Cancel when None."""
    def answer() -> None:
        dialog = QApplication.activeModalWidget()
        if dialog is None:  # not open yet
            QTimer.singleShot(10, answer)
            return
        buttons = dialog.findChild(QDialogButtonBox)
        if text is None:
            qtbot.mouseClick(buttons.button(QDialogButtonBox.StandardButton.Cancel), Qt.MouseButton.LeftButton)
            return
        edit = dialog.findChild(QLineEdit)
        edit.selectAll()
        qtbot.keyClicks(edit, text)
        qtbot.mouseClick(buttons.button(QDialogButtonBox.StandardButton.Ok), Qt.MouseButton.LeftButton)

    QTimer.singleShot(0, answer)


def test_an_amendment_is_signed_on_the_day_typed_then_undone(qtbot, page, demo):
    decision = adopted_decisions(demo)[-1][0]
    amendment = demo.convention.add_amendment("Ajout d'un axe sur l'eau", decision)
    page.refresh()
    row = next(r for r, a in enumerate(page.amendments.rows) if a["id"] == amendment["id"])
    rect = page.amendment_view.visualRect(page.amendments.index(row, 1))
    qtbot.mouseClick(page.amendment_view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    sign_tiz = page.findChild(QPushButton, "signAmendmentTIZ")

    _answer_date(qtbot, None)  # changed their mind: nothing signed
    qtbot.mouseClick(sign_tiz, Qt.MouseButton.LeftButton)
    assert next(a for a in demo.convention.convention()["amendments"] if a["id"] == amendment["id"])["signed_tiz"] is None

    _answer_date(qtbot, "2026-11-02")  # signed in the town hall three weeks before it is recorded
    qtbot.mouseClick(sign_tiz, Qt.MouseButton.LeftButton)
    signed = next(a for a in demo.convention.convention()["amendments"] if a["id"] == amendment["id"])
    assert signed["signed_tiz"] == dt.date(2026, 11, 2)
    assert page.warnings == []

    page.stack.undo()
    signed = next(a for a in demo.convention.convention()["amendments"] if a["id"] == amendment["id"])
    assert signed["signed_tiz"] is None


def test_a_signature_date_that_is_not_a_date_is_refused_with_the_reason(qtbot, page, demo):
    decision = adopted_decisions(demo)[-1][0]
    amendment = demo.convention.add_amendment("Ajout d'un axe sur l'eau", decision)
    page.refresh()
    page.amendment_view.selectRow(next(r for r, a in enumerate(page.amendments.rows) if a["id"] == amendment["id"]))
    _answer_date(qtbot, "2026-13-45")
    qtbot.mouseClick(page.findChild(QPushButton, "signAmendmentVLG"), Qt.MouseButton.LeftButton)
    assert page.warnings  # the service's sentence, translated
    signed = next(a for a in demo.convention.convention()["amendments"] if a["id"] == amendment["id"])
    assert signed["signed_vlg"] is None
