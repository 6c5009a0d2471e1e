"""Paragraphs for printed documents: script detection, font choice, Arabic shaping and direction.

Use :func:`para` for every text drawn in a PDF (and :func:`cell` / :func:`row` in tables): it takes
plain text (never markup), escapes it, picks the fonts by script, sets right-to-left wrapping and
shaping for Arabic, and refuses (:class:`~coopdesk.pdf.preflight.MissingGlyphError`) a text with
a character no chosen font can draw, so a PDF never shows an empty box.

    from coopdesk.pdf.text import para, styles
    story = [para("محضر اجتماع لجنة القيادة", "title", "ar"), para("Ordre du jour", "h1", "fr")]
"""

from __future__ import annotations

import threading
import unicodedata
from collections.abc import Iterable, Sequence
from xml.sax.saxutils import escape

from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Paragraph

from coopdesk.i18n import RTL_LANGUAGES, normalise_language
from coopdesk.pdf import fonts
from coopdesk.pdf.fonts import ARABIC, LATIN, TIFINAGH, Family

LATIN_SCRIPT = "latin"
ARABIC_SCRIPT = "arabic"
TIFINAGH_SCRIPT = "tifinagh"
COMMON_SCRIPT = "common"  # digits, punctuation, spaces, symbols: no script of their own

_ARABIC_RANGES = ((0x0600, 0x06FF), (0x0750, 0x077F), (0x0870, 0x08FF), (0xFB50, 0xFDFF), (0xFE70, 0xFEFF))
_TIFINAGH_RANGE = (0x2D30, 0x2D7F)

# Directional controls: ReportLab has no bidi algorithm to use them, and Babel's ar_MA formats
# put U+200F around numbers; dropping them leaves the same visual result.
_BIDI_CONTROLS = dict.fromkeys([0x200E, 0x200F, 0x061C, *range(0x202A, 0x202F), *range(0x2066, 0x206A)], None)
# ReportLab breaks lines (and measures a plain space) at U+202F, which would split "1 234,50" in
# two words; a no-break space keeps the number in one piece, also inside a right-to-left line.
_SPACES = {0x202F: "\u00a0", 0x2007: "\u00a0", ord("\t"): " "}
_TRAILING_PUNCT = ".,;:!?\u060c\u061b\u061f\u2026"
# An Arabic run inside a left-to-right paragraph is glued with no-break spaces so it is shaped
# as one right-to-left piece; longer runs are left to wrap (and should be their own paragraph).
_MAX_GLUED_RUN = 60


def char_script(ch: str) -> str:
    """The script of one character: ``latin``, ``arabic``, ``tifinagh`` or ``common``."""
    cp = ord(ch)
    if any(lo <= cp <= hi for lo, hi in _ARABIC_RANGES):
        return ARABIC_SCRIPT
    if _TIFINAGH_RANGE[0] <= cp <= _TIFINAGH_RANGE[1]:
        return TIFINAGH_SCRIPT
    if ch.isalpha():
        return LATIN_SCRIPT if "LATIN" in unicodedata.name(ch, "") else COMMON_SCRIPT
    return COMMON_SCRIPT


def scripts_in(text: str) -> set[str]:
    """Every script with at least one letter in ``text`` (``common`` left out)."""
    return {s for s in map(char_script, text) if s != COMMON_SCRIPT}


def detect_script(text: str) -> str:
    """The script that decides the fonts of ``text``: Arabic wins, then Tifinagh, then Latin.

    Text with letters of no script we know (or none at all) is ``common`` and set like Latin.
    """
    found = scripts_in(text)
    for script in (ARABIC_SCRIPT, TIFINAGH_SCRIPT, LATIN_SCRIPT):
        if script in found:
            return script
    return COMMON_SCRIPT


def first_strong_script(text: str) -> str:
    for ch in text:
        s = char_script(ch)
        if s != COMMON_SCRIPT:
            return s
    return COMMON_SCRIPT


