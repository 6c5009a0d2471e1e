"""The merge engine: field-level last-writer-wins state, conflicts, tombstones, materialisation.

Every write (local through change capture, or remote from a bundle) goes through this module.
A value is ``[hlc, seq, value]``; the writer (origin) is the node part of the HLC. Per field the
greatest HLC wins on every node (HLC order, then node code). A value that loses without having been
seen by the winner's author is kept in ``sync_conflict``; a write lists the stamps it knowingly
replaced (``sync_prev``), and a value in that set is never a conflict. Both sets only grow, so the
outcome does not depend on the order in which writes arrive.

All SQL here is SQLAlchemy Core over the table objects with bound parameters, so the same code runs
on SQLite and PostgreSQL; "insert or replace / ignore" is the dialect's ``INSERT … ON CONFLICT``
(:func:`upsert`). Foreign keys are never deferred: rows are applied parents first (tables in
foreign-key order), a row whose parent is missing is hidden (its state stays), and deletes hide
children before their parent (see :func:`apply`).
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from sqlalchemy import Boolean, Date, DateTime, Table, bindparam, func, inspect, select
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError

DELETED = "__deleted__"
CHUNK = 500
State = dict[str, list[Any]]  # field -> [hlc, seq, value]


def origin_of(hlc: str) -> str:
    return hlc.rsplit(".", 1)[1]


_ENCODE = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode
_DECODE = json.JSONDecoder().decode


def _dumps(obj: Any) -> str:
    return _ENCODE(obj)


def _chunks(seq: list[Any], n: int = CHUNK) -> Iterable[list[Any]]:
    for i in range(0, len(seq), n):
        yield seq[i:i + n]


# ------------------------------------------------------------------------------ stored form of a state
#
# A row's state is stored as one JSON text: the list of its writes, each ``[hlc, seq, {field: value}]``
# (one stamp per write, not per field: a new row of 20 fields costs one stamp). The older form, one
# ``{field: [hlc, seq, value]}`` object, is still read.

class Written(dict):  # type: ignore[type-arg]
    """The state of a row that one write created (no earlier state): ``{field: [hlc, seq, value]}``
    built only when asked. A first sync receives thousands of these; they are stored and applied
    straight from the write's values, without one list per field."""

    __slots__ = ("hlc", "seq", "fields")

    def __init__(self, hlc: str, seq: int, fields: dict[str, Any]) -> None:
        # (dict.__init__ without arguments does nothing: the dict part starts empty)
        self.hlc, self.seq, self.fields = hlc, seq, fields

    def _fill(self) -> None:
        if not dict.__len__(self) and self.fields:
            dict.update(self, {f: [self.hlc, self.seq, v] for f, v in self.fields.items()})

    def get(self, key: Any, default: Any = None) -> Any:
        if key in self.fields:
            return [self.hlc, self.seq, self.fields[key]]
        return default

    def __contains__(self, key: object) -> bool:
        return key in self.fields

    def __getitem__(self, key: Any) -> Any:
        return [self.hlc, self.seq, self.fields[key]]

    def __len__(self) -> int:
        return len(self.fields)

    def __bool__(self) -> bool:
        return bool(self.fields)

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter(self.fields)

    def keys(self):  # type: ignore[no-untyped-def]
        return self.fields.keys()

    def items(self):  # type: ignore[no-untyped-def]
        self._fill()
        return dict.items(self)

    def values(self):  # type: ignore[no-untyped-def]
        self._fill()
        return dict.values(self)

    def __setitem__(self, key: Any, value: Any) -> None:  # pragma: no cover - never mutated
        raise TypeError("Written is read-only")


def encode_state(st: State) -> str:
    if isinstance(st, Written):
        return _ENCODE([[st.hlc, st.seq, st.fields]])
    groups: dict[tuple[str, int], dict[str, Any]] = {}
    for f, (h, s, v) in st.items():
        groups.setdefault((h, s), {})[f] = v
    return _ENCODE([[h, s, fields] for (h, s), fields in sorted(groups.items())])


def decode_state(text: str) -> State:
    obj = _DECODE(text)
    if isinstance(obj, dict):
        return obj
    return {f: [h, s, v] for h, s, fields in obj for f, v in fields.items()}


# ------------------------------------------------------------------------------ portable SQL helpers

