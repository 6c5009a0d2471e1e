"""Preview, print and save a printed document (issue 5): the PDF built by ``coopdesk.pdf.render`` is
shown by Qt's PDF module, in a document language chosen here, independent of the UI language.

    previewer = Previewer(page, services, progress_panel)      # one per page
    previewer.open("minutes", title=..., file_name="pv.pdf", meeting_id=mid)
    # builds the PDF in a Task (progress panel, Cancel), then shows PrintPreviewDialog;
    # a CoopError (a participant who did not attend, a name no font can draw) is shown with dialogs.warn.

The view (QPdfView, multi-page) rasterises only the pages it shows, in a thread of its own: the
dialog shows page 1 as soon as that page is drawn, whatever the length of the document
(see docs/printing.md, "Preview in the app"). ``rendered_pages`` records which pages the view drew.

Printing goes through ``choose_printer`` (the system dialog; tests replace it) and then runs in a
Task that draws each page image on the printer (QPainter may paint on a QPrinter in a worker thread).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QObject, QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QAction, QImage, QKeySequence
from PySide6.QtPdf import QPdfDocument, QPdfPageRenderer
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from coopdesk.errors import CoopError
from coopdesk.i18n import LANGUAGE_NAMES, _, format_number, format_percent
from ui.common import ProgressPanel, Task, dialogs

DOC_LANGUAGES = ("fr", "ar", "fr+ar", "zgh", "en")
ZOOMS = (0.5, 0.75, 1.0, 1.25, 1.5, 2.0)
MAX_PRINT_DPI = 300  # page images for the printer: sharp on paper, ~35 MB per A4 page at most


def language_label(code: str) -> str:
    """A document language in its own name (``Français + العربية``), as in the language chooser."""
    return " + ".join(LANGUAGE_NAMES.get(c, c) for c in code.split("+"))


def choose_printer(parent: QWidget | None, printer: Any, pages: int) -> bool:
    """The system print dialog on ``printer``; False when cancelled. Tests replace this function."""
    from PySide6.QtPrintSupport import QPrintDialog

    dialog = QPrintDialog(printer, parent)
    dialog.setMinMax(1, max(1, pages))
    dialog.setOption(QPrintDialog.PrintDialogOption.PrintPageRange, True)
    return dialog.exec() == QDialog.DialogCode.Accepted


def _load(data: bytes, parent: QObject | None = None) -> QPdfDocument:
    """A document read from memory. With a QBuffer (random access) QPdfDocument loads at once:
    status Ready (or Error) when ``load`` returns. The buffer is the document's child."""
    doc = QPdfDocument(parent)
    buffer = QBuffer(doc)
    buffer.setData(QByteArray(data))
    buffer.open(QIODevice.OpenModeFlag.ReadOnly)
    doc.load(buffer)
    return doc


def print_pdf(data: bytes, printer: Any, progress: Callable[[int, str], None], cancelled: Callable[[], bool]) -> int:
    """Draw the pages of ``data`` on ``printer`` (its page range if one was chosen); return the pages printed.
    Runs in a worker: it makes its own QPdfDocument and touches no widget."""
    from PySide6.QtGui import QPainter
    from PySide6.QtPrintSupport import QPrinter

    doc = _load(data)
    try:
        if doc.status() != QPdfDocument.Status.Ready:
            raise RuntimeError(_("The PDF could not be opened."))
        count = doc.pageCount()
        first, last = printer.fromPage(), printer.toPage()
        pages = list(range(first - 1, min(last, count))) if first > 0 and last > 0 else list(range(count))
        dpi = min(printer.resolution(), MAX_PRINT_DPI)
        area = printer.pageRect(QPrinter.Unit.DevicePixel)
        painter = QPainter()
        if not painter.begin(printer):
            raise RuntimeError(_("The printer could not be started."))
        try:
            for n, index in enumerate(pages):
                if cancelled():
                    printer.abort()
                    return n
                progress(int(100 * n / max(1, len(pages))),
                         _("Printing page {page} of {pages}…").format(page=index + 1, pages=count))
                if n:
                    printer.newPage()
                points = doc.pagePointSize(index)
                image = doc.render(index, QSize(round(points.width() * dpi / 72), round(points.height() * dpi / 72)))
                scale = min(area.width() / image.width(), area.height() / image.height())
                painter.drawImage(QRectF(0, 0, image.width() * scale, image.height() * scale), image)
        finally:
            painter.end()
        return len(pages)
    finally:
        doc.close()
        doc.deleteLater()


