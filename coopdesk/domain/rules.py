"""The convention's rules as pure functions (no database, no I/O).

Each function states one rule of the convention and is tested on its own.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from coopdesk.errors import ValidationError

# ------------------------------------------------------------------ article 5: unanimity


@dataclass(frozen=True)
class Voter:
    attendee_id: str
    role: str
    presence: str


def voting_members(attendees: Iterable[Voter]) -> list[Voter]:
    """Elected members and technicians who are present or represented vote; guests never do."""
    return [a for a in attendees if a.role in ("elected", "technician") and a.presence in ("present", "represented")]


def is_adopted(attendees: Iterable[Voter], votes: dict[str, str]) -> bool:
    """Adopted only if every voting member present voted yes (unanimity, article 5)."""
    voters = voting_members(attendees)
    return bool(voters) and all(votes.get(v.attendee_id) == "yes" for v in voters)


# ------------------------------------------------------------------ article 5: minutes


def minutes_status(finalised: bool, signer_communes: Iterable[str], required: Iterable[str]) -> str:
    """draft → final → signed_one → enforceable (both presidents have signed)."""
    if not finalised:
        return "draft"
    signed = set(signer_communes)
    needed = set(required)
    if needed and needed <= signed:
        return "enforceable"
    if signed:
        return "signed_one"
    return "final"


def fingerprint(content: str) -> str:
    """SHA-256 of the frozen minutes, normalised so the same text always gives the same print."""
    normal = unicodedata.normalize("NFC", content.replace("\r\n", "\n")).strip()
    return hashlib.sha256(normal.encode("utf-8")).hexdigest()


# ------------------------------------------------------------------ article 3-4: plan deadline


def plan_deadline(year: int) -> dt.date:
    """The plan of year N is validated before 31 December of N-1."""
    return dt.date(year - 1, 12, 31)


def plan_is_late(year: int, validated_on: dt.date | None, today: dt.date) -> bool:
    deadline = plan_deadline(year)
    if validated_on is None:
        return today > deadline
    return validated_on > deadline


# ------------------------------------------------------------------ article 5: meetings


def alternation_breaks(meetings: Sequence[tuple[dt.date, str]]) -> list[tuple[dt.date, dt.date, str]]:
    """Pairs of consecutive meetings held in the same country (the committee alternates)."""
    ordered = sorted(meetings)
    return [(a[0], b[0], b[1]) for a, b in zip(ordered, ordered[1:], strict=False) if a[1] == b[1]]


def years_without_meeting(meeting_dates: Iterable[dt.date], first_year: int, today: dt.date) -> list[int]:
    """Completed years (and the current one once past) without any committee meeting."""
    years = {d.year for d in meeting_dates}
    return [y for y in range(first_year, today.year) if y not in years]


# ------------------------------------------------------------------ article 7: term and renewal


def effective_date(signed_a: dt.date | None, signed_b: dt.date | None,
                   visa_a: dt.date | None, visa_b: dt.date | None) -> dt.date | None:
    """In force from both signatures and both visas: the last of the four dates."""
    dates = [signed_a, signed_b, visa_a, visa_b]
    if any(d is None for d in dates):
        return None
    return max(d for d in dates if d is not None)


def add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    year = day.year + month // 12
    month = month % 12 + 1
    import calendar

    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def renewal_dates(effective: dt.date, term_years: int, until: dt.date) -> list[dt.date]:
    """Each tacit renewal date (end of a term) from the effective date up to ``until``."""
    out = []
    k = 1
    while True:
        d = add_months(effective, 12 * term_years * k)
        out.append(d)
        if d > until:
            return out
        k += 1


def notice_deadline(renewal: dt.date, notice_months: int) -> dt.date:
    """Last day to give notice so the convention ends at ``renewal`` (three months' notice)."""
    return add_months(renewal, -notice_months)


# ------------------------------------------------------------------ annex II: mixed teams


def convention_dates(c: dict, today: dt.date) -> dict:
    """The dates derived from the convention's signatures and visas (articles 1 and 7): its effective
    date, the tacit renewals up to the next one, that next renewal and the deadline of a notice to
    end it. ``c`` has the convention's ``signed_tiz``, ``signed_vlg``, ``visa_governor``,
    ``visa_prefet``, ``term_years`` and ``notice_months``."""
    eff = effective_date(c["signed_tiz"], c["signed_vlg"], c["visa_governor"], c["visa_prefet"])
    renewals = renewal_dates(eff, c["term_years"], today) if eff else []
    nxt = next((d for d in renewals if d > today), None)
    return {"effective_date": eff, "renewals": renewals, "next_renewal": nxt,
            "notice_deadline": notice_deadline(nxt, c["notice_months"]) if nxt else None}


def age_on(birth: dt.date, on: dt.date) -> int:
    """Completed years on a date."""
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def age_band(birth: dt.date | None, on: dt.date) -> str:
    """The age band (``constants.AGE_BANDS``) of a person born on ``birth`` on the date ``on``;
    ``"unknown"`` without a birth date (or one after ``on``)."""
    from coopdesk.domain.constants import AGE_BAND_LIMITS, AGE_UNKNOWN

    if birth is None or birth > on:
        return AGE_UNKNOWN
    age = age_on(birth, on)
    for code, low, high in AGE_BAND_LIMITS:
        if age >= low and (high is None or age <= high):
            return code
    return AGE_UNKNOWN


def team_is_mixed(member_communes: Iterable[str], required: Iterable[str]) -> bool:
    """An olympiad team has residents of both towns."""
    return set(required) <= set(member_communes)


# ------------------------------------------------------------------ dates and amounts


def check_period(start: dt.date | None, end: dt.date | None, field: str = "end") -> None:
    if start is not None and end is not None and end < start:
        raise ValidationError("end_before_start", field=field, start=start.isoformat(), end=end.isoformat())


def check_amounts(**amounts: int) -> None:
    for name, value in amounts.items():
        if value is not None and value < 0:
            raise ValidationError("negative_amount", field=name)


# ------------------------------------------------------------------ names


_ARABIC_DIACRITICS = {chr(c) for c in range(0x064B, 0x0660)} | {"\u0670", "\u0640"}
_ARABIC_FOLD = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ى": "ي", "ة": "ه", "ؤ": "و", "ئ": "ي"})


def fold_name(text: str) -> str:
    """Lower-case, accents and Arabic diacritics removed, hyphens as spaces: for search."""
    decomposed = unicodedata.normalize("NFKD", text)
    kept = [c for c in decomposed if not unicodedata.combining(c) and c not in _ARABIC_DIACRITICS]
    folded = "".join(kept).translate(_ARABIC_FOLD).casefold()
    for ch in "-'’_.,":
        folded = folded.replace(ch, " ")
    return " ".join(folded.split())
