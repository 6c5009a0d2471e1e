"""Translations and locale-aware formatting, with no Qt.

One module exports ``_``, ``N_`` and ``ngettext`` (the Picard pattern). Catalogs are the
``translations/<lang>/LC_MESSAGES/coopdesk.po`` files; they are compiled with Babel into memory
the first time a language is used, so a fresh checkout needs no build step and a stale ``.mo``
can never shadow the ``.po`` that was edited (the compiled form is cached under the hash of the
``.po``'s bytes).

Everything a person reads (dates, numbers, EUR and MAD amounts) is formatted here through Babel,
so that screens and printed documents agree.
"""

from __future__ import annotations

import datetime as dt
import gettext as _gettext
import hashlib
import io
import os
import struct
import threading
from decimal import Decimal
from pathlib import Path

from babel import Locale
from babel import dates as _bdates
from babel import numbers as _bnumbers

LANGUAGES: tuple[str, ...] = ("fr", "ar", "zgh", "en")
DEFAULT_LANGUAGE = "fr"
RTL_LANGUAGES = frozenset({"ar"})
# Formats follow the Moroccan or French conventions of the people who use the app.
FORMAT_LOCALES = {"fr": "fr_FR", "ar": "ar_MA", "zgh": "zgh_MA", "en": "en_GB"}
LANGUAGE_NAMES = {"fr": "Français", "ar": "العربية", "zgh": "ⵜⴰⵎⴰⵣⵉⵖⵜ", "en": "English"}

TRANSLATIONS_DIR = Path(__file__).resolve().parent.parent / "translations"
DOMAIN = "coopdesk"

_lock = threading.Lock()
_cache: dict[str, _gettext.NullTranslations] = {}
_current = DEFAULT_LANGUAGE


def _compile(lang: str) -> _gettext.NullTranslations:
    po_path = TRANSLATIONS_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"
    try:
        po = po_path.read_bytes()
    except FileNotFoundError:
        return _gettext.NullTranslations()
    # Compiling a catalog with Babel takes a noticeable part of the app's start; the result is kept
    # in the user's cache folder under the hash of the .po's bytes, so an edited .po is compiled
    # again and a stale copy can never be read.
    cached = _mo_cache_path(lang, po)
    mo = _read_cached(cached)
    if mo is not None:
        try:
            return _gettext.GNUTranslations(io.BytesIO(mo))
        except (OSError, ValueError, struct.error):  # a damaged copy: compile it again
            pass
    mo = _po_to_mo(po, lang)
    _write_cached(cached, mo)
    return _gettext.GNUTranslations(io.BytesIO(mo))


def _po_to_mo(po: bytes, lang: str) -> bytes:
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    catalog = read_po(io.BytesIO(po), locale=lang)
    buf = io.BytesIO()
    write_mo(buf, catalog, use_fuzzy=False)
    return buf.getvalue()


def _mo_cache_path(lang: str, po: bytes) -> Path:
    from coopdesk.paths import cache_dir

    digest = hashlib.sha256(po).hexdigest()[:24]
    return cache_dir() / "catalogs" / f"{DOMAIN}-{lang}-{digest}.mo"


def _read_cached(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except OSError:
        return None


def _write_cached(path: Path, mo: bytes) -> None:
    """Best effort: a folder we cannot write to only means compiling again next time."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
        tmp.write_bytes(mo)
        os.replace(tmp, path)
    except OSError:
        pass


def translations(lang: str | None = None) -> _gettext.NullTranslations:
    """The compiled catalog of a language (French when unknown)."""
    lang = normalise_language(lang or _current)
    with _lock:
        tr = _cache.get(lang)
        if tr is None:
            tr = _compile(lang)
            _cache[lang] = tr
        return tr


def normalise_language(lang: str | None) -> str:
    if not lang:
        return DEFAULT_LANGUAGE
    code = lang.replace("-", "_").split("_")[0].lower()
    return code if code in LANGUAGES else DEFAULT_LANGUAGE


def set_language(lang: str) -> str:
    """Make ``lang`` the language of ``_`` for the whole process; returns the code kept."""
    global _current
    _current = normalise_language(lang)
    translations(_current)
    return _current


def current_language() -> str:
    return _current


def is_rtl(lang: str | None = None) -> bool:
    return normalise_language(lang or _current) in RTL_LANGUAGES


def _(message: str) -> str:
    return translations().gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return translations().ngettext(singular, plural, n)


def pgettext(context: str, message: str) -> str:
    """``_`` for a word with two meanings (``pgettext("person", "Title")``: a function, not a name)."""
    return translations().pgettext(context, message)


def N_(message: str) -> str:
    """Mark a constant for extraction; it is translated where it is shown."""
    return message


def gettext_for(lang: str):
    """A ``_`` bound to one language, for documents printed in a language other than the UI's."""
    tr = translations(lang)
    return tr.gettext


def ngettext_for(lang: str):
    return translations(lang).ngettext


# ----------------------------------------------------------------------------------------- formats


def format_locale(lang: str | None = None) -> Locale:
    return Locale.parse(FORMAT_LOCALES[normalise_language(lang or _current)])


def format_date(value: dt.date | None, fmt: str = "long", lang: str | None = None) -> str:
    if value is None:
        return ""
    return _bdates.format_date(value, format=fmt, locale=format_locale(lang))


def format_datetime(value: dt.datetime | None, fmt: str = "medium", lang: str | None = None,
                    tz: str | None = None) -> str:
    """A moment shown in a commune's time zone (``Africa/Casablanca``, ``Europe/Paris``)."""
    if value is None:
        return ""
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return _bdates.format_datetime(value, format=fmt, tzinfo=tz, locale=format_locale(lang))


def format_number(value: int | float | Decimal, lang: str | None = None) -> str:
    return _bnumbers.format_decimal(value, locale=format_locale(lang))


def format_percent(value: float, lang: str | None = None) -> str:
    return _bnumbers.format_percent(value, locale=format_locale(lang))


def format_money(minor_units: int, currency: str, lang: str | None = None) -> str:
    """An amount stored in minor units (cents, centimes) shown in the user's locale."""
    return _bnumbers.format_currency(Decimal(minor_units) / 100, currency, locale=format_locale(lang))


# ------------------------------------------------------------------------------- reference data


def localized(record: object, field: str = "name", lang: str | None = None) -> str:
    """``record``'s ``<field>_<lang>`` (a dict key or an attribute), French when that is empty.

    Reference data typed by people (axis names, commune names) is stored per language in columns
    ``name_fr``, ``name_ar``, ``name_zgh``, ``name_en``; French is the official language
    (article 8) and always present. A record with only ``<field>`` gives that.
    """
    lang = normalise_language(lang or _current)

    def get(key: str) -> str:
        value = record.get(key) if isinstance(record, dict) else getattr(record, key, None)
        return value if isinstance(value, str) else ""

    for key in (f"{field}_{lang}", f"{field}_{DEFAULT_LANGUAGE}", field):
        text = get(key).strip()
        if text:
            return text
    return ""
