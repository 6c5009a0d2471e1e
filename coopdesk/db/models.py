"""SQLAlchemy 2.0 typed mappings of the convention's domain.

Every synced row has a UUID primary key (text, portable to PostgreSQL). Amounts are integers in
minor units (cents/centimes) so no backend rounds them. Codes (statuses, roles, kinds) are short
strings whose labels live in :mod:`coopdesk.domain.constants`.
"""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


def new_id() -> str:
    return str(uuid.uuid4())


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


class Base(DeclarativeBase):
    pass


class Synced:
    """Rows that travel in sync bundles and appear in the audit trail.

    A table whose rows are unique by other columns declares them in ``__natural_key__``: a new row
    gets a UUIDv5 of those values (``coopdesk.db.capture.natural_id``), so the same record created
    offline on two sites is one row after sync, merged field by field.
    """

    __synced__ = True
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)


FK = ForeignKey


def fk(target: str, nullable: bool = False, ondelete: str | None = None) -> Mapped:
    return mapped_column(String(36), ForeignKey(target, ondelete=ondelete), nullable=nullable, index=True)


# --------------------------------------------------------------------------------- sites


class Commune(Synced, Base):
    __tablename__ = "commune"
    code: Mapped[str] = mapped_column(String(8), unique=True)
    name_fr: Mapped[str] = mapped_column(String(120))
    name_ar: Mapped[str] = mapped_column(String(120), default="")
    name_zgh: Mapped[str] = mapped_column(String(120), default="")
    country: Mapped[str] = mapped_column(String(2))
    currency: Mapped[str] = mapped_column(String(3))
    timezone: Mapped[str] = mapped_column(String(40))
    representative_name: Mapped[str] = mapped_column(String(120), default="")
    representative_title: Mapped[str] = mapped_column(String(200), default="")
    representative_title_ar: Mapped[str] = mapped_column(String(200), default="")


class Node(Synced, Base):
    """One installation. Several nodes may belong to one commune."""

    __tablename__ = "node"
    code: Mapped[str] = mapped_column(String(16), unique=True)
    name: Mapped[str] = mapped_column(String(120), default="")
    commune_id: Mapped[str] = fk("commune.id")
    commune: Mapped[Commune] = relationship()


class LocalSetting(Base):
    """Settings of this installation only (never synced): which node we are, keys, retention."""

    __tablename__ = "local_setting"
    key: Mapped[str] = mapped_column(String(60), primary_key=True)
    value: Mapped[str] = mapped_column(Text, default="")


# --------------------------------------------------------------------------------- convention


class Convention(Synced, Base):
    __tablename__ = "convention"
    title: Mapped[str] = mapped_column(String(300))
    deliberation_vlg: Mapped[dt.date | None] = mapped_column(Date)
    deliberation_tiz: Mapped[dt.date | None] = mapped_column(Date)
    transmitted_prefecture: Mapped[dt.date | None] = mapped_column(Date)
    signed_tiz: Mapped[dt.date | None] = mapped_column(Date)
    signed_vlg: Mapped[dt.date | None] = mapped_column(Date)
    visa_governor: Mapped[dt.date | None] = mapped_column(Date)
    visa_prefet: Mapped[dt.date | None] = mapped_column(Date)
    term_years: Mapped[int] = mapped_column(Integer, default=3)
    tacit_renewal: Mapped[bool] = mapped_column(Boolean, default=True)
    notice_months: Mapped[int] = mapped_column(Integer, default=3)
    terminated_on: Mapped[dt.date | None] = mapped_column(Date)


class Amendment(Synced, Base):
    __tablename__ = "amendment"
    convention_id: Mapped[str] = fk("convention.id")
    number: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(300))
    text: Mapped[str] = mapped_column(Text, default="")
    decision_id: Mapped[str | None] = fk("decision.id", nullable=True)
    signed_tiz: Mapped[dt.date | None] = mapped_column(Date)
    signed_vlg: Mapped[dt.date | None] = mapped_column(Date)