def _tables() -> dict[str, Table]:
    from coopdesk.db.models import Base

    return Base.metadata.tables  # type: ignore[return-value]


def _t(name: str) -> Table:
    return _tables()[name]


def upsert(conn: Connection, table: Table, rows: list[dict[str, Any]], keys: list[str],
           update: list[str] | None = None) -> None:
    """``INSERT … ON CONFLICT (keys) DO UPDATE SET update`` (or ``DO NOTHING`` without ``update``),
    in the connection's dialect (SQLite or PostgreSQL); executemany in chunks (:func:`insert_rows`)."""
    if not rows:
        return
    if update:
        # One statement may not touch a row twice (PostgreSQL): the last value of a key wins.
        rows = list({tuple(r[k] for k in keys): r for r in rows}.values())
    cols = list(rows[0])
    insert_rows(conn, table, cols, ([r[c] for c in cols] for r in rows), keys, update or None)


# Many rows at once: SQLAlchemy's per-row parameter processing (a dict per row, every bind looked up
# and processed) cost more than SQLite's own insert. The statement is still built and compiled by
# SQLAlchemy Core for the connection's dialect (``INSERT`` or ``INSERT … ON CONFLICT``), once per
# table and column list; values go through the same bind processors SQLAlchemy applies (dates,
# booleans on SQLite), and executemany runs on the DB-API cursor (``exec_driver_sql``), in the
# dialect's own paramstyle (qmark on SQLite, pyformat on PostgreSQL).

_COMPILED: dict[tuple[Any, ...], tuple[str, list[int], list[str] | None, list[tuple[int, Any]]]] = {}


def _compiled(conn: Connection, table: Table, cols: tuple[str, ...], keys: tuple[str, ...] | None,
              update: tuple[str, ...] | None) -> tuple[str, list[int], list[str] | None, list[tuple[int, Any]]]:
    dialect = conn.dialect
    ck = (dialect.name, dialect.paramstyle, table.name, cols, keys, update)
    hit = _COMPILED.get(ck)
    if hit is not None:
        return hit
    for col in table.columns:
        if col.name not in cols and col.default is not None and not col.primary_key:
            raise ValueError(f"{table.name}.{col.name} has a Python-side default: give it a value")
    if keys is None:
        from sqlalchemy import insert as core_insert

        stmt: Any = core_insert(table)
    else:
        if dialect.name == "postgresql":
            from sqlalchemy.dialects.postgresql import insert as dialect_insert
        elif dialect.name == "sqlite":
            from sqlalchemy.dialects.sqlite import insert as dialect_insert
        else:  # pragma: no cover - only SQLite and PostgreSQL are supported
            raise NotImplementedError(dialect.name)
        stmt = dialect_insert(table)
        if update:
            stmt = stmt.on_conflict_do_update(index_elements=list(keys), set_={c: stmt.excluded[c] for c in update})
        else:
            stmt = stmt.on_conflict_do_nothing(index_elements=list(keys))
    compiled = stmt.compile(dialect=dialect, column_keys=list(cols))
    bind_col = {name: bp.key for name, bp in ((n, compiled.binds[n]) for n in compiled.binds)}
    index = {c: i for i, c in enumerate(cols)}
    if compiled.positional:
        order = [index[bind_col[name]] for name in compiled.positiontup]
        names = None
    else:
        escaped = getattr(compiled, "escaped_bind_names", {}) or {}
        binds = [n for n in compiled.binds if bind_col[n] in index]
        order = [index[bind_col[n]] for n in binds]
        names = [escaped.get(n, n) for n in binds]
    procs = []
    for i, c in enumerate(cols):
        proc = table.c[c].type.dialect_impl(dialect).bind_processor(dialect)
        if proc is not None:
            procs.append((i, proc))
    hit = _COMPILED[ck] = (compiled.string, order, names, procs)
    return hit


