"""Phonetic keys of person names, the same for Latin and Arabic script.

A name is folded (case, accents, Arabic letter variants: :func:`coopdesk.domain.rules.fold_name`),
Arabic letters are transliterated with a table made for Maghrebi names, Latin spellings are
brought to one form (ou/u, ch/sh, kh, gh, q/k, y/i, doubled letters), and each word is reduced to
its consonant skeleton: "Fatima Zahra Ait Ali", "Fatima-Zahra Aït Ali" and "فاطمة الزهراء آيت علي"
all become ``ftm zhr at al``. Pure functions, no I/O.
"""

from __future__ import annotations

import re
from functools import lru_cache

from coopdesk.domain.rules import fold_name

# Arabic letter (after fold_name: أإآٱ→ا, ى→ي, ة→ه, ؤ→و, ئ→ي) → Latin as Maghrebi names are spelled.
ARABIC_TO_LATIN = {
    "ا": "a", "ب": "b", "ت": "t", "ث": "t", "ج": "j", "ح": "h", "خ": "kh", "د": "d", "ذ": "d", "ر": "r",
    "ز": "z", "س": "s", "ش": "ch", "ص": "s", "ض": "d", "ط": "t", "ظ": "z", "ع": "a", "غ": "gh", "ف": "f",
    "ق": "k", "ك": "k", "ل": "l", "م": "m", "ن": "n", "ه": "h", "و": "ou", "ي": "i", "ء": "", "گ": "g",
    "ڭ": "g", "ڤ": "v", "پ": "p", "ژ": "j", "ة": "a",
}
# Whole words whose spelling the letter table would not guess (short vowels are not written in
# Arabic, so a few frequent names are given as they are usually spelled in Latin).
COMMON_NAMES = {
    "محمد": "mohamed", "احمد": "ahmed", "امحمد": "mhamed", "ابراهيم": "brahim", "اسماعيل": "ismail",
    "يوسف": "youssef", "عمر": "omar", "حسن": "hassan", "حسين": "houssein", "لحسن": "lahcen",
    "لحسين": "lhoussaine", "سعيد": "said", "مصطفي": "mustapha", "عثمان": "othmane", "الحسين": "lhoussaine",
    "فاطمه": "fatima", "خديجه": "khadija", "عايشه": "aicha", "مريم": "meryem", "زينب": "zineb",
    "نعيمه": "naima", "حفصه": "hafsa", "ايت": "ait", "اد": "id", "او": "ou", "بن": "ben", "بنت": "bent",
}
ARTICLES = {"el", "al", "ال"}
_VOWELS = set("aeiouy")
_LATIN_RULES = (("tch", "ch"), ("sch", "ch"), ("sh", "ch"), ("dj", "j"), ("ph", "f"), ("th", "t"),
                ("dh", "d"), ("ck", "k"), ("q", "k"), ("x", "kh"), ("w", "ou"), ("ee", "i"), ("oo", "ou"),
                ("y", "i"))
_ARABIC = re.compile(r"[\u0600-\u06FF]")


def _arabic_word(word: str) -> list[str]:
    if word in COMMON_NAMES:
        return [COMMON_NAMES[word]]
    if word.startswith("عبد") and len(word) > 3:  # عبدالله, عبدالعزيز written as one word
        return ["abd", *_arabic_word(word[3:])]
    if word.startswith("ال") and len(word) > 3:
        return _arabic_word(word[2:])
    if word.endswith("ه"):  # ta marbuta (folded to ha): a final vowel
        word = word[:-1] + "ة"
    return ["".join(ARABIC_TO_LATIN.get(ch, ch) for ch in word)]


def _latin_word(word: str) -> list[str]:
    # Abdelaziz, Abderrahim, Abdellah: the article inside the compound is not written in Arabic.
    if word.startswith("abd") and len(word) > 5:
        rest = re.sub(r"^(el|al|ul|ou|e|a|u)", "", word[3:])
        if len(rest) > 1 and rest[0] == rest[1]:
            rest = rest[1:]
        return ["abd", rest]
    return [word]


@lru_cache(maxsize=65536)
def skeleton(word: str) -> str:
    """Consonant skeleton of one folded Latin word; a leading vowel sound is kept as ``a``."""
    w = word
    for old, new in _LATIN_RULES:
        w = w.replace(old, new)
    w = w.replace("ch", "\x01").replace("kh", "\x02").replace("gh", "\x03").replace("ou", "u")
    w = w.replace("c", "k")
    if len(w) > 1 and w.endswith("h") and w[-2] in _VOWELS:
        w = w[:-1]
    head = "a" if w and w[0] in _VOWELS else ""
    out: list[str] = []
    for ch in w:
        if ch in _VOWELS or (out and out[-1] == ch):
            continue
        out.append(ch)
    core = "".join(out).replace("\x01", "ch").replace("\x02", "kh").replace("\x03", "g")
    return head + core


def latin_words(text: str) -> tuple[str, ...]:
    """The folded words of a name, Arabic script transliterated, Latin compounds split."""
    out: tuple[str, ...] = ()
    for raw in text.split():
        out += _raw_latin(raw)
    return out


# Everything below works one word at a time (folding never joins two words), and the cache is per
# word: names repeat their words far more than whole names ("Mohamed", "Ait", "Fatima"), so a batch
# of 100 000 persons computes a few thousand words, not 100 000 names.

@lru_cache(maxsize=65536)
def _raw_latin(raw: str) -> tuple[str, ...]:
    words: list[str] = []
    for word in fold_name(raw).split():
        if word in ARTICLES:
            continue
        parts = _arabic_word(word) if _ARABIC.search(word) else [word]
        for part in parts:
            words.extend(_latin_word(part))
    return tuple(w for w in words if w)


def skeletons(text: str) -> tuple[str, ...]:
    return tuple(s for s in (skeleton(w) for w in latin_words(text)) if s)


@lru_cache(maxsize=65536)
def _raw_keys(raw: str) -> tuple[str, ...]:
    keys = []
    for sk in (skeleton(w) for w in _raw_latin(raw)):
        if sk:
            core = sk[1:] if sk.startswith("a") else sk
            keys.append((core if len(core) >= 2 else sk)[:40])
    return tuple(keys)


def block_keys(*names: str) -> set[str]:
    """Keys a duplicate must share: each word's skeleton without its leading vowel (or the whole
    skeleton when that leaves fewer than two letters)."""
    keys: set[str] = set()
    for name in names:
        for raw in name.split():
            keys.update(_raw_keys(raw))
    return keys


def phonetic(text: str) -> str:
    """The sorted skeletons of a name as one string, for similarity scores across scripts."""
    return " ".join(sorted(skeletons(text)))