class Axis(Synced, Base):
    __tablename__ = "axis"
    code: Mapped[str] = mapped_column(String(8), unique=True)
    kind: Mapped[str] = mapped_column(String(12))
    position: Mapped[int] = mapped_column(Integer, default=0)
    name_fr: Mapped[str] = mapped_column(String(200))
    name_ar: Mapped[str] = mapped_column(String(200), default="")
    name_zgh: Mapped[str] = mapped_column(String(200), default="")
    name_en: Mapped[str] = mapped_column(String(200), default="")
    decision_id: Mapped[str | None] = fk("decision.id", nullable=True)


# --------------------------------------------------------------------------------- plans


class Plan(Synced, Base):
    __tablename__ = "plan"
    __natural_key__ = ('year',)
    year: Mapped[int] = mapped_column(Integer, unique=True)
    status: Mapped[str] = mapped_column(String(12), default="draft")
    validated_on: Mapped[dt.date | None] = mapped_column(Date)
    decision_id: Mapped[str | None] = fk("decision.id", nullable=True)
    evaluation: Mapped[str] = mapped_column(Text, default="")
    locked: Mapped[bool] = mapped_column(Boolean, default=False)


class Action(Synced, Base):
    __tablename__ = "action"
    __natural_key__ = ('plan_id', 'code')
    __table_args__ = (UniqueConstraint("plan_id", "code"),)
    plan_id: Mapped[str] = fk("plan.id")
    code: Mapped[str] = mapped_column(String(16))
    axis_id: Mapped[str] = fk("axis.id")
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    lead_commune_id: Mapped[str | None] = fk("commune.id", nullable=True)
    start: Mapped[dt.date | None] = mapped_column(Date)
    end: Mapped[dt.date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(12), default="planned")
    budget: Mapped[int] = mapped_column(Integer, default=0)
    budget_currency: Mapped[str] = mapped_column(String(3), default="EUR")
    plan: Mapped[Plan] = relationship()
    axis: Mapped[Axis] = relationship()


class ActionTheme(Synced, Base):
    """A transversal theme (gender equality, Amazigh and francophone culture) of an action."""

    __tablename__ = "action_theme"
    __natural_key__ = ('action_id', 'axis_id')
    __table_args__ = (UniqueConstraint("action_id", "axis_id"),)
    action_id: Mapped[str] = fk("action.id", ondelete="CASCADE")
    axis_id: Mapped[str] = fk("axis.id")


class Organisation(Synced, Base):
    __tablename__ = "organisation"
    name: Mapped[str] = mapped_column(String(200))
    short_name: Mapped[str] = mapped_column(String(40), default="")
    kind: Mapped[str] = mapped_column(String(16), default="other")
    country: Mapped[str] = mapped_column(String(2), default="")
    commune_id: Mapped[str | None] = fk("commune.id", nullable=True)
    contact: Mapped[str] = mapped_column(Text, default="")


class ActionPartner(Synced, Base):
    __tablename__ = "action_partner"
    __natural_key__ = ('action_id', 'organisation_id')
    __table_args__ = (UniqueConstraint("action_id", "organisation_id"),)
    action_id: Mapped[str] = fk("action.id", ondelete="CASCADE")
    organisation_id: Mapped[str] = fk("organisation.id")
    role: Mapped[str] = mapped_column(String(120), default="")


class FundingRequest(Synced, Base):
    __tablename__ = "funding_request"
    action_id: Mapped[str] = fk("action.id")
    funder_id: Mapped[str] = fk("organisation.id")
    currency: Mapped[str] = mapped_column(String(3))
    requested: Mapped[int] = mapped_column(Integer, default=0)
    granted: Mapped[int] = mapped_column(Integer, default=0)
    paid: Mapped[int] = mapped_column(Integer, default=0)
    # MAD per 1 EUR, times 10 000 (e.g. 10.85 -> 108500), so conversions are reproducible.
    rate_mad_per_eur_e4: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[str] = mapped_column(String(12), default="draft")
    requested_on: Mapped[dt.date | None] = mapped_column(Date)
    notes: Mapped[str] = mapped_column(Text, default="")


