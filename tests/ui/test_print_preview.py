"""Print preview: the demo minutes shown page 1 first, another document language, Save as PDF, Print,
a refused certificate, the annual report."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QUndoStack
from PySide6.QtPdf import QPdfDocument
from PySide6.QtWidgets import QLabel, QPushButton

import ui.print_preview as pp
from ui.common import dialogs


@pytest.fixture
def warnings(monkeypatch):
    seen: list[str] = []
    monkeypatch.setattr(dialogs, "warn", lambda parent, text: seen.append(text))
    return seen


def _page(qtbot, cls, demo):
    page = cls(demo, QUndoStack())
    qtbot.addWidget(page)
    page.resize(1366, 768)
    page.show()
    return page


def _open(qtbot, page, click) -> pp.PrintPreviewDialog:
    """Click, wait for the PDF built in the background and the preview's first page drawn."""
    with qtbot.waitSignal(page.previewer.opened, timeout=20000) as opened:
        click()
    dlg = opened.args[0]
    qtbot.addWidget(dlg)
    qtbot.waitUntil(lambda: 0 in dlg.rendered_pages, timeout=10000)
    return dlg


def _committee(qtbot, demo):
    from ui.committee.page import CommitteePage

    page = _page(qtbot, CommitteePage, demo)
    page.load(demo.demo_ids["meetings"][0])
    page.tabs.setCurrentIndex(4)
    return page


def _ink(image) -> int:
    """Dark pixels in a sample of the image: text was drawn."""
    w, h = image.width(), image.height()
    return sum(1 for x in range(0, w, 3) for y in range(0, h, 3) if image.pixelColor(x, y).lightness() < 128
               and image.pixelColor(x, y).alpha() > 0)


def test_minutes_preview_shows_page_one_before_the_rest(qtbot, demo, warnings):
    page = _committee(qtbot, demo)
    button = page.findChild(QPushButton, "preview_minutes")
    assert button.isEnabled()
    dlg = _open(qtbot, page, lambda: qtbot.mouseClick(button, Qt.MouseButton.LeftButton))
    assert warnings == []
    assert dlg.document.status() == QPdfDocument.Status.Ready
    pages = dlg.page_count()
    assert pages >= 2
    # The whole document is loaded (page count known) but the view drew page 1 only: the others
    # are rasterised when scrolled into view.
    assert dlg.rendered_pages == [0]
    assert _ink(dlg.page_images[0]) > 100
    assert dlg.findChild(QLabel, "previewPage").text() == f"Page 1 / {pages}"
    # scrolling to the end draws the last page, on demand
    bar = dlg.view.verticalScrollBar()
    bar.setValue(bar.maximum())
    qtbot.waitUntil(lambda: pages - 1 in dlg.rendered_pages, timeout=10000)
    assert dlg.findChild(QLabel, "previewPage").text() == f"Page {pages} / {pages}"


def test_arabic_rerenders_and_save_as_pdf(qtbot, demo, warnings, monkeypatch, tmp_path):
    page = _committee(qtbot, demo)
    dlg = _open(qtbot, page, lambda: page.preview("minutes"))
    before = dlg.page_images[0]
    combo = dlg.findChild(type(dlg.language), "previewLanguage")
    with qtbot.waitSignal(dlg.document_loaded, timeout=20000):
        combo.setCurrentIndex(combo.findData("ar"))
    qtbot.waitUntil(lambda: 0 in dlg.rendered_pages, timeout=10000)
    assert dlg.lang == "ar"
    assert dlg.page_images[0] != before
    assert warnings == []

    target = tmp_path / "pv-ar"
    monkeypatch.setattr(dialogs, "save_file", lambda parent, title, name, filters: str(target))
    qtbot.mouseClick(dlg.findChild(QPushButton, "previewSave"), Qt.MouseButton.LeftButton)
    saved = tmp_path / "pv-ar.pdf"
    assert saved.read_bytes().startswith(b"%PDF")
    assert saved.read_bytes() == dlg.pdf


def test_print_draws_every_page_on_the_printer(qtbot, demo, warnings, monkeypatch, tmp_path):
    from PySide6.QtPrintSupport import QPrinter

    out = tmp_path / "printed.pdf"

    def fake_dialog(parent, printer, pages):  # stands for the system dialog: print to a PDF file
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(out))
        printer.setResolution(72)
        return True

    monkeypatch.setattr(pp, "choose_printer", fake_dialog)
    page = _committee(qtbot, demo)
    dlg = _open(qtbot, page, lambda: page.preview("attendance"))
    with qtbot.waitSignal(dlg.printed, timeout=20000) as done:
        qtbot.mouseClick(dlg.findChild(QPushButton, "previewPrint"), Qt.MouseButton.LeftButton)
    assert done.args == [dlg.page_count()]
    printed = QPdfDocument()
    printed.load(str(out))
    assert printed.pageCount() == dlg.page_count()
    assert warnings == []


def test_certificate_of_a_non_participant_is_refused_with_its_message(qtbot, demo, warnings):
    from ui.events.page import EventsPage

    page = _page(qtbot, EventsPage, demo)
    sport = demo.demo_ids["sport"]
    page.table.selectRow([r for r, e in enumerate(page.list_model.rows) if e["id"] == sport][0])
    page.tabs.setCurrentIndex(1)
    statuses = [r["status"] for r in page.attendance.rows]
    button = page.findChild(QPushButton, "previewCertificate")

    def choose(status: str) -> None:
        index = page.attendance.index(statuses.index(status), 1)
        page.att_view.scrollTo(index)
        qtbot.mouseClick(page.att_view.viewport(), Qt.MouseButton.LeftButton,
                         pos=page.att_view.visualRect(index).center())

    choose("absent")
    with qtbot.waitSignal(page.previewer.refused, timeout=20000) as refused:
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    expected = "Cette personne n'a pas participé à l'événement : aucune attestation ne peut être délivrée."
    assert refused.args == [expected]
    assert warnings == [expected]
    assert page.previewer.dialog is None

    choose("attended")  # the same button for someone who came opens the certificate
    dlg = _open(qtbot, page, lambda: qtbot.mouseClick(button, Qt.MouseButton.LeftButton))
    assert dlg.page_count() == 1
    assert warnings == [expected]


def test_report_preview_of_2026_opens_from_the_plans_page(qtbot, window, warnings):
    window.nav.setCurrentRow(2)
    page = window.pages["plans"]
    page.plan_combo.setCurrentIndex(page.plan_combo.findText("2026"))
    dlg = _open(qtbot, page, lambda: qtbot.mouseClick(page.findChild(QPushButton, "previewReport"),
                                                      Qt.MouseButton.LeftButton))
    assert warnings == []
    assert "2026" in dlg.windowTitle()
    assert dlg.page_count() > 5
    assert dlg.rendered_pages == [0]  # a long report: page 1 shown, the rest drawn only when scrolled to


def test_ctrl_p_opens_the_minutes_preview(qtbot, demo, warnings):
    page = _committee(qtbot, demo)
    page.activateWindow()
    page.meeting_view.setFocus()
    qtbot.waitUntil(page.meeting_view.hasFocus)
    dlg = _open(qtbot, page, lambda: qtbot.keyClick(page.meeting_view, Qt.Key.Key_P,
                                                    Qt.KeyboardModifier.ControlModifier))
    assert dlg.page_count() >= 2
    assert warnings == []
