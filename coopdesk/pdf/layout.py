"""Page templates: A4 documents with a footer (free text + "page x / y") and QR codes.

    from coopdesk.pdf.layout import a4_document, qr_code
    doc = a4_document(buffer, lang="ar", title="محضر", footer_text="v3 · sha256 1f2e…")
    doc.build([para("محضر الاجتماع", "title", "ar"), qr_code("https://…")])

The total page count is known only once the story is laid out: :class:`NumberedCanvas` keeps
each page's state and draws every footer when the document is saved (the ReportLab
"NumberedCanvas" pattern), so there is one layout pass. Footer texts are paragraphs made with
:func:`coopdesk.pdf.text.para`, so an Arabic footer is shaped and right to left like the body.
"""

from __future__ import annotations

from collections.abc import Sequence

from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.colors import Color, black
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import SimpleDocTemplate, Table, TableStyle

from coopdesk.i18n import normalise_language
from coopdesk.pdf.fonts import LATIN, register_fonts
from coopdesk.pdf.preflight import check_flowables
from coopdesk.pdf.text import is_rtl_language, para, row, styles

PAGE_FORMAT = "{page} / {pages}"
QR_FORM = "CoopDeskQR"  # the name of the form XObject holding the page QR code
FOOTER_GREY = Color(0.3, 0.3, 0.3)


def footer_paragraphs(page: int, pages: int, *, lang: str, footer_text: str | None, page_format: str):
    """The two footer paragraphs of a page: (free text or None, page number)."""
    small = styles(lang)["small"]
    number = para(page_format.format(page=page, pages=pages), small, lang, align="end")
    text = para(footer_text, small, lang, align="start") if footer_text else None
    return text, number


def draw_footer(canvas: Canvas, doc, page: int, pages: int) -> None:
    """Draw the footer of one page: a rule, the free text on the start side, "x / y" on the end side."""
    lang = doc.lang
    left, right = doc.leftMargin, doc.pagesize[0] - doc.rightMargin
    width = right - left
    y_top = doc.bottomMargin - 4 * mm
    canvas.saveState()
    canvas.setStrokeColor(FOOTER_GREY)
    canvas.setLineWidth(0.4)
    canvas.line(left, y_top, right, y_top)
    text, number = footer_paragraphs(
        page, pages, lang=lang, footer_text=doc.footer_text, page_format=doc.page_format
    )
    _, nh = number.wrap(width * 0.25, 30 * mm)
    number_x = left if is_rtl_language(lang) else right - width * 0.25
    number.drawOn(canvas, number_x, y_top - 1.5 * mm - nh)
    if text is not None:
        _, th = text.wrap(width * 0.72, 30 * mm)
        text_x = right - width * 0.72 if is_rtl_language(lang) else left
        text.drawOn(canvas, text_x, y_top - 1.5 * mm - th)
    canvas.restoreState()


def draw_header(canvas: Canvas, doc, page: int, pages: int) -> None:
    """The running header of documents that have one: free text on the start side and a QR code
    (the same on every page, e.g. minutes id + version + fingerprint) in the end corner."""
    if not (doc.qr_data or doc.header_text):
        return
    lang = doc.lang
    left, right = doc.leftMargin, doc.pagesize[0] - doc.rightMargin
    top = doc.pagesize[1]
    canvas.saveState()
    size = doc.qr_size
    if doc.qr_data:
        if not doc._qr_form:
            # Drawn once into a form XObject that every page reuses: the QR widget re-encodes its data
            # and draws thousands of squares each time it is drawn (0.3 s a page).
            canvas.beginForm(QR_FORM, lowerx=0, lowery=0, upperx=size, uppery=size)
            qr_code(doc.qr_data, size / mm).drawOn(canvas, 0, 0)
            canvas.endForm()
            doc._qr_form = True
        qr_x = left if is_rtl_language(lang) else right - size
        canvas.saveState()
        canvas.translate(qr_x, top - doc.topMargin + 2 * mm)
        canvas.doForm(QR_FORM)
        canvas.restoreState()
    if doc.header_text:
        width = (right - left) - size - 4 * mm
        text = para(doc.header_text, styles(lang)["small"], lang, align="start")
        _, th = text.wrap(width, 20 * mm)
        x = right - width if is_rtl_language(lang) else left
        text.drawOn(canvas, x, top - doc.topMargin + 2 * mm)
    canvas.restoreState()


class NumberedCanvas(Canvas):
    """A canvas that defers footers until the page count is known; set ``doc`` before use."""

    doc = None  # the CoopDocTemplate; set on a subclass made per build

    def __init__(self, *args, **kwargs):
        # The canvas otherwise starts every page with Helvetica, a font that is never embedded.
        register_fonts()
        if not kwargs.get("initialFontName"):
            kwargs["initialFontName"] = LATIN.regular
        super().__init__(*args, **kwargs)
        self._saved_pages: list[dict] = []

    def showPage(self):  # noqa: N802 (ReportLab API)
        self._saved_pages.append(dict(self.__dict__))
        self._startPage()

    def save(self):
        pages = len(self._saved_pages)
        for number, state in enumerate(self._saved_pages, start=1):
            self.__dict__.update(state)
            draw_footer(self, self.doc, number, pages)
            draw_header(self, self.doc, number, pages)
            super().showPage()
        super().save()