def is_rtl_text(text: str, lang: str | None = None) -> bool:
    """True when ``text`` is laid out right to left: it contains Arabic and either the document is
    in a right-to-left language or its first letter is Arabic (the Unicode "first strong" rule)."""
    if ARABIC_SCRIPT not in scripts_in(text):
        return False
    return normalise_language(lang) in RTL_LANGUAGES or first_strong_script(text) == ARABIC_SCRIPT


def is_rtl_language(lang: str | None) -> bool:
    return normalise_language(lang) in RTL_LANGUAGES


def clean_text(text: str) -> str:
    """The characters that are drawn: bidi controls removed, U+202F made a no-break space."""
    text = unicodedata.normalize("NFC", str(text)).translate(_BIDI_CONTROLS).translate(_SPACES)
    return text.replace("\r\n", "\n").replace("\r", "\n")


# ---------------------------------------------------------------------------------------------
# styles


_BASE_SIZES: dict[str, tuple[float, bool, str]] = {
    # name: (font size, bold, alignment kind)
    "title": (17, True, "center"),
    "h1": (14, True, "start"),
    "h2": (12, True, "start"),
    "body": (10, False, "start"),
    "small": (8, False, "start"),
    "cell": (9, False, "start"),
    "cell_bold": (9, True, "start"),
}
# Amiri draws smaller than Noto Sans at the same size and needs more room above and below.
ARABIC_SIZE_FACTOR = 1.15
LATIN_LEADING = 1.35
ARABIC_LEADING = 1.65

_styles_lock = threading.Lock()
_styles_cache: dict[str, dict[str, ParagraphStyle]] = {}
_derived_cache: dict[tuple, ParagraphStyle] = {}
_BOLD_FACES = {f.bold for f in fonts.FAMILIES if f.bold != f.regular}


def styles(lang: str | None = "fr") -> dict[str, ParagraphStyle]:
    """A small stylesheet for a document in ``lang``: title, h1, h2, body, small, cell, cell_bold.

    The styles are the *document's* defaults (font of its language, alignment on the side where
    its lines start); :func:`para` adapts them to the script of each text.
    """
    lang = normalise_language(lang)
    with _styles_lock:
        cached = _styles_cache.get(lang)
        if cached is not None:
            return dict(cached)
    fonts.register_fonts()
    rtl = lang in RTL_LANGUAGES
    family = ARABIC if rtl else LATIN
    sheet: dict[str, ParagraphStyle] = {}
    for name, (size, bold, align) in _BASE_SIZES.items():
        if rtl:
            size = round(size * ARABIC_SIZE_FACTOR, 1)
        alignment = TA_CENTER if align == "center" else (TA_RIGHT if rtl else TA_LEFT)
        space_before = {"title": 0, "h1": size * 0.8, "h2": size * 0.6}.get(name, 0)
        space_after = {"title": size * 0.8, "h1": size * 0.4, "h2": size * 0.3, "body": size * 0.5}.get(
            name, 0
        )
        sheet[name] = ParagraphStyle(
            name=f"{name}-{lang}",
            fontName=family.face(bold),
            fontSize=size,
            leading=round(size * (ARABIC_LEADING if rtl else LATIN_LEADING), 1),
            alignment=alignment,
            spaceBefore=space_before,
            spaceAfter=space_after,
            wordWrap="RTL" if rtl else None,
            shaping=1 if rtl else 0,
            splitLongWords=1,
        )
    with _styles_lock:
        _styles_cache.setdefault(lang, sheet)
    return dict(sheet)


def is_bold_style(style: ParagraphStyle) -> bool:
    return style.fontName in _BOLD_FACES


_ALIGN = {"left": TA_LEFT, "right": TA_RIGHT, "center": TA_CENTER, "justify": TA_JUSTIFY}


def _alignment(align: str | int | None, base: int, rtl: bool, lang_rtl: bool) -> int:
    if align is None:
        alignment = base
    elif isinstance(align, str):
        key = align.lower()
        if key in ("start", "end"):
            start_right = rtl or lang_rtl
            alignment = TA_RIGHT if (key == "start") == start_right else TA_LEFT
        else:
            alignment = _ALIGN[key]
    else:
        alignment = align
    # Right-to-left text starts on the right: a "left" default would put it on the wrong side.
    if rtl and alignment == TA_LEFT and align is None:
        alignment = TA_RIGHT
    return alignment