class Indicator(Synced, Base):
    __tablename__ = "indicator"
    action_id: Mapped[str] = fk("action.id")
    code: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(300))
    unit: Mapped[str] = mapped_column(String(40), default="persons")
    method: Mapped[str] = mapped_column(String(16), default="enrolments")
    milestone_kind: Mapped[str | None] = mapped_column(String(16))
    target_total: Mapped[int] = mapped_column(Integer, default=0)


class IndicatorTarget(Synced, Base):
    __tablename__ = "indicator_target"
    __natural_key__ = ('indicator_id', 'commune_id')
    __table_args__ = (UniqueConstraint("indicator_id", "commune_id"),)
    indicator_id: Mapped[str] = fk("indicator.id", ondelete="CASCADE")
    commune_id: Mapped[str] = fk("commune.id")
    target: Mapped[int] = mapped_column(Integer, default=0)


class IndicatorValue(Synced, Base):
    """A value reported by hand, always per commune and sex."""

    __tablename__ = "indicator_value"
    __natural_key__ = ('indicator_id', 'commune_id', 'sex')
    __table_args__ = (UniqueConstraint("indicator_id", "commune_id", "sex"),)
    indicator_id: Mapped[str] = fk("indicator.id", ondelete="CASCADE")
    commune_id: Mapped[str] = fk("commune.id")
    sex: Mapped[str] = mapped_column(String(1))
    value: Mapped[int] = mapped_column(Integer, default=0)


# --------------------------------------------------------------------------------- people


