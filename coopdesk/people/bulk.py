"""Inserting many rows in one transaction with the same audit and sync records as the ORM path.

``coopdesk.db.capture`` sees ORM flushes; an import of 100 000 persons through one ORM object per
row and per captured field would take minutes, so it inserts with executemany and writes the audit
entries and field-level changes itself, in the format capture writes them (one audit entry
``create`` with every field, one change per field, one clock stamp per row).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from sqlalchemy import insert
from sqlalchemy.orm import Session

from coopdesk.db import capture as _capture
from coopdesk.db.capture import _dump, to_json_value
from coopdesk.db.models import AuditEntry, Base, Change, new_id


def defaults(model: type[Base]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for col in model.__table__.columns:
        if col.default is not None and getattr(col.default, "is_scalar", False):
            out[col.key] = col.default.arg
        elif col.key != "id":
            out[col.key] = None
    return out


def insert_captured(s: Session, model: type[Base], rows: Sequence[dict[str, Any]], chunk: int = 5000) -> list[str]:
    """Insert ``rows`` (column values) and their audit entries and changes; returns the new ids."""
    base = defaults(model)
    info = s.info
    user, node_code, node_id = info.get("username", ""), info.get("node_code", ""), info.get("node_id", "")
    clock = info.get("clock")
    table = model.__tablename__
    capture = info.get("capture", True)
    ids: list[str] = []
    for start in range(0, len(rows), chunk):
        full, audits, changes = [], [], []
        for values in rows[start:start + chunk]:
            row = {**base, **values}
            row.setdefault("id", None)
            row["id"] = row["id"] or _natural_id(model, row) or new_id()
            ids.append(row["id"])
            full.append(row)
            if not capture:
                continue
            if "birth_year" in row and "birth_date" in row:  # derived as capture derives it
                row["birth_year"] = row["birth_date"].year if row["birth_date"] else row.get("birth_year")
            fields = {k: to_json_value(v) for k, v in row.items() if k != "id"}
            audits.append({"username": user, "node": node_code, "entity": table, "row_id": row["id"],
                           "op": "create", "before": "", "after": _dump(fields)})
            if clock is not None and not _SYNC_STATE:
                stamp = clock()
                changes.extend({"hlc": stamp, "node_id": node_id, "entity": table, "row_id": row["id"],
                                "field": k, "value": json.dumps(v, ensure_ascii=False)} for k, v in fields.items())
        s.execute(insert(model), full)
        if audits:
            s.execute(insert(AuditEntry), audits)
        if changes:
            s.execute(insert(Change), changes)
        if clock is not None and capture and _SYNC_STATE:
            _sync_writes(s, node_code, clock, table, full)
    return ids


# Change capture either writes ``change`` rows itself or hands the values to the sync engine's
# state (``coopdesk.sync.state.local_writes``); the bulk path does what capture does.
_SYNC_STATE = not hasattr(_capture, "Change")


def _sync_writes(s: Session, node_code: str, clock: Any, table: str, rows: list[dict[str, Any]]) -> None:
    from coopdesk.sync.state import LocalWrite, local_writes

    writes = [LocalWrite(table, r["id"], {k: to_json_value(v) for k, v in r.items() if k != "id"}) for r in rows]
    conn = s.connection()
    local_writes(conn, node_code, clock, writes)
    last = getattr(clock, "last", None)
    if last is not None:
        from coopdesk.sync.state import set_local_setting

        set_local_setting(conn, "sync_hlc", last.encode())


def _natural_id(model: type[Base], row: dict[str, Any]) -> str | None:
    """The id change capture gives a row of a table with a natural key (``__natural_key__``)."""
    key = getattr(model, "__natural_key__", None)
    if not key or any(row.get(k) in (None, "") for k in key):
        return None
    from coopdesk.domain.reference import ref_id

    return ref_id(model.__tablename__, ":".join(str(row[k]) for k in key))
