"""The service layer: the one API that the desktop app, the command line and scripts use.

    from coopdesk.services import open_services
    svc = open_services("coopdesk.db")
    svc.setup.init("TIZ")
    person = svc.people.create_person(first_name="Fatima", last_name="Ait Ali", sex="F", commune="TIZ")

Each area's service is built, and its module imported, the first time it is asked for: the desktop
app's start shows the dashboard without loading sync, imports, exports and the rest
(docs/performance.md, "Desktop").
"""

from __future__ import annotations

from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from coopdesk.db.engine import Database, open_database
from coopdesk.people.dedup import install_key_maintenance
from coopdesk.services.base import SYSTEM, Actor, Context

if TYPE_CHECKING:
    from coopdesk.people.auth import AuthService
    from coopdesk.people.dedup import DedupService
    from coopdesk.people.exports import ExportService
    from coopdesk.people.imports import ImportService
    from coopdesk.people.privacy import PrivacyService
    from coopdesk.services.admin import AttachmentService, AuditService, UserService
    from coopdesk.services.checks import CheckService
    from coopdesk.services.committee import CommitteeService
    from coopdesk.services.convention import ConventionService
    from coopdesk.services.events import EventService
    from coopdesk.services.funding import FundingService
    from coopdesk.services.indicators import IndicatorService
    from coopdesk.services.people import PeopleService
    from coopdesk.services.plans import PlanService
    from coopdesk.services.setup import SetupService
    from coopdesk.sync.service import SyncService


class Services:
    """Every area's service over one database, acting as one user."""

    def __init__(self, db: Database, actor: Actor = SYSTEM) -> None:
        self.db = db
        self.ctx = Context(db, actor)
        # Not lazy: every ORM write of a person, whichever service makes it, keeps the name keys of
        # the duplicate check current, so the listeners are in place before the first write.
        install_key_maintenance()

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
        return self.ctx.actor

    def as_user(self, actor: Actor) -> Services:
        """The same database seen by another user (services built again, lazily, for that actor)."""
        other = Services.__new__(Services)
        other.db = self.db
        other.ctx = self.ctx.with_actor(actor)
        return other

    def close(self) -> None:
        self.db.dispose()


def open_services(db: str | Path, actor: Actor = SYSTEM, *, create: bool = True) -> Services:
    return Services(open_database(db, create=create), actor)


__all__ = ["Actor", "Services", "open_services", "SYSTEM"]
