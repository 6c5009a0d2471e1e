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

import contextlib
import datetime as dt
import gc
import json
from collections import defaultdict
from collections.abc import Iterable, Iterator
from itertools import islice, repeat
from operator import itemgetter
from typing import Any

import orjson
from sqlalchemy import Boolean, Date, DateTime, Table, bindparam, func, inspect, select
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError

# Reading a state needs no SQLAlchemy (the dashboard's sync status is read before it is imported).
from coopdesk.sync.codec import _DECODE, DELETED, decode_state, origin_of  # noqa: F401

CHUNK = 500
State = dict[str, list[Any]]  # field -> [hlc, seq, value]


_JSON_ENCODE = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode
_SORTED = orjson.OPT_SORT_KEYS


def _ENCODE(obj: Any) -> str:  # noqa: N802 - kept the name of a constant: it was one
    """Compact JSON with sorted keys, UTF-8 kept: orjson (7 x faster on the states of a first sync),
    the standard library for what orjson refuses (integers over 64 bits)."""
    try:
        return orjson.dumps(obj, option=_SORTED).decode()
    except TypeError:
        return _JSON_ENCODE(obj)


def _dumps(obj: Any) -> str:
    return _ENCODE(obj)


def _chunks(seq: list[Any], n: int = CHUNK) -> Iterable[list[Any]]:
    for i in range(0, len(seq), n):
        yield seq[i:i + n]


@contextlib.contextmanager
def no_cyclic_gc() -> Iterator[None]:
    """Without Python's cycle collector during bulk work (a bundle collected or applied, the name
    keys rebuilt): it allocates millions of small objects (none in cycles that matter), and each
    full collection would walk all of them again (a fifth of a 100 000-person import). Reference
    counting still frees memory."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()



# ------------------------------------------------------------------------------ stored form of a state
#
# A row's state is stored as one JSON text: the list of its writes, each ``[hlc, seq, {field: value}]``
# (one stamp per write, not per field: a new row of 20 fields costs one stamp). The older form, one
# ``{field: [hlc, seq, value]}`` object, is still read.

class Written(dict):  # type: ignore[type-arg]
    """The state of a row that one write created (no earlier state): ``{field: [hlc, seq, value]}``
    built only when asked. A first sync receives thousands of these; they are stored and applied
    straight from the write's values, without one list per field.

    The row is kept as it came in the bundle, ``[row_id, hlc, seq, *values]``, with ``names``,
    the field names of its block (one tuple shared by the block's rows); ``fields`` is the
    ``{field: value}`` dict, made when first asked."""

    __slots__ = ("row", "names", "_fields")

    def __init__(self, row: list[Any], names: tuple[str, ...]) -> None:
        # (dict.__init__ without arguments does nothing: the dict part starts empty)
        self.row, self.names = row, names
        self._fields: dict[str, Any] | None = None

    @property
    def hlc(self) -> str:
        return self.row[1]  # type: ignore[no-any-return]

    @property
    def seq(self) -> int:
        return self.row[2]  # type: ignore[no-any-return]

    @property
    def vals(self) -> list[Any]:
        return self.row[3:]

    @property
    def fields(self) -> dict[str, Any]:
        f = self._fields
        if f is None:
            f = self._fields = dict(zip(self.names, self.row[3:], strict=True))
        return f

    @property
    def deleted(self) -> bool:
        return DELETED in self.names and bool(self.fields[DELETED])

    def _fill(self) -> None:
        if not dict.__len__(self) and self.names:
            dict.update(self, {f: [self.hlc, self.seq, v] for f, v in self.fields.items()})

    def get(self, key: Any, default: Any = None) -> Any:
        fields = self.fields
        if key in fields:
            return [self.hlc, self.seq, fields[key]]
        return default

    def __contains__(self, key: object) -> bool:
        return key in self.fields

    def __getitem__(self, key: Any) -> Any:
        return [self.hlc, self.seq, self.fields[key]]

    def __len__(self) -> int:
        return len(self.fields)

    def __bool__(self) -> bool:
        return bool(self.names)

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


def is_deleted(st: State) -> bool:
    """The row's state is a tombstone."""
    if type(st) is Written:
        return st.deleted
    return bool(st.get(DELETED, (0, 0, False))[2])


def encode_state(st: State) -> str:
    if type(st) is Written:
        row = st.row
        return _ENCODE([[row[1], row[2], dict(zip(st.names, row[3:], strict=False))]])  # width checked on parse
    groups: dict[tuple[str, int], dict[str, Any]] = {}
    for f, (h, s, v) in st.items():
        groups.setdefault((h, s), {})[f] = v
    return _ENCODE([[h, s, fields] for (h, s), fields in sorted(groups.items())])


# ------------------------------------------------------------------------------ portable SQL helpers

def _tables() -> dict[str, Table]:
    import coopdesk.sync.models  # noqa: F401 - the sync tables themselves
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
                chunk: int = 20000, processed: bool = False) -> None:
    """Insert ``rows`` (value sequences in the order of ``cols``, Python values as
    ``conn.execute(insert(table), …)`` takes them, or already as the driver takes them when
    ``processed``: after the column types' bind processors) with executemany on the DB-API cursor; with ``keys``:
    ``ON CONFLICT (keys) DO NOTHING``, or ``DO UPDATE SET update``."""
    cols = tuple(cols)
    sql, order, names, procs = _compiled(conn, table, cols, tuple(keys) if keys is not None else None,
                                         tuple(update) if update else None)
    if processed:
        procs = []
    identity = order == list(range(len(cols)))
    # The DB-API cursor of the connection, inside its transaction (what ``exec_driver_sql`` uses,
    # without turning every row into a tuple first).
    cursor = conn.connection.cursor()
    try:
        if not procs and names is None and identity:  # rows go as they are, a chunk at a time
            it = iter(rows)
            while chunk_rows := list(islice(it, chunk)):
                cursor.executemany(sql, chunk_rows)
            return
        _insert_converted(cursor, sql, rows, procs, names, order, identity, chunk)
    finally:
        cursor.close()