def insert_rows(conn: Connection, table: Table, cols: Iterable[str], rows: Iterable[Iterable[Any]],
                keys: Iterable[str] | None = None, update: Iterable[str] | None = None,
                chunk: int = 20000) -> None:
    """Insert ``rows`` (value sequences in the order of ``cols``, Python values as
    ``conn.execute(insert(table), …)`` takes them) with executemany on the DB-API cursor; with
    ``keys``: ``ON CONFLICT (keys) DO NOTHING``, or ``DO UPDATE SET update``."""
    cols = tuple(cols)
    sql, order, names, procs = _compiled(conn, table, cols, tuple(keys) if keys is not None else None,
                                         tuple(update) if update else None)
    identity = order == list(range(len(cols)))
    batch: list[Any] = []

    def flush() -> None:
        if batch:
            conn.exec_driver_sql(sql, batch)
            batch.clear()

    for row in rows:
        if procs:
            row = list(row)
            for i, proc in procs:
                row[i] = proc(row[i])
        if names is not None:
            batch.append({n: row[i] for n, i in zip(names, order, strict=True)})
        elif identity:
            batch.append(tuple(row))
        else:
            batch.append(tuple(row[i] for i in order))
        if len(batch) >= chunk:
            flush()
    flush()


def set_local_setting(conn: Connection, key: str, value: str) -> None:
    upsert(conn, _t("local_setting"), [{"key": key, "value": value}], ["key"], ["value"])


# ------------------------------------------------------------------------------ reading state

def load_states(conn: Connection, entity: str, row_ids: Iterable[str]) -> dict[str, State]:
    t = _t("sync_row")
    out: dict[str, State] = {}
    ids = list(row_ids)
    q = select(t.c.row_id, t.c.state).where(t.c.entity == entity, t.c.row_id.in_(bindparam("ids", expanding=True)))
    for part in _chunks(ids):
        for rid, st in conn.execute(q, {"ids": part}):
            out[rid] = decode_state(st)
    return out


def save_states(conn: Connection, entity: str, states: dict[str, State]) -> None:
    if states:
        upsert(conn, _t("sync_row"), [{"entity": entity, "row_id": rid, "state": encode_state(st)}
                                      for rid, st in states.items()], ["entity", "row_id"], ["state"])


def _insert_new_states(conn: Connection, rows: Iterable[tuple[str, str, str]]) -> None:
    """Rows that have no state yet, ``(entity, row_id, state text)``: a plain insert (the common
    case of a first sync)."""
    insert_rows(conn, _t("sync_row"), ("entity", "row_id", "state"), rows)


def prev_set(conn: Connection, entity: str, row_ids: Iterable[str]) -> set[tuple[str, str, str]]:
    t = _t("sync_prev")
    out: set[tuple[str, str, str]] = set()
    ids = list(row_ids)
    q = select(t.c.row_id, t.c.field, t.c.hlc).where(t.c.entity == entity,
                                                      t.c.row_id.in_(bindparam("ids", expanding=True)))
    for part in _chunks(ids):
        out.update(tuple(r) for r in conn.execute(q, {"ids": part}))
    return out


def conflicts_for(conn: Connection, entity: str, row_id: str, field: str) -> list[tuple[str, str]]:
    t = _t("sync_conflict")
    return [tuple(r) for r in conn.execute(select(t.c.hlc, t.c.value).where(
        t.c.entity == entity, t.c.row_id == row_id, t.c.field == field))]


def _conflicts_of_rows(conn: Connection, entity: str, row_ids: Iterable[str]) -> dict[tuple[str, str], list[tuple[str, Any]]]:
    t = _t("sync_conflict")
    out: dict[tuple[str, str], list[tuple[str, Any]]] = defaultdict(list)
    q = select(t.c.row_id, t.c.field, t.c.hlc, t.c.value).where(
        t.c.entity == entity, t.c.row_id.in_(bindparam("ids", expanding=True)))
    for part in _chunks(list(row_ids)):
        for rid, f, h, v in conn.execute(q, {"ids": part}):
            out[(rid, f)].append((h, json.loads(v)))
    return out


def _has_conflicts(conn: Connection) -> bool:
    t = _t("sync_conflict")
    return conn.execute(select(t.c.hlc).limit(1)).first() is not None


def vector(conn: Connection) -> dict[str, tuple[int, int]]:
    t = _t("sync_vector")
    return {o: (f, s) for o, f, s in conn.execute(select(t.c.origin, t.c.full, t.c.shared))}


def bump_vector(conn: Connection, origin: str, full: int | None, shared: int | None) -> None:
    cur = vector(conn).get(origin, (0, 0))
    f = max(cur[0], full or 0)
    s = max(cur[1], shared or 0, f)
    upsert(conn, _t("sync_vector"), [{"origin": origin, "full": f, "shared": s}], ["origin"], ["full", "shared"])


