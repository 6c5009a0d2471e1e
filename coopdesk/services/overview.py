"""What the dashboard shows, read in plain SQL through a reader (coopdesk/db/reader.py).

The desktop app's first screen is the dashboard; it is read here, on a sqlite3 connection, before
SQLAlchemy is imported, so the window is usable in about half the time (docs/performance.md,
"Desktop"). The same functions run through SQLAlchemy for the services (``IndicatorService``,
``CheckService`` and ``SyncService`` call them) and for the dashboard on PostgreSQL: each figure is
computed by one piece of code, whichever way it is read.

This module imports neither SQLAlchemy nor the mapped models.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any

from coopdesk.db.reader import Reader, as_date, one, scalar, setting
from coopdesk.errors import CoopError
from coopdesk.services import checks
from coopdesk.sync import status as sync_status

Split = dict[str, dict[str, int]]  # commune code -> sex -> count

COMMUNE_FIELDS = ("id", "code", "name_fr", "name_ar", "name_zgh", "country", "currency", "timezone",
                  "representative_name", "representative_title")


class Overview:
    """The dashboard's reads over a ``reading`` (``Services.reading``: a context manager giving a
    reader), one connection per call."""

    def __init__(self, reading: Callable[[], AbstractContextManager[Reader]]) -> None:
        self.reading = reading

    def dashboard(self, year: int, today: dt.date) -> dict[str, Any]:
        with self.reading() as r:
            return dashboard(r, year, today)

    def site(self) -> dict[str, Any]:
        with self.reading() as r:
            return site(r)

    def communes(self) -> list[dict[str, Any]]:
        with self.reading() as r:
            return communes(r)

    def is_initialised(self) -> bool:
        with self.reading() as r:
            return is_initialised(r)

    def has_actions(self) -> bool:
        with self.reading() as r:
            return scalar(r, "SELECT id FROM action LIMIT 1") is not None

    def login_required(self) -> bool:
        with self.reading() as r:
            return login_required(r)


def dashboard(r: Reader, year: int, today: dt.date, *, events: int = 8) -> dict[str, Any]:
    """Everything the dashboard shows: the year's plan, its indicators, the convention's warnings,
    the next events, the convention's dates, the communes and the sync status (``sync`` holds
    ``status`` and ``history``, or ``error``: the untranslated CoopError of a node not set up)."""
    try:
        conflicts = sync_status.open_conflicts(r)
        st = sync_status.status(r, conflicts)
        sync: dict[str, Any] = {"status": st, "conflicts": conflicts,
                                "history": sync_status.history(r) if st["partners"] else []}
    except CoopError as exc:
        sync = {"error": exc}
    return {"year": year, "today": today, "plan": plan_for_year(r, year), "indicators": indicators(r, year),
            "warnings": checks.warnings(r, today), "events": upcoming_events(r, today, events),
            "convention": checks.convention_dates(r, today), "communes": communes(r), "sync": sync}


def plan_for_year(r: Reader, year: int) -> dict[str, Any] | None:
    row = one(r, "SELECT id, year, status, validated_on, locked FROM plan WHERE year = :year", {"year": year})
    if row is None:
        return None
    return {"id": row[0], "year": row[1], "status": row[2], "validated_on": as_date(row[3]), "locked": bool(row[4])}


def upcoming_events(r: Reader, today: dt.date, limit: int) -> list[dict[str, Any]]:
    """The next ``limit`` events starting on ``today`` or later, the soonest first."""
    return [{"id": eid, "start": as_date(start), "title": title} for eid, start, title in r.all(
        "SELECT id, start, title FROM event WHERE start >= :today ORDER BY start, id LIMIT :limit",
        {"today": today, "limit": limit})]


def communes(r: Reader) -> list[dict[str, Any]]:
    return [dict(zip(COMMUNE_FIELDS, row, strict=True)) for row in r.all(
        f"SELECT {', '.join(COMMUNE_FIELDS)} FROM commune ORDER BY code")]


def site(r: Reader) -> dict[str, Any]:
    """This installation: node code and name, commune code and names (as ``SetupService.site``)."""
    node_id = setting(r, "node_id")
    row = one(r, "SELECT n.id, n.code, n.name, c.id, c.code, c.name_fr, c.country, c.currency, c.timezone "
                 "FROM node n JOIN commune c ON n.commune_id = c.id WHERE n.id = :id", {"id": node_id})
    if not node_id or row is None:
        raise CoopError("not_initialised")
    return dict(zip(("node_id", "node_code", "node_name", "commune_id", "commune_code", "commune_name",
                     "country", "currency", "timezone"), row, strict=True))


def is_initialised(r: Reader) -> bool:
    return bool(setting(r, "node_id"))


def login_required(r: Reader) -> bool:
    """True once any account has a password (as ``AuthService.login_required``)."""
    return scalar(r, "SELECT id FROM \"user\" WHERE password_hash != '' LIMIT 1") is not None


INDICATORS_OF_YEAR = (
    "SELECT i.id, i.code, i.name, i.unit, i.method, i.milestone_kind, i.action_id, a.code, a.title, i.target_total "
    "FROM indicator i JOIN action a ON i.action_id = a.id JOIN plan p ON a.plan_id = p.id "
    "WHERE p.year = :year ORDER BY a.code, i.code")


def indicators(r: Reader, year: int) -> list[dict[str, Any]]:
    """Every indicator of the year's plan: ``target_total`` and ``targets`` per commune code, what
    was ``achieved`` per commune code and sex (with its total) and the ``progress`` (None without
    a target)."""
    communes = dict(r.all("SELECT id, code FROM commune"))
    targets: dict[str, dict[str, int]] = {}
    for ind_id, cid, target in r.all("SELECT indicator_id, commune_id, target FROM indicator_target"):
        targets.setdefault(ind_id, {})[communes[cid]] = target
    out = []
    for (ind_id, code, name, unit, method, kind, action_id, action_code, action_title,
         target_total) in r.all(INDICATORS_OF_YEAR, {"year": year}):
        split = _achieved(r, ind_id, method, kind, action_id, communes)
        achieved = sum(n for by_sex in split.values() for n in by_sex.values())
        out.append({"id": ind_id, "code": code, "name": name, "unit": unit, "method": method,
                    "milestone_kind": kind, "action_id": action_id, "action_code": action_code,
                    "action_title": action_title, "target_total": target_total,
                    "targets": targets.get(ind_id, {}), "achieved": split, "achieved_total": achieved,
                    "progress": (achieved / target_total) if target_total else None})
    return out


def _achieved(r: Reader, ind_id: str, method: str, kind: str | None, action_id: str,
              communes: dict[str, str]) -> Split:
    split: Split = {code: {"F": 0, "M": 0} for code in communes.values()}

    def add(rows) -> None:
        for cid, sex, n in rows:
            by_sex = split.setdefault(communes[cid], {"F": 0, "M": 0})
            by_sex[sex] = by_sex.get(sex, 0) + int(n or 0)

    params = {"action": action_id}
    if method == "enrolments":
        add(r.all("SELECT p.commune_id, p.sex, COUNT(DISTINCT p.id) FROM person p "
                  "JOIN enrolment e ON e.person_id = p.id WHERE e.action_id = :action "
                  "GROUP BY p.commune_id, p.sex", params))
    elif method == "milestone":
        where = " AND m.kind = :kind" if kind else ""
        add(r.all("SELECT p.commune_id, p.sex, COUNT(DISTINCT p.id) FROM person p "
                  "JOIN enrolment e ON e.person_id = p.id JOIN milestone m ON m.enrolment_id = e.id "
                  f"WHERE e.action_id = :action{where} GROUP BY p.commune_id, p.sex",
                  {**params, "kind": kind} if kind else params))
    elif method == "participants":
        # Persons IN the attendees (not a join counted distinct): one pass over the covering
        # index of participation, ~3x faster on a million participations.
        add(r.all("SELECT commune_id, sex, COUNT(*) FROM person WHERE id IN ("
                  "SELECT pa.person_id FROM participation pa JOIN event ev ON pa.event_id = ev.id "
                  "WHERE ev.action_id = :action AND pa.status = 'attended') GROUP BY commune_id, sex", params))
        for cid, f, m in r.all("SELECT commune_id, SUM(anonymous_f), SUM(anonymous_m) FROM event "
                               "WHERE action_id = :action AND commune_id IS NOT NULL GROUP BY commune_id",
                               params):
            add([(cid, "F", f or 0), (cid, "M", m or 0)])
    else:
        add(r.all("SELECT commune_id, sex, value FROM indicator_value WHERE indicator_id = :ind",
                  {"ind": ind_id}))
    return split