def _insert_converted(cursor: Any, sql: str, rows: Iterable[Iterable[Any]], procs: list[tuple[int, Any]],
                      names: list[str] | None, order: list[int], identity: bool, chunk: int) -> None:
    batch: list[Any] = []

    def flush() -> None:
        if batch:
            cursor.executemany(sql, batch)
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


def fetch_in(conn: Connection, table: Table, cols: tuple[str, ...], key: str, ids: Iterable[Any],
             where: dict[str, Any] | None = None) -> Iterable[tuple[Any, ...]]:
    """Rows ``cols`` of ``table`` whose ``key`` is one of ``ids`` (and whose columns equal ``where``),
    500 ids per query on the DB-API cursor. SQLAlchemy's expanding ``IN`` processes every id in
    Python each time; a first sync looks up 100 000s. The statement's text is built from the
    table's own column names, with the driver's placeholders."""
    ids = list(ids)
    if not ids:
        return
    ph = "?" if conn.dialect.paramstyle == "qmark" else "%s"
    where = where or {}
    quote = conn.dialect.identifier_preparer.quote
    head = (f"SELECT {', '.join(quote(table.c[c].name) for c in cols)} FROM {quote(table.name)} WHERE "
            + "".join(f"{quote(table.c[w].name)} = {ph} AND " for w in where) + f"{quote(table.c[key].name)} IN (")
    fixed = list(where.values())
    cursor = conn.connection.cursor()
    try:
        sql_full = head + ", ".join([ph] * CHUNK) + ")"
        for part in _chunks(ids):
            sql = sql_full if len(part) == CHUNK else head + ", ".join([ph] * len(part)) + ")"
            cursor.execute(sql, [*fixed, *part])
            yield from cursor.fetchall()
    finally:
        cursor.close()


def set_local_setting(conn: Connection, key: str, value: str) -> None:
    upsert(conn, _t("local_setting"), [{"key": key, "value": value}], ["key"], ["value"])


# ------------------------------------------------------------------------------ reading state

def load_states(conn: Connection, entity: str, row_ids: Iterable[str]) -> dict[str, State]:
    return {rid: decode_state(st) for rid, st in fetch_in(conn, _t("sync_row"), ("row_id", "state"), "row_id",
                                                           row_ids, {"entity": entity})}


def save_states(conn: Connection, entity: str, states: dict[str, State]) -> None:
    if states:
        upsert(conn, _t("sync_row"), [{"entity": entity, "row_id": rid, "state": encode_state(st),
                                       "deleted": is_deleted(st)} for rid, st in states.items()],
               ["entity", "row_id"], ["state", "deleted"])


def _insert_new_states(conn: Connection, rows: Iterable[tuple[str, str, State]]) -> None:
    """Rows that have no state yet, ``(entity, row_id, state)``: a plain insert (the common case of
    a first sync)."""
    insert_rows(conn, _t("sync_row"), ("entity", "row_id", "state", "deleted"),
                ((e, rid, encode_state(st), is_deleted(st)) for e, rid, st in rows))


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
    new_rows = [(e, rid, st) for (e, rid), st in states.items() if (e, rid) not in known]
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


