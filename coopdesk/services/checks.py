"""The convention's calendar warnings (``coopdesk check``): late plan, missing or misplaced
meetings, minutes waiting for a signature, renewal and notice dates coming."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

from coopdesk.db.reader import ConnectionReader, Reader, as_date, one
from coopdesk.domain import reference, rules
from coopdesk.i18n import N_, format_date, gettext_for

if TYPE_CHECKING:
    from coopdesk.services.base import Context

SIGNATURE_WAIT_DAYS = 30
RENEWAL_WARNING_DAYS = 180

WARNINGS = {
    "plan_missing": N_("No action plan for {year} yet; it must be validated before {deadline}."),
    "plan_not_validated": N_("The {year} action plan is not validated; the deadline is {deadline}."),
    "plan_late": N_("The {year} action plan was validated on {validated_on}, after the deadline of {deadline}."),
    "no_meeting_year": N_("No steering committee meeting was held in {year}."),
    "no_meeting_yet": N_("No steering committee meeting held yet in {year}."),
    "same_country_twice": N_("Two meetings in a row in the same country ({country}): {first} and {second}."),
    "minutes_unsigned": N_("The minutes of meeting no. {number} wait for a signature since {since} ({days} days)."),
    "minutes_not_final": N_("The minutes of meeting no. {number} are still a draft."),
    "renewal_coming": N_("The convention renews tacitly on {renewal}; notice must be given before {notice}."),
    "convention_not_in_force": N_("The convention is not in force yet: signatures or visas missing."),
}


@dataclass
class Warning:
    code: str
    level: str  # "warning" or "info"
    params: dict[str, Any] = field(default_factory=dict)
    entity: str = ""
    row_id: str = ""

    def message(self, lang: str | None = None) -> str:
        from coopdesk.i18n import current_language

        lang = lang or current_language()
        shown = {k: (format_date(v, "long", lang) if isinstance(v, dt.date) else v) for k, v in self.params.items()}
        return gettext_for(lang)(WARNINGS[self.code]).format(**shown)

    def as_dict(self, lang: str | None = None) -> dict[str, Any]:
        d = asdict(self)
        d["params"] = {k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in self.params.items()}
        d["message"] = self.message(lang)
        return d


class CheckService:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    def run(self, today: dt.date | None = None) -> list[Warning]:
        with self.ctx.uow() as s:
            return warnings(ConnectionReader(s.connection()), today or dt.date.today())


# The checks read plain SQL through a reader (coopdesk/db/reader.py): the services run them on their
# SQLAlchemy connection, the desktop app's first screen on a sqlite3 connection before SQLAlchemy
# is imported. One implementation for both.


def warnings(r: Reader, today: dt.date) -> list[Warning]:
    """Every warning of the convention's calendar on ``today``, in a fixed order."""
    return _plans(r, today) + _meetings(r, today) + _minutes(r, today) + _renewal(r, today)


def _plans(r: Reader, today: dt.date) -> list[Warning]:
    out = []
    plans = {year: (pid, as_date(validated)) for year, pid, validated in
             r.all("SELECT year, id, validated_on FROM plan")}
    for year in (today.year, today.year + 1):
        deadline = rules.plan_deadline(year)
        p = plans.get(year)
        if p is None:
            if year == today.year or today >= deadline - dt.timedelta(days=90):
                out.append(Warning("plan_missing", "warning", {"year": year, "deadline": deadline}))
        elif p[1] is None:
            if year == today.year or today >= deadline - dt.timedelta(days=90):
                out.append(Warning("plan_not_validated", "warning", {"year": year, "deadline": deadline},
                                   "plan", p[0]))
    for year, (pid, validated_on) in sorted(plans.items()):
        if validated_on and rules.plan_is_late(year, validated_on, today):
            out.append(Warning("plan_late", "info", {"year": year, "validated_on": validated_on,
                                                     "deadline": rules.plan_deadline(year)}, "plan", pid))
    return out


