"""The fonts every printed document uses, registered once with ReportLab.

The TTF files ship in ``resources/fonts`` so a PDF looks the same on every PC. Registration is
idempotent and thread-safe: call :func:`register_fonts` (or anything in ``coopdesk.pdf.text``)
from any thread, any number of times.

Font rules (see ``docs/printing.md``):

* Latin (French, English) → Noto Sans.
* Any paragraph containing Arabic → Amiri, for the *whole* paragraph: Amiri also covers Latin,
  digits, € and U+202F, and ReportLab loses the spaces when the font changes inside a
  right-to-left paragraph. Noto Naskh Arabic (registered too) has no Latin, € or U+202F.
* Tifinagh → Noto Sans Tifinagh for the Tifinagh letters, Noto Sans for the rest (the Tifinagh
  font has no digits and no ``,`` ``.``); Tifinagh is left to right, so ``<font>`` runs are safe.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path

from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

FONTS_DIR = Path(__file__).resolve().parent.parent.parent / "resources" / "fonts"


@dataclass(frozen=True)
class Family:
    """A font family as ReportLab knows it: the registered names of its regular and bold faces."""

    name: str
    regular: str
    bold: str

    def face(self, bold: bool = False) -> str:
        return self.bold if bold else self.regular


# ReportLab name -> file name in resources/fonts
_FILES: dict[str, str] = {
    "NotoSans": "NotoSans-Regular.ttf",
    "NotoSans-Bold": "NotoSans-Bold.ttf",
    "Amiri": "Amiri-Regular.ttf",
    "Amiri-Bold": "Amiri-Bold.ttf",
    "NotoNaskhArabic": "NotoNaskhArabic-Regular.ttf",
    "NotoNaskhArabic-Bold": "NotoNaskhArabic-Bold.ttf",
    "NotoSansTifinagh": "NotoSansTifinagh-Regular.ttf",
}

LATIN = Family("NotoSans", "NotoSans", "NotoSans-Bold")
ARABIC = Family("Amiri", "Amiri", "Amiri-Bold")
NASKH = Family("NotoNaskhArabic", "NotoNaskhArabic", "NotoNaskhArabic-Bold")
# Noto Sans Tifinagh has no bold face: bold Tifinagh is drawn with the regular face.
TIFINAGH = Family("NotoSansTifinagh", "NotoSansTifinagh", "NotoSansTifinagh")

FAMILIES: tuple[Family, ...] = (LATIN, ARABIC, NASKH, TIFINAGH)

_lock = threading.Lock()
_registered = False


def register_fonts() -> None:
    """Register the shipped fonts and their bold mappings with ReportLab (once per process)."""
    global _registered
    if _registered:
        return
    with _lock:
        if _registered:
            return
        known = set(pdfmetrics.getRegisteredFontNames())
        for name, filename in _FILES.items():
            if name in known:
                continue
            path = FONTS_DIR / filename
            if not path.exists():
                raise FileNotFoundError(f"font file missing from resources/fonts: {filename}")
            pdfmetrics.registerFont(TTFont(name, str(path)))
        for fam in FAMILIES:
            # <b> inside a paragraph and ParagraphStyle fontName lookups use these mappings.
            addMapping(fam.name, 0, 0, fam.regular)
            addMapping(fam.name, 0, 1, fam.regular)
            addMapping(fam.name, 1, 0, fam.bold)
            addMapping(fam.name, 1, 1, fam.bold)
            if fam.regular != fam.name:
                for bold in (0, 1):
                    for italic in (0, 1):
                        addMapping(fam.regular, bold, italic, fam.face(bool(bold)))
        _registered = True


def font_names() -> list[str]:
    """Every ReportLab font name this module registers."""
    return list(_FILES)


def cmap(font_name: str) -> dict[int, int]:
    """Code point → glyph id of a registered TTF font (its ``cmap``)."""
    register_fonts()
    font = pdfmetrics.getFont(font_name)
    face = getattr(font, "face", None)
    c2g = getattr(face, "charToGlyph", None)
    if c2g is None:
        raise ValueError(f"{font_name} is not a TrueType font; only the shipped TTF fonts are used")
    return c2g


def has_glyph(font_name: str, char: str) -> bool:
    """True when ``font_name`` maps ``char`` to a real glyph (not .notdef)."""
    return cmap(font_name).get(ord(char), 0) != 0