class CoopDocTemplate(SimpleDocTemplate):
    """A4 document with CoopDesk margins and footer; checks every glyph before building."""

    def __init__(
        self,
        target,
        *,
        lang: str = "fr",
        footer_text: str | None = None,
        page_format: str = PAGE_FORMAT,
        title: str = "",
        author: str = "CoopDesk",
        subject: str = "",
        margins_mm: tuple[float, float, float, float] = (18, 18, 18, 22),  # top, right, bottom(+footer), left
        invariant: bool = True,
        qr_data: str | None = None,
        qr_size_mm: float = 20,
        header_text: str | None = None,
        **kwargs,
    ) -> None:
        top, right, bottom, left = margins_mm
        self.lang = normalise_language(lang)
        self.footer_text = footer_text
        self.page_format = page_format
        self.qr_data = qr_data
        self.qr_size = qr_size_mm * mm
        self.header_text = header_text
        self._qr_form = False
        if qr_data or header_text:
            top = max(top, qr_size_mm + 6)  # the QR code sits in the top margin, above the frame
        super().__init__(
            target,
            pagesize=A4,
            topMargin=top * mm,
            rightMargin=right * mm,
            bottomMargin=(bottom + 8) * mm,
            leftMargin=left * mm,
            title=title,
            author=author,
            subject=subject,
            creator="CoopDesk",
            lang={"fr": "fr-FR", "ar": "ar-MA", "zgh": "zgh-MA", "en": "en-GB"}[self.lang],
            invariant=invariant,
            initialFontName=LATIN.regular,
            **kwargs,
        )

    def build(self, flowables, check: bool = True, **kwargs):  # noqa: D401
        """Lay out ``flowables``; with ``check`` (default) refuse any text that cannot be drawn."""
        flowables = list(flowables)
        if check:
            check_flowables(flowables)
            if self.footer_text:
                # fail before layout rather than while the canvas is being saved
                footer_paragraphs(
                    1, 1, lang=self.lang, footer_text=self.footer_text, page_format=self.page_format
                )
            if self.header_text:
                para(self.header_text, styles(self.lang)["small"], self.lang)
        canvasmaker = type("BoundNumberedCanvas", (NumberedCanvas,), {"doc": self})
        return super().build(flowables, canvasmaker=canvasmaker, **kwargs)


def a4_document(target, *, lang: str = "fr", footer_text: str | None = None, **kwargs) -> CoopDocTemplate:
    """An A4 :class:`CoopDocTemplate` writing to ``target`` (a path or a binary file object)."""
    return CoopDocTemplate(target, lang=lang, footer_text=footer_text, **kwargs)


def table_style(lang: str = "fr", *, header: bool = True, grid: bool = True) -> TableStyle:
    """Base style for a table of :func:`~coopdesk.pdf.text.cell` paragraphs.

    It sets the table's own font to Noto Sans: ReportLab selects the table font (Helvetica by
    default) for every cell, which puts an unembedded font on the page even when no string uses it.
    """
    register_fonts()
    cmds: list = [
        ("FONT", (0, 0), (-1, -1), LATIN.regular, 9),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
    ]
    if grid:
        cmds.append(("GRID", (0, 0), (-1, -1), 0.4, colors.grey))
    if header:
        cmds.append(("BACKGROUND", (0, 0), (-1, 0), colors.Color(0.92, 0.92, 0.92)))
    return TableStyle(cmds)


def table(
    rows: Sequence[Sequence[object]],
    lang: str = "fr",
    *,
    header: bool = True,
    col_widths: Sequence[float] | None = None,
    extra_style: Sequence[tuple] = (),
    **kwargs,
) -> Table:
    """A table of plain values in *logical* column order (first column first): cells are made
    with :func:`~coopdesk.pdf.text.row`, so for Arabic the columns (and ``col_widths``) are
    mirrored and the first column is on the right. The header row (if any) is bold and repeated
    on every page."""
    rtl = is_rtl_language(lang)
    data = [row(r, lang, bold=header and i == 0) for i, r in enumerate(rows)]
    widths = list(col_widths)[::-1] if (col_widths and rtl) else col_widths
    t = Table(
        data,
        colWidths=widths,
        repeatRows=1 if header else 0,
        hAlign="RIGHT" if rtl else "LEFT",
        **kwargs,
    )
    t.setStyle(table_style(lang, header=header))
    if extra_style:
        t.setStyle(TableStyle(list(extra_style)))
    return t


def qr_code(data: str, size_mm: float = 28, *, color=black) -> Drawing:
    """A QR code flowable (a ``Drawing``) of ``size_mm`` × ``size_mm``, error correction M."""
    widget = QrCodeWidget(data, barLevel="M", barFillColor=color)
    x0, y0, x1, y1 = widget.getBounds()
    size = size_mm * mm
    drawing = Drawing(size, size, transform=[size / (x1 - x0), 0, 0, size / (y1 - y0), 0, 0])
    drawing.initialFontName = LATIN.regular  # else the renderer puts (unembedded) Helvetica on the page
    drawing.add(widget)
    return drawing


def draw_qr(canvas: Canvas, data: str, x: float, y: float, size: float) -> None:
    """Draw a QR code with its lower-left corner at (``x``, ``y``), ``size`` points wide."""
    drawing = qr_code(data, size / mm)
    drawing.drawOn(canvas, x, y)