def next_seq(conn: Connection, origin: str) -> int:
    t = _t("sync_touch")
    cur = conn.execute(select(func.max(t.c.seq)).where(t.c.origin == origin)).scalar()
    vec = vector(conn).get(origin, (0, 0))
    return max(cur or 0, vec[0], vec[1]) + 1


def _record_prevs(conn: Connection, prevs: list[tuple[str, str, str, str, str, int]]) -> None:
    if not prevs:
        return
    upsert(conn, _t("sync_prev"), [{"entity": e, "row_id": r, "field": f, "hlc": h, "origin": o, "seq": s}
                                   for e, r, f, h, o, s in prevs], ["entity", "row_id", "field", "hlc"])
    t = _t("sync_conflict")
    if _has_conflicts(conn):
        stmt = t.delete().where(t.c.entity == bindparam("e"), t.c.row_id == bindparam("r"),
                                t.c.field == bindparam("f"), t.c.hlc == bindparam("h"))
        conn.execute(stmt, [{"e": e, "r": r, "f": f, "h": h} for e, r, f, h, *_ in prevs])


def _record_touches(conn: Connection, touches: list[tuple[str, int, str, str]]) -> None:
    insert_rows(conn, _t("sync_touch"), ("origin", "seq", "entity", "row_id"), sorted(touches), keys=("origin", "seq"))


# ------------------------------------------------------------------------------ local writes

class LocalWrite:
    __slots__ = ("entity", "row_id", "fields", "delete", "extra_prev")

    def __init__(self, entity: str, row_id: str, fields: dict[str, Any], delete: bool = False,
                 extra_prev: dict[str, list[str]] | None = None) -> None:
        self.entity = entity
        self.row_id = row_id
        self.fields = fields
        self.delete = delete
        self.extra_prev = extra_prev or {}


def local_writes(conn: Connection, origin: str, clock: Any, writes: list[LocalWrite],
                 revived: dict[str, set[str]] | None = None) -> dict[tuple[str, str], State]:
    """Stamp and record writes made on this node; returns the new state of every row written.

    A write that makes a deleted row live again (a record re-created with the same identifier, such
    as the plan of a year) also writes ``__deleted__ = false``, so it comes back on every node; such
    rows are added to ``revived`` when given.
    """
    if not writes:
        return {}
    by_entity: dict[str, set[str]] = defaultdict(set)
    for w in writes:
        by_entity[w.entity].add(w.row_id)
    states: dict[tuple[str, str], State] = {}
    known: set[tuple[str, str]] = set()
    for entity, ids in by_entity.items():
        for rid, st in load_states(conn, entity, ids).items():
            states[(entity, rid)] = st
            known.add((entity, rid))
    conflicts: dict[tuple[str, str], list[tuple[str, Any]]] = {}
    if known and _has_conflicts(conn):
        for entity in by_entity:
            for (rid, f), vals in _conflicts_of_rows(conn, entity, [r for e, r in known if e == entity]).items():
                conflicts[(entity, rid, f)] = vals  # type: ignore[index]
    seq = next_seq(conn, origin)
    touches, prevs = [], []
    for w in writes:
        st = states.setdefault((w.entity, w.row_id), {})
        if w.delete:
            fields: dict[str, Any] = {DELETED: True}
        else:
            fields = dict(w.fields)
            if DELETED not in fields and st.get(DELETED, (0, 0, False))[2]:
                fields[DELETED] = False  # re-created: it is live again, everywhere
                if revived is not None:
                    revived.setdefault(w.entity, set()).add(w.row_id)
        seen: dict[str, list[str]] = defaultdict(list)
        if st:
            for f in (st if w.delete else fields):
                if f in st:
                    seen[f].append(st[f][0])
                    # Values equal to the one replaced were in effect seen too (same data typed twice).
                    for h, v in conflicts.get((w.entity, w.row_id, f), ()):  # type: ignore[call-overload]
                        if v == st[f][2]:
                            seen[f].append(h)
        for f, hs in w.extra_prev.items():
            seen[f].extend(hs)
        after = max((h for hs in seen.values() for h in hs), default=None)
        ts = clock.now(after=after).encode()
        for f, v in fields.items():
            st[f] = [ts, seq, v]
        for f, hs in seen.items():
            for h in set(hs):
                prevs.append((w.entity, w.row_id, f, h, origin, seq))
        touches.append((origin, seq, w.entity, w.row_id))
        seq += 1
    new_rows = [(e, rid, encode_state(st)) for (e, rid), st in states.items() if (e, rid) not in known]
    _insert_new_states(conn, new_rows)
    for entity in by_entity:
        save_states(conn, entity, {rid: st for (e, rid), st in states.items() if e == entity and (e, rid) in known})
    _record_touches(conn, touches)
    _record_prevs(conn, prevs)
    bump_vector(conn, origin, seq - 1, seq - 1)
    return states


