"""Organisations (funders of article 4-2, partner associations, cooperatives) and funding requests."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from coopdesk.db.models import Action, Commune, FundingRequest, Organisation
from coopdesk.domain import constants as C
from coopdesk.domain import fields as F
from coopdesk.errors import CoopError, ValidationError, register_messages
from coopdesk.i18n import N_
from coopdesk.services.base import Context, as_dict, get
from coopdesk.services.crud import Entity, exists_rule
from coopdesk.services.snapshots import Snapshot, remove, restore

register_messages({
    "organisation_in_use": N_("{name} has funding requests: remove them first."),
})

ORGANISATION = Entity(Organisation, {
    "name": F.text(required=True, max_len=200),
    "short_name": F.text(max_len=40),
    "kind": F.choice(C.ORGANISATION_KINDS, required=False),
    "country": F.text(max_len=2),
    "commune_id": F.ref(),
    "contact": F.text(),
}, rules=(exists_rule("commune_id", Commune, "commune"),), order_by=Organisation.name)


def _amounts_rule(_s: Session, v: dict[str, Any], _obj: Any) -> None:
    if (v.get("granted") or 0) > 0 and (v.get("paid") or 0) > (v.get("granted") or 0):
        raise ValidationError("invalid_number", field="paid", value=str((v.get("paid") or 0) / 100))


FUNDING = Entity(FundingRequest, {
    "action_id": F.ref(required=True),
    "funder_id": F.ref(required=True),
    "currency": F.currency(required=True),
    "requested": F.money(),
    "granted": F.money(),
    "paid": F.money(),
    "rate_mad_per_eur_e4": F.integer(),
    "status": F.choice(C.FUNDING_STATUSES, required=False),
    "requested_on": F.date(),
    "notes": F.text(),
}, name="funding request", rules=(exists_rule("action_id", Action, "action"),
                                  exists_rule("funder_id", Organisation, "organisation"), _amounts_rule))


def to_eur(minor: int, currency: str, rate_e4: int) -> int | None:
    """Minor units converted to euro cents with the rate recorded on the request."""
    if currency == "EUR":
        return minor
    if not rate_e4:
        return None
    return round(minor * 10_000 / rate_e4)


class FundingService:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    def create_organisation(self, **data: Any) -> dict[str, Any]:
        return ORGANISATION.create(self.ctx, data)

    def update_organisation(self, organisation_id: str, **data: Any) -> dict[str, Any]:
        return ORGANISATION.update(self.ctx, organisation_id, data)

    def delete_organisation(self, organisation_id: str) -> Snapshot:
        """Delete an organisation and its places as a partner of actions; refused while it has
        funding requests. Returns what was deleted, for :meth:`restore_records`."""
        with self.ctx.uow(write=True) as s:
            org = get(s, Organisation, organisation_id, "organisation")
            if s.scalar(select(FundingRequest.id).where(FundingRequest.funder_id == organisation_id).limit(1)):
                raise CoopError("organisation_in_use", name=org.short_name or org.name)
            return remove(s, Organisation, [organisation_id])

    def organisations(self, kind: str | None = None) -> list[dict[str, Any]]:
        return ORGANISATION.list(self.ctx, **({"kind": kind} if kind else {}))

    def create_request(self, **data: Any) -> dict[str, Any]:
        if "rate" in data:
            rate = data.pop("rate")
            data["rate_mad_per_eur_e4"] = F.parse_money(rate, "rate") * 100
        return FUNDING.create(self.ctx, data)

    def update_request(self, request_id: str, **data: Any) -> dict[str, Any]:
        return FUNDING.update(self.ctx, request_id, data)

    def delete_request(self, request_id: str) -> Snapshot:
        """Delete a funding request; returns it, for :meth:`restore_records`."""
        with self.ctx.uow(write=True) as s:
            get(s, FundingRequest, request_id, "funding request")
            return remove(s, FundingRequest, [request_id])

    def restore_records(self, snapshot: Snapshot) -> None:
        """Put back a deleted organisation or funding request with the same identifiers."""
        with self.ctx.uow(write=True) as s:
            restore(s, snapshot)

    def requests(self, *, year: int | None = None, action_id: str | None = None) -> list[dict[str, Any]]:
        from coopdesk.db.models import Plan

        with self.ctx.uow() as s:
            q = (select(FundingRequest, Organisation.name, Organisation.short_name, Action.code, Plan.year)
                 .join(Organisation, FundingRequest.funder_id == Organisation.id)
                 .join(Action, FundingRequest.action_id == Action.id)
                 .join(Plan, Action.plan_id == Plan.id))
            if year:
                q = q.where(Plan.year == year)
            if action_id:
                q = q.where(FundingRequest.action_id == action_id)
            rows = s.execute(q.order_by(Plan.year, Action.code, Organisation.name)).all()
            return [{**as_dict(r), "funder_name": n, "funder_short": sn, "action_code": code, "year": yr,
                     "requested_eur": to_eur(r.requested, r.currency, r.rate_mad_per_eur_e4)}
                    for r, n, sn, code, yr in rows]

    def totals(self, year: int | None = None) -> dict[str, dict[str, int]]:
        """Requested / granted / paid per currency (minor units)."""
        out: dict[str, dict[str, int]] = {}
        for r in self.requests(year=year):
            t = out.setdefault(r["currency"], {"requested": 0, "granted": 0, "paid": 0})
            for k in t:
                t[k] += r[k]
        return out
