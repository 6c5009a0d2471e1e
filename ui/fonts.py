"""The app's own fonts, loaded from resources/fonts so every PC shows Arabic and Tifinagh."""

from __future__ import annotations

from PySide6.QtGui import QFont, QFontDatabase

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
