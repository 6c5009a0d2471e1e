"""Personal data protection: consent per purpose, pseudonyms, anonymisation, retention.

Anonymising a person is an ordinary ORM update (so it is audited and reaches the partner sites
through sync), followed by a scrub of the places that still hold the old values: the audit trail,
the sync change log and any other local table, then a checkpoint and a VACUUM so no old page of
the file keeps them.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import secrets
from typing import Any

from sqlalchemy import String, Text, func, or_, select, update
from sqlalchemy.orm import Session

from coopdesk.db.models import (
    Attachment,
    AuditEntry,
    Base,
    Blob,
    Change,
    Enrolment,
    Event,
    Milestone,
    Participation,
    Person,
)
from coopdesk.domain.fields import parse_date
from coopdesk.errors import CoopError, PermissionDenied, ValidationError, register_messages
from coopdesk.i18n import N_
from coopdesk.people.models import Consent, PersonNameKey
from coopdesk.services.base import Context, as_dict, get, set_setting, setting

PURPOSES = {
    "followup": N_("Follow-up in the cooperation programme"),
    "partners": N_("Reports to partners and funders"),
    "images": N_("Photos and videos"),
    "contact": N_("News and invitations"),
}
# Erased by an anonymisation. Sex, commune, birth year and the disability flag stay: the
# indicators (per commune, sex and age band; persons with a disability) are kept.
IDENTIFYING = ("first_name", "last_name", "first_name_ar", "last_name_ar", "search_key", "phone", "email",
               "address", "disability_details", "consent_scope", "consent_collected_by", "notes")
RETENTION_KEY = "retention_months"
SECRET_KEY = "pseudonym_secret"

register_messages({
    "already_anonymised": N_("This person is already anonymised."),
    "unknown_purpose": N_("Unknown consent purpose “{value}”."),
    "admin_only": N_("Only an administrator can do this."),
})


def pseudonym_code(secret: bytes, person_id: str) -> str:
    """A stable code for a person (the same in every export of this site), not reversible
    without this installation's secret (HMAC-SHA-256 of the id)."""
    return "P-" + hmac.new(secret, person_id.encode(), hashlib.sha256).hexdigest()[:12].upper()


def birth_year_date(born: dt.date | None) -> dt.date | None:
    """What an anonymised record keeps of a birth date: 1 January of the year (age bands)."""
    return dt.date(born.year, 1, 1) if born else None


