"""Annual action plans (articles 3-4), their actions, themes, partners and indicators."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from coopdesk.db.models import (
    Action,
    ActionPartner,
    ActionTheme,
    Axis,
    Commune,
    Decision,
    Indicator,
    IndicatorTarget,
    IndicatorValue,
    Organisation,
    Plan,
)
from coopdesk.domain import constants as C
from coopdesk.domain import fields as F
from coopdesk.domain.rules import check_amounts, plan_deadline, plan_is_late
from coopdesk.errors import CoopError, ValidationError, register_messages
from coopdesk.i18n import N_
from coopdesk.services.base import Context, as_dict, get
from coopdesk.services.crud import Entity, exists_rule, period_rule
from coopdesk.services.snapshots import Snapshot, remove, restore

register_messages({
    "plan_has_actions": N_("This action plan has actions: delete them first."),
    "action_in_use": N_("Persons are enrolled in action {code} or funding is requested for it: remove "
                        "them first."),
    "plan_step_changed": N_("The {year} action plan changed meanwhile (another user or a sync): this step "
                            "is not undone."),
})


def _plan_year_rule(s: Session, v: dict[str, Any], obj: Any) -> None:
    year = v.get("year")
    if year is None or not 2000 <= year <= 2100:
        raise ValidationError("invalid_number", field="year", value=str(year))
    if obj is None and s.scalar(select(Plan.id).where(Plan.year == year)):
        raise CoopError("plan_exists", year=year)


def _budget_rule(_s: Session, v: dict[str, Any], _obj: Any) -> None:
    check_amounts(budget=v.get("budget") or 0)


PLAN = Entity(Plan, {
    "year": F.integer(required=True),
    "status": F.choice(C.PLAN_STATUSES, required=False),
    "evaluation": F.text(),
}, rules=(_plan_year_rule,), order_by=Plan.year)

ACTION = Entity(Action, {
    "plan_id": F.ref(required=True),
    "code": F.text(required=True, max_len=16),
    "axis_id": F.ref(required=True),
    "title": F.text(required=True, max_len=300),
    "description": F.text(),
    "lead_commune_id": F.ref(),
    "start": F.date(),
    "end": F.date(),
    "status": F.choice(C.ACTION_STATUSES, required=False),
    "budget": F.money(),
    "budget_currency": F.currency(required=False),
}, rules=(period_rule(), _budget_rule, exists_rule("plan_id", Plan, "plan"), exists_rule("axis_id", Axis, "axis"),
          exists_rule("lead_commune_id", Commune, "commune")), order_by=Action.code)

INDICATOR = Entity(Indicator, {
    "action_id": F.ref(required=True),
    "code": F.text(required=True, max_len=20),
    "name": F.text(required=True, max_len=300),
    "unit": F.text(),
    "method": F.choice(C.INDICATOR_METHODS, required=False),
    "milestone_kind": F.choice(C.MILESTONE_KINDS, required=False),
    "target_total": F.integer(),
}, rules=(exists_rule("action_id", Action, "action"),), order_by=Indicator.code)


class PlanService:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    # ------------------------------------------------------------------ plans

    def create_plan(self, year: int | str, **data: Any) -> dict[str, Any]:
        return PLAN.create(self.ctx, {"year": year, **data})

    def update_plan(self, plan_id: str, **data: Any) -> dict[str, Any]:
        if "status" in data:
            raise ValidationError("invalid_choice", field="status", value="status")
        return PLAN.update(self.ctx, plan_id, data)

    def delete_plan(self, plan_id: str) -> dict[str, Any]:
        """Delete a plan that has no action yet (the undo of its creation)."""
        with self.ctx.uow() as s:
            if s.scalar(select(func.count(Action.id)).where(Action.plan_id == plan_id)):
                raise CoopError("plan_has_actions")
        return PLAN.delete(self.ctx, plan_id)

    def plans(self) -> list[dict[str, Any]]:
        today = dt.date.today()
        out = []
        for p in PLAN.list(self.ctx):
            p["deadline"] = plan_deadline(p["year"])
            p["late"] = plan_is_late(p["year"], p["validated_on"], today)
            out.append(p)
        return out

    def plan(self, plan_id: str) -> dict[str, Any]:
        return PLAN.read(self.ctx, plan_id)

    def plan_for_year(self, year: int) -> dict[str, Any] | None:
        with self.ctx.uow() as s:
            p = s.scalar(select(Plan).where(Plan.year == year))
            return as_dict(p) if p else None

    def validate_plan(self, plan_id: str, decision_id: str, on: dt.date | str | None = None) -> dict[str, Any]:
        """Validated by an adopted committee decision; late when after 31 December of N-1."""
        from coopdesk.services.committee import decision_adopted

        with self.ctx.uow(write=True) as s:
            plan = get(s, Plan, plan_id, "plan")
            decision = get(s, Decision, decision_id, "decision")
            if plan.status != "draft":
                raise CoopError("plan_status_order", current=plan.status, target="validated")
            if not decision_adopted(s, decision.id):
                raise CoopError("decision_not_adopted", number=decision.number)
            from coopdesk.db.models import Meeting

            meeting = s.get(Meeting, decision.meeting_id)
            plan.validated_on = F.parse_date(on, "validated_on") if on else meeting.held_at.date()
            plan.decision_id = decision.id
            plan.status = "validated"
            result = as_dict(plan)
        result["late"] = plan_is_late(result["year"], result["validated_on"], dt.date.today())
        return result

    def set_plan_status(self, plan_id: str, status: str, evaluation: str | None = None) -> dict[str, Any]:
        """Moves forward one step: validated → in progress → evaluated (validation needs a decision)."""
        with self.ctx.uow(write=True) as s:
            plan = get(s, Plan, plan_id, "plan")
            order = C.PLAN_STATUS_ORDER
            if status not in order:
                raise ValidationError("invalid_choice", field="status", value=status)
            if status == "validated" or order.index(status) != order.index(plan.status) + 1:
                raise CoopError("plan_status_order", current=plan.status, target=status)
            plan.status = status
            if evaluation is not None:
                plan.evaluation = evaluation
            return as_dict(plan)

    def step_back_plan(self, plan_id: str, from_status: str) -> dict[str, Any]:
        """Take a plan from ``from_status`` back to the step before (the undo of :meth:`validate_plan`
        and :meth:`set_plan_status`). Back to draft, the plan forgets its validating decision and the
        date; the decision itself stays in the committee's record. Refused when the plan is no longer
        at ``from_status`` (``plan_step_changed``) and in a locked year (``year_locked``)."""
        order = C.PLAN_STATUS_ORDER
        if from_status not in order[1:]:
            raise ValidationError("invalid_choice", field="status", value=from_status)
        with self.ctx.uow(write=True) as s:
            plan = get(s, Plan, plan_id, "plan")
            if plan.locked:
                raise CoopError("year_locked", year=plan.year)
            if plan.status != from_status:
                raise CoopError("plan_step_changed", year=plan.year)
            plan.status = order[order.index(from_status) - 1]
            if plan.status == "draft":
                plan.decision_id = None
                plan.validated_on = None
            result = as_dict(plan)
        result["late"] = plan_is_late(result["year"], result["validated_on"], dt.date.today())
        return result

    def lock_year(self, plan_id: str, locked: bool = True) -> dict[str, Any]:
        """Lock a year once its activity report is approved (any editor); only an admin unlocks."""
        if not locked and self.ctx.actor.role != "admin":
            from coopdesk.errors import PermissionDenied

            raise PermissionDenied(self.ctx.actor.role)
        with self.ctx.uow(write=True) as s:
            plan = get(s, Plan, plan_id, "plan")
            plan.locked = locked
            return as_dict(plan)

    # ------------------------------------------------------------------ actions

    def create_action(self, **data: Any) -> dict[str, Any]:
        themes = data.pop("themes", None)
        partners = data.pop("partners", None)
        action = ACTION.create(self.ctx, data)
        if themes:
            self.set_themes(action["id"], themes)
        if partners:
            self.set_partners(action["id"], partners)
        return action

    def update_action(self, action_id: str, **data: Any) -> dict[str, Any]:
        return ACTION.update(self.ctx, action_id, data)

    def delete_action(self, action_id: str) -> Snapshot:
        """Delete an action with its themes, partners and indicators (events linked to it stay,
        unlinked); refused while persons are enrolled in it or funding is requested for it. Returns
        what was deleted, for :meth:`restore_action`."""
        from coopdesk.db.models import Enrolment, FundingRequest

        with self.ctx.uow(write=True) as s:
            action = get(s, Action, action_id, "action")
            for model in (Enrolment, FundingRequest):
                if s.scalar(select(model.id).where(model.action_id == action_id).limit(1)):
                    raise CoopError("action_in_use", code=action.code)
            return remove(s, Action, [action_id])

    def restore_action(self, snapshot: Snapshot) -> None:
        """Put back a deleted action or indicator with the same identifiers (the undo of
        :meth:`delete_action` and :meth:`delete_indicator`)."""
        with self.ctx.uow(write=True) as s:
            restore(s, snapshot)

    def action(self, action_id: str) -> dict[str, Any]:
        with self.ctx.uow() as s:
            a = get(s, Action, action_id, "action")
            out = as_dict(a)
            out["axis_code"] = a.axis.code
            out["plan_year"] = a.plan.year
            out["themes"] = [t for (t,) in s.execute(
                select(Axis.code).join(ActionTheme, ActionTheme.axis_id == Axis.id)
                .where(ActionTheme.action_id == a.id).order_by(Axis.code))]
            out["partners"] = [{"id": o.id, "name": o.name, "short_name": o.short_name} for o in s.scalars(
                select(Organisation).join(ActionPartner, ActionPartner.organisation_id == Organisation.id)
                .where(ActionPartner.action_id == a.id).order_by(Organisation.name))]
            return out

    def actions(self, plan_id: str | None = None, *, year: int | None = None, axis: str | None = None,
                commune: str | None = None, status: str | None = None) -> list[dict[str, Any]]:
        """Actions of a plan filtered by axis code, lead commune code and status."""
        with self.ctx.uow() as s:
            q = (select(Action, Axis.code, Plan.year, Commune.code)
                 .join(Axis, Action.axis_id == Axis.id).join(Plan, Action.plan_id == Plan.id)
                 .outerjoin(Commune, Action.lead_commune_id == Commune.id))
            if plan_id:
                q = q.where(Action.plan_id == plan_id)
            if year:
                q = q.where(Plan.year == year)
            if axis:
                q = q.where(Axis.code == axis)
            if commune:
                q = q.where(Commune.code == commune)
            if status:
                q = q.where(Action.status == status)
            rows = s.execute(q.order_by(Plan.year, Action.code)).all()
            return [{**as_dict(a), "axis_code": ax, "plan_year": yr, "lead_commune_code": cc or ""}
                    for a, ax, yr, cc in rows]

    def set_themes(self, action_id: str, axis_codes: list[str]) -> list[str]:
        with self.ctx.uow(write=True) as s:
            get(s, Action, action_id, "action")
            wanted = set()
            for code in axis_codes:
                axis = s.scalar(select(Axis).where(Axis.code == code))
                if axis is None or axis.kind != "transversal":
                    raise ValidationError("invalid_choice", field="themes", value=code)
                wanted.add(axis.id)
            current = {t.axis_id: t for t in s.scalars(select(ActionTheme).where(ActionTheme.action_id == action_id))}
            for axis_id, row in current.items():
                if axis_id not in wanted:
                    s.delete(row)
            for axis_id in wanted - set(current):
                s.add(ActionTheme(action_id=action_id, axis_id=axis_id))
        return sorted(axis_codes)

    def set_partners(self, action_id: str, organisation_ids: list[str]) -> list[str]:
        with self.ctx.uow(write=True) as s:
            get(s, Action, action_id, "action")
            for oid in organisation_ids:
                get(s, Organisation, oid, "organisation")
            current = {p.organisation_id: p for p in s.scalars(
                select(ActionPartner).where(ActionPartner.action_id == action_id))}
            for oid, row in current.items():
                if oid not in organisation_ids:
                    s.delete(row)
            for oid in set(organisation_ids) - set(current):
                s.add(ActionPartner(action_id=action_id, organisation_id=oid))
        return list(organisation_ids)

    # ------------------------------------------------------------------ indicators

    def create_indicator(self, targets: dict[str, int] | None = None, **data: Any) -> dict[str, Any]:
        """``targets`` maps commune codes to targets; the total defaults to their sum."""
        if targets and "target_total" not in data:
            data["target_total"] = sum(int(v) for v in targets.values())
        ind = INDICATOR.create(self.ctx, data)
        if targets:
            self.set_targets(ind["id"], targets)
        return ind

    def update_indicator(self, indicator_id: str, **data: Any) -> dict[str, Any]:
        return INDICATOR.update(self.ctx, indicator_id, data)

    def delete_indicator(self, indicator_id: str) -> Snapshot:
        """Delete an indicator with its targets and reported values; see :meth:`restore_action`."""
        with self.ctx.uow(write=True) as s:
            get(s, Indicator, indicator_id, "indicator")
            return remove(s, Indicator, [indicator_id])

    def set_targets(self, indicator_id: str, targets: dict[str, int]) -> None:
        with self.ctx.uow(write=True) as s:
            get(s, Indicator, indicator_id, "indicator")
            for code, target in targets.items():
                commune = s.scalar(select(Commune).where(Commune.code == code))
                if commune is None:
                    raise CoopError("unknown_site", code=code, known="TIZ, VLG")
                value = F.parse_int(target, "target")
                if value is None or value < 0:
                    raise ValidationError("negative_amount", field="target")
                row = s.scalar(select(IndicatorTarget).where(IndicatorTarget.indicator_id == indicator_id,
                                                             IndicatorTarget.commune_id == commune.id))
                if row is None:
                    s.add(IndicatorTarget(indicator_id=indicator_id, commune_id=commune.id, target=value))
                else:
                    row.target = value

    def report_value(self, indicator_id: str, commune_code: str, sex: str, value: int) -> None:
        """A hand-reported value for a ``manual`` indicator, per commune and sex."""
        if sex not in C.SEXES:
            raise ValidationError("invalid_choice", field="sex", value=sex)
        number = F.parse_int(value, "value")
        if number is None or number < 0:
            raise ValidationError("negative_amount", field="value")
        with self.ctx.uow(write=True) as s:
            get(s, Indicator, indicator_id, "indicator")
            commune = s.scalar(select(Commune).where(Commune.code == commune_code))
            if commune is None:
                raise CoopError("unknown_site", code=commune_code, known="TIZ, VLG")
            row = s.scalar(select(IndicatorValue).where(
                IndicatorValue.indicator_id == indicator_id, IndicatorValue.commune_id == commune.id,
                IndicatorValue.sex == sex))
            if row is None:
                s.add(IndicatorValue(indicator_id=indicator_id, commune_id=commune.id, sex=sex, value=number))
            else:
                row.value = number

    def indicators(self, action_id: str | None = None) -> list[dict[str, Any]]:
        with self.ctx.uow() as s:
            q = select(Indicator)
            if action_id:
                q = q.where(Indicator.action_id == action_id)
            rows = s.scalars(q.order_by(Indicator.code)).all()
            targets: dict[str, dict[str, int]] = {}
            for ind_id, code, target in s.execute(
                    select(IndicatorTarget.indicator_id, Commune.code, IndicatorTarget.target)
                    .join(Commune, IndicatorTarget.commune_id == Commune.id)):
                targets.setdefault(ind_id, {})[code] = target
            return [{**as_dict(i), "targets": targets.get(i.id, {})} for i in rows]

    def count_actions(self) -> int:
        with self.ctx.uow() as s:
            return s.scalar(select(func.count(Action.id))) or 0
