"""Events (article 6 safety data), participants and attendance, teams with the mixed rule."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from coopdesk.db.models import Action, Commune, Event, EventHeadcount, Participation, Person, Team, TeamMember
from coopdesk.domain import constants as C
from coopdesk.domain import fields as F
from coopdesk.domain.rules import team_is_mixed
from coopdesk.errors import CoopError, ValidationError, register_messages
from coopdesk.i18n import N_
from coopdesk.services.base import Context, as_dict, get
from coopdesk.services.crud import Entity, exists_rule, period_rule
from coopdesk.services.snapshots import Snapshot, remove, restore

register_messages({
    "headcount_total": N_("This event is counted by age band: change the counts of the bands, "
                          "the total follows."),
})

ANONYMOUS = {"F": "anonymous_f", "M": "anonymous_m"}


def _counts_rule(s: Session, v: dict[str, Any], obj: Any) -> None:
    for key in ("anonymous_f", "anonymous_m"):
        if (v.get(key) or 0) < 0:
            raise ValidationError("negative_amount", field=key)
    if obj is None:
        return
    # With counts by age band, the totals by sex are their sums: refuse a total that disagrees.
    sums = _band_sums(s, obj.id)
    if sums is not None:
        for sex, key in ANONYMOUS.items():
            if (v.get(key) or 0) != sums[sex]:
                raise ValidationError("headcount_total", field=key)


def _band_sums(s: Session, event_id: str) -> dict[str, int] | None:
    """Anonymous participants by sex from the event's counts by age band; None without any."""
    rows = s.execute(select(EventHeadcount.sex, func.sum(EventHeadcount.count))
                     .where(EventHeadcount.event_id == event_id).group_by(EventHeadcount.sex)).all()
    if not rows:
        return None
    sums = {"F": 0, "M": 0}
    for sex, n in rows:
        sums[sex] = int(n or 0)
    return sums


def clean_headcounts(counts: Any) -> dict[tuple[str, str], int]:
    """{(sex, age band): n} checked: known sex and band, whole numbers not below zero; zeros dropped."""
    out: dict[tuple[str, str], int] = {}
    for key, n in dict(counts or {}).items():
        try:
            sex, band = key
        except (TypeError, ValueError):
            raise ValidationError("invalid_choice", field="headcounts", value=str(key)) from None
        if sex not in C.SEXES:
            raise ValidationError("invalid_choice", field="sex", value=str(sex))
        if band not in C.AGE_BANDS:
            raise ValidationError("invalid_choice", field="age_band", value=str(band))
        if isinstance(n, bool) or not isinstance(n, int):
            try:
                n = int(str(n).strip() or 0)
            except ValueError:
                raise ValidationError("invalid_number", field="headcounts", value=str(n)) from None
        if n < 0:
            raise ValidationError("negative_amount", field="headcounts")
        if n:
            out[(sex, band)] = n
    return out


EVENT = Entity(Event, {
    "action_id": F.ref(),
    "type": F.choice(C.EVENT_TYPES, required=False),
    "title": F.text(required=True, max_len=300),
    "start": F.date(required=True),
    "end": F.date(),
    "place": F.text(max_len=200),
    "commune_id": F.ref(),
    "responsible": F.text(max_len=120),
    "emergency_contact": F.text(max_len=120),
    "safety_notes": F.text(),
    "mixed_teams": F.boolean(),
    "anonymous_f": F.integer(),
    "anonymous_m": F.integer(),
}, rules=(period_rule(), _counts_rule, exists_rule("action_id", Action, "action"),
          exists_rule("commune_id", Commune, "commune")), order_by=Event.start)


