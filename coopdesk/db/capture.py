"""Change capture: every ORM write of a synced row leaves an audit entry and field-level changes.

It hooks the session's ``before_flush``, so no service can forget it: whatever writes through the
ORM is seen by the audit trail and by sync. The session's ``info`` carries who is writing
(``username``), which node (``node_id``, ``node_code``) and the clock (``clock``, this node's
:class:`coopdesk.sync.hlc.HLC`). Field values and their stamps go to the sync state
(:mod:`coopdesk.sync.state`); each edit is stamped after the value it replaces, and the clock's
last stamp is kept in ``local_setting`` so it survives a restart. Sync applies remote changes with
``info["capture"] = False`` and merges them itself.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from sqlalchemy import event, inspect
from sqlalchemy.orm import Session

from coopdesk.db.models import AuditEntry, User

DELETED = "__deleted__"
# Fields that are never written into the audit trail.
SECRET_FIELDS = {"password_hash"}


def to_json_value(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.isoformat()
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
    if not info.get("capture", True) or "username" not in info:
        return
    user = info.get("username", "")
    node_code = info.get("node_code", "")
    clock = info.get("clock")
    entries: list[Any] = []
    writes: list[Any] = []
    from coopdesk.sync.state import LocalWrite

    def changes_for(obj: Any, fields: dict[str, Any]) -> None:
        if clock is None or not getattr(type(obj), "__synced__", False):
            return
        if fields.get(DELETED):
            writes.append(LocalWrite(type(obj).__tablename__, obj.id, {}, delete=True))
        else:
            writes.append(LocalWrite(type(obj).__tablename__, obj.id, fields))

    for obj in list(session.new):
        _fill_defaults(obj)
    for obj in list(session.new) + list(session.dirty):
        _derive(obj)

    for obj in list(session.new):
        if not _audited(obj):
            continue
        if getattr(obj, "id", None) is None:
            obj.id = natural_id(obj) or _new_id()
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
    if writes:
        from coopdesk.sync.state import local_writes, set_local_setting

        conn = session.connection()
        revived: dict[str, set[str]] = {}
        local_writes(conn, node_code, clock, writes, revived)
        set_local_setting(conn, "sync_hlc", clock.last.encode())
        if revived:
            pending = session.info.setdefault("sync_revived", {})
            for entity, ids in revived.items():
                pending.setdefault(entity, set()).update(ids)


def _after_flush(session: Session, _ctx) -> None:
    """A record re-created with the identifier of a deleted one (same natural key): rows that were
    hidden because it was gone show again, as they do on the partner that receives it."""
    revived = session.info.pop("sync_revived", None)
    if revived:
        from coopdesk.sync.state import apply

        apply(session.connection(), {}, revived)


def _new_id() -> str:
    from coopdesk.db.models import new_id

    return new_id()


def natural_id(obj: Any) -> str | None:
    """The identifier of a new row of a table with a natural key (``__natural_key__``, e.g. the plan
    of a year, a person's enrolment in an action): a UUIDv5 of the table and the key's values, so two
    sites that create "the same" record offline create the same row, and sync merges it field by
    field instead of failing on the unique constraint. None when a key value is not set yet."""
    key = getattr(type(obj), "__natural_key__", None)
    if not key:
        return None
    values = [getattr(obj, k, None) for k in key]
    if any(v is None or v == "" for v in values):
        return None
    from coopdesk.domain.reference import ref_id

    return ref_id(type(obj).__tablename__, ":".join(str(v) for v in values))


def _fill_defaults(obj: Any) -> None:
    """Scalar column defaults set now, so the recorded change holds the value the row gets."""
    if not getattr(type(obj), "__synced__", False):
        return
    for attr in inspect(obj).mapper.column_attrs:
        col = attr.columns[0]
        if getattr(obj, attr.key) is None and col.default is not None and not callable(col.default.arg) \
                and not getattr(col.default, "is_sequence", False):
            setattr(obj, attr.key, col.default.arg)


def _derive(obj: Any) -> None:
    """Fields computed from others, so a partner that does not receive the source still has them.

    Only when the source is set or changed here: on a site of another commune a person has a birth
    year and no birth date (it stayed home), and editing another field must not erase the year."""
    if hasattr(obj, "birth_year") and hasattr(obj, "birth_date"):
        st = inspect(obj)
        if st.persistent and not st.attrs.birth_date.history.has_changes():
            return
        if obj.birth_date is None and st.pending:
            return  # created without a birth date: a birth year given alone is kept
        year = obj.birth_date.year if isinstance(obj.birth_date, dt.date) else None
        if obj.birth_year != year:
            obj.birth_year = year


def install(session_factory=None) -> None:
    """Attach change capture to every ORM session (idempotent); it acts on the sessions a unit of
    work opens (they carry ``username`` in ``info``).

    Registered once on the ``Session`` class: listening on each sessionmaker looked the same, but
    SQLAlchemy's registry is keyed by ``id()``, so a new sessionmaker that reused the address of a
    collected one was taken as "already listening" and its writes went uncaptured.
    """
    del session_factory
    if not event.contains(Session, "before_flush", _before_flush):
        event.listen(Session, "before_flush", _before_flush)
    if not event.contains(Session, "after_flush", _after_flush):
        event.listen(Session, "after_flush", _after_flush)