# ------------------------------------------------------------------------------ remote writes

class Outcome:
    def __init__(self) -> None:
        self.counts: dict[str, dict[str, int]] = defaultdict(lambda: {"created": 0, "updated": 0,
                                                                      "deleted": 0, "conflicts": 0})
        self.max_hlc = ""
        self.dirty: dict[str, dict[str, State]] = defaultdict(dict)
        self.revived: dict[str, set[str]] = defaultdict(set)

    def as_dict(self) -> dict[str, dict[str, int]]:
        return {e: dict(c) for e, c in sorted(self.counts.items()) if any(c.values())}


def merge_remote(conn: Connection, writes: list[tuple[str, str, str, int, dict[str, Any]]],
                 prevs: list[tuple[str, str, str, str, str, int]]) -> Outcome:
    """Merge remote writes ``(entity, row_id, hlc, seq, {field: value})`` and superseded stamps.

    Idempotent and order-independent. Returns what changed (per entity) and the dirty rows.
    """
    out = Outcome()
    _record_prevs(conn, [tuple(p) for p in prevs])  # type: ignore[misc]
    by_entity: dict[str, list[tuple[str, str, int, dict[str, Any]]]] = defaultdict(list)
    for e, rid, hlc, seq, fields in writes:
        by_entity[e].append((rid, hlc, seq, fields))
    touches, losers = [], []
    any_prev = _has_prev(conn)
    for entity, items in by_entity.items():
        ids = {rid for rid, *_ in items}
        states = load_states(conn, entity, ids)
        known = set(states)
        seen = prev_set(conn, entity, ids) if any_prev and known else set()
        before = {rid: (bool(st), bool(st.get(DELETED, [0, 0, False])[2])) for rid, st in states.items()}
        changed: set[str] = set()
        cnt = out.counts[entity]
        for rid, hlc, seq, fields in items:
            if hlc > out.max_hlc:
                out.max_hlc = hlc
            touches.append((origin_of(hlc), seq, entity, rid))
            st = states.get(rid)
            if st is None:  # a row new here: nothing to compare (the common case of a first sync)
                states[rid] = Written(hlc, seq, fields)
                changed.add(rid)
                continue
            if isinstance(st, Written):  # the same row twice in one bundle: an ordinary state now
                st = states[rid] = dict(st.items())
            for f, v in fields.items():
                cur = st.get(f)
                loser = None
                if cur is None:
                    st[f] = [hlc, seq, v]
                    changed.add(rid)
                elif hlc == cur[0]:
                    continue
                elif hlc > cur[0]:
                    loser = cur
                    st[f] = [hlc, seq, v]
                    changed.add(rid)
                else:
                    loser = [hlc, seq, v]
                if loser is not None and (rid, f, loser[0]) not in seen:
                    losers.append((entity, rid, f, loser[0], origin_of(loser[0]), loser[1], _dumps(loser[2])))
                    if loser[2] != st[f][2]:
                        cnt["conflicts"] += 1
        dirty = out.dirty[entity]
        for rid in changed:
            st = states[rid]
            existed, was_deleted = before.get(rid, (False, False))
            if type(st) is Written:
                deleted = bool(st.fields.get(DELETED))
            else:
                deleted = bool(st.get(DELETED, [0, 0, False])[2])
            if deleted and not was_deleted:
                cnt["deleted"] += 1 if existed else 0
            elif not deleted and (not existed or was_deleted):
                cnt["created"] += 1
                if was_deleted:
                    out.revived[entity].add(rid)
            elif not deleted:
                cnt["updated"] += 1
            dirty[rid] = st
        # In key order: inserting into the primary key's B-tree in order touches each page once.
        _insert_new_states(conn, ((entity, rid, encode_state(states[rid]))
                                  for rid in sorted(changed) if rid not in known))
        save_states(conn, entity, {rid: states[rid] for rid in changed if rid in known})
    if touches:
        _record_touches(conn, touches)
    if losers:
        upsert(conn, _t("sync_conflict"), [{"entity": e, "row_id": r, "field": f, "hlc": h, "origin": o,
                                            "seq": s, "value": v} for e, r, f, h, o, s, v in losers],
               ["entity", "row_id", "field", "hlc"])
    return out