class PrintPreviewDialog(QDialog):
    """The pages of a PDF, its language, zoom, page x / y, Print… and Save as PDF…"""

    document_loaded = Signal(int)  # page count, after each (re)load
    page_rendered = Signal(int)  # a page image drawn by the view (0-based)
    printed = Signal(int)  # pages sent to the printer

    def __init__(self, pdf: bytes, *, title: str, file_name: str = "document.pdf", lang: str = "fr",
                 rerender: Callable[[str], bytes] | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("printPreview")
        self.title = title
        self.file_name = file_name
        self.rerender = rerender
        self.pdf = b""
        self.lang = lang
        self.document: QPdfDocument | None = None
        self.rendered_pages: list[int] = []
        self.page_images: dict[int, QImage] = {}
        self.task: Task | None = None
        self.print_task: Task | None = None
        self._printer: Any = None

        self.language_label = QLabel()
        self.language = QComboBox()
        self.language.setObjectName("previewLanguage")
        for code in DOC_LANGUAGES:
            self.language.addItem(language_label(code), code)
        if self.language.findData(lang) < 0:
            self.language.addItem(language_label(lang), lang)
        self.language.setCurrentIndex(self.language.findData(lang))
        self.language.setEnabled(rerender is not None)
        self.language.currentIndexChanged.connect(self._language_chosen)
        self.zoom_out = QToolButton()
        self.zoom_out.setObjectName("previewZoomOut")
        self.zoom_out.setText("−")
        self.zoom_out.clicked.connect(lambda: self._step_zoom(-1))
        self.zoom = QComboBox()
        self.zoom.setObjectName("previewZoom")
        self.zoom.currentIndexChanged.connect(self._zoom_chosen)
        self.zoom_in = QToolButton()
        self.zoom_in.setObjectName("previewZoomIn")
        self.zoom_in.setText("+")
        self.zoom_in.clicked.connect(lambda: self._step_zoom(1))
        self.page_label = QLabel()
        self.page_label.setObjectName("previewPage")
        self.save_button = QPushButton()
        self.save_button.setObjectName("previewSave")
        self.save_button.clicked.connect(self.save_pdf)
        self.print_button = QPushButton()
        self.print_button.setObjectName("previewPrint")
        self.print_button.clicked.connect(self.print_document)
        self.close_button = QPushButton()
        self.close_button.setObjectName("previewClose")
        self.close_button.clicked.connect(self.close)
        self.status = QLabel()
        self.status.setObjectName("previewStatus")

        self.view = QPdfView()
        self.view.setObjectName("previewView")
        self.view.setPageMode(QPdfView.PageMode.MultiPage)
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        self.view.pageNavigator().currentPageChanged.connect(lambda *_a: self._show_page())
        # The view's own renderer (a child object): it says which pages were drawn, so the dialog
        # (and its test) can tell page 1 is shown while the others are not rasterised.
        renderer = self.view.findChild(QPdfPageRenderer)
        if renderer is not None:
            renderer.pageRendered.connect(self._page_drawn)
        self.progress = ProgressPanel()
        self.progress.cancel_button.setObjectName("cancelPreview")

        bar = QHBoxLayout()
        bar.addWidget(self.language_label)
        bar.addWidget(self.language)
        bar.addSpacing(12)
        bar.addWidget(self.zoom_out)
        bar.addWidget(self.zoom)
        bar.addWidget(self.zoom_in)
        bar.addSpacing(12)
        bar.addWidget(self.page_label)
        bar.addStretch(1)
        bar.addWidget(self.save_button)
        bar.addWidget(self.print_button)
        bar.addWidget(self.close_button)
        lay = QVBoxLayout(self)
        lay.addLayout(bar)
        lay.addWidget(self.view, 1)
        lay.addWidget(self.progress)
        lay.addWidget(self.status)

        for key, slot in ((QKeySequence.StandardKey.Print, self.print_document),
                          (QKeySequence.StandardKey.Save, self.save_pdf),
                          (QKeySequence.StandardKey.ZoomIn, lambda: self._step_zoom(1)),
                          (QKeySequence.StandardKey.ZoomOut, lambda: self._step_zoom(-1))):
            act = QAction(self)
            act.setShortcut(key)
            act.triggered.connect(slot)
            self.addAction(act)
        self.retranslate()
        self.resize(900, 720)
        self.set_pdf(pdf, lang)

    # ------------------------------------------------------------------ document

    def set_pdf(self, data: bytes, lang: str) -> None:
        old = self.document
        doc = _load(data, self)
        if doc.status() != QPdfDocument.Status.Ready:
            doc.deleteLater()
            dialogs.warn(self, _("The PDF could not be opened."))
            return
        self.pdf, self.lang, self.document = data, lang, doc
        self.rendered_pages = []
        self.page_images = {}
        self.view.setDocument(doc)
        self.view.pageNavigator().jump(0, QPointF(0, 0))
        if old is not None:
            old.deleteLater()  # its buffer with it
        self._show_page()
        self.document_loaded.emit(doc.pageCount())

    def page_count(self) -> int:
        return self.document.pageCount() if self.document is not None else 0

    def _page_drawn(self, page: int, _size: QSize, image: QImage, *_rest: Any) -> None:
        self.rendered_pages.append(page)
        self.page_images[page] = image
        self.page_rendered.emit(page)

    def _show_page(self) -> None:
        self.page_label.setText(_("Page {page} / {pages}").format(
            page=format_number(self.view.pageNavigator().currentPage() + 1), pages=format_number(self.page_count())))

    # ------------------------------------------------------------------ language

    def _language_chosen(self, *_args: Any) -> None:
        lang = self.language.currentData()
        if self.task is not None and self.task.running:
            self.task.cancel()  # its result is dropped: only the last choice is shown
            self.task = None
        if self.rerender is None or lang == self.lang:
            return
        fn = self.rerender

        def work(progress: Callable[[int, str], None], cancelled: Callable[[], bool]) -> bytes:
            progress(0, _("Building the PDF…"))
            return fn(lang)

        task = self.task = Task(work)
        task.signals.finished.connect(lambda data, t=task, code=lang: self._rerendered(t, code, data))
        task.signals.failed.connect(lambda exc, t=task: self._rerender_failed(t, exc))
        task.signals.cancelled.connect(lambda t=task: self._rerender_failed(t, None))
        self.progress.watch(task)
        self.progress.bar.setRange(0, 0)  # render() reports no steps
        task.start()

    def _rerendered(self, task: Task, lang: str, data: bytes) -> None:
        self.progress.bar.setRange(0, 100)
        if task is self.task:
            self.set_pdf(data, lang)

    def _rerender_failed(self, task: Task, exc: BaseException | None) -> None:
        self.progress.bar.setRange(0, 100)
        if task is not self.task:
            return
        self.language.blockSignals(True)
        self.language.setCurrentIndex(self.language.findData(self.lang))
        self.language.blockSignals(False)
        if exc is not None:
            dialogs.warn(self, error_text(exc))

    # ------------------------------------------------------------------ zoom

    def _fill_zoom(self) -> None:
        current = self.zoom.currentIndex()
        self.zoom.blockSignals(True)
        self.zoom.clear()
        self.zoom.addItem(_("Fit width"), "width")
        self.zoom.addItem(_("Whole page"), "page")
        for z in ZOOMS:
            self.zoom.addItem(format_percent(z), z)
        self.zoom.setCurrentIndex(max(0, current))
        self.zoom.blockSignals(False)

    def _zoom_chosen(self, *_args: Any) -> None:
        value = self.zoom.currentData()
        if value == "width":
            self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        elif value == "page":
            self.view.setZoomMode(QPdfView.ZoomMode.FitInView)
        elif value is not None:
            self.view.setZoomMode(QPdfView.ZoomMode.Custom)
            self.view.setZoomFactor(float(value))

    def _step_zoom(self, step: int) -> None:
        value = self.zoom.currentData()
        factor = self.view.zoomFactor() if isinstance(value, float) else None
        if factor is None:  # from a fit mode: the nearest fixed zoom
            factor = 1.0
        bigger = [i for i, z in enumerate(ZOOMS) if z > factor + 1e-6]
        smaller = [i for i, z in enumerate(ZOOMS) if z < factor - 1e-6]
        pick = (bigger[0] if bigger else len(ZOOMS) - 1) if step > 0 else (smaller[-1] if smaller else 0)
        self.zoom.setCurrentIndex(2 + pick)

    # ------------------------------------------------------------------ save and print

    def save_pdf(self) -> None:
        path = dialogs.save_file(self, _("Save the PDF"), self.file_name, _("PDF documents (*.pdf)"))
        if not path:
            return
        if not path.lower().endswith(".pdf"):
            path += ".pdf"
        try:
            Path(path).write_bytes(self.pdf)
        except OSError as exc:
            dialogs.warn(self, _("The file could not be written: {reason}").format(reason=exc.strerror or exc))
            return
        self.status.setText(_("Saved: {name}").format(name=Path(path).name))

    def print_document(self) -> None:
        if self.print_task is not None and self.print_task.running:
            return
        from PySide6.QtPrintSupport import QPrinter

        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setDocName(self.title)
        if not choose_printer(self, printer, self.page_count()):
            return
        self._printer = printer  # kept alive while the worker draws on it
        data = self.pdf
        task = self.print_task = Task(lambda progress, cancelled: print_pdf(data, printer, progress, cancelled))
        task.signals.finished.connect(self._printed)
        task.signals.failed.connect(lambda exc: dialogs.warn(self, error_text(exc)))
        self.progress.watch(task)
        task.start()

    def _printed(self, pages: int) -> None:
        self.status.setText(_("{pages} pages sent to the printer.").format(pages=format_number(pages)))
        self.printed.emit(pages)

    def closeEvent(self, event) -> None:  # noqa: N802
        for task in (self.task, self.print_task):
            if task is not None and task.running:
                task.cancel()
        super().closeEvent(event)

    def retranslate(self) -> None:
        self.setWindowTitle(_("Preview: {title}").format(title=self.title))
        self.language_label.setText(_("Document language:"))
        self.zoom_out.setToolTip(_("Zoom out"))
        self.zoom_in.setToolTip(_("Zoom in"))
        self._fill_zoom()
        self.save_button.setText(_("Save as PDF…"))
        self.print_button.setText(_("Print…"))
        self.close_button.setText(_("Close"))
        self.progress.retranslate()
        if self.document is not None:
            self._show_page()


def error_text(exc: BaseException) -> str:
    """What the user reads for a failed build or print: a CoopError's translated message, never a traceback."""
    if isinstance(exc, CoopError):
        return exc.message()
    return _("The document could not be made: {reason}").format(reason=str(exc) or type(exc).__name__)


class Previewer(QObject):
    """Builds a document in the background for a page, then opens its preview (one at a time)."""

    opened = Signal(object)  # the PrintPreviewDialog
    refused = Signal(str)  # the message shown

    def __init__(self, page: QWidget, services: Any, progress: ProgressPanel | None = None) -> None:
        super().__init__(page)
        self.page = page
        self.svc = services
        self.progress = progress
        self.task: Task | None = None
        self.dialog: PrintPreviewDialog | None = None
        self._pending: dict[str, Any] = {}

    def busy(self) -> bool:
        return self.task is not None and self.task.running

    def open(self, kind: str, *, title: str, file_name: str, lang: str | None = None, **ids: Any) -> Task | None:
        """Build ``kind`` (see ``coopdesk.pdf.render``) with ``ids``; ``lang`` None = the document's default."""
        if self.busy():
            return None
        svc = self.svc

        def build(code: str | None) -> bytes:
            from coopdesk.pdf import render

            return render(svc, kind, lang=code, **ids)

        def work(progress: Callable[[int, str], None], cancelled: Callable[[], bool]) -> tuple[str, bytes]:
            progress(0, _("Building the PDF…"))
            code = lang
            if code is None:
                code = "fr"
                if kind == "convocation":  # French + Arabic for a meeting in Morocco
                    from coopdesk.pdf.convocation import default_language

                    code = default_language(svc, ids["meeting_id"])
            return code, build(code)

        self._pending = {"title": title, "file_name": file_name, "rerender": build}
        task = self.task = Task(work)
        task.signals.finished.connect(self._built)
        task.signals.failed.connect(self._failed)
        task.signals.cancelled.connect(self._idle)
        if self.progress is not None:
            self.progress.watch(task)
            self.progress.bar.setRange(0, 0)  # render() reports no steps
        task.start()
        return task

    def _idle(self, *_args: Any) -> None:
        if self.progress is not None:
            self.progress.bar.setRange(0, 100)

    def _built(self, result: tuple[str, bytes]) -> None:
        self._idle()
        lang, data = result
        if self.dialog is not None:
            self.dialog.close()
            self.dialog.deleteLater()
        p = self._pending
        self.dialog = PrintPreviewDialog(data, title=p["title"], file_name=p["file_name"], lang=lang,
                                         rerender=p["rerender"], parent=self.page.window())
        self.dialog.setWindowModality(Qt.WindowModality.NonModal)
        self.dialog.show()
        self.opened.emit(self.dialog)

    def _failed(self, exc: BaseException) -> None:
        self._idle()
        text = error_text(exc)
        dialogs.warn(self.page, text)
        self.refused.emit(text)
