"""The service layer: the one API that the desktop app, the command line and scripts use.

    from coopdesk.services import open_services
    svc = open_services("coopdesk.db")
    svc.setup.init("TIZ")
    person = svc.people.create_person(first_name="Fatima", last_name="Ait Ali", sex="F", commune="TIZ")
"""

from __future__ import annotations

from pathlib import Path

from coopdesk.db.engine import Database, open_database
from coopdesk.services.admin import AttachmentService, AuditService, UserService
from coopdesk.services.base import SYSTEM, Actor, Context
from coopdesk.services.checks import CheckService
from coopdesk.services.committee import CommitteeService
from coopdesk.services.convention import ConventionService
from coopdesk.services.events import EventService
from coopdesk.services.funding import FundingService
from coopdesk.services.indicators import IndicatorService
from coopdesk.services.people import PeopleService
from coopdesk.services.plans import PlanService
from coopdesk.services.setup import SetupService


class Services:
    """Every area's service over one database, acting as one user."""

    def __init__(self, db: Database, actor: Actor = SYSTEM) -> None:
        self.db = db
        self.ctx = Context(db, actor)
        self._build()

    def _build(self) -> None:
        ctx = self.ctx
        self.setup = SetupService(ctx)
        self.convention = ConventionService(ctx)
        self.plans = PlanService(ctx)
        self.people = PeopleService(ctx)
        self.events = EventService(ctx)
        self.committee = CommitteeService(ctx)
        self.funding = FundingService(ctx)
        self.indicators = IndicatorService(ctx)
        self.checks = CheckService(ctx)
        self.users = UserService(ctx)
        self.audit = AuditService(ctx)
        self.attachments = AttachmentService(ctx)
        from coopdesk.sync.service import SyncService

        self.sync = SyncService(ctx)
        self._build_people(ctx)

    def _build_people(self, ctx: Context) -> None:
        from coopdesk.people.auth import AuthService
        from coopdesk.people.dedup import DedupService, install_key_maintenance
        from coopdesk.people.exports import ExportService
        from coopdesk.people.imports import ImportService
        from coopdesk.people.privacy import PrivacyService

        install_key_maintenance()
        self.dedup = DedupService(ctx)
        self.imports = ImportService(ctx)
        self.exports = ExportService(ctx)
        self.privacy = PrivacyService(ctx)
        self.auth = AuthService(ctx)

    @property
    def actor(self) -> Actor:
        return self.ctx.actor

    def as_user(self, actor: Actor) -> Services:
        other = Services.__new__(Services)
        other.db = self.db
        other.ctx = self.ctx.with_actor(actor)
        other._build()
        return other

    def close(self) -> None:
        self.db.dispose()


def open_services(db: str | Path, actor: Actor = SYSTEM, *, create: bool = True) -> Services:
    return Services(open_database(db, create=create), actor)


__all__ = ["Actor", "Services", "open_services", "SYSTEM"]
