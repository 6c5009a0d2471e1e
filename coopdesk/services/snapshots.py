"""Deleting a record with what belongs to it, and putting it back with the same identifiers.

:func:`remove` deletes rows and every row that depends on them (rows whose required link points to
them, recursively, and the files attached to them), empties the optional links to them, and returns
a :class:`Snapshot` of all those rows as they were. :func:`restore` puts a snapshot back: missing
rows are created again with their identifiers, parents first, and rows still there get their values
back. Both write through the ORM, so change capture records them like any edit: a delete travels as
tombstones, and a row created again with the same identifier is live again on every site (see
``revived`` in :func:`coopdesk.sync.state.local_writes`).

The undo of a delete is ``restore(snapshot)``; the undo of an import or a merge restores the rows
they changed. Services check the convention's rules before calling these (a meeting with final
minutes is not deleted, a locked year refuses any change on flush).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from coopdesk.db.models import Attachment, Base
from coopdesk.services.base import apply, as_dict

CHUNK = 500  # ids per IN (…): far under every backend's limit on bound parameters


@dataclass(frozen=True)
class Snapshot:
    """Rows as they were: (table, column values with the id), in the order they were taken."""

    rows: tuple[tuple[str, dict[str, Any]], ...] = ()

    def ids(self, table: str) -> list[str]:
        return [values["id"] for t, values in self.rows if t == table]

    def first(self, table: str) -> dict[str, Any] | None:
        return next((dict(values) for t, values in self.rows if t == table), None)

    def count(self, table: str) -> int:
        return sum(1 for t, _v in self.rows if t == table)

    def __len__(self) -> int:
        return len(self.rows)

    def __add__(self, other: Snapshot) -> Snapshot:
        return Snapshot(self.rows + other.rows)


def take(rows: Iterable[Any]) -> Snapshot:
    """A snapshot of ORM rows as they are now (each row once, the first time it is seen)."""
    seen: set[tuple[str, str]] = set()
    out = []
    for obj in rows:
        key = (type(obj).__tablename__, obj.id)
        if key not in seen:
            seen.add(key)
            out.append((key[0], as_dict(obj)))
    return Snapshot(tuple(out))


@cache
def _models() -> dict[str, type[Base]]:
    import coopdesk.people.models  # noqa: F401 - consents and their links to a person are mapped there
    from coopdesk.db.models import by_tablename

    return by_tablename()


@cache
def _order() -> dict[str, int]:
    _models()
    return {t.name: i for i, t in enumerate(Base.metadata.sorted_tables)}


@cache
def referrers(table: str) -> tuple[tuple[type[Base], str, bool], ...]:
    """Synced tables with a link to ``table``: (model, attribute, nullable)."""
    out = []
    for model in _models().values():
        if not getattr(model, "__synced__", False):
            continue  # local rows derived from a record (name keys) go with it by themselves
        for col in model.__table__.columns:
            for fk in col.foreign_keys:
                if fk.column.table.name == table and fk.column.name == "id":
                    out.append((model, col.key, bool(col.nullable)))
    return tuple(sorted(out, key=lambda r: (r[0].__tablename__, r[1])))


def _chunks(items: list[str]) -> Iterable[list[str]]:
    for i in range(0, len(items), CHUNK):
        yield items[i:i + CHUNK]


def _rows(s: Session, model: type[Base], attr: str, values: list[str]) -> list[Any]:
    out: list[Any] = []
    column = getattr(model, attr)
    for part in _chunks(values):
        out.extend(s.scalars(select(model).where(column.in_(part))).all())
    return out


def dependants(s: Session, model: type[Base], ids: Iterable[str]) -> tuple[dict[str, dict[str, Any]],
                                                                            list[tuple[Any, str]]]:
    """What deleting ``ids`` takes with it: the rows to delete by table (``ids`` included) and the
    (row, attribute) links to empty."""
    doomed: dict[str, dict[str, Any]] = {}
    links: list[tuple[Any, str]] = []
    queue: list[tuple[type[Base], list[Any]]] = [(model, _rows(s, model, "id", list(dict.fromkeys(ids))))]
    while queue:
        m, objs = queue.pop()
        table = m.__tablename__
        have = doomed.setdefault(table, {})
        fresh = [o for o in objs if o.id not in have]
        if not fresh:
            continue
        have.update((o.id, o) for o in fresh)
        keys = [o.id for o in fresh]
        for child, attr, nullable in referrers(table):
            rows = _rows(s, child, attr, keys)
            if nullable:
                links.extend((r, attr) for r in rows)
            elif rows:
                queue.append((child, rows))
        if getattr(m, "__synced__", False) and m is not Attachment:
            files = [a for part in _chunks(keys) for a in s.scalars(select(Attachment).where(
                Attachment.entity == table, Attachment.entity_id.in_(part)))]
            if files:
                queue.append((Attachment, files))
    links = [(o, a) for o, a in links if o.id not in doomed.get(type(o).__tablename__, {})]
    return doomed, links


def remove(s: Session, model: type[Base], ids: Iterable[str]) -> Snapshot:
    """Delete ``ids`` and what depends on them (see :func:`dependants`); returns what they were.
    Ids that are not there are skipped."""
    from coopdesk.services.crud import _flush

    doomed, links = dependants(s, model, ids)
    order = _order()
    tables = sorted(doomed, key=lambda t: order.get(t, 0))
    snap = take([o for t in tables for o in doomed[t].values()] + [o for o, _a in links])
    for obj, attr in links:
        setattr(obj, attr, None)
    if links:
        _flush(s, model.__tablename__, model)
    for table in reversed(tables):  # children first: no relationship tells the ORM the order
        for obj in doomed[table].values():
            s.delete(obj)
        _flush(s, table, _models()[table])
    return snap


def restore(s: Session, snap: Snapshot) -> None:
    """Make the rows of ``snap`` be as they were: created again with their ids (parents first) or
    given their values back."""
    from coopdesk.services.crud import _flush

    models, order = _models(), _order()
    by_table: dict[str, list[dict[str, Any]]] = {}
    for table, values in snap.rows:
        by_table.setdefault(table, []).append(values)
    for table in sorted(by_table, key=lambda t: order.get(t, 0)):
        model = models[table]
        rows = by_table[table]
        present = {o.id: o for o in _rows(s, model, "id", [v["id"] for v in rows])}
        for values in rows:
            obj = present.get(values["id"])
            if obj is None:
                s.add(model(**values))
            else:
                apply(obj, {k: v for k, v in values.items() if k != "id"})
        _flush(s, table, model)
