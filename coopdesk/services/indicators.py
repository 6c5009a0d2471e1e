"""Indicators computed from the data, always split by commune and sex (gender-equality axis)."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

from sqlalchemy import func, select

from coopdesk.db.models import (
    Action,
    Commune,
    Enrolment,
    Event,
    EventHeadcount,
    Indicator,
    IndicatorValue,
    Milestone,
    Participation,
    Person,
    Plan,
)
from coopdesk.db.reader import ConnectionReader
from coopdesk.domain import constants as C
from coopdesk.domain.rules import age_band
from coopdesk.services import overview
from coopdesk.services.base import Context

Split = dict[str, dict[str, int]]  # commune code -> sex -> count
BandSplit = dict[str, dict[str, dict[str, int]]]  # commune code -> sex -> age band -> count


class IndicatorService:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    def for_year(self, year: int, *, by_age_band: bool = False) -> list[dict[str, Any]]:
        """Every indicator of the year's plan with target against achieved, per commune and sex
        (``overview.indicators``).

        ``by_age_band`` adds ``achieved_by_band`` {commune: {sex: {band: n}}}: named persons by
        their age on the event's start date (participants, at their first attended event) or on
        31 December of the year (enrolments, milestones); anonymous participants from the events'
        head counts; "unknown" for persons without a birth date, totals by sex without bands and
        values reported by hand. Its sums equal ``achieved``."""
        with self.ctx.uow() as s:
            out = overview.indicators(ConnectionReader(s.connection()), year)
            if by_age_band:
                communes = dict(s.execute(select(Commune.id, Commune.code)).all())
                for row in out:
                    ind = SimpleNamespace(id=row["id"], action_id=row["action_id"], method=row["method"],
                                          milestone_kind=row["milestone_kind"])
                    row["achieved_by_band"] = self._achieved_by_band(s, ind, communes, dt.date(year, 12, 31))
            return out

    def _achieved_by_band(self, s, ind: Indicator, communes: dict[str, str], year_end: dt.date) -> BandSplit:
        bands = (*C.AGE_BANDS, C.AGE_UNKNOWN)
        split: BandSplit = {code: {sex: dict.fromkeys(bands, 0) for sex in C.SEXES} for code in communes.values()}

        def add(cid: str, sex: str, band: str, n: int) -> None:
            by_sex = split.setdefault(communes[cid], {})
            by_band = by_sex.setdefault(sex, dict.fromkeys(bands, 0))
            by_band[band] = by_band.get(band, 0) + n

        if ind.method in ("enrolments", "milestone"):
            q = (select(Person.id, Person.commune_id, Person.sex, Person.birth_date)
                 .join(Enrolment, Enrolment.person_id == Person.id)
                 .where(Enrolment.action_id == ind.action_id))
            if ind.method == "milestone":
                q = q.join(Milestone, Milestone.enrolment_id == Enrolment.id)
                if ind.milestone_kind:
                    q = q.where(Milestone.kind == ind.milestone_kind)
            for _pid, cid, sex, birth in s.execute(q.distinct()):
                add(cid, sex, age_band(birth, year_end), 1)
        elif ind.method == "participants":
            for cid, sex, birth, first in s.execute(
                    select(Person.commune_id, Person.sex, Person.birth_date, func.min(Event.start))
                    .join(Participation, Participation.person_id == Person.id)
                    .join(Event, Participation.event_id == Event.id)
                    .where(Event.action_id == ind.action_id, Participation.status == "attended")
                    .group_by(Person.id, Person.commune_id, Person.sex, Person.birth_date)):
                add(cid, sex, age_band(birth, first), 1)
            events = s.execute(select(Event.id, Event.commune_id, Event.anonymous_f, Event.anonymous_m)
                               .where(Event.action_id == ind.action_id, Event.commune_id.is_not(None))).all()
            commune_of = {e.id: e.commune_id for e in events}
            counted: dict[tuple[str, str], int] = {}
            for eid, sex, band, n in s.execute(
                    select(EventHeadcount.event_id, EventHeadcount.sex, EventHeadcount.age_band, EventHeadcount.count)
                    .join(Event, EventHeadcount.event_id == Event.id)
                    .where(Event.action_id == ind.action_id, Event.commune_id.is_not(None))):
                counted[(eid, sex)] = counted.get((eid, sex), 0) + n
                add(commune_of[eid], sex, band, n)
            for eid, cid, f, m in events:
                for sex, total in (("F", f or 0), ("M", m or 0)):
                    rest = total - counted.get((eid, sex), 0)
                    if rest > 0:  # counted by sex only (or before bands were given)
                        add(cid, sex, C.AGE_UNKNOWN, rest)
        else:
            for cid, sex, value in s.execute(select(IndicatorValue.commune_id, IndicatorValue.sex, IndicatorValue.value)
                                             .where(IndicatorValue.indicator_id == ind.id)):
                add(cid, sex, C.AGE_UNKNOWN, value)
        return split

    def women_share(self, year: int) -> float | None:
        """Share of women and girls among the persons reached by the year's actions."""
        with self.ctx.uow() as s:
            reached = (select(Enrolment.person_id).join(Action, Enrolment.action_id == Action.id)
                       .join(Plan, Action.plan_id == Plan.id).where(Plan.year == year))
            attended = (select(Participation.person_id).join(Event, Participation.event_id == Event.id)
                        .join(Action, Event.action_id == Action.id).join(Plan, Action.plan_id == Plan.id)
                        .where(Plan.year == year, Participation.status == "attended"))
            ids = select(Person.sex).where(Person.id.in_(reached.union(attended).subquery().select()))
            sexes = [sx for (sx,) in s.execute(ids)]
        if not sexes:
            return None
        return sexes.count("F") / len(sexes)