def merge_remote(conn: Connection, blocks: list[tuple[str, tuple[str, ...], list[list[Any]]]],
                 prevs: list[tuple[str, str, str, str, str, int]]) -> Outcome:
    """Merge remote writes and superseded stamps. The writes come in blocks as a bundle holds them:
    ``(entity, names, rows)``, each row ``[row_id, hlc, seq, *values]`` with the values in the
    order of ``names``.

    Idempotent and order-independent. Returns what changed (per entity) and the dirty rows.
    """
    out = Outcome()
    _record_prevs(conn, [tuple(p) for p in prevs])  # type: ignore[misc]
    by_entity: dict[str, list[tuple[tuple[str, ...], list[list[Any]]]]] = defaultdict(list)
    for e, names, rows in blocks:
        if rows:
            by_entity[e].append((names, rows))
    touches, losers = [], []
    any_prev = _has_prev(conn)
    for entity, parts in by_entity.items():
        ids = {r[0] for _names, rows in parts for r in rows}
        states = load_states(conn, entity, ids)
        known = set(states)
        seen = prev_set(conn, entity, ids) if any_prev and known else set()
        before = {rid: (bool(st), bool(st.get(DELETED, [0, 0, False])[2])) for rid, st in states.items()}
        changed: set[str] = set()
        cnt = out.counts[entity]
        for names, rows in parts:
            hlcs = list(map(_second, rows))
            top = max(hlcs)
            if top > out.max_hlc:
                out.max_hlc = top
            touches.extend(zip(map(origin_of, hlcs), map(_third, rows), repeat(entity), map(_first, rows)))
            for r in rows:
                rid = r[0]
                st = states.get(rid)
                if st is None:  # a row new here: nothing to compare (the common case of a first sync)
                    states[rid] = Written(r, names)
                    changed.add(rid)
                    continue
                if type(st) is Written:  # the same row twice in one bundle: an ordinary state now
                    st = states[rid] = dict(st.items())
                hlc, seq = r[1], r[2]
                for f, v in zip(names, r[3:], strict=True):
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
            dirty[rid] = st
            if type(st) is Written:  # new here (no state before)
                if not st.deleted:
                    cnt["created"] += 1
                continue
            existed, was_deleted = before.get(rid, (False, False))
            deleted = bool(st.get(DELETED, [0, 0, False])[2])
            if deleted and not was_deleted:
                cnt["deleted"] += 1 if existed else 0
            elif not deleted and (not existed or was_deleted):
                cnt["created"] += 1
                if was_deleted:
                    out.revived[entity].add(rid)
            elif not deleted:
                cnt["updated"] += 1
        # In key order: inserting into the primary key's B-tree in order touches each page once.
        _insert_new_states(conn, ((entity, rid, states[rid]) for rid in sorted(changed) if rid not in known))
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
        self.table_obj = model.__table__
        # The columns of an insert, in the table's order (the order of the compiled statement).
        self.insert_cols = tuple(c.name for c in model.__table__.columns)
        self._plans: dict[tuple[Any, ...], Any] = {}
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


    def block_plan(self, names: tuple[str, ...], dialect: Any) -> tuple[Any, list[tuple[int, Any]],
                                                                         list[tuple[int, str]]] | None:
        """How a row of a bundle block with fields ``names``, ``[id, hlc, seq, *values]``, becomes
        an insert row (the columns in the table's order): an item getter (defaults appended), the conversions to apply
        (position, function: JSON value to driver value) and the parents to check (position in
        the row, parent table). None when such rows cannot be inserted as they are: a tombstone
        field, or a required column missing (the row is not complete yet)."""
        key = (names, dialect.name)
        hit = self._plans.get(key)
        if hit is not None or key in self._plans:
            return hit
        plan = None
        if DELETED not in names:
            where = {f: i for i, f in enumerate(names)}
            tail: list[Any] = []
            positions = []
            convs: list[tuple[int, Any]] = []
            complete = True
            for n, col in enumerate(self.insert_cols):
                if col == "id":
                    positions.append(0)
                    continue
                conv = self.cols[col]
                proc = self.table_obj.c[col].type.dialect_impl(dialect).bind_processor(dialect)
                attr = self.col_to_attr.get(col, col)
                if attr in where:
                    positions.append(3 + where[attr])
                    if conv is not _same or proc is not None:
                        convs.append((n, _compose(conv, proc)))
                elif col in self.required:
                    complete = False
                    break
                else:
                    d = self.defaults.get(col)
                    positions.append(3 + len(names) + len(tail))
                    tail.append(proc(d) if proc is not None and d is not None else d)
            if complete:
                parents = [(3 + where[self.col_to_attr.get(col, col)], parent) for col, parent, _n in self.parents
                           if self.col_to_attr.get(col, col) in where]
                tail_l = list(tail)
                get = itemgetter(*positions)

                def getter(row: list[Any], get: Any = get, tail_l: list[Any] = tail_l) -> tuple[Any, ...]:
                    return get(row + tail_l)  # type: ignore[no-any-return]

                plan = (getter, convs, parents)
        self._plans[key] = plan
        return plan