class PrivacyService:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    # ------------------------------------------------------------------ consent

    def purposes(self) -> dict[str, str]:
        return dict(PURPOSES)

    def give_consent(self, person_id: str, purpose: str, *, given_on: Any, scope: str = "",
                     collected_by: str = "", attachment_id: str | None = None) -> dict[str, Any]:
        if purpose not in PURPOSES:
            raise ValidationError("unknown_purpose", field="purpose", value=purpose)
        day = parse_date(given_on, "given_on")
        if day is None:
            raise ValidationError("required", field="given_on")
        with self.ctx.uow(write=True) as s:
            get(s, Person, person_id, "person")
            if attachment_id:
                get(s, Attachment, attachment_id, "attachment")
            row = s.scalar(select(Consent).where(Consent.person_id == person_id, Consent.purpose == purpose))
            if row is None:
                row = Consent(person_id=person_id, purpose=purpose, given_on=day)
                s.add(row)
            row.given_on, row.scope, row.collected_by = day, scope, collected_by or self.ctx.actor.username
            row.attachment_id, row.withdrawn_on = attachment_id, None
            s.flush()
            return as_dict(row)

    def withdraw_consent(self, person_id: str, purpose: str, on: Any = None) -> dict[str, Any]:
        with self.ctx.uow(write=True) as s:
            row = s.scalar(select(Consent).where(Consent.person_id == person_id, Consent.purpose == purpose))
            if row is None:
                raise CoopError("not_found", entity="consent", id=f"{person_id}/{purpose}")
            row.withdrawn_on = parse_date(on, "withdrawn_on") or dt.date.today()
            return as_dict(row)

    def consents(self, person_id: str) -> list[dict[str, Any]]:
        with self.ctx.uow() as s:
            return [as_dict(c) for c in s.scalars(select(Consent).where(Consent.person_id == person_id)
                                                  .order_by(Consent.purpose))]

    @staticmethod
    def consented(purpose: str):
        """A subquery of the persons with a current consent for ``purpose`` (used by exports)."""
        return select(Consent.person_id).where(Consent.purpose == purpose, Consent.withdrawn_on.is_(None))

    # ------------------------------------------------------------------ pseudonyms

    def _secret(self) -> bytes:
        with self.ctx._factory() as s:  # a local setting, created once, never synced
            value = setting(s, SECRET_KEY)
            if not value:
                value = secrets.token_hex(32)
                set_setting(s, SECRET_KEY, value)
                s.commit()
        return bytes.fromhex(value)

    def pseudonym(self, person_id: str) -> str:
        return pseudonym_code(self._secret(), person_id)

    # ------------------------------------------------------------------ anonymisation

    def anonymise(self, person_id: str, *, vacuum: bool = True) -> dict[str, Any]:
        """Erase a person's identifying data everywhere in this database; keep the statistics."""
        if self.ctx.actor.role != "admin":
            raise PermissionDenied(self.ctx.actor.role)
        with self.ctx.uow(write=True) as s:
            person = get(s, Person, person_id, "person")
            if person.anonymised:
                raise CoopError("already_anonymised")
            needles = _needles(person)
            distinctive = _distinctive(person)
            linked = {person_id}
            enrolments = list(s.scalars(select(Enrolment.id).where(Enrolment.person_id == person_id)))
            linked.update(enrolments)
            for ms in s.scalars(select(Milestone).where(Milestone.enrolment_id.in_(enrolments))):
                linked.add(ms.id)
                if ms.notes:
                    ms.notes = ""
            linked.update(s.scalars(select(Participation.id).where(Participation.person_id == person_id)))
            for c in s.scalars(select(Consent).where(Consent.person_id == person_id)):
                linked.add(c.id)
                c.scope = ""
                c.attachment_id = None
            s.flush()
            for att in s.scalars(select(Attachment).where(or_(
                    Attachment.entity_id == person_id, Attachment.entity_id.in_(list(linked))))).all():
                linked.add(att.id)
                needles.add(att.filename)
                sha = att.sha256
                s.delete(att)
                s.flush()
                if not s.scalar(select(func.count()).select_from(Attachment).where(Attachment.sha256 == sha)):
                    s.execute(Blob.__table__.delete().where(Blob.sha256 == sha))
            for f in IDENTIFYING:
                setattr(person, f, "")
            person.birth_date = birth_year_date(person.birth_date)
            person.consent_date = None
            person.anonymised = True
            s.flush()
            s.execute(PersonNameKey.__table__.delete().where(PersonNameKey.person_id == person_id))
            scrubbed = _scrub(s, person, linked, needles, distinctive)
            s.add(AuditEntry(username=self.ctx.actor.username, node=s.info.get("node_code", ""),
                             entity="person", row_id=person_id, op="anonymise", before="", after="{}"))
        if vacuum:
            self.compact()
        return {"id": person_id, "anonymised": True, "scrubbed_rows": scrubbed}

    def compact(self) -> None:
        """Rewrite the database file so erased values leave no trace in free pages or the WAL."""
        if self.ctx.db.engine.dialect.name != "sqlite":
            return
        with self.ctx.db.engine.connect() as conn:
            conn = conn.execution_options(isolation_level="AUTOCOMMIT")
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
            conn.exec_driver_sql("VACUUM")
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")

    # ------------------------------------------------------------------ retention

    def retention_months(self) -> int:
        with self.ctx.uow() as s:
            return int(setting(s, RETENTION_KEY, "0") or 0)

    def set_retention_months(self, months: int) -> int:
        if self.ctx.actor.role != "admin":
            raise PermissionDenied(self.ctx.actor.role)
        if int(months) < 0:
            raise ValidationError("invalid_number", field="months", value=str(months))
        with self.ctx.uow(write=True) as s:
            set_setting(s, RETENTION_KEY, str(int(months)))
        return int(months)

    def inactive_persons(self, today: dt.date | None = None, months: int | None = None) -> list[dict[str, Any]]:
        """Persons with no enrolment, milestone or event for longer than the retention setting,
        for review (anonymise or keep). An empty list when no retention is set."""
        from coopdesk.domain.rules import add_months

        months = self.retention_months() if months is None else months
        if not months:
            return []
        cutoff = add_months(today or dt.date.today(), -months)
        with self.ctx.uow() as s:
            last = _last_activity(s)
            created = dict(s.execute(select(AuditEntry.row_id, func.min(AuditEntry.at))
                                     .where(AuditEntry.entity == "person", AuditEntry.op == "create")
                                     .group_by(AuditEntry.row_id)).all())
            out = []
            for p in s.scalars(select(Person).where(Person.anonymised.is_(False)).order_by(Person.search_key)):
                seen = last.get(p.id) or (created[p.id].date() if p.id in created else None)
                if seen is None or seen < cutoff:
                    out.append({"id": p.id, "first_name": p.first_name, "last_name": p.last_name,
                                "last_name_ar": p.last_name_ar, "last_activity": seen})
            return out


def _last_activity(s: Session) -> dict[str, dt.date]:
    last: dict[str, dt.date] = {}

    def take(rows) -> None:
        for pid, day in rows:
            if day is not None and (pid not in last or day > last[pid]):
                last[pid] = day

    take(s.execute(select(Enrolment.person_id, func.max(Enrolment.enrolled_on)).group_by(Enrolment.person_id)))
    take(s.execute(select(Enrolment.person_id, func.max(Milestone.on)).join(Milestone, Milestone.enrolment_id == Enrolment.id)
                   .group_by(Enrolment.person_id)))
    take(s.execute(select(Participation.person_id, func.max(func.coalesce(Event.end, Event.start)))
                   .join(Event, Participation.event_id == Event.id).group_by(Participation.person_id)))
    return last