def _has_prev(conn: Connection) -> bool:
    t = _t("sync_prev")
    return conn.execute(select(t.c.hlc).limit(1)).first() is not None


# ------------------------------------------------------------------------------ materialisation

class Columns:
    """How a state value (JSON) becomes a column value, per entity."""

    def __init__(self, model: Any) -> None:
        self.model = model
        self.table = model.__table__.name
        self.cols: dict[str, Any] = {}
        self.defaults: dict[str, Any] = {}
        self.required: set[str] = set()
        for col in model.__table__.columns:
            if col.name == "id":
                continue
            if isinstance(col.type, DateTime):
                conv = _conv_datetime
            elif isinstance(col.type, Date):
                conv = _conv_date
            elif isinstance(col.type, Boolean):
                conv = _conv_bool
            else:
                conv = _same
            self.cols[col.name] = conv
            if col.default is not None and not callable(col.default.arg):
                self.defaults[col.name] = conv(col.default.arg)
            elif col.nullable:
                self.defaults[col.name] = None
            else:
                self.required.add(col.name)
        self.attr_to_col = {a.key: a.columns[0].name for a in inspect(model).column_attrs}
        self.col_to_attr = {c: a for a, c in self.attr_to_col.items()}
        # Field -> column, for values stored as they come (text, numbers), and field -> (column,
        # conversion) for the others (dates, date-times, booleans).
        self.plain = {a: col for a, col in self.attr_to_col.items() if self.cols.get(col) is _same}
        self.converted = {a: (col, self.cols[col]) for a, col in self.attr_to_col.items()
                          if col in self.cols and self.cols[col] is not _same}
        # Single-column foreign keys to a row id: (column, parent table, nullable).
        self.parents: list[tuple[str, str, bool]] = []
        for col in model.__table__.columns:
            for fk_ in col.foreign_keys:
                if fk_.column.name == "id":
                    self.parents.append((col.name, fk_.column.table.name, bool(col.nullable)))
        self.uniques: list[tuple[str, ...]] = []
        from sqlalchemy import UniqueConstraint

        for cons in model.__table__.constraints:
            if isinstance(cons, UniqueConstraint):
                self.uniques.append(tuple(c.name for c in cons.columns))
        for col in model.__table__.columns:
            if col.unique:
                self.uniques.append((col.name,))


def _first(row: tuple[Any, ...]) -> Any:
    return row[0]


def _same(v: Any) -> Any:
    return v


def _conv_bool(v: Any) -> Any:
    return None if v is None else bool(v)


def _conv_date(v: Any) -> Any:
    if v is None or isinstance(v, dt.date):
        return v
    return dt.date.fromisoformat(str(v)[:10])


def _conv_datetime(v: Any) -> Any:
    if v is None or isinstance(v, dt.datetime):
        return v
    return dt.datetime.fromisoformat(str(v))


_COLUMNS: dict[str, Columns] = {}


def columns_for(model: Any) -> Columns:
    c = _COLUMNS.get(model.__tablename__)
    if c is None:
        c = _COLUMNS[model.__tablename__] = Columns(model)
    return c


def _models() -> dict[str, Any]:
    from coopdesk.db.models import by_tablename

    return by_tablename()


def _order() -> dict[str, int]:
    from coopdesk.db.models import Base

    return {t.name: i for i, t in enumerate(Base.metadata.sorted_tables)}


def _children(parent: str) -> list[tuple[Table, str, bool]]:
    """Tables with a foreign key to ``parent.id``: (table, column, nullable)."""
    out = []
    for t in _tables().values():
        for col in t.columns:
            for fk_ in col.foreign_keys:
                if fk_.column.table.name == parent and fk_.column.name == "id":
                    out.append((t, col.name, bool(col.nullable)))
    return out