def _compose(conv: Any, proc: Any) -> Any:
    if proc is None:
        return conv
    if conv is _conv_date and proc(dt.date(2001, 2, 3)) == "2001-02-03":
        # SQLite keeps a date as its ISO text: a value that already is that text (as dates travel
        # in bundles) is checked and kept, not turned into a date and back.
        def iso_date(v: Any) -> Any:
            if type(v) is str and len(v) == 10 and v[4] == "-" and v[7] == "-":
                dt.date.fromisoformat(v)  # refuses what is not a date, as the conversion would
                return v
            return proc(conv(v))

        return iso_date
    if conv is _conv_bool and proc(True) == 1 and proc(False) == 0:
        # SQLite keeps a boolean as 1 / 0, which is what the driver makes of True / False.
        def as_int(v: Any) -> Any:
            return v if v is None or v is True or v is False else proc(conv(v))

        return as_int
    if conv is _same:
        return lambda v: None if v is None else proc(v)
    return lambda v: proc(conv(v))


_first, _second, _third = itemgetter(0), itemgetter(1), itemgetter(2)


def _row_of(item: tuple[str, Written]) -> list[Any]:
    return item[1].row


def _names_of(item: tuple[str, Written]) -> tuple[str, ...]:
    return item[1].names


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
        if self.conn.execute(select(table.c.id).limit(1)).first() is None:
            return set()  # an empty table (a first sync): no need to look each id up
        return {r[0] for r in fetch_in(self.conn, table, ("id",), "id", ids)}

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
        # Rows new here, as they came in a bundle's block, go straight from the block's values to
        # insert rows when nothing about them needs a decision: not in the table yet, complete, not a
        # tombstone, every parent present (the whole of a first sync). Every other row takes the
        # general path below, which decides the same thing row by row.
        items = list(states.items())
        written = [it for it in items if type(it[1]) is Written]
        other = {rid: st for rid, st in items if type(st) is not Written} if len(written) < len(items) else {}
        blocks: dict[int, tuple[tuple[str, ...], list[tuple[str, Written]]]] = {}
        if written and len(set(map(id, map(_names_of, written)))) == 1:  # one block (the usual case)
            blocks[0] = (written[0][1].names, written)
        else:
            for rid, st in written:
                b = blocks.get(id(st.names))
                if b is None:
                    b = blocks[id(st.names)] = (st.names, [])
                b[1].append((rid, st))
        if blocks:
            existing = self._existing(t, states)
            for names, items in blocks.values():
                if not self._put_block(c, t, names, items, existing):
                    other.update(items)
        if other:
            self._put_rows(c, t, other)

    def _put_block(self, c: Columns, t: Table, names: tuple[str, ...], items: list[tuple[str, Written]],
                   existing: set[str]) -> bool:
        """Insert the rows of one block in one go; False (nothing done) when a row needs a decision."""
        plan = c.block_plan(names, self.conn.dialect)
        if plan is None or any(rid in existing for rid, _st in items):
            return False
        getter, convs, parents = plan
        for col_index, parent in parents:
            values = set(map(itemgetter(col_index), map(_row_of, items)))
            if self._missing_parents(parent, values):
                return False
        inserts = []
        for _rid, st in sorted(items, key=_first):
            row = getter(st.row)
            if convs:
                row = list(row)
                for i, fn in convs:
                    row[i] = fn(row[i])
            inserts.append(row)
        try:
            insert_rows(self.conn, t, c.insert_cols, inserts, processed=True)
        except IntegrityError as exc:
            raise UniqueClash(c.table) from exc
        ids = {rid for rid, _st in items}
        self.inserted[c.table] |= ids
        self.present[c.table] |= ids
        return True

    def _put_rows(self, c: Columns, t: Table, states: dict[str, State]) -> None:
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
            # A few parents: the states that mention each (a text search per parent). Many (the undo
            # of a big import or delete): every state of the child table read once.
            if len(ids) <= 20:
                queries = [select(t.c.row_id, t.c.state).where(t.c.entity == child.name, t.c.state.contains(rid))
                           for rid in sorted(ids)]
            else:
                queries = [select(t.c.row_id, t.c.state).where(t.c.entity == child.name)]
            found: set[str] = set()
            mine = dirty.get(child.name, {})
            for q in queries:
                for crid, text in self.conn.execute(q):
                    if crid in mine or crid in found:
                        continue
                    st = decode_state(text)
                    if st.get(attr, [0, 0, None])[2] in ids and not st.get(DELETED, [0, 0, False])[2]:
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
        gone = [rid for rid, st in dirty[entity].items() if is_deleted(st)]
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
