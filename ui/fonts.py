"""The app's own fonts, loaded from resources/fonts so every PC shows Arabic and Tifinagh."""

from __future__ import annotations

import re

from PySide6.QtGui import QFont, QFontDatabase, QGuiApplication

from coopdesk.paths import FONTS

FAMILIES: dict[str, str] = {}


def load_app_fonts() -> dict[str, str]:
    if FAMILIES:
        return FAMILIES
    for path in sorted(FONTS.glob("*.ttf")):
        font_id = QFontDatabase.addApplicationFont(str(path))
        if font_id >= 0:
            for family in QFontDatabase.applicationFontFamilies(font_id):
                FAMILIES[path.stem] = family
    return FAMILIES


def font_for(lang: str, base: QFont | None = None) -> QFont:
    """Qt does not know Tifinagh as a writing system: name the family explicitly, with fallbacks."""
    font = QFont(base) if base is not None else QFont()
    families = ["Noto Sans"]
    if lang == "zgh":
        families = ["Noto Sans Tifinagh", "Noto Sans", "Noto Naskh Arabic"]
    elif lang == "ar":
        families = ["Noto Naskh Arabic", "Noto Sans", "Noto Sans Tifinagh"]
    else:
        families = ["Noto Sans", "Noto Naskh Arabic", "Noto Sans Tifinagh"]
    font.setFamilies(families)
    return font


# Noto Naskh Arabic draws the full stop "." as an Arabic point, like the Arabic decimal separator
# "٫", unless the text around it is in Latin script (its Latin point is a "locl" form of the latn
# script). A code such as 1.1.1, or an amount such as 45.000,00, has no script of its own (digits
# and punctuation are "common"), so in Arabic, where Naskh is the first family, it read "1٫1٫1".
# Such a text is drawn with Noto Sans first: its digits and points, and Arabic letters beside them
# from Naskh, as before.
ARABIC_POINT_FAMILY = "Noto Naskh Arabic"
_FIGURES = re.compile(r"\d[.]\d")


def has_figures(text: str) -> bool:
    """``text`` has a point between digits (a code 1.1.1, an amount 45.000,00, a size 1.644)."""
    return bool(_FIGURES.search(text))


def figures_font(base: QFont | None = None) -> QFont | None:
    """``base`` (the application's font by default) with Noto Sans first, when its first family
    draws the point between digits as an Arabic point (Arabic); else None: ``base`` is right."""
    font = QFont(base) if base is not None else QGuiApplication.font()
    families = font.families()
    if not families or families[0] != ARABIC_POINT_FAMILY:
        return None
    font.setFamilies(["Noto Sans", *(f for f in families if f != "Noto Sans")])
    return font


def figures_families() -> QFont | None:
    """Only the families of :func:`figures_font`, for an item view's ``FontRole``: the cell keeps the
    view's size and weight."""
    font = figures_font()
    if font is None:
        return None
    only = QFont()
    only.setFamilies(font.families())
    return only