class UniqueClash(Exception):
    """Applying a row would break a unique constraint (two records with the same natural key)."""

    def __init__(self, entity: str, fields: tuple[str, ...] = (), values: tuple[Any, ...] = ()) -> None:
        super().__init__(entity)
        self.entity = entity
        self.fields = fields
        self.values = values


class _Applier:
    """Makes the entity tables show given states, parents first, without deferring foreign keys."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self.present: dict[str, set[str]] = defaultdict(set)  # ids known to be in a table now
        self.inserted: dict[str, set[str]] = defaultdict(set)  # ids inserted by this apply
        self.hidden = 0

    def _existing(self, table: Table, ids: Iterable[str]) -> set[str]:
        out: set[str] = set()
        q = select(table.c.id).where(table.c.id.in_(bindparam("ids", expanding=True)))
        for part in _chunks(list(ids)):
            out.update(self.conn.execute(q, {"ids": part}).scalars())
        return out

    def hide(self, tname: str, ids: Iterable[str], depth: int = 0) -> None:
        """Remove rows from the table (their sync state stays): children first, links emptied."""
        t = _t(tname)
        present = self._existing(t, ids)
        if not present:
            return
        keys = sorted(present)
        for child, col, nullable in _children(tname):
            c = child.c[col]
            if nullable:
                for part in _chunks(keys):
                    self.conn.execute(child.update().where(c.in_(part)).values({col: None}))
            elif "id" in child.c and child.name in _models() and getattr(_models()[child.name], "__synced__", False):
                kids: list[str] = []
                for part in _chunks(keys):
                    kids.extend(self.conn.execute(select(child.c.id).where(c.in_(part))).scalars())
                if kids:
                    self.hide(child.name, kids, depth + 1)
            else:  # local rows derived from the parent (name keys): they go with it
                for part in _chunks(keys):
                    self.conn.execute(child.delete().where(c.in_(part)))
        for part in _chunks(keys):
            self.conn.execute(t.delete().where(t.c.id.in_(part)))
        self.present[tname] -= present
        if depth:
            self.hidden += len(present)

    def _missing_parents(self, parent: str, values: set[str]) -> set[str]:
        values = {v for v in values if v is not None} - self.present[parent]
        if not values:
            return set()
        found = self._existing(_t(parent), values)
        self.present[parent] |= found
        return values - found

    def put(self, model: Any, states: dict[str, State]) -> None:
        """Insert or update the live rows of ``states`` (tombstones were handled by :meth:`hide`)."""
        c = columns_for(model)
        t = model.__table__
        rows: dict[str, dict[str, Any]] = {}
        a2c, convs = c.attr_to_col, c.cols
        plain, converted = c.plain, c.converted
        for rid, st in states.items():
            if isinstance(st, Written):  # a row new here: straight from the write's values
                fields = st.fields
                if fields.get(DELETED):
                    continue
                vals = {plain[f]: v for f, v in fields.items() if f in plain}
                for f, (col, conv) in converted.items():
                    if f in fields:
                        vals[col] = conv(fields[f])
                rows[rid] = vals
                continue
            if st.get(DELETED, [0, 0, False])[2]:
                continue
            vals = {}
            for f, (_h, _s, v) in st.items():
                col = a2c.get(f)
                if col in convs:
                    vals[col] = convs[col](v)
            rows[rid] = vals
        if not rows:
            return
        existing = self._existing(t, rows)
        orphans: set[str] = set()
        for col, parent, nullable in c.parents:
            missing = self._missing_parents(parent, {v.get(col) for v in rows.values()})
            if not missing:
                continue
            for rid, vals in rows.items():
                if vals.get(col) in missing:
                    if nullable:
                        vals[col] = None  # the linked record is gone: the link is empty, the row stays
                    else:
                        orphans.add(rid)
        if orphans:
            self.hide(c.table, orphans & existing, depth=1)
            hidden_new = orphans - existing
            self.hidden += len(hidden_new)
            existing -= orphans
        inserts: list[tuple[Any, ...]] = []
        inserted: set[str] = set()
        updates: dict[tuple[str, ...], list[dict[str, Any]]] = defaultdict(list)
        names = list(c.cols)
        defaults = [c.defaults.get(n) for n in names]
        required = c.required
        for rid, vals in rows.items():
            if rid in orphans:
                continue
            if rid in existing:
                key = tuple(sorted(vals))
                if key:
                    updates[key].append({"_id": rid, **{f"_v_{k}": vals[k] for k in key}})
            else:
                if not required <= vals.keys():
                    continue  # not complete yet (its creation has not arrived): kept in the state only
                inserts.append((rid, *map(vals.get, names, defaults)))
                inserted.add(rid)
        try:
            inserts.sort(key=_first)  # in id order: each page of the primary key's B-tree touched once
            insert_rows(self.conn, t, ("id", *names), inserts)
            for key, params in updates.items():
                stmt = t.update().where(t.c.id == bindparam("_id")).values({k: bindparam(f"_v_{k}") for k in key})
                for part in _chunks(params, 5000):
                    self.conn.execute(stmt, part)
        except IntegrityError as exc:
            raise UniqueClash(c.table) from exc
        self.inserted[c.table] |= inserted
        self.present[c.table] |= inserted | {p["_id"] for ps in updates.values() for p in ps}

    def revive_children(self, entity: str, ids: set[str], dirty: dict[str, dict[str, State]]) -> None:
        """Rows hidden because ``ids`` were gone (deleted, or hidden themselves) show again: their
        states are added to ``dirty`` (they are applied after their parent, in foreign-key order)."""
        models = _models()
        for child, col, _nullable in _children(entity):
            model = models.get(child.name)
            if model is None or not getattr(model, "__synced__", False):
                continue
            attr = columns_for(model).col_to_attr.get(col, col)
            t = _t("sync_row")
            found: set[str] = set()
            for rid in sorted(ids):
                q = select(t.c.row_id, t.c.state).where(t.c.entity == child.name, t.c.state.contains(rid))
                for crid, text in self.conn.execute(q):
                    st = decode_state(text)
                    if st.get(attr, [0, 0, None])[2] == rid and not st.get(DELETED, [0, 0, False])[2]:
                        if crid not in dirty.get(child.name, {}):
                            dirty.setdefault(child.name, {})[crid] = st
                            found.add(crid)
            if found:
                self.revive_children(child.name, found, dirty)


def apply(conn: Connection, dirty: dict[str, dict[str, State]],
          revived: dict[str, set[str]] | None = None) -> int:
    """Make the entity tables show the ``dirty`` states; returns how many rows were hidden.

    Portable, with foreign keys checked as usual (nothing deferred): tombstones first, each row's
    children hidden before it (a nullable link to it is emptied); then live rows table by table in
    foreign-key order, parents first. A row whose parent is missing is hidden (its state stays, and
    it shows again when the parent comes back: ``revived``). Every node applies the same rule, so
    nodes that saw the same writes show the same rows. Raises :class:`UniqueClash`.
    """
    ap = _Applier(conn)
    dirty = {e: dict(s) for e, s in dirty.items()}
    models = _models()
    order = _order()
    for entity, ids in (revived or {}).items():
        ap.revive_children(entity, set(ids), dirty)
    for entity in sorted(dirty, key=lambda e: -order.get(e, 0)):
        gone = [rid for rid, st in dirty[entity].items() if st.get(DELETED, [0, 0, False])[2]]
        if gone:
            ap.hide(entity, gone)
    for entity in sorted(dirty, key=lambda e: order.get(e, 0)):
        ap.put(models[entity], dirty[entity])
    for hook in _AFTER_APPLY:
        hook(conn, dirty, ap.present, ap.inserted)
    return ap.hidden


_AFTER_APPLY: list[Any] = []


def on_apply(hook: Any) -> None:
    """Register ``hook(conn, dirty, present, inserted)``, called after rows were applied from sync
    states (local data derived from them, such as the duplicate check's name keys, follows):
    ``present`` and ``inserted`` are, per table, the ids now in the table and those inserted."""
    if hook not in _AFTER_APPLY:
        _AFTER_APPLY.append(hook)


def materialise(conn: Connection, model: Any, states: dict[str, State]) -> None:
    """Make the entity table show ``states`` (one entity; see :func:`apply`)."""
    apply(conn, {model.__tablename__: states})
