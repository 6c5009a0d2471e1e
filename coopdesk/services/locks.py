"""A year locked once its activity report is approved: nothing recorded for that year changes.

The check runs on every flush of a unit of work (like the audit trail), so no service or screen can
forget it: actions, indicators and their values, funding requests, enrolments and milestones,
events, participations and teams of a locked year's plan are refused with ``year_locked``. Changes
applied by sync are not refused (the partner's data must converge); unlocking is for an admin.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import event, inspect
from sqlalchemy.orm import Session

from coopdesk.db.models import (
    Action,
    ActionPartner,
    ActionTheme,
    Enrolment,
    Event,
    EventHeadcount,
    FundingRequest,
    Indicator,
    IndicatorTarget,
    IndicatorValue,
    Milestone,
    Participation,
    Plan,
    Team,
    TeamMember,
)
from coopdesk.errors import CoopError, register_messages
from coopdesk.i18n import N_

register_messages({
    "year_locked": N_("The year {year} is locked (its activity report was approved): nothing of it can change."),
})


def _value(s: Session, obj: Any, attr: str) -> Any:
    """The attribute's value before this flush for a deleted or changed row, else its value."""
    state = inspect(obj)
    hist = state.attrs[attr].history
    if hist.deleted and hist.deleted[0] is not None:
        return hist.deleted[0]
    return getattr(obj, attr)


def _plan_of(s: Session, obj: Any) -> str | None:
    """The plan a row belongs to, following its links up to the action."""
    def action_plan(action_id: str | None) -> str | None:
        action = s.get(Action, action_id) if action_id else None
        return action.plan_id if action is not None else None

    def event_plan(event_id: str | None) -> str | None:
        ev = s.get(Event, event_id) if event_id else None
        return action_plan(ev.action_id) if ev is not None else None

    if isinstance(obj, Action):
        return _value(s, obj, "plan_id")
    if isinstance(obj, (Indicator, FundingRequest, Enrolment, ActionTheme, ActionPartner, Event)):
        return action_plan(_value(s, obj, "action_id"))
    if isinstance(obj, (IndicatorTarget, IndicatorValue)):
        ind = s.get(Indicator, _value(s, obj, "indicator_id"))
        return action_plan(ind.action_id) if ind is not None else None
    if isinstance(obj, Milestone):
        enr = s.get(Enrolment, _value(s, obj, "enrolment_id"))
        return action_plan(enr.action_id) if enr is not None else None
    if isinstance(obj, (Participation, Team, EventHeadcount)):
        return event_plan(_value(s, obj, "event_id"))
    if isinstance(obj, TeamMember):
        team = s.get(Team, _value(s, obj, "team_id"))
        return event_plan(team.event_id) if team is not None else None
    return None


def _check(session: Session, _ctx, _instances) -> None:
    info = session.info
    if not info.get("capture", True) or "username" not in info:
        return
    with session.no_autoflush:
        for obj in list(session.new) + list(session.dirty) + list(session.deleted):
            if isinstance(obj, Plan):
                hist = inspect(obj).attrs["locked"].history
                was_locked = hist.deleted[0] if hist.deleted else obj.locked
                changed = {a.key for a in inspect(obj).mapper.column_attrs
                           if inspect(obj).attrs[a.key].history.has_changes()}
                if was_locked and obj in session.dirty and changed - {"locked"}:
                    raise CoopError("year_locked", year=obj.year)
                continue
            plan_id = _plan_of(session, obj)
            if not plan_id:
                continue
            plan = session.get(Plan, plan_id)
            if plan is not None and plan.locked:
                raise CoopError("year_locked", year=plan.year)


def install() -> None:
    if not event.contains(Session, "before_flush", _check):
        event.listen(Session, "before_flush", _check)