class Person(Synced, Base):
    __tablename__ = "person"
    first_name: Mapped[str] = mapped_column(String(120), default="")
    last_name: Mapped[str] = mapped_column(String(120), default="", index=True)
    first_name_ar: Mapped[str] = mapped_column(String(120), default="")
    last_name_ar: Mapped[str] = mapped_column(String(120), default="")
    # Folded "last first" in Latin and Arabic script, for search and duplicate checks.
    search_key: Mapped[str] = mapped_column(String(400), default="", index=True)
    sex: Mapped[str] = mapped_column(String(1))
    birth_date: Mapped[dt.date | None] = mapped_column(Date)
    # Kept equal to birth_date's year by change capture: what a partner commune receives instead.
    birth_year: Mapped[int | None] = mapped_column(Integer)
    commune_id: Mapped[str] = fk("commune.id")
    phone: Mapped[str] = mapped_column(String(40), default="")
    email: Mapped[str] = mapped_column(String(120), default="")
    address: Mapped[str] = mapped_column(Text, default="")
    disability: Mapped[bool] = mapped_column(Boolean, default=False)
    disability_details: Mapped[str] = mapped_column(Text, default="")
    consent_date: Mapped[dt.date | None] = mapped_column(Date)
    consent_scope: Mapped[str] = mapped_column(String(200), default="")
    consent_collected_by: Mapped[str] = mapped_column(String(120), default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    anonymised: Mapped[bool] = mapped_column(Boolean, default=False)
    commune: Mapped[Commune] = relationship()


class Enrolment(Synced, Base):
    __tablename__ = "enrolment"
    __natural_key__ = ('person_id', 'action_id')
    __table_args__ = (UniqueConstraint("person_id", "action_id"),)
    person_id: Mapped[str] = fk("person.id")
    action_id: Mapped[str] = fk("action.id")
    enrolled_on: Mapped[dt.date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(12), default="active")


class Milestone(Synced, Base):
    __tablename__ = "milestone"
    enrolment_id: Mapped[str] = fk("enrolment.id", ondelete="CASCADE")
    kind: Mapped[str] = mapped_column(String(16))
    on: Mapped[dt.date] = mapped_column(Date)
    notes: Mapped[str] = mapped_column(Text, default="")


# --------------------------------------------------------------------------------- events


class Event(Synced, Base):
    __tablename__ = "event"
    action_id: Mapped[str | None] = fk("action.id", nullable=True)
    type: Mapped[str] = mapped_column(String(12), default="other")
    title: Mapped[str] = mapped_column(String(300))
    start: Mapped[dt.date] = mapped_column(Date)
    end: Mapped[dt.date | None] = mapped_column(Date)
    place: Mapped[str] = mapped_column(String(200), default="")
    commune_id: Mapped[str | None] = fk("commune.id", nullable=True)
    responsible: Mapped[str] = mapped_column(String(120), default="")
    emergency_contact: Mapped[str] = mapped_column(String(120), default="")
    safety_notes: Mapped[str] = mapped_column(Text, default="")
    mixed_teams: Mapped[bool] = mapped_column(Boolean, default=False)
    # Anonymous head counts for public events where names are not taken.
    anonymous_f: Mapped[int] = mapped_column(Integer, default=0)
    anonymous_m: Mapped[int] = mapped_column(Integer, default=0)


class Participation(Synced, Base):
    __tablename__ = "participation"
    __natural_key__ = ('event_id', 'person_id')
    # The covering index lets the year's indicators count attendees without reading the rows.
    __table_args__ = (UniqueConstraint("event_id", "person_id"),
                      Index("ix_participation_event_status_person", "event_id", "status", "person_id"))
    event_id: Mapped[str] = fk("event.id", ondelete="CASCADE")
    person_id: Mapped[str] = fk("person.id")
    status: Mapped[str] = mapped_column(String(12), default="registered")


class EventHeadcount(Synced, Base):
    """Anonymous participants of an event counted by sex and age band (names not taken); when an
    event has any, its ``anonymous_f`` / ``anonymous_m`` are their sums (set by the events service)."""
    __tablename__ = "event_headcount"
    __natural_key__ = ("event_id", "sex", "age_band")
    __table_args__ = (UniqueConstraint("event_id", "sex", "age_band"),)
    event_id: Mapped[str] = fk("event.id", ondelete="CASCADE")
    sex: Mapped[str] = mapped_column(String(1))
    age_band: Mapped[str] = mapped_column(String(8))
    count: Mapped[int] = mapped_column(Integer, default=0)


class Team(Synced, Base):
    __tablename__ = "team"
    event_id: Mapped[str] = fk("event.id", ondelete="CASCADE")
    name: Mapped[str] = mapped_column(String(120))


class TeamMember(Synced, Base):
    __tablename__ = "team_member"
    __natural_key__ = ('team_id', 'person_id')
    __table_args__ = (UniqueConstraint("team_id", "person_id"),)
    team_id: Mapped[str] = fk("team.id", ondelete="CASCADE")
    person_id: Mapped[str] = fk("person.id")


# --------------------------------------------------------------------------------- committee


class Meeting(Synced, Base):
    __tablename__ = "meeting"
    number: Mapped[int] = mapped_column(Integer)
    host_commune_id: Mapped[str] = fk("commune.id")
    place: Mapped[str] = mapped_column(String(200), default="")
    country: Mapped[str] = mapped_column(String(2))
    held_at: Mapped[dt.datetime] = mapped_column(DateTime)
    convened_on: Mapped[dt.date | None] = mapped_column(Date)
    secretary: Mapped[str] = mapped_column(String(120), default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    host_commune: Mapped[Commune] = relationship()


class Attendee(Synced, Base):
    __tablename__ = "attendee"
    meeting_id: Mapped[str] = fk("meeting.id", ondelete="CASCADE")
    name: Mapped[str] = mapped_column(String(120))
    title: Mapped[str] = mapped_column(String(200), default="")
    role: Mapped[str] = mapped_column(String(12), default="elected")
    commune_id: Mapped[str | None] = fk("commune.id", nullable=True)
    presence: Mapped[str] = mapped_column(String(12), default="present")
    is_president: Mapped[bool] = mapped_column(Boolean, default=False)


class AgendaItem(Synced, Base):
    __tablename__ = "agenda_item"
    meeting_id: Mapped[str] = fk("meeting.id", ondelete="CASCADE")
    position: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(300))
    debate: Mapped[str] = mapped_column(Text, default="")


class Decision(Synced, Base):
    __tablename__ = "decision"
    meeting_id: Mapped[str] = fk("meeting.id", ondelete="CASCADE")
    agenda_item_id: Mapped[str | None] = fk("agenda_item.id", nullable=True)
    number: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(300))
    text: Mapped[str] = mapped_column(Text, default="")
    kind: Mapped[str] = mapped_column(String(16), default="general")


