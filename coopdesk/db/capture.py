"""Change capture: every ORM write of a synced row leaves an audit entry and field-level changes.

It hooks the session's ``before_flush``, so no service can forget it: whatever writes through the
ORM is seen by the audit trail and by sync. The session's ``info`` carries who is writing
(``username``), which node (``node_id``, ``node_code``) and the clock (``clock``, a callable
returning a sortable hybrid-logical timestamp). Sync applies remote changes with
``info["capture"] = False`` and writes its own change rows.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from sqlalchemy import event, inspect
from sqlalchemy.orm import Session

from coopdesk.db.models import AuditEntry, Change, User

DELETED = "__deleted__"
# Fields that are never written into the audit trail.
SECRET_FIELDS = {"password_hash"}


def to_json_value(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.isoformat(timespec="seconds")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bytes):
        return value.hex()
    return value


def row_fields(obj: Any) -> dict[str, Any]:
    mapper = inspect(obj).mapper
    return {attr.key: to_json_value(getattr(obj, attr.key)) for attr in mapper.column_attrs
            if attr.key != "id"}


def _dump(values: dict[str, Any]) -> str:
    return json.dumps({k: v for k, v in values.items() if k not in SECRET_FIELDS}, ensure_ascii=False,
                      sort_keys=True)


def _audited(obj: Any) -> bool:
    return getattr(type(obj), "__synced__", False) or isinstance(obj, User)


def _before_flush(session: Session, _ctx, _instances) -> None:
    info = session.info
    if not info.get("capture", True):
        return
    user = info.get("username", "")
    node_code = info.get("node_code", "")
    node_id = info.get("node_id", "")
    clock = info.get("clock")
    entries: list[Any] = []

    def changes_for(obj: Any, fields: dict[str, Any]) -> None:
        if clock is None or not getattr(type(obj), "__synced__", False):
            return
        stamp = clock()
        for name, value in fields.items():
            entries.append(Change(hlc=stamp, node_id=node_id, entity=type(obj).__tablename__,
                                  row_id=obj.id, field=name, value=json.dumps(value, ensure_ascii=False)))

    for obj in list(session.new):
        if not _audited(obj):
            continue
        if getattr(obj, "id", None) is None:
            from coopdesk.db.models import new_id

            obj.id = new_id()
        fields = row_fields(obj)
        entries.append(AuditEntry(username=user, node=node_code, entity=type(obj).__tablename__,
                                  row_id=obj.id, op="create", before="", after=_dump(fields)))
        changes_for(obj, fields)

    for obj in list(session.dirty):
        if not _audited(obj) or not session.is_modified(obj, include_collections=False):
            continue
        state = inspect(obj)
        before: dict[str, Any] = {}
        after: dict[str, Any] = {}
        for attr in state.mapper.column_attrs:
            hist = state.attrs[attr.key].history
            if not hist.has_changes():
                continue
            old = hist.deleted[0] if hist.deleted else None
            new = hist.added[0] if hist.added else None
            if to_json_value(old) == to_json_value(new):
                continue
            before[attr.key] = to_json_value(old)
            after[attr.key] = to_json_value(new)
        if not after:
            continue
        entries.append(AuditEntry(username=user, node=node_code, entity=type(obj).__tablename__,
                                  row_id=obj.id, op="update", before=_dump(before), after=_dump(after)))
        changes_for(obj, after)

    for obj in list(session.deleted):
        if not _audited(obj):
            continue
        entries.append(AuditEntry(username=user, node=node_code, entity=type(obj).__tablename__,
                                  row_id=obj.id, op="delete", before=_dump(row_fields(obj)), after=""))
        changes_for(obj, {DELETED: True})

    for entry in entries:
        session.add(entry)


def install(session_factory) -> None:
    """Attach change capture to a sessionmaker (idempotent)."""
    if not event.contains(session_factory, "before_flush", _before_flush):
        event.listen(session_factory, "before_flush", _before_flush)
