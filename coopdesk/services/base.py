"""What every service shares: who acts, the unit of work, permissions, plain-data conversion."""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterator
from typing import Any, TypeVar

from sqlalchemy import exc as sa_exc
from sqlalchemy import inspect, select
from sqlalchemy.orm import Session, sessionmaker

from coopdesk.db import capture
from coopdesk.db.engine import Database
from coopdesk.db.models import Base, LocalSetting
from coopdesk.errors import CoopError, PermissionDenied
from coopdesk.services.actor import SYSTEM, Actor  # noqa: F401 - re-exported

T = TypeVar("T", bound=Base)




class Context:
    """A database, the actor and this node's hybrid logical clock: what a service needs to work."""

    def __init__(self, db: Database, actor: Actor = SYSTEM) -> None:
        self.db = db
        self.actor = actor
        self._factory = sessionmaker(bind=db.engine, expire_on_commit=False, future=True)
        capture.install(self._factory)
        from coopdesk.services import locks

        locks.install()
        self._node: tuple[str, str] | None = None
        self._shared: dict[str, Any] = {}

    def with_actor(self, actor: Actor) -> Context:
        other = Context.__new__(Context)
        other.__dict__.update(self.__dict__)
        other.actor = actor
        return other

    def node(self) -> tuple[str, str]:
        """(node id, node code) of this installation, or ("", "") before ``init``."""
        if self._node is None or not self._node[0]:
            with self._factory() as s:
                rows = dict(s.execute(select(LocalSetting.key, LocalSetting.value).where(
                    LocalSetting.key.in_(("node_id", "node_code", "sync_hlc")))).all())
            self._node = (rows.get("node_id", ""), rows.get("node_code", ""))
            if self._node[1] and self._shared.get("clock") is None:
                from coopdesk.sync.hlc import HLC, Timestamp

                last = None
                if rows.get("sync_hlc"):
                    ts = Timestamp.decode(rows["sync_hlc"])
                    last = Timestamp(ts.wall, ts.counter, self._node[1])
                self._shared["clock"] = HLC(self._node[1], last=last)
        return self._node

    @property
    def clock(self) -> Any:
        """This node's hybrid logical clock (one per database in a process, shared by all actors)."""
        self.node()
        return self._shared.get("clock")

    def forget_node(self) -> None:
        self._node = None

    @contextlib.contextmanager
    def uow(self, write: bool = False) -> Iterator[Session]:
        """One unit of work: commits when the block ends normally, rolls back on any error."""
        if write and not self.actor.can_edit:
            raise PermissionDenied(self.actor.role)
        node_id, node_code = self.node()
        session = self._factory()
        session.info.update(username=self.actor.username, node_id=node_id, node_code=node_code,
                            clock=self.clock if node_id else None)
        try:
            yield session
            if write:
                session.commit()
            # A read ends with close() alone: rollback would expire what the caller still reads.
        except sa_exc.OperationalError as exc:
            session.rollback()
            if "locked" in str(exc) or "busy" in str(exc):
                raise CoopError("db_locked") from exc
            if "readonly" in str(exc) or "read-only" in str(exc):
                raise CoopError("db_unwritable", path=str(self.db.path or self.db.url)) from exc
            raise
        except sqlite3.OperationalError as exc:
            session.rollback()
            raise CoopError("db_unwritable", path=str(self.db.path or self.db.url)) from exc
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()


def get(session: Session, model: type[T], row_id: str | None, entity: str | None = None) -> T:
    obj = session.get(model, row_id) if row_id else None
    if obj is None:
        raise CoopError("not_found", entity=entity or model.__tablename__, id=row_id or "")
    return obj


def as_dict(obj: Any, *, exclude: tuple[str, ...] = ()) -> dict[str, Any]:
    """Plain data of a mapped row (column attributes only)."""
    mapper = inspect(obj).mapper
    return {a.key: getattr(obj, a.key) for a in mapper.column_attrs if a.key not in exclude}


def apply(obj: Any, values: dict[str, Any]) -> None:
    for key, value in values.items():
        if getattr(obj, key) != value:
            setattr(obj, key, value)


def setting(session: Session, key: str, default: str = "") -> str:
    row = session.get(LocalSetting, key)
    return row.value if row else default


def set_setting(session: Session, key: str, value: str) -> None:
    row = session.get(LocalSetting, key)
    if row is None:
        session.add(LocalSetting(key=key, value=value))
    else:
        row.value = value