def _derived_style(
    base: ParagraphStyle, *, font: str, rtl: bool, arabic: bool, alignment: int
) -> ParagraphStyle:
    key = (base.name, id(base), font, rtl, arabic, alignment)
    with _styles_lock:
        st = _derived_cache.get(key)
    if st is not None:
        return st
    size = base.fontSize
    leading = base.leading
    base_is_arabic = base.fontName in (ARABIC.regular, ARABIC.bold)
    if arabic and not base_is_arabic:
        size = round(size * ARABIC_SIZE_FACTOR, 1)
        leading = max(leading, round(size * ARABIC_LEADING, 1))
    elif not arabic and base_is_arabic:
        size = round(size / ARABIC_SIZE_FACTOR, 1)
    st = ParagraphStyle(
        name=f"{base.name}/{font}/{'rtl' if rtl else 'ltr'}/{alignment}",
        parent=base,
        fontName=font,
        fontSize=size,
        leading=leading,
        alignment=alignment,
        wordWrap="RTL" if rtl else None,
        # HarfBuzz shaping joins Arabic letters; Latin text stays unshaped (no ligature glyphs,
        # so the text layer of French pages extracts cleanly).
        shaping=1 if arabic else 0,
    )
    with _styles_lock:
        _derived_cache.setdefault(key, st)
    return st


# ---------------------------------------------------------------------------------------------
# runs of fonts and the markup given to ReportLab


def _font_chain(arabic: bool, rtl: bool, bold: bool) -> list[str]:
    if arabic:
        # Inside a right-to-left paragraph ReportLab loses the spaces at a font change: one font.
        chain: list[Family] = [ARABIC] if rtl else [ARABIC, TIFINAGH]
    else:
        chain = [LATIN, TIFINAGH]
    return [f.face(bold) for f in chain]


def font_runs(text: str, chain: Sequence[str]) -> list[tuple[str, str]]:
    """Split ``text`` into ``(font, piece)`` runs: each character goes to the first font of
    ``chain`` that has it; spaces stay with the run they follow. A character no font has stays in
    the first font (the preflight then reports it)."""
    runs: list[tuple[str, str]] = []
    for ch in text:
        if ch in " \n" and runs:
            font = runs[-1][0]
        else:
            font = next((f for f in chain if fonts.has_glyph(f, ch)), chain[0])
        if runs and runs[-1][0] == font:
            runs[-1] = (font, runs[-1][1] + ch)
        else:
            runs.append((font, ch))
    return runs


def _unglue_mixed(text: str) -> str:
    """Turn a no-break space between an Arabic piece and a number or Latin piece into a space.

    HarfBuzz shapes a whole word in one direction, guessed from its letters: "201.350,75\u00a0د.م."
    (Babel's MAD amount in ar_MA) would be drawn right to left, digits reversed. As two words,
    each is shaped in its own direction and ReportLab orders them.
    """
    if "\u00a0" not in text:
        return text
    pieces = text.split("\u00a0")
    out = pieces[0]
    for piece in pieces[1:]:
        before = out.rsplit(" ", 1)[-1].rsplit("\u00a0", 1)[-1]
        kinds = {_piece_kind(before), _piece_kind(piece.split(" ", 1)[0])}
        out += (" " if kinds == {"arabic", "ltr"} else "\u00a0") + piece
    return out


def _piece_kind(piece: str) -> str:
    found = scripts_in(piece)
    if ARABIC_SCRIPT in found:
        return "arabic"
    if found or any(c.isdigit() for c in piece):
        return "ltr"
    return "neutral"


def _is_arabic_word(word: str) -> bool:
    found = {char_script(c) for c in word} - {COMMON_SCRIPT}
    return found == {ARABIC_SCRIPT} and not any(c.isdigit() for c in word)


def _is_neutral_word(word: str) -> bool:
    return all(char_script(c) == COMMON_SCRIPT and not c.isdigit() for c in word)


