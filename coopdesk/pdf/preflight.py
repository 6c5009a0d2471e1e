"""Glyph preflight: find every character a font cannot draw before it becomes an empty box.

ReportLab silently draws glyph 0 (.notdef, an empty box or nothing) for a character missing from
a TrueType font. These checks read the font's ``cmap`` (ReportLab's ``TTFontFace.charToGlyph``)
and report such characters. :func:`~coopdesk.pdf.text.para` runs :func:`check_paragraph` on every
paragraph it makes; tests (and :class:`~coopdesk.pdf.layout.CoopDocTemplate` before a build) call
:func:`check_flowables` on a whole story.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from reportlab.pdfbase import pdfmetrics

from coopdesk.pdf import fonts

# Characters ReportLab never draws as glyphs: it splits words on them (see paragraph._wsc).
_NOT_DRAWN = set("\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f\x85\u200b\u2028\u2029")
# Invisible format characters HarfBuzz handles without a glyph (shaped paragraphs only).
_SHAPING_IGNORABLE = {"\u200c", "\u200d", "\u034f", "\ufeff"}


@dataclass(frozen=True)
class GlyphProblem:
    """A character (``char``) that ``font`` cannot draw, found in ``text``."""

    char: str
    font: str
    text: str

    def __str__(self) -> str:
        if not self.char:
            return f"{self.font} is not an embedded TrueType font (in {self.text[:60]!r})"
        if self.font == "table string":
            return f"plain string in a table cell, use text.cell(): {self.text[:60]!r}"
        name = unicodedata.name(self.char, "?")
        return f"U+{ord(self.char):04X} {name} has no glyph in {self.font} (in {self.text[:60]!r})"


class MissingGlyphError(ValueError):
    """Some text would be drawn with a font that lacks its characters."""

    def __init__(self, problems: list[GlyphProblem]) -> None:
        self.problems = problems
        shown = "; ".join(str(p) for p in problems[:5])
        more = f" (and {len(problems) - 5} more)" if len(problems) > 5 else ""
        super().__init__(f"text cannot be drawn: {shown}{more}")


def missing_glyphs(text: str, font_name: str, *, shaped: bool = False) -> list[str]:
    """The distinct characters of ``text`` (in order of appearance) that ``font_name`` lacks.

    ``font_name`` must be a registered TrueType font: a standard PDF font (Helvetica…) is never
    embedded and is refused with ``ValueError``.
    """
    font = pdfmetrics.getFont(font_name)
    c2g = getattr(getattr(font, "face", None), "charToGlyph", None)
    if c2g is None:
        raise ValueError(f"{font_name} is not an embedded TrueType font")
    out: list[str] = []
    for ch in text:
        if ch in _NOT_DRAWN or (shaped and ch in _SHAPING_IGNORABLE):
            continue
        if c2g.get(ord(ch), 0) == 0 and ch not in out:
            out.append(ch)
    return out


def paragraph_problems(p) -> list[GlyphProblem]:
    """Problems of one ReportLab ``Paragraph`` (each fragment against its own font)."""
    fonts.register_fonts()
    shaped = bool(getattr(p.style, "shaping", 0))
    whole = "".join(getattr(f, "text", "") for f in p.frags)
    problems: list[GlyphProblem] = []
    for frag in p.frags:
        if hasattr(frag, "cbDefn"):
            continue
        text = getattr(frag, "text", "")
        if not text:
            continue
        try:
            missing = missing_glyphs(text, frag.fontName, shaped=shaped)
        except ValueError:
            problems.append(GlyphProblem("", frag.fontName, whole))
            continue
        problems.extend(GlyphProblem(ch, frag.fontName, whole) for ch in missing)
    return problems


def check_paragraph(p) -> None:
    problems = paragraph_problems(p)
    if problems:
        raise MissingGlyphError(problems)


def _children(flowable) -> list:
    """Flowables nested in containers (KeepTogether, tables, frames…)."""
    kids: list = []
    for attr in ("_content", "_flowables", "content"):
        value = getattr(flowable, attr, None)
        if isinstance(value, (list, tuple)):
            kids.extend(value)
    cells = getattr(flowable, "_cellvalues", None)
    if cells is not None:
        for r in cells:
            for value in r:
                kids.extend(value if isinstance(value, (list, tuple)) else [value])
    return kids


def _is_ttf(font_name: str) -> bool:
    try:
        return hasattr(getattr(pdfmetrics.getFont(font_name), "face", None), "charToGlyph")
    except KeyError:
        return False


def _table_fonts(flowable) -> set[str]:
    styles = getattr(flowable, "_cellStyles", None) or []
    return {cs.fontname for r in styles for cs in r}


def flowable_problems(flowables: Iterable) -> list[GlyphProblem]:
    """Every glyph problem in a story, nested tables and KeepTogether included.

    A plain string in a table cell is reported too (``font`` is ``"table string"``): it would be
    drawn in the table's font, Helvetica by default, which is neither embedded nor able to draw
    Arabic or Tifinagh. Use :func:`coopdesk.pdf.text.cell` instead.
    """
    problems: list[GlyphProblem] = []
    stack = list(flowables)[::-1]
    while stack:
        f = stack.pop()
        if isinstance(f, str):
            if f.strip():
                problems.append(GlyphProblem(f.strip()[0], "table string", f))
            continue
        if hasattr(f, "frags") and hasattr(f, "style"):
            problems.extend(paragraph_problems(f))
        for font_name in _table_fonts(f):
            if not _is_ttf(font_name):
                problems.append(GlyphProblem("", font_name, "table font (use layout.table_style())"))
        stack.extend(_children(f)[::-1])
    return problems


def check_flowables(flowables: Iterable) -> None:
    """Raise :class:`MissingGlyphError` when any text of the story cannot be drawn."""
    problems = flowable_problems(flowables)
    if problems:
        raise MissingGlyphError(problems)