def _meetings(r: Reader, today: dt.date) -> list[Warning]:
    meetings = [(as_date(held), country, mid) for held, country, mid in
                r.all("SELECT held_at, country, id FROM meeting ORDER BY held_at")]
    conv = convention_row(r)
    eff = rules.effective_date(conv["signed_tiz"], conv["signed_vlg"], conv["visa_governor"],
                               conv["visa_prefet"]) if conv else None
    out = []
    first_year = eff.year if eff else (meetings[0][0].year if meetings else today.year)
    for year in rules.years_without_meeting([d for d, _, _ in meetings], first_year, today):
        out.append(Warning("no_meeting_year", "warning", {"year": year}))
    if not any(d.year == today.year and d <= today for d, _, _ in meetings):
        out.append(Warning("no_meeting_yet", "info", {"year": today.year}))
    ids = {(d, c): i for d, c, i in meetings}
    for first, second, country in rules.alternation_breaks([(d, c) for d, c, _ in meetings]):
        out.append(Warning("same_country_twice", "warning",
                           {"country": country, "first": first, "second": second},
                           "meeting", ids.get((second, country), "")))
    return out


def _minutes(r: Reader, today: dt.date) -> list[Warning]:
    out = []
    needed = {cid for (cid,) in r.all("SELECT id FROM commune")}
    numbers = dict(r.all("SELECT id, number FROM meeting"))
    signed: dict[str, set[str]] = {}
    for minutes_id, commune_id in r.all("SELECT minutes_id, commune_id FROM signature"):
        signed.setdefault(minutes_id, set()).add(commune_id)
    latest: dict[str, tuple[str, Any]] = {}
    for meeting_id, minutes_id, finalised_at in r.all(
            "SELECT meeting_id, id, finalised_at FROM minutes ORDER BY version"):
        latest[meeting_id] = (minutes_id, finalised_at)
    for meeting_id, (minutes_id, finalised_at) in latest.items():
        number = numbers[meeting_id]
        if finalised_at is None:
            out.append(Warning("minutes_not_final", "info", {"number": number}, "minutes", minutes_id))
            continue
        if needed <= signed.get(minutes_id, set()):
            continue
        since = as_date(finalised_at)
        days = (today - since).days
        if days > SIGNATURE_WAIT_DAYS:
            out.append(Warning("minutes_unsigned", "warning",
                               {"number": number, "since": since, "days": days}, "minutes", minutes_id))
    return out


CONVENTION_DATES = ("signed_tiz", "signed_vlg", "visa_governor", "visa_prefet")


def convention_row(r: Reader) -> dict[str, Any] | None:
    """The convention's id, signatures, visas, term and notice (dates as dates)."""
    row = one(r, "SELECT id, signed_tiz, signed_vlg, visa_governor, visa_prefet, term_years, notice_months "
                 "FROM convention WHERE id = :id", {"id": reference.CONVENTION_ID})
    if row is None:
        return None
    c = dict(zip(("id", *CONVENTION_DATES, "term_years", "notice_months"), row, strict=True))
    for key in CONVENTION_DATES:
        c[key] = as_date(c[key])
    return c


def convention_dates(r: Reader, today: dt.date) -> dict[str, Any] | None:
    """The convention's id with its derived dates (``rules.convention_dates``), or None without one."""
    c = convention_row(r)
    return None if c is None else {"id": c["id"], **rules.convention_dates(c, today)}


def _renewal(r: Reader, today: dt.date) -> list[Warning]:
    c = convention_dates(r, today)
    if c is None:
        return []
    if c["effective_date"] is None:
        return [Warning("convention_not_in_force", "warning", {}, "convention", c["id"])]
    nxt = c["next_renewal"]
    if nxt and (nxt - today).days <= RENEWAL_WARNING_DAYS:
        return [Warning("renewal_coming", "info", {"renewal": nxt, "notice": c["notice_deadline"]},
                        "convention", c["id"])]
    return []