class EventService:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    def create_event(self, *, headcounts: Any = None, **data: Any) -> dict[str, Any]:
        """``headcounts`` ({(sex, age band): n}), when given and not all zero, sets the anonymous
        totals by sex to their sums (``anonymous_f`` / ``anonymous_m`` given are then ignored)."""
        if data.get("type") == "olympiad":
            data.setdefault("mixed_teams", True)
        counts = clean_headcounts(headcounts)
        if counts:
            data = {k: v for k, v in data.items() if k not in ANONYMOUS.values()}
        created = EVENT.create(self.ctx, data)
        if counts:
            self.set_headcounts(created["id"], counts)
            created = EVENT.read(self.ctx, created["id"])
        return created

    def update_event(self, event_id: str, *, headcounts: Any = None, **data: Any) -> dict[str, Any]:
        """As ``create_event``: with ``headcounts`` (even empty) the counts by age band are replaced;
        empty, the event goes back to totals by sex only, taken from ``data``."""
        if headcounts is None:
            return EVENT.update(self.ctx, event_id, data)
        counts = clean_headcounts(headcounts)
        if counts:
            data = {k: v for k, v in data.items() if k not in ANONYMOUS.values()}
            EVENT.update(self.ctx, event_id, data)
            self.set_headcounts(event_id, counts)
            return EVENT.read(self.ctx, event_id)
        self.set_headcounts(event_id, {})
        return EVENT.update(self.ctx, event_id, data)

    # ------------------------------------------------------------------ anonymous head counts

    def set_headcounts(self, event_id: str, counts: Any) -> dict[tuple[str, str], int]:
        """Replace the event's anonymous head counts by sex and age band ({(sex, band): n}); the
        event's ``anonymous_f`` / ``anonymous_m`` become their sums. An empty mapping removes the
        bands and leaves the totals by sex as they are. Returns the previous counts (for undo)."""
        wanted = clean_headcounts(counts)
        with self.ctx.uow(write=True) as s:
            event = get(s, Event, event_id, "event")
            rows = {(h.sex, h.age_band): h for h in s.scalars(
                select(EventHeadcount).where(EventHeadcount.event_id == event_id))}
            before = {k: h.count for k, h in rows.items() if h.count}
            for key, row in rows.items():
                if key not in wanted:
                    s.delete(row)
                elif row.count != wanted[key]:
                    row.count = wanted[key]
            for (sex, band), n in wanted.items():
                if (sex, band) not in rows:
                    s.add(EventHeadcount(event_id=event_id, sex=sex, age_band=band, count=n))
            if wanted:
                for sex, key in ANONYMOUS.items():
                    total = sum(n for (sx, _b), n in wanted.items() if sx == sex)
                    if getattr(event, key) != total:
                        setattr(event, key, total)
        return before

    def headcounts(self, event_id: str) -> dict[tuple[str, str], int]:
        """The event's anonymous head counts {(sex, age band): n} (empty when counted by sex only)."""
        with self.ctx.uow() as s:
            get(s, Event, event_id, "event")
            return {(h.sex, h.age_band): h.count for h in s.scalars(
                select(EventHeadcount).where(EventHeadcount.event_id == event_id)) if h.count}

    def delete_event(self, event_id: str) -> Snapshot:
        """Delete an event with its participants, teams and head counts; returns what was deleted,
        for :meth:`restore_event`."""
        with self.ctx.uow(write=True) as s:
            get(s, Event, event_id, "event")
            return remove(s, Event, [event_id])

    def restore_event(self, snapshot: Snapshot) -> None:
        """Put a deleted event back with the same identifiers (the undo of :meth:`delete_event`)."""
        self._restore(snapshot)

    def restore_participants(self, snapshot: Snapshot) -> None:
        """The undo of :meth:`remove_participants`."""
        self._restore(snapshot)

    def restore_team(self, snapshot: Snapshot) -> None:
        """The undo of :meth:`delete_team`."""
        self._restore(snapshot)

    def _restore(self, snapshot: Snapshot) -> None:
        with self.ctx.uow(write=True) as s:
            restore(s, snapshot)

    def events(self, *, year: int | None = None, upcoming_from=None) -> list[dict[str, Any]]:
        with self.ctx.uow() as s:
            q = select(Event, func.count(Participation.id)).outerjoin(
                Participation, Participation.event_id == Event.id).group_by(Event.id)
            if upcoming_from is not None:
                q = q.where(Event.start >= upcoming_from)
            rows = s.execute(q.order_by(Event.start)).all()
            out = [{**as_dict(e), "participants": n} for e, n in rows]
        if year:
            out = [e for e in out if e["start"].year == year]
        return out

    def event(self, event_id: str) -> dict[str, Any]:
        with self.ctx.uow() as s:
            e = get(s, Event, event_id, "event")
            out = as_dict(e)
            out["headcounts"] = {(h.sex, h.age_band): h.count for h in s.scalars(
                select(EventHeadcount).where(EventHeadcount.event_id == event_id)) if h.count}
            out["participants"] = self._participants(s, event_id)
            out["teams"] = self._teams(s, e)
            return out

    # ------------------------------------------------------------------ participants

    def register(self, event_id: str, person_ids: Iterable[str], status: str = "registered") -> int:
        if status not in C.PARTICIPATION_STATUSES:
            raise ValidationError("invalid_choice", field="status", value=status)
        added = 0
        with self.ctx.uow(write=True) as s:
            get(s, Event, event_id, "event")
            existing = set(s.scalars(select(Participation.person_id).where(Participation.event_id == event_id)))
            for pid in person_ids:
                if pid in existing:
                    continue
                get(s, Person, pid, "person")
                s.add(Participation(event_id=event_id, person_id=pid, status=status))
                existing.add(pid)
                added += 1
        return added

    def unregister(self, event_id: str, person_ids: Iterable[str]) -> int:
        """Remove participants from an event (the inverse of ``register``, for undo)."""
        ids = list(person_ids)
        removed = 0
        with self.ctx.uow(write=True) as s:
            get(s, Event, event_id, "event")
            for p in s.scalars(select(Participation).where(Participation.event_id == event_id,
                                                           Participation.person_id.in_(ids))):
                s.delete(p)
                removed += 1
        return removed

    def remove_participants(self, event_id: str, person_ids: Iterable[str]) -> Snapshot:
        """Take persons off an event, with their places in its teams; see :meth:`restore_participants`."""
        ids = list(person_ids)
        with self.ctx.uow(write=True) as s:
            get(s, Event, event_id, "event")
            rows = list(s.scalars(select(Participation).where(Participation.event_id == event_id,
                                                              Participation.person_id.in_(ids))))
            places = list(s.scalars(select(TeamMember).join(Team, TeamMember.team_id == Team.id).where(
                Team.event_id == event_id, TeamMember.person_id.in_(ids))))
            snap = remove(s, TeamMember, [m.id for m in places]) if places else Snapshot()
            return snap + remove(s, Participation, [p.id for p in rows])

    def mark_attendance(self, event_id: str, statuses: dict[str, str]) -> dict[str, str]:
        """Mark many participants at once (the paper sheet ticked after the event).

        Returns the previous statuses, so the caller can undo.
        """
        for value in statuses.values():
            if value not in C.PARTICIPATION_STATUSES:
                raise ValidationError("invalid_choice", field="status", value=value)
        before: dict[str, str] = {}
        with self.ctx.uow(write=True) as s:
            get(s, Event, event_id, "event")
            rows = {p.person_id: p for p in s.scalars(select(Participation).where(
                Participation.event_id == event_id, Participation.person_id.in_(list(statuses))))}
            for pid, value in statuses.items():
                row = rows.get(pid)
                if row is None:
                    raise CoopError("not_found", entity="participant", id=pid)
                before[pid] = row.status
                row.status = value
        return before

    def participants(self, event_id: str) -> list[dict[str, Any]]:
        with self.ctx.uow() as s:
            get(s, Event, event_id, "event")
            return self._participants(s, event_id)

    def _participants(self, s: Session, event_id: str) -> list[dict[str, Any]]:
        rows = s.execute(select(Participation, Person, Commune.code)
                         .join(Person, Participation.person_id == Person.id)
                         .join(Commune, Person.commune_id == Commune.id)
                         .where(Participation.event_id == event_id).order_by(Person.search_key)).all()
        return [{"id": p.id, "person_id": person.id, "status": p.status, "first_name": person.first_name,
                 "last_name": person.last_name, "first_name_ar": person.first_name_ar,
                 "last_name_ar": person.last_name_ar, "sex": person.sex, "commune_code": code}
                for p, person, code in rows]

    # ------------------------------------------------------------------ teams

    def create_team(self, event_id: str, name: str, member_ids: Iterable[str] = ()) -> dict[str, Any]:
        members = list(member_ids)
        if not name.strip():
            raise ValidationError("required", field="name")
        with self.ctx.uow(write=True) as s:
            event = get(s, Event, event_id, "event")
            self._check_mixed(s, event, name, members)
            team = Team(event_id=event_id, name=name.strip())
            s.add(team)
            s.flush()
            for pid in members:
                get(s, Person, pid, "person")
                s.add(TeamMember(team_id=team.id, person_id=pid))
            s.flush()
            return self._teams(s, event, only=team.id)[0]

    def set_team_members(self, team_id: str, member_ids: Iterable[str]) -> dict[str, Any]:
        members = list(member_ids)
        with self.ctx.uow(write=True) as s:
            team = get(s, Team, team_id, "team")
            event = s.get(Event, team.event_id)
            self._check_mixed(s, event, team.name, members)
            current = {m.person_id: m for m in s.scalars(select(TeamMember).where(TeamMember.team_id == team_id))}
            for pid, row in current.items():
                if pid not in members:
                    s.delete(row)
            for pid in members:
                if pid not in current:
                    get(s, Person, pid, "person")
                    s.add(TeamMember(team_id=team_id, person_id=pid))
            s.flush()
            return self._teams(s, event, only=team.id)[0]

    def delete_team(self, team_id: str) -> Snapshot:
        """Remove a team and its members (the inverse of ``create_team``); see :meth:`restore_team`."""
        with self.ctx.uow(write=True) as s:
            get(s, Team, team_id, "team")
            return remove(s, Team, [team_id])

    def team_check(self, member_ids: Iterable[str]) -> dict[str, Any]:
        """What the team builder shows as the user adds people: communes present and whether it is mixed."""
        with self.ctx.uow() as s:
            codes = sorted(set(s.scalars(select(Commune.code).join(Person, Person.commune_id == Commune.id)
                                         .where(Person.id.in_(list(member_ids))))))
            required = list(s.scalars(select(Commune.code)))
        return {"communes": codes, "mixed": team_is_mixed(codes, required)}

    def _check_mixed(self, s: Session, event: Event, name: str, members: list[str]) -> None:
        if not event.mixed_teams:
            return
        codes = set(s.scalars(select(Commune.code).join(Person, Person.commune_id == Commune.id)
                              .where(Person.id.in_(members))))
        required = set(s.scalars(select(Commune.code)))
        if not team_is_mixed(codes, required):
            raise CoopError("team_not_mixed", team=name, communes=", ".join(sorted(codes)) or "—")

    def _teams(self, s: Session, event: Event, only: str | None = None) -> list[dict[str, Any]]:
        q = select(Team).where(Team.event_id == event.id)
        if only:
            q = q.where(Team.id == only)
        required = set(s.scalars(select(Commune.code)))
        out = []
        for team in s.scalars(q.order_by(Team.name)):
            members = s.execute(select(Person.id, Person.first_name, Person.last_name, Commune.code)
                                .join(TeamMember, TeamMember.person_id == Person.id)
                                .join(Commune, Person.commune_id == Commune.id)
                                .where(TeamMember.team_id == team.id)).all()
            codes = {m[3] for m in members}
            out.append({"id": team.id, "name": team.name, "mixed": team_is_mixed(codes, required),
                        "members": [{"person_id": m[0], "name": f"{m[1]} {m[2]}".strip(), "commune_code": m[3]}
                                    for m in members]})
        return out
