"""Create, read, update, delete of one entity, with the same validation on every path.

An area service declares an :class:`Entity` (its model, its field spec and its rules) and gets the
four operations; each is one unit of work, returns plain data and raises typed errors.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from coopdesk.db.models import Base
from coopdesk.domain import fields as F
from coopdesk.errors import CoopError
from coopdesk.services.base import Context, apply, as_dict, get

Rule = Callable[[Session, dict[str, Any], Any], None]


class Entity:
    def __init__(self, model: type[Base], spec: Mapping[str, F.Field], *, name: str | None = None,
                 rules: tuple[Rule, ...] = (), order_by: Any = None, derived: tuple[str, ...] = ()) -> None:
        self.model = model
        self.spec = spec
        self.name = name or model.__tablename__
        self.rules = rules
        self.order_by = order_by
        self.derived = derived  # fields the rules compute (a search key, a country)

    def check(self, s: Session, values: dict[str, Any], obj: Any = None) -> None:
        """Run the entity's rules on the values the row would have after the write."""
        merged = dict(as_dict(obj)) if obj is not None else {}
        merged.update(values)
        for rule in self.rules:
            rule(s, merged, obj)
        for key in self.derived:
            if key in merged:
                values[key] = merged[key]

    def create(self, ctx: Context, data: Mapping[str, Any]) -> dict[str, Any]:
        values = F.clean(self.spec, data)
        values = {k: v for k, v in values.items() if v is not None or k in data}
        with ctx.uow(write=True) as s:
            self.check(s, values)
            obj = self.model(**{k: v for k, v in values.items() if v is not None})
            s.add(obj)
            _flush(s, self.name, self.model)
            return as_dict(obj)

    def update(self, ctx: Context, row_id: str, data: Mapping[str, Any]) -> dict[str, Any]:
        values = F.clean(self.spec, data, partial=True)
        with ctx.uow(write=True) as s:
            obj = get(s, self.model, row_id, self.name)
            self.check(s, values, obj)
            apply(obj, values)
            _flush(s, self.name, self.model)
            return as_dict(obj)

    def delete(self, ctx: Context, row_id: str) -> dict[str, Any]:
        with ctx.uow(write=True) as s:
            obj = get(s, self.model, row_id, self.name)
            before = as_dict(obj)
            s.delete(obj)
            _flush(s, self.name, self.model)
            return before

    def read(self, ctx: Context, row_id: str) -> dict[str, Any]:
        with ctx.uow() as s:
            return as_dict(get(s, self.model, row_id, self.name))

    def list(self, ctx: Context, **where: Any) -> list[dict[str, Any]]:
        with ctx.uow() as s:
            q = select(self.model)
            for key, value in where.items():
                q = q.where(getattr(self.model, key) == value)
            if self.order_by is not None:
                q = q.order_by(self.order_by)
            return [as_dict(o) for o in s.scalars(q).all()]


def _flush(s: Session, entity: str, model: Any = None) -> None:
    try:
        s.flush()
    except IntegrityError as exc:
        msg = str(exc.orig)
        if "UNIQUE" in msg or "unique" in msg:
            field = _unique_field(msg)
            key = getattr(model, "__natural_key__", None)
            if key and (field == "id" or "_pkey" in msg):
                field = ", ".join(key)  # the id is made from these values (natural key)
            elif "duplicate key" in msg:  # PostgreSQL: 'Key (a, b)=(…) already exists.'
                field = msg.split("Key (", 1)[-1].split(")", 1)[0] if "Key (" in msg else ""
            raise CoopError("duplicate", entity=entity, field=field, value="") from exc
        if "FOREIGN KEY" in msg or "foreign key" in msg:
            raise CoopError("not_found", entity=entity, id="?") from exc
        if "NOT NULL" in msg:
            raise CoopError("required", field=msg.rsplit(".", 1)[-1]) from exc
        raise


def _unique_field(msg: str) -> str:
    tail = msg.split(":", 1)[-1].strip()
    return ", ".join(part.rsplit(".", 1)[-1] for part in tail.split(","))


def period_rule(start: str = "start", end: str = "end") -> Rule:
    from coopdesk.domain.rules import check_period

    def rule(_s: Session, v: dict[str, Any], _obj: Any) -> None:
        check_period(v.get(start), v.get(end), field=end)

    return rule


def exists_rule(field: str, model: type[Base], entity: str | None = None) -> Rule:
    def rule(s: Session, v: dict[str, Any], _obj: Any) -> None:
        if v.get(field):
            get(s, model, v[field], entity or model.__tablename__)

    return rule
