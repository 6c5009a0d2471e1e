"""The merge engine: field-level last-writer-wins state, conflicts, tombstones, materialisation.

Every write (local through change capture, or remote from a bundle) goes through this module.
A value is ``[hlc, seq, value]``; the writer (origin) is the node part of the HLC. Per field the
greatest HLC wins on every node (HLC order, then node code). A value that loses without having been
seen by the winner's author is kept in ``sync_conflict``; a write lists the stamps it knowingly
replaced (``sync_prev``), and a value in that set is never a conflict. Both sets only grow, so the
outcome does not depend on the order in which writes arrive.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from sqlalchemy import Boolean, Date, DateTime, inspect
from sqlalchemy.engine import Connection

DELETED = "__deleted__"
CHUNK = 500
State = dict[str, list[Any]]  # field -> [hlc, seq, value]


def origin_of(hlc: str) -> str:
    return hlc.rsplit(".", 1)[1]


_ENCODE = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode


def _dumps(obj: Any) -> str:
    return _ENCODE(obj)


def _chunks(seq: list[Any], n: int = CHUNK) -> Iterable[list[Any]]:
    for i in range(0, len(seq), n):
        yield seq[i:i + n]


# ------------------------------------------------------------------------------ reading state

def load_states(conn: Connection, entity: str, row_ids: Iterable[str]) -> dict[str, State]:
    out: dict[str, State] = {}
    ids = list(row_ids)
    for part in _chunks(ids):
        q = f"SELECT row_id, state FROM sync_row WHERE entity=? AND row_id IN ({','.join('?' * len(part))})"
        for rid, st in conn.exec_driver_sql(q, (entity, *part)):
            out[rid] = json.loads(st)
    return out


def save_states(conn: Connection, entity: str, states: dict[str, State]) -> None:
    if states:
        conn.exec_driver_sql("INSERT OR REPLACE INTO sync_row (entity, row_id, state) VALUES (?, ?, ?)",
                             [(entity, rid, _dumps(st)) for rid, st in states.items()])


def prev_set(conn: Connection, entity: str, row_ids: Iterable[str]) -> set[tuple[str, str, str]]:
    out: set[tuple[str, str, str]] = set()
    ids = list(row_ids)
    for part in _chunks(ids):
        q = (f"SELECT row_id, field, hlc FROM sync_prev WHERE entity=? "
             f"AND row_id IN ({','.join('?' * len(part))})")
        out.update(conn.exec_driver_sql(q, (entity, *part)).all())
    return out


def conflicts_for(conn: Connection, entity: str, row_id: str, field: str) -> list[tuple[str, str]]:
    return conn.exec_driver_sql("SELECT hlc, value FROM sync_conflict WHERE entity=? AND row_id=? AND field=?",
                                (entity, row_id, field)).all()


def vector(conn: Connection) -> dict[str, tuple[int, int]]:
    return {o: (f, s) for o, f, s in conn.exec_driver_sql("SELECT origin, full, shared FROM sync_vector")}


def bump_vector(conn: Connection, origin: str, full: int | None, shared: int | None) -> None:
    cur = vector(conn).get(origin, (0, 0))
    f = max(cur[0], full or 0)
    s = max(cur[1], shared or 0, f)
    conn.exec_driver_sql("INSERT OR REPLACE INTO sync_vector (origin, full, shared) VALUES (?, ?, ?)",
                         (origin, f, s))


def next_seq(conn: Connection, origin: str) -> int:
    cur = conn.exec_driver_sql("SELECT MAX(seq) FROM sync_touch WHERE origin=?", (origin,)).scalar()
    vec = vector(conn).get(origin, (0, 0))
    return max(cur or 0, vec[0], vec[1]) + 1


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


def local_writes(conn: Connection, origin: str, clock: Any, writes: list[LocalWrite]) -> dict[tuple[str, str], State]:
    """Stamp and record writes made on this node; returns the new state of every row written."""
    if not writes:
        return {}
    by_entity: dict[str, set[str]] = defaultdict(set)
    for w in writes:
        by_entity[w.entity].add(w.row_id)
    states: dict[tuple[str, str], State] = {}
    for entity, ids in by_entity.items():
        for rid, st in load_states(conn, entity, ids).items():
            states[(entity, rid)] = st
    seq = next_seq(conn, origin)
    touches, prevs = [], []
    for w in writes:
        st = states.setdefault((w.entity, w.row_id), {})
        fields = {DELETED: True} if w.delete else dict(w.fields)
        seen: dict[str, list[str]] = defaultdict(list)
        for f in (st if w.delete else fields):
            if f in st:
                seen[f].append(st[f][0])
                # Values equal to the one replaced were in effect seen too (same data typed twice).
                for h, v in conflicts_for(conn, w.entity, w.row_id, f):
                    if json.loads(v) == st[f][2]:
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
    for entity in by_entity:
        save_states(conn, entity, {rid: st for (e, rid), st in states.items() if e == entity})
    conn.exec_driver_sql("INSERT OR IGNORE INTO sync_touch (origin, seq, entity, row_id) VALUES (?, ?, ?, ?)", touches)
    if prevs:
        conn.exec_driver_sql("INSERT OR IGNORE INTO sync_prev (entity, row_id, field, hlc, origin, seq) "
                             "VALUES (?, ?, ?, ?, ?, ?)", prevs)
        conn.exec_driver_sql("DELETE FROM sync_conflict WHERE entity=? AND row_id=? AND field=? AND hlc=?",
                             [p[:4] for p in prevs])
    bump_vector(conn, origin, seq - 1, seq - 1)
    return states


# ------------------------------------------------------------------------------ remote writes

class Outcome:
    def __init__(self) -> None:
        self.counts: dict[str, dict[str, int]] = defaultdict(lambda: {"created": 0, "updated": 0,
                                                                      "deleted": 0, "conflicts": 0})
        self.max_hlc = ""
        self.dirty: dict[str, dict[str, State]] = defaultdict(dict)

    def as_dict(self) -> dict[str, dict[str, int]]:
        return {e: dict(c) for e, c in sorted(self.counts.items()) if any(c.values())}


def merge_remote(conn: Connection, writes: list[tuple[str, str, str, int, dict[str, Any]]],
                 prevs: list[tuple[str, str, str, str, str, int]]) -> Outcome:
    """Merge remote writes ``(entity, row_id, hlc, seq, {field: value})`` and superseded stamps.

    Idempotent and order-independent. Returns what changed (per entity) and the dirty rows.
    """
    out = Outcome()
    if prevs:
        conn.exec_driver_sql("INSERT OR IGNORE INTO sync_prev (entity, row_id, field, hlc, origin, seq) "
                             "VALUES (?, ?, ?, ?, ?, ?)", prevs)
        conn.exec_driver_sql("DELETE FROM sync_conflict WHERE entity=? AND row_id=? AND field=? AND hlc=?",
                             [p[:4] for p in prevs])
    by_entity: dict[str, list[tuple[str, str, int, dict[str, Any]]]] = defaultdict(list)
    for e, rid, hlc, seq, fields in writes:
        by_entity[e].append((rid, hlc, seq, fields))
    touches, losers = [], []
    for entity, items in by_entity.items():
        ids = {rid for rid, *_ in items}
        states = load_states(conn, entity, ids)
        seen = prev_set(conn, entity, ids) if _has_prev(conn) else set()
        before = {rid: (bool(st), bool(st.get(DELETED, [0, 0, False])[2])) for rid, st in states.items()}
        changed: set[str] = set()
        cnt = out.counts[entity]
        for rid, hlc, seq, fields in items:
            if hlc > out.max_hlc:
                out.max_hlc = hlc
            touches.append((origin_of(hlc), seq, entity, rid))
            st = states.get(rid)
            if st is None:  # a row new here: nothing to compare (the common case of a first sync)
                states[rid] = {f: [hlc, seq, v] for f, v in fields.items()}
                changed.add(rid)
                continue
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
        for rid in changed:
            st = states[rid]
            existed, was_deleted = before.get(rid, (False, False))
            deleted = bool(st.get(DELETED, [0, 0, False])[2])
            if deleted and not was_deleted:
                cnt["deleted"] += 1 if existed else 0
            elif not deleted and (not existed or was_deleted):
                cnt["created"] += 1
            elif not deleted:
                cnt["updated"] += 1
            out.dirty[entity][rid] = st
        save_states(conn, entity, {rid: states[rid] for rid in changed})
    if touches:
        conn.exec_driver_sql("INSERT OR IGNORE INTO sync_touch (origin, seq, entity, row_id) VALUES (?, ?, ?, ?)",
                             touches)
    if losers:
        conn.exec_driver_sql("INSERT OR IGNORE INTO sync_conflict (entity, row_id, field, hlc, origin, seq, value) "
                             "VALUES (?, ?, ?, ?, ?, ?, ?)", losers)
    return out


def _has_prev(conn: Connection) -> bool:
    return conn.exec_driver_sql("SELECT 1 FROM sync_prev LIMIT 1").first() is not None


# ------------------------------------------------------------------------------ materialisation

class Columns:
    """How a state value becomes a column value in SQLite, per entity."""

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


def _same(v: Any) -> Any:
    return v


def _conv_bool(v: Any) -> Any:
    return None if v is None else int(bool(v))


def _conv_date(v: Any) -> Any:
    if v is None or isinstance(v, str):
        return v
    return v.isoformat()


def _conv_datetime(v: Any) -> Any:
    if v is None:
        return None
    d = dt.datetime.fromisoformat(v) if isinstance(v, str) else v
    return d.strftime("%Y-%m-%d %H:%M:%S.") + f"{d.microsecond:06d}"


_COLUMNS: dict[str, Columns] = {}


def columns_for(model: Any) -> Columns:
    c = _COLUMNS.get(model.__tablename__)
    if c is None:
        c = _COLUMNS[model.__tablename__] = Columns(model)
    return c


def materialise(conn: Connection, model: Any, states: dict[str, State]) -> None:
    """Make the entity table show ``states``: insert, update or delete each row."""
    if not states:
        return
    c = columns_for(model)
    q = f'"{c.table}"'
    ids = list(states)
    existing: set[str] = set()
    for part in _chunks(ids):
        existing.update(r[0] for r in conn.exec_driver_sql(
            f"SELECT id FROM {q} WHERE id IN ({','.join('?' * len(part))})", tuple(part)))
    deletes, inserts = [], []
    updates: dict[tuple[str, ...], list[tuple[Any, ...]]] = defaultdict(list)
    names = list(c.cols)
    for rid, st in states.items():
        if st.get(DELETED, [0, 0, False])[2]:
            if rid in existing:
                deletes.append((rid,))
            continue
        vals = {}
        for f, (_h, _s, v) in st.items():
            col = c.attr_to_col.get(f)
            if col in c.cols:
                vals[col] = c.cols[col](v)
        if rid in existing:
            key = tuple(sorted(vals))
            if key:
                updates[key].append((*(vals[k] for k in key), rid))
        else:
            if not c.required <= vals.keys():
                continue  # not complete yet (its creation has not arrived): kept in the state only
            inserts.append((rid, *(vals.get(n, c.defaults.get(n)) for n in names)))
    if deletes:
        conn.exec_driver_sql(f"DELETE FROM {q} WHERE id=?", deletes)
    if inserts:
        cols = ", ".join(f'"{n}"' for n in ["id", *names])
        conn.exec_driver_sql(f"INSERT INTO {q} ({cols}) VALUES ({','.join('?' * (len(names) + 1))})", inserts)
    for key, rows in updates.items():
        sets = ", ".join(f'"{k}"=?' for k in key)
        conn.exec_driver_sql(f"UPDATE {q} SET {sets} WHERE id=?", rows)


def remove_orphans(conn: Connection) -> int:
    """Rows whose parent was deleted concurrently are hidden (their state stays), on every node alike."""
    removed = 0
    for _ in range(20):
        rows = conn.exec_driver_sql("PRAGMA foreign_key_check").all()
        if not rows:
            break
        for table, rowid, *_ in rows:
            if rowid is not None:
                conn.exec_driver_sql(f'DELETE FROM "{table}" WHERE rowid=?', (rowid,))
                removed += 1
    return removed
