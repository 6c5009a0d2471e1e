"""The service layer: the one API that the desktop app, the command line and scripts use.

    from coopdesk.services import open_services
    svc = open_services("coopdesk.db")
    svc.setup.init("TIZ")
    person = svc.people.create_person(first_name="Fatima", last_name="Ait Ali", sex="F", commune="TIZ")

Each area's service is built, and its module imported, the first time it is asked for. The desktop
app goes further: it opens the services with ``lazy=True``, so an SQLite file already at this
version's schema is only checked (with ``sqlite3``), the dashboard is read through ``overview``
with plain SQL, and SQLAlchemy, the mapped models and the engine are loaded when a service first
needs them, or by ``warm_up`` once the window is shown (docs/performance.md, "Desktop").
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from coopdesk.services.actor import SYSTEM, Actor

if TYPE_CHECKING:
    from coopdesk.db.engine import Database
    from coopdesk.db.reader import Reader
    from coopdesk.people.auth import AuthService
    from coopdesk.people.dedup import DedupService
    from coopdesk.people.exports import ExportService
    from coopdesk.people.imports import ImportService
    from coopdesk.people.privacy import PrivacyService
    from coopdesk.services.admin import AttachmentService, AuditService, UserService
    from coopdesk.services.base import Context
    from coopdesk.services.checks import CheckService
    from coopdesk.services.committee import CommitteeService
    from coopdesk.services.convention import ConventionService
    from coopdesk.services.events import EventService
    from coopdesk.services.funding import FundingService
    from coopdesk.services.indicators import IndicatorService
    from coopdesk.services.overview import Overview
    from coopdesk.services.people import PeopleService
    from coopdesk.services.plans import PlanService
    from coopdesk.services.setup import SetupService
    from coopdesk.sync.service import SyncService


class Services:
    """Every area's service over one database, acting as one user."""

    def __init__(self, db: Database | None, actor: Actor = SYSTEM, *, target: str | Path | None = None,
                 sqlite_path: Path | None = None) -> None:
        """Over an open ``db``; or, with ``db`` None, over ``target`` opened on first use (then
        ``sqlite_path`` is the SQLite file, already checked to be at this version's schema)."""
        self._actor = actor
        self._target = target
        self._sqlite_path = sqlite_path
        self._lock = threading.RLock()
        self._db: Database | None = None
        self._ctx: Context | None = None
        if db is not None:
            self._db = db
            self._sqlite_path = db.path

    @property
    def db(self) -> Database:
        if self._db is None:
            with self._lock:
                if self._db is None:
                    from coopdesk.db.engine import open_database

                    self._db = open_database(self._target if self._target is not None else "")
        return self._db

    @property
    def ctx(self) -> Context:
        if self._ctx is None:
            with self._lock:
                if self._ctx is None:
                    from coopdesk.people.dedup import install_key_maintenance
                    from coopdesk.services.base import Context

                    # Before the first write: every ORM write of a person, whichever service makes
                    # it, keeps the name keys of the duplicate check current.
                    install_key_maintenance()
                    self._ctx = Context(self.db, self._actor)
        return self._ctx

    def warm_up(self) -> None:
        """Load now what the first service call would: SQLAlchemy, the mapped models, the engine.
        The desktop app calls it on a thread of its own once the window is shown."""
        from sqlalchemy.orm import configure_mappers

        self.ctx  # noqa: B018 - the point is its side effect
        configure_mappers()

    @contextlib.contextmanager
    def reading(self) -> Iterator[Reader]:
        """A reader for plain SQL (coopdesk/db/reader.py): on an SQLite file, a sqlite3 connection
        of its own, which needs no SQLAlchemy; on a server, the services' connection."""
        if self._sqlite_path is not None:
            from coopdesk.db.reader import SqliteReader

            with SqliteReader(self._sqlite_path) as reader:
                yield reader
        else:
            from coopdesk.db.reader import ConnectionReader

            with self.ctx.uow() as s:
                yield ConnectionReader(s.connection())

    @cached_property
    def overview(self) -> Overview:
        from coopdesk.services.overview import Overview

        return Overview(self.reading)

    @cached_property
    def setup(self) -> SetupService:
        from coopdesk.services.setup import SetupService

        return SetupService(self.ctx)

    @cached_property
    def convention(self) -> ConventionService:
        from coopdesk.services.convention import ConventionService

        return ConventionService(self.ctx)

    @cached_property
    def plans(self) -> PlanService:
        from coopdesk.services.plans import PlanService

        return PlanService(self.ctx)

    @cached_property
    def people(self) -> PeopleService:
        from coopdesk.services.people import PeopleService

        return PeopleService(self.ctx)

    @cached_property
    def events(self) -> EventService:
        from coopdesk.services.events import EventService

        return EventService(self.ctx)

    @cached_property
    def committee(self) -> CommitteeService:
        from coopdesk.services.committee import CommitteeService

        return CommitteeService(self.ctx)

    @cached_property
    def funding(self) -> FundingService:
        from coopdesk.services.funding import FundingService

        return FundingService(self.ctx)

    @cached_property
    def indicators(self) -> IndicatorService:
        from coopdesk.services.indicators import IndicatorService

        return IndicatorService(self.ctx)

    @cached_property
    def checks(self) -> CheckService:
        from coopdesk.services.checks import CheckService

        return CheckService(self.ctx)

    @cached_property
    def users(self) -> UserService:
        from coopdesk.services.admin import UserService

        return UserService(self.ctx)

    @cached_property
    def audit(self) -> AuditService:
        from coopdesk.services.admin import AuditService

        return AuditService(self.ctx)

    @cached_property
    def attachments(self) -> AttachmentService:
        from coopdesk.services.admin import AttachmentService

        return AttachmentService(self.ctx)

    @cached_property
    def sync(self) -> SyncService:
        from coopdesk.sync.service import SyncService

        return SyncService(self.ctx)

    @cached_property
    def dedup(self) -> DedupService:
        from coopdesk.people.dedup import DedupService

        return DedupService(self.ctx)

    @cached_property
    def imports(self) -> ImportService:
        from coopdesk.people.imports import ImportService

        return ImportService(self.ctx)

    @cached_property
    def exports(self) -> ExportService:
        from coopdesk.people.exports import ExportService

        return ExportService(self.ctx)

    @cached_property
    def privacy(self) -> PrivacyService:
        from coopdesk.people.privacy import PrivacyService

        return PrivacyService(self.ctx)

    @cached_property
    def auth(self) -> AuthService:
        from coopdesk.people.auth import AuthService

        return AuthService(self.ctx)

    @property
    def actor(self) -> Actor:
        return self._actor

    def as_user(self, actor: Actor) -> Services:
        """The same database seen by another user (services built again, lazily, for that actor)."""
        other = Services(self.db, actor)
        other._ctx = self.ctx.with_actor(actor)
        return other

    def close(self) -> None:
        if self._db is not None:
            self._db.dispose()


def open_services(db: str | Path, actor: Actor = SYSTEM, *, create: bool = True, lazy: bool = False) -> Services:
    """The services over ``db`` (a file or an SQLAlchemy URL), created or upgraded as needed.

    ``lazy``: an SQLite file that exists at this version's schema is checked without SQLAlchemy
    (not SQLite, not CoopDesk, newer version: refused as always) and the engine is opened on first
    use; anything else (a new file, one to upgrade, a server) is opened now."""
    if lazy:
        from coopdesk.db.files import current_sqlite_file

        path = current_sqlite_file(db)
        if path is not None:
            return Services(None, actor, target=db, sqlite_path=path)
    from coopdesk.db.engine import open_database

    return Services(open_database(db, create=create), actor)