def _needles(person: Person) -> set[str]:
    """The strings that identify the person, as stored and as the audit trail wrote them."""
    out: set[str] = set()
    for f in ("first_name", "last_name", "first_name_ar", "last_name_ar", "phone", "email", "address",
              "disability_details", "notes", "search_key", "consent_scope"):
        value = (getattr(person, f) or "").strip()
        if len(value) >= 3:
            out.add(value)
    full = f"{person.first_name} {person.last_name}".strip()
    if len(full) >= 3:
        out.add(full)
    if person.birth_date:
        out.add(person.birth_date.isoformat())
    return out


def _distinctive(person: Person) -> set[str]:
    values = [f"{person.first_name} {person.last_name}", f"{person.last_name} {person.first_name}",
              f"{person.first_name_ar} {person.last_name_ar}", f"{person.last_name_ar} {person.first_name_ar}",
              person.phone, person.email, person.address]
    return {v.strip() for v in values if len((v or "").strip()) >= 6}


def _scrub(s: Session, person: Person, linked: set[str], needles: set[str], distinctive: set[str]) -> int:
    """Rewrite every stored trace of the old values, without capture (these rows are history,
    not data: a scrub is not a change to send)."""
    from coopdesk.db.capture import to_json_value

    count = 0
    ids = list(linked)
    # Audit and change rows of the person and the rows linked to it: rewrite the JSON values.
    for entry in s.scalars(select(AuditEntry).where(AuditEntry.row_id.in_(ids))).all():
        before, after = _clean_json(entry.before, needles), _clean_json(entry.after, needles)
        if (before, after) != (entry.before, entry.after):
            s.execute(update(AuditEntry).where(AuditEntry.id == entry.id).values(before=before, after=after))
            count += 1
    columns = {c.key for c in Person.__table__.columns}
    for ch in s.scalars(select(Change).where(Change.row_id.in_(ids))).all():
        if ch.row_id == person.id and ch.field in columns:
            # An old change of the person now carries the anonymised value: re-sent, it can only
            # say what the newer anonymising change says.
            value = json.dumps(to_json_value(getattr(person, ch.field)), ensure_ascii=False)
        else:
            value = _clean_json(ch.value or "", needles) if ch.value else ch.value
        if value != ch.value:
            s.execute(update(Change).where(Change.seq == ch.seq).values(value=value))
            count += 1
    # Local tables that are history rather than data (audit, change log, sync bookkeeping such as
    # field states and kept conflict values): in a row that names the person or a linked row, every
    # old value; anywhere, a distinctive value (a full name, a phone, an e-mail, an address).
    # Single words are not searched everywhere, so the records of a namesake are left alone.
    for table in Base.metadata.sorted_tables:
        model = _model_of(table.name)
        if table.name == "alembic_version" or (model is not None and getattr(model, "__synced__", False)):
            continue
        cols = [c for c in table.columns if isinstance(c.type, (String, Text))]
        if not cols:
            continue
        about = or_(*[c.in_(ids[i:i + 400]) for c in cols for i in range(0, len(ids), 400)])
        for col in cols:
            if col.primary_key:
                continue
            for needle in needles:
                res = s.execute(update(table).where(about, col.contains(needle, autoescape=True))
                                .values({col.name: func.replace(col, needle, "")}))
                count += res.rowcount or 0
            for needle in distinctive:
                res = s.execute(update(table).where(col.contains(needle, autoescape=True))
                                .values({col.name: func.replace(col, needle, "")}))
                count += res.rowcount or 0
    return count


def _model_of(table: str) -> Any:
    from coopdesk.db.models import by_tablename

    return by_tablename().get(table)


def _clean_json(raw: str, needles: set[str]) -> str:
    if not raw:
        return raw
    try:
        data = json.loads(raw)
    except ValueError:
        data = None
    if isinstance(data, dict):
        for key, value in list(data.items()):
            if key in IDENTIFYING and value:
                data[key] = ""
            elif key in ("birth_date", "consent_date") and value:
                data[key] = None if key == "consent_date" else _year_only(value)
            elif isinstance(value, str) and any(n in value for n in needles):
                data[key] = ""
        return json.dumps(data, ensure_ascii=False, sort_keys=True)
    if isinstance(data, str):  # a change row holds one JSON value
        return json.dumps("" if any(n in data for n in needles) else data, ensure_ascii=False)
    for n in needles:
        raw = raw.replace(n, "")
    return raw


def _year_only(value: Any) -> Any:
    try:
        return birth_year_date(dt.date.fromisoformat(str(value))).isoformat()  # type: ignore[union-attr]
    except ValueError:
        return None

