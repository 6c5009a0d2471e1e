"""What every printed document shares: the language(s) it is printed in, bilingual blocks, tables
of flowables, the header with both communes and their emblem areas, and signature blocks.

A document is printed in one language (``fr``, ``ar``, ``zgh``, ``en``) or two side by side
(``fr+ar``: French on the left, Arabic on the right, block by block, so each French paragraph faces
its Arabic version). Fixed texts are translated with :func:`coopdesk.pdf.glossary.doc_gettext`;
names and texts typed by staff are printed as typed.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from typing import Any

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Spacer, Table, TableStyle

from coopdesk.errors import CoopError, register_messages
from coopdesk.i18n import LANGUAGES, N_, format_date
from coopdesk.pdf.glossary import doc_gettext
from coopdesk.pdf.layout import a4_document, table_style
from coopdesk.pdf.text import cell, is_rtl_language, para

register_messages({
    "print_bad_language": N_("Cannot print in “{lang}”: use fr, ar, zgh, en or two of them joined by + (fr+ar)."),
    "print_bad_kind": N_("Unknown document “{kind}”: use minutes, attendance, convocation, report or certificate."),
    "print_needs": N_("This document needs {what}."),
    "print_no_meeting": N_("There is no committee meeting to print yet."),
    "print_no_plan": N_("There is no action plan for {year}."),
    "print_not_participant": N_("This person did not attend the event: no certificate can be issued."),
    "print_missing_glyph": N_("Cannot print “{text}”: the character {char} has no glyph in the document's fonts."),
})

CONTENT_WIDTH = 210 * mm - 18 * mm - 22 * mm - 12  # A4 minus the CoopDocTemplate margins and frame padding
LIGHT = colors.Color(0.92, 0.92, 0.92)

Value = Any  # a str, or a callable lang -> str (dates and amounts formatted per language)


def parse_langs(spec: str | None) -> tuple[str, ...]:
    """``"fr"`` → ``("fr",)``; ``"fr+ar"`` → ``("fr", "ar")``."""
    parts = tuple(p.strip().lower() for p in (spec or "fr").split("+") if p.strip())
    if not parts or len(parts) > 2 or len(set(parts)) != len(parts) or any(p not in LANGUAGES for p in parts):
        raise CoopError("print_bad_language", lang=spec or "")
    return parts


def commune_name(commune: dict[str, Any], lang: str) -> str:
    return (commune.get(f"name_{lang}") or commune["name_fr"]) if lang in ("ar", "zgh") else commune["name_fr"]


def person_name(p: dict[str, Any], lang: str) -> str:
    """Names as typed: the Arabic-script spelling in an Arabic document when there is one."""
    latin = f"{p.get('first_name', '')} {p.get('last_name', '')}".strip()
    arabic = f"{p.get('first_name_ar', '')} {p.get('last_name_ar', '')}".strip()
    return arabic if lang == "ar" and arabic else latin


class Doc:
    """A document being written in one or two languages."""

    def __init__(self, spec: str | None) -> None:
        self.langs = parse_langs(spec)
        self.lang = self.langs[0]  # the layout language (footer, table direction)
        self.bilingual = len(self.langs) > 1
        self._tr = {lang: doc_gettext(lang) for lang in self.langs}

    # ------------------------------------------------------------------ texts

    def tr(self, lang: str) -> Callable[[str], str]:
        return self._tr[lang]

    def t(self, msgid: str, lang: str, **params: Value) -> str:
        """``msgid`` translated to ``lang`` (translate first, then format); callable parameters
        are called with the language (for dates and amounts)."""
        text = self._tr[lang](msgid)
        if not params:
            return text
        return text.format(**{k: (v(lang) if callable(v) else v) for k, v in params.items()})

    def date(self, value, lang: str, fmt: str = "long") -> str:
        return format_date(value, fmt, lang=lang) if value else ""

    def datetime(self, value, lang: str) -> str:
        """A meeting's local date and time (stored as the wall-clock time of the place)."""
        if value is None:
            return ""
        # "at" between date and time: in an Arabic line, "2025، 10:00" would be one run and swap.
        return self.t(N_("{date} at {time}"), lang, date=format_date(value.date(), "long", lang=lang),
                      time=f"{value:%H:%M}")

    # ------------------------------------------------------------------ blocks

    def block(self, texts: Sequence[tuple[str, str]], style: str = "body", **kw) -> Flowable:
        """Paragraphs given as ``(lang, text)``: one paragraph, or facing columns when bilingual."""
        paras = [para(text, style, lang, **kw) for lang, text in texts]
        out = paras[0] if len(paras) == 1 else self._facing(paras)
        if style in ("h1", "h2"):
            out.keepWithNext = True  # a heading never ends a page
        return out

    def _facing(self, cells: Sequence[Any]) -> Table:
        gap = 6 * mm
        w = (CONTENT_WIDTH - gap) / 2
        t = Table([[cells[0], "", cells[1]]], colWidths=[w, gap, w])
        t.setStyle(table_style(self.lang, header=False, grid=False))
        t.setStyle(TableStyle([("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0)]))
        return t

    def text(self, msgid: str, style: str = "body", *, bold: bool | None = None, align: str | None = None,
             **params: Value) -> Flowable:
        """A fixed text in every language of the document."""
        return self.block([(lang, self.t(msgid, lang, **params)) for lang in self.langs], style,
                          bold=bold, align=align)

    def data(self, value: Value, style: str = "body") -> Flowable:
        """A typed text (names, debates): printed as typed, once (it has one language)."""
        text = value(self.lang) if callable(value) else value
        return para(text, style, self.lang)

    def label(self, msgid: str, *, bold: bool = False, **params: Value) -> list[Flowable] | Flowable:
        """A table cell with a fixed text: stacked French / Arabic lines when bilingual."""
        cells = [cell(self.t(msgid, lang, **params), lang, bold=bold) for lang in self.langs]
        return cells if len(cells) > 1 else cells[0]

    def value_cell(self, value: Value, *, bold: bool = False) -> list[Flowable] | Flowable:
        """A cell with a value formatted per language (dates): stacked when they differ."""
        if not callable(value):
            return cell("" if value is None else str(value), self.lang, bold=bold)
        texts = [(lang, value(lang)) for lang in self.langs]
        if len({t for _, t in texts}) == 1:
            return cell(texts[0][1], self.lang, bold=bold)
        return [cell(t, lang, bold=bold) for lang, t in texts]

    def grid(self, rows: Sequence[Sequence[Any]], col_widths: Sequence[float], *, header: bool = True,
             extra_style: Sequence[tuple] = (), repeat: bool = True) -> Table:
        """A table in logical column order: str values become cells, flowables stay; mirrored for
        a right-to-left document (first column on the right)."""
        rtl = is_rtl_language(self.lang)
        data = []
        for i, r in enumerate(rows):
            cells = [cell(v, self.lang, bold=header and i == 0) if isinstance(v, str) else
                     (cell("", self.lang) if v is None else v) for v in r]
            data.append(cells[::-1] if rtl else cells)
        widths = list(col_widths)[::-1] if rtl else list(col_widths)
        t = Table(data, colWidths=widths, repeatRows=1 if (header and repeat) else 0,
                  hAlign="RIGHT" if rtl else "LEFT")
        t.setStyle(table_style(self.lang, header=header))
        if extra_style:
            n = len(col_widths)
            t.setStyle(TableStyle([_mirror(cmd, n) if rtl else cmd for cmd in extra_style]))
        return t

    # ------------------------------------------------------------------ header and signatures

    def header(self, communes: dict[str, dict[str, Any]], title_lines: Sequence[Flowable]) -> list[Flowable]:
        """Both communes (Tiznit on the start side) with an emblem area each, then the title."""
        def side(code: str, state_msgid: str) -> list[Flowable]:
            c = communes.get(code)
            if c is None:
                return []
            box = Table([[cell(self.t(N_("Emblem"), self.lang), self.lang, align="center")]],
                        colWidths=[22 * mm], rowHeights=[22 * mm])
            box.setStyle(table_style(self.lang, header=False))
            box.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                                     ("TEXTCOLOR", (0, 0), (-1, -1), colors.grey)]))
            out: list[Flowable] = [box, Spacer(1, 2 * mm)]
            for lang in self.langs:
                out.append(cell(self.t(state_msgid, lang), lang, align="center"))
                out.append(cell(self.t(N_("Commune of {name}"), lang, name=commune_name(c, lang)), lang,
                                bold=True, align="center"))
            return out

        width = CONTENT_WIDTH / 2
        t = Table([[side("TIZ", N_("Kingdom of Morocco")), side("VLG", N_("French Republic"))]],
                  colWidths=[width, width])
        t.setStyle(table_style(self.lang, header=False, grid=False))
        t.setStyle(TableStyle([("ALIGN", (0, 0), (-1, -1), "CENTER")]))
        return [t, Spacer(1, 3 * mm), *title_lines, Spacer(1, 2 * mm)]

    def signature_cell(self, heading: list[str], name: str, place: Value, date: Value, *,
                       box_mm: float = 24) -> list[Flowable]:
        """One signature block: who (title), name, place, date, and room to sign."""
        out: list[Flowable] = [cell(h, lang, bold=True) for lang, h in zip(self.langs, heading, strict=False)]
        out.append(cell(name, self.lang))
        for lang in self.langs:
            p = place(lang) if callable(place) else place
            d = date(lang) if callable(date) else date
            if p and d:
                out.append(cell(self.t(N_("Done at {place} on {date}"), lang, place=p, date=d), lang))
            else:
                out.append(cell(self.t(N_("Done at ____________ on ____________"), lang), lang))
        out.append(cell(" / ".join(self.t(N_("Signature"), lang) for lang in self.langs), self.lang))
        out.append(Spacer(1, box_mm * mm))
        return out

    def signatures(self, blocks: Sequence[list[Flowable]]) -> Table:
        n = len(blocks)
        t = self.grid([list(blocks)], [CONTENT_WIDTH / n] * n, header=False)
        return t


def _mirror(cmd: tuple, ncols: int) -> tuple:
    """A TableStyle command with its column indexes mirrored (for right-to-left tables)."""
    name, (c0, r0), (c1, r1), *rest = cmd

    def m(c: int) -> int:
        c = c if c >= 0 else ncols + c
        return ncols - 1 - c

    a, b = sorted((m(c0), m(c1)))
    return (name, (a, r0), (b, r1), *rest)


def build_pdf(story: list[Flowable], doc: Doc, *, title: str, footer_text: str | None = None,
              qr_data: str | None = None, header_text: str | None = None, subject: str = "",
              keywords: str = "") -> bytes:
    buf = io.BytesIO()
    template = a4_document(buf, lang=doc.lang, footer_text=footer_text, title=title, subject=subject,
                           qr_data=qr_data, header_text=header_text, keywords=keywords)
    template.build(story)
    return buf.getvalue()


def keep(*flowables: Flowable) -> KeepTogether:
    return KeepTogether(list(flowables))
