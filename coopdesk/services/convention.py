"""The convention itself (articles 1, 7, 9), its amendments and the axes of article 3."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import func, select

from coopdesk.db.models import Amendment, Axis, Convention, Decision
from coopdesk.domain import fields as F
from coopdesk.domain import reference
from coopdesk.domain.rules import check_period, convention_dates
from coopdesk.errors import CoopError, ValidationError, register_messages
from coopdesk.i18n import N_
from coopdesk.services.base import Context, as_dict, get
from coopdesk.services.crud import Entity
from coopdesk.services.snapshots import Snapshot, remove, restore

register_messages({
    "amendment_signed": N_("Amendment no. {number} is signed: it cannot be deleted."),
})

CONVENTION = Entity(Convention, {
    "title": F.text(max_len=300),
    "deliberation_vlg": F.date(),
    "deliberation_tiz": F.date(),
    "transmitted_prefecture": F.date(),
    "signed_tiz": F.date(),
    "signed_vlg": F.date(),
    "visa_governor": F.date(),
    "visa_prefet": F.date(),
    "term_years": F.integer(),
    "tacit_renewal": F.boolean(),
    "notice_months": F.integer(),
    "terminated_on": F.date(),
})


class ConventionService:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    def convention(self, today: dt.date | None = None) -> dict[str, Any]:
        """The convention with its derived dates: effective date, end of term, renewals, notice."""
        today = today or dt.date.today()
        c = CONVENTION.read(self.ctx, reference.CONVENTION_ID)
        c.update(convention_dates(c, today))
        c["amendments"] = self.amendments()
        return c

    def update(self, **data: Any) -> dict[str, Any]:
        values = F.clean(CONVENTION.spec, data, partial=True)
        for key in ("term_years", "notice_months"):
            if key in values and (values[key] is None or values[key] <= 0):
                raise ValidationError("invalid_number", field=key, value=str(data[key]))
        current = CONVENTION.read(self.ctx, reference.CONVENTION_ID)
        merged = {**current, **values}
        check_period(merged["deliberation_vlg"], merged["signed_vlg"], field="signed_vlg")
        CONVENTION.update(self.ctx, reference.CONVENTION_ID, values)
        return self.convention()

    # ------------------------------------------------------------------ amendments (article 9)

    def add_amendment(self, title: str, decision_id: str, text: str = "") -> dict[str, Any]:
        """An amendment is designed by the committee: it needs an adopted decision."""
        from coopdesk.services.committee import decision_adopted

        if not title.strip():
            raise ValidationError("required", field="title")
        with self.ctx.uow(write=True) as s:
            if not decision_id or s.get(Decision, decision_id) is None:
                raise CoopError("amendment_decision_required")
            if not decision_adopted(s, decision_id):
                raise CoopError("decision_not_adopted", number=s.get(Decision, decision_id).number)
            number = (s.scalar(select(func.max(Amendment.number))) or 0) + 1
            row = Amendment(convention_id=reference.CONVENTION_ID, number=number, title=title.strip(),
                            text=text, decision_id=decision_id)
            s.add(row)
            s.flush()
            return as_dict(row)

    def sign_amendment(self, amendment_id: str, commune_code: str, on: Any) -> dict[str, Any]:
        """Record the day a commune signed an amendment (today when ``on`` is empty)."""
        return self.set_amendment_signature(amendment_id, commune_code,
                                            F.parse_date(on, "signed_on") or dt.date.today())

    def set_amendment_signature(self, amendment_id: str, commune_code: str, on: Any = None) -> dict[str, Any]:
        """Set or clear (``on`` None) the date a commune signed an amendment: the undo of
        :meth:`sign_amendment`."""
        day = F.parse_date(on, "signed_on") if on else None
        field = {"TIZ": "signed_tiz", "VLG": "signed_vlg"}.get(commune_code)
        if field is None:
            raise CoopError("minutes_signer_unknown")
        with self.ctx.uow(write=True) as s:
            row = get(s, Amendment, amendment_id, "amendment")
            setattr(row, field, day)
            out = as_dict(row)
        out["valid"] = bool(out["signed_tiz"] and out["signed_vlg"])
        return out

    def delete_amendment(self, amendment_id: str) -> Snapshot:
        """Delete an amendment that no commune has signed (the undo of :meth:`add_amendment`, or a
        draft given up); returns it, for :meth:`restore_amendment`."""
        with self.ctx.uow(write=True) as s:
            row = get(s, Amendment, amendment_id, "amendment")
            if row.signed_tiz or row.signed_vlg:
                raise CoopError("amendment_signed", number=row.number)
            return remove(s, Amendment, [amendment_id])

    def restore_amendment(self, snapshot: Snapshot) -> None:
        """Put a deleted amendment back with the same identifier and number."""
        with self.ctx.uow(write=True) as s:
            restore(s, snapshot)

    def amendments(self) -> list[dict[str, Any]]:
        with self.ctx.uow() as s:
            rows = s.scalars(select(Amendment).order_by(Amendment.number)).all()
            return [{**as_dict(a), "valid": bool(a.signed_tiz and a.signed_vlg)} for a in rows]

    # ------------------------------------------------------------------ axes (article 3)

    def axes(self, kind: str | None = None) -> list[dict[str, Any]]:
        with self.ctx.uow() as s:
            q = select(Axis)
            if kind:
                q = q.where(Axis.kind == kind)
            return [as_dict(a) for a in s.scalars(q.order_by(Axis.kind.desc(), Axis.position))]

    def add_axis(self, code: str, name_fr: str, decision_id: str | None, *, kind: str = "strategic",
                 name_ar: str = "", name_zgh: str = "", name_en: str = "") -> dict[str, Any]:
        """New axes only with joint validation: an adopted committee decision."""
        from coopdesk.services.committee import decision_adopted

        if not code.strip():
            raise ValidationError("required", field="code")
        if not name_fr.strip():
            raise ValidationError("required", field="name_fr")
        if kind not in ("strategic", "transversal"):
            raise ValidationError("invalid_choice", field="kind", value=kind)
        with self.ctx.uow(write=True) as s:
            if not decision_id or s.get(Decision, decision_id) is None or not decision_adopted(s, decision_id):
                raise CoopError("new_axis_needs_decision")
            if s.scalar(select(Axis.id).where(Axis.code == code.strip())):
                raise CoopError("duplicate", entity="axis", field="code", value=code)
            position = (s.scalar(select(func.max(Axis.position)).where(Axis.kind == kind)) or 0) + 1
            axis = Axis(id=reference.axis_id(code.strip()), code=code.strip(), kind=kind, position=position,
                        name_fr=name_fr.strip(), name_ar=name_ar, name_zgh=name_zgh, name_en=name_en,
                        decision_id=decision_id)
            s.add(axis)
            s.flush()
            return as_dict(axis)
