"""Initialising an installation: reference data, this node, its commune, the first administrator."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import select

from coopdesk.db.models import Axis, Commune, Convention, Node, Organisation, User
from coopdesk.domain import reference
from coopdesk.errors import CoopError
from coopdesk.services.base import Context, setting, set_setting

SITE_CODE = re.compile(r"^[A-Z0-9]{2,8}$")


class SetupService:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    def is_initialised(self) -> bool:
        return bool(self.ctx.node()[0])

    def site(self) -> dict[str, Any]:
        """This installation: node code and name, commune code and names."""
        with self.ctx.uow() as s:
            node_id = setting(s, "node_id")
            if not node_id:
                raise CoopError("not_initialised")
            node = s.get(Node, node_id)
            commune = s.get(Commune, node.commune_id)
            return {"node_id": node.id, "node_code": node.code, "node_name": node.name,
                    "commune_id": commune.id, "commune_code": commune.code, "commune_name": commune.name_fr,
                    "country": commune.country, "currency": commune.currency, "timezone": commune.timezone}

    @staticmethod
    def validate_site(site: str, *, name: str | None = None, node_code: str | None = None,
                      currency: str = "EUR", timezone: str = "UTC") -> tuple[str, str]:
        """Check the arguments of ``init`` before anything is opened or written."""
        code = (site or "").strip().upper()
        if not SITE_CODE.match(code):
            raise CoopError("invalid_site_code", code=site)
        known = [c["code"] for c in reference.COMMUNES]
        if code not in known and not name:
            raise CoopError("unknown_site", code=site, known=", ".join(known))
        node = (node_code or code).strip().upper()
        if not SITE_CODE.match(node):
            raise CoopError("invalid_site_code", code=node_code)
        if currency not in ("EUR", "MAD"):
            raise CoopError("unknown_currency", currency=currency)
        import zoneinfo

        try:
            zoneinfo.ZoneInfo(timezone)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError) as exc:
            raise CoopError("invalid_choice", field="timezone", value=timezone) from exc
        return code, node

    def init(self, site: str, *, name: str | None = None, node_code: str | None = None,
             country: str = "", currency: str = "EUR", timezone: str = "UTC") -> dict[str, Any]:
        """Create the reference data and this node. ``site`` is TIZ, VLG or a new partner's code."""
        self.validate_site(site, name=name, node_code=node_code, currency=currency, timezone=timezone)
        code = (site or "").strip().upper()
        known = [c["code"] for c in reference.COMMUNES]
        node_code = (node_code or code).strip().upper()
        with self.ctx.uow(write=True) as s:
            existing = setting(s, "node_code")
            if existing:
                raise CoopError("already_initialised", code=existing)
            self._reference_data(s)
            commune_id = reference.commune_id(code)
            if s.get(Commune, commune_id) is None:
                s.add(Commune(id=commune_id, code=code, name_fr=name or code, country=country.upper()[:2],
                              currency=currency, timezone=timezone))
            elif name and code not in known:
                s.get(Commune, commune_id).name_fr = name
            node = Node(id=reference.ref_id("node", node_code), code=node_code,
                        name=name or node_code, commune_id=commune_id)
            s.add(node)
            if s.scalar(select(User).where(User.username == "admin")) is None:
                s.add(User(username="admin", full_name="Administrateur", role="admin", can_see_health=True))
            set_setting(s, "node_id", node.id)
            set_setting(s, "node_code", node.code)
            set_setting(s, "commune_id", commune_id)
        self.ctx.forget_node()
        return self.site()

    def _reference_data(self, s) -> None:
        for c in reference.COMMUNES:
            cid = reference.commune_id(c["code"])
            if s.get(Commune, cid) is None:
                s.add(Commune(id=cid, **c))
        for a in reference.AXES:
            aid = reference.axis_id(a["code"])
            if s.get(Axis, aid) is None:
                s.add(Axis(id=aid, **a))
        for o in reference.ORGANISATIONS:
            oid = reference.organisation_id(o["short_name"])
            if s.get(Organisation, oid) is None:
                s.add(Organisation(id=oid, **o))
        if s.get(Convention, reference.CONVENTION_ID) is None:
            import datetime as dt

            s.add(Convention(
                id=reference.CONVENTION_ID,
                title="Convention de coopération décentralisée Tiznit — Villeneuve-la-Garenne",
                deliberation_vlg=dt.date(2022, 12, 15), deliberation_tiz=dt.date(2021, 9, 20),
                transmitted_prefecture=dt.date(2023, 1, 3), term_years=3, tacit_renewal=True, notice_months=3))

    def communes(self) -> list[dict[str, Any]]:
        with self.ctx.uow() as s:
            rows = s.scalars(select(Commune).order_by(Commune.code)).all()
            return [{"id": c.id, "code": c.code, "name_fr": c.name_fr, "name_ar": c.name_ar,
                     "name_zgh": c.name_zgh, "country": c.country, "currency": c.currency,
                     "timezone": c.timezone, "representative_name": c.representative_name,
                     "representative_title": c.representative_title} for c in rows]

    def nodes(self) -> list[dict[str, Any]]:
        with self.ctx.uow() as s:
            rows = s.scalars(select(Node).order_by(Node.code)).all()
            return [{"id": n.id, "code": n.code, "name": n.name, "commune_id": n.commune_id} for n in rows]
