"""The convention's calendar warnings (``coopdesk check``): late plan, missing or misplaced
meetings, minutes waiting for a signature, renewal and notice dates coming."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field
from typing import Any

from sqlalchemy import select

from coopdesk.db.models import Meeting, Minutes, Plan, Signature
from coopdesk.domain import rules
from coopdesk.i18n import N_, format_date, gettext_for
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
        today = today or dt.date.today()
        out: list[Warning] = []
        out += self._plans(today)
        out += self._meetings(today)
        out += self._minutes(today)
        out += self._renewal(today)
        return out

    def _plans(self, today: dt.date) -> list[Warning]:
        out = []
        with self.ctx.uow() as s:
            plans = {p.year: p for p in s.scalars(select(Plan))}
        for year in (today.year, today.year + 1):
            deadline = rules.plan_deadline(year)
            p = plans.get(year)
            if p is None:
                if year == today.year or today >= deadline - dt.timedelta(days=90):
                    out.append(Warning("plan_missing", "warning", {"year": year, "deadline": deadline}))
            elif p.validated_on is None:
                if year == today.year or today >= deadline - dt.timedelta(days=90):
                    out.append(Warning("plan_not_validated", "warning", {"year": year, "deadline": deadline},
                                       "plan", p.id))
        for year, p in sorted(plans.items()):
            if p.validated_on and rules.plan_is_late(year, p.validated_on, today):
                out.append(Warning("plan_late", "info", {"year": year, "validated_on": p.validated_on,
                                                         "deadline": rules.plan_deadline(year)}, "plan", p.id))
        return out

    def _meetings(self, today: dt.date) -> list[Warning]:
        with self.ctx.uow() as s:
            meetings = [(m.held_at.date(), m.country, m.id) for m in s.scalars(select(Meeting).order_by(Meeting.held_at))]
            conv_first = self._effective_year(s)
        out = []
        first_year = conv_first or (meetings[0][0].year if meetings else today.year)
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

    def _effective_year(self, s) -> int | None:
        from coopdesk.db.models import Convention

        c = s.scalars(select(Convention)).first()
        if c is None:
            return None
        eff = rules.effective_date(c.signed_tiz, c.signed_vlg, c.visa_governor, c.visa_prefet)
        return eff.year if eff else None

    def _minutes(self, today: dt.date) -> list[Warning]:
        out = []
        with self.ctx.uow() as s:
            from coopdesk.db.models import Commune

            needed = set(s.scalars(select(Commune.id)))
            latest: dict[str, Minutes] = {}
            for mn in s.scalars(select(Minutes).order_by(Minutes.version)):
                latest[mn.meeting_id] = mn
            for meeting_id, mn in latest.items():
                meeting = s.get(Meeting, meeting_id)
                if mn.finalised_at is None:
                    out.append(Warning("minutes_not_final", "info", {"number": meeting.number}, "minutes", mn.id))
                    continue
                signed = set(s.scalars(select(Signature.commune_id).where(Signature.minutes_id == mn.id)))
                if needed <= signed:
                    continue
                since = mn.finalised_at.date()
                days = (today - since).days
                if days > SIGNATURE_WAIT_DAYS:
                    out.append(Warning("minutes_unsigned", "warning",
                                       {"number": meeting.number, "since": since, "days": days}, "minutes", mn.id))
        return out

    def _renewal(self, today: dt.date) -> list[Warning]:
        from coopdesk.services.convention import ConventionService

        c = ConventionService(self.ctx).convention(today)
        if c["effective_date"] is None:
            return [Warning("convention_not_in_force", "warning", {}, "convention", c["id"])]
        nxt = c["next_renewal"]
        if nxt and (nxt - today).days <= RENEWAL_WARNING_DAYS:
            return [Warning("renewal_coming", "info", {"renewal": nxt, "notice": c["notice_deadline"]},
                            "convention", c["id"])]
        return []