class Vote(Synced, Base):
    __tablename__ = "vote"
    __natural_key__ = ('decision_id', 'attendee_id')
    __table_args__ = (UniqueConstraint("decision_id", "attendee_id"),)
    decision_id: Mapped[str] = fk("decision.id", ondelete="CASCADE")
    attendee_id: Mapped[str] = fk("attendee.id")
    value: Mapped[str] = mapped_column(String(8))


class Minutes(Synced, Base):
    __tablename__ = "minutes"
    __natural_key__ = ('meeting_id', 'version')
    __table_args__ = (UniqueConstraint("meeting_id", "version"),)
    meeting_id: Mapped[str] = fk("meeting.id", ondelete="CASCADE")
    version: Mapped[int] = mapped_column(Integer, default=1)
    content: Mapped[str] = mapped_column(Text, default="")
    finalised_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    fingerprint: Mapped[str] = mapped_column(String(64), default="")
    scan_attachment_id: Mapped[str | None] = fk("attachment.id", nullable=True)


class Signature(Synced, Base):
    __tablename__ = "signature"
    __natural_key__ = ('minutes_id', 'commune_id')
    __table_args__ = (UniqueConstraint("minutes_id", "commune_id"),)
    minutes_id: Mapped[str] = fk("minutes.id", ondelete="CASCADE")
    commune_id: Mapped[str] = fk("commune.id")
    signer_name: Mapped[str] = mapped_column(String(120))
    signer_title: Mapped[str] = mapped_column(String(200), default="")
    signed_on: Mapped[dt.date] = mapped_column(Date)
    place: Mapped[str] = mapped_column(String(120), default="")


# --------------------------------------------------------------------------------- files, users, audit


class Blob(Base):
    """File contents stored once, by SHA-256."""

    __tablename__ = "blob"
    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    size: Mapped[int] = mapped_column(Integer)
    data: Mapped[bytes] = mapped_column(LargeBinary)


class Attachment(Synced, Base):
    __tablename__ = "attachment"
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    filename: Mapped[str] = mapped_column(String(255))
    mime: Mapped[str] = mapped_column(String(100), default="application/octet-stream")
    size: Mapped[int] = mapped_column(Integer)
    entity: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[str] = mapped_column(String(36), index=True)
    description: Mapped[str] = mapped_column(String(300), default="")


class User(Base):
    """A local account on this installation (not synced: passwords never leave the PC)."""

    __tablename__ = "user"
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    username: Mapped[str] = mapped_column(String(60), unique=True)
    full_name: Mapped[str] = mapped_column(String(120), default="")
    role: Mapped[str] = mapped_column(String(8), default="editor")
    can_see_health: Mapped[bool] = mapped_column(Boolean, default=False)
    password_hash: Mapped[str] = mapped_column(String(200), default="")
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked: Mapped[bool] = mapped_column(Boolean, default=False)


class AuditEntry(Base):
    __tablename__ = "audit"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, index=True)
    username: Mapped[str] = mapped_column(String(60), default="")
    node: Mapped[str] = mapped_column(String(16), default="")
    entity: Mapped[str] = mapped_column(String(40), index=True)
    row_id: Mapped[str] = mapped_column(String(36), index=True)
    op: Mapped[str] = mapped_column(String(12))  # create, update, delete, anonymise, resolve, import…
    before: Mapped[str] = mapped_column(Text, default="")
    after: Mapped[str] = mapped_column(Text, default="")


class Change(Base):
    """Field-level change log for sync: one row per (entity, row, field) and hybrid logical time."""

    __tablename__ = "change"
    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    hlc: Mapped[str] = mapped_column(String(40), index=True)
    node_id: Mapped[str] = mapped_column(String(36), index=True)
    entity: Mapped[str] = mapped_column(String(40))
    row_id: Mapped[str] = mapped_column(String(36))
    field: Mapped[str] = mapped_column(String(60))
    value: Mapped[str | None] = mapped_column(Text)


def synced_classes() -> list[type[Base]]:
    return [m.class_ for m in Base.registry.mappers if getattr(m.class_, "__synced__", False)]


def by_tablename() -> dict[str, type[Base]]:
    return {m.class_.__tablename__: m.class_ for m in Base.registry.mappers}