def _move_trailing_punct(run: str) -> str:
    """Logical → visual fix for an Arabic run in a left-to-right line: HarfBuzz draws the run right
    to left, so a trailing comma would land on its left; put it first so it lands on the right."""
    stripped = run.rstrip(_TRAILING_PUNCT)
    tail = run[len(stripped) :]
    return tail + stripped if tail and stripped else run


def _glue_arabic_runs(line: str) -> str:
    """In a left-to-right line, join consecutive Arabic words with no-break spaces so a multi-word
    Arabic name reads right to left (ReportLab would otherwise place its words left to right)."""
    words = line.split(" ")
    out: list[str] = []
    i = 0
    while i < len(words):
        if not _is_arabic_word(words[i]):
            out.append(words[i])
            i += 1
            continue
        j = i + 1
        last_arabic = i
        while j < len(words) and (_is_arabic_word(words[j]) or (_is_neutral_word(words[j]) and words[j])):
            if _is_arabic_word(words[j]):
                last_arabic = j
            j += 1
        run = "\u00a0".join(words[i : last_arabic + 1])
        if len(run) > _MAX_GLUED_RUN:
            out.extend(_move_trailing_punct(w) for w in words[i : last_arabic + 1])
        else:
            out.append(_move_trailing_punct(run))
        i = last_arabic + 1
    return " ".join(out)


def _markup(runs: Iterable[tuple[str, str]], base_font: str) -> str:
    parts = []
    for font, piece in runs:
        piece = escape(piece).replace("\n", "<br/>")
        parts.append(piece if font == base_font else f'<font name="{font}">{piece}</font>')
    return "".join(parts)


def para(
    text: str,
    style: str | ParagraphStyle = "body",
    lang: str | None = "fr",
    *,
    bold: bool | None = None,
    align: str | int | None = None,
    check: bool = True,
) -> Paragraph:
    """A ReportLab ``Paragraph`` for plain ``text`` in a document written in ``lang``.

    ``style`` is a name from :func:`styles` (``title``, ``h1``, ``h2``, ``body``, ``small``,
    ``cell``, ``cell_bold``) or a ``ParagraphStyle``. ``bold`` overrides the style's weight;
    ``align`` is ``start``/``end``/``left``/``right``/``center``/``justify`` (default: the style's,
    on the right for right-to-left text). Newlines become line breaks.

    Raises :class:`~coopdesk.pdf.preflight.MissingGlyphError` when a character cannot be drawn
    (unless ``check=False``).
    """
    from coopdesk.pdf.preflight import check_paragraph

    lang = normalise_language(lang)
    base = styles(lang)[style] if isinstance(style, str) else style
    if bold is None:
        bold = is_bold_style(base)
    text = clean_text("" if text is None else text)
    arabic = ARABIC_SCRIPT in scripts_in(text)
    rtl = is_rtl_text(text, lang)
    chain = _font_chain(arabic, rtl, bold)
    if arabic:
        text = _unglue_mixed(text)
    if arabic and not rtl:
        text = "\n".join(_glue_arabic_runs(line) for line in text.split("\n"))
    runs = font_runs(text, chain)
    st = _derived_style(
        base,
        font=chain[0],
        rtl=rtl,
        arabic=arabic,
        alignment=_alignment(align, base.alignment, rtl, is_rtl_language(lang)),
    )
    p = Paragraph(_markup(runs, chain[0]), st)
    p.coopdesk_text = text  # the drawn text, for tests and the preflight report
    if check:
        check_paragraph(p)
    return p


def cell(
    text: str, lang: str | None = "fr", *, bold: bool = False, align: str | int | None = None
) -> Paragraph:
    """A table cell paragraph (style ``cell`` or ``cell_bold``)."""
    return para(text, "cell_bold" if bold else "cell", lang, align=align)


def row(values: Sequence[object], lang: str | None = "fr", *, bold: bool = False) -> list[Paragraph]:
    """Cells of one table row in *visual* order: reversed for a right-to-left language, so the
    first column of an Arabic table is on the right. ``None`` is an empty cell."""
    cells = [cell("" if v is None else str(v), lang, bold=bold) for v in values]
    return cells[::-1] if is_rtl_language(lang) else cells
