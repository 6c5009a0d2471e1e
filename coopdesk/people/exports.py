"""Export of a list (persons, organisations, event participants) as XLSX or CSV, with the columns
shown and the filters applied; pseudonymised for partners and funders; consent and the health
permission enforced here too, whatever the caller asks for."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from sqlalchemy import select

from coopdesk.db.models import Commune, Event, Organisation, Participation, Person
from coopdesk.errors import CoopError, ValidationError, register_messages
from coopdesk.i18n import N_
from coopdesk.people.privacy import PURPOSES, PrivacyService, pseudonym_code
from coopdesk.services.base import Context

register_messages({
    "export_column": N_("“{column}” is not a column of this list."),
})

HEALTH = {"disability_details"}
# What a list can show; the default columns are those of the screen.
COLUMNS = {
    "persons": ("id", "last_name", "first_name", "last_name_ar", "first_name_ar", "sex", "birth_date",
                "commune", "phone", "email", "address", "disability", "disability_details", "notes"),
    "organisations": ("id", "name", "short_name", "kind", "country", "commune", "contact"),
    "participants": ("event", "event_date", "person_id", "last_name", "first_name", "last_name_ar",
                     "first_name_ar", "sex", "birth_date", "commune", "status", "disability", "disability_details"),
}
DEFAULT = {
    "persons": ("last_name", "first_name", "last_name_ar", "first_name_ar", "sex", "birth_date", "commune",
                "phone", "email", "disability"),
    "organisations": ("name", "short_name", "kind", "country", "commune", "contact"),
    "participants": ("event", "event_date", "last_name", "first_name", "sex", "commune", "status"),
}
# A pseudonymised list has a stable code instead of the person and the birth year instead of the date.
PSEUDO = ("code", "sex", "birth_year", "commune", "disability")
PSEUDO_PARTICIPANTS = ("event", "event_date", "code", "sex", "birth_year", "commune", "status")


class ExportService:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    def columns(self, kind: str) -> list[str]:
        cols = COLUMNS[_kind(kind)]
        return [c for c in cols if c not in HEALTH or self.ctx.actor.can_see_health]

    def rows(self, kind: str, *, columns: Sequence[str] | None = None, filters: Mapping[str, Any] | None = None,
             pseudonymised: bool = False, purpose: str | None = None) -> tuple[list[str], Iterator[list[Any]]]:
        """The header and the rows an export writes (the same data a screen list shows)."""
        kind = _kind(kind)
        if purpose is not None and purpose not in PURPOSES:
            raise ValidationError("unknown_purpose", field="purpose", value=purpose)
        if pseudonymised and kind == "organisations":
            pseudonymised = False  # organisations are not personal data
        if pseudonymised:
            cols = list(PSEUDO_PARTICIPANTS if kind == "participants" else PSEUDO)
        else:
            cols = list(columns or DEFAULT[kind])
            for c in cols:
                if c not in COLUMNS[kind]:
                    raise ValidationError("export_column", field="columns", column=c)
        # No health field leaves the database for a user without the permission, asked for or not.
        cols = [c for c in cols if c not in HEALTH or self.ctx.actor.can_see_health]
        secret = PrivacyService(self.ctx)._secret() if pseudonymised else None
        getter = getattr(self, f"_{kind}")
        return cols, getter(cols, dict(filters or {}), purpose, secret)

    def export(self, kind: str, out: str | Path, **options: Any) -> dict[str, Any]:
        from coopdesk.people.sheets import write_sheet

        cols, rows = self.rows(kind, **options)
        counted = _Counter(rows)
        path = write_sheet(out, cols, counted)
        return {"kind": kind, "path": str(path), "columns": cols, "rows": counted.n,
                "pseudonymised": bool(options.get("pseudonymised")) and kind != "organisations"}

    # ------------------------------------------------------------------ per kind

    def _persons(self, cols, filters, purpose, secret) -> Iterator[list[Any]]:
        from coopdesk.services.people import PeopleService

        with self.ctx.uow() as s:
            q = PeopleService(self.ctx)._query(filters.get("text", ""), filters.get("commune"), filters.get("sex"),
                                               filters.get("disability"), filters.get("action_id"))
            q = q.where(Person.anonymised.is_(False)) if not secret else q
            if purpose:
                q = q.where(Person.id.in_(PrivacyService.consented(purpose)))
            q = q.add_columns(Commune.code).order_by(Person.search_key, Person.id)
            for p, code in s.execute(q).yield_per(2000):
                yield [self._person_value(c, p, code, secret) for c in cols]

    def _person_value(self, col: str, p: Person, commune: str, secret: bytes | None) -> Any:
        if col == "commune":
            return commune
        if col == "code":
            return pseudonym_code(secret or b"", p.id)
        if col == "birth_year":
            return p.birth_date.year if p.birth_date else None
        if col in HEALTH and not self.ctx.actor.can_see_health:
            return ""
        return getattr(p, col)

    def _organisations(self, cols, filters, purpose, secret) -> Iterator[list[Any]]:
        with self.ctx.uow() as s:
            q = select(Organisation, Commune.code).outerjoin(Commune, Organisation.commune_id == Commune.id)
            if filters.get("kind"):
                q = q.where(Organisation.kind == filters["kind"])
            if filters.get("commune"):
                q = q.where(Commune.code == filters["commune"])
            for o, code in s.execute(q.order_by(Organisation.name)):
                yield [code or "" if c == "commune" else getattr(o, c) for c in cols]

    def _participants(self, cols, filters, purpose, secret) -> Iterator[list[Any]]:
        with self.ctx.uow() as s:
            q = (select(Participation, Person, Event.title, Event.start, Commune.code)
                 .join(Person, Participation.person_id == Person.id)
                 .join(Event, Participation.event_id == Event.id)
                 .join(Commune, Person.commune_id == Commune.id))
            if filters.get("event_id"):
                q = q.where(Participation.event_id == filters["event_id"])
            if filters.get("status"):
                q = q.where(Participation.status == filters["status"])
            if filters.get("commune"):
                q = q.where(Commune.code == filters["commune"])
            if filters.get("sex"):
                q = q.where(Person.sex == filters["sex"])
            if purpose:
                q = q.where(Person.id.in_(PrivacyService.consented(purpose)))
            for part, p, title, start, code in s.execute(q.order_by(Event.start, Person.search_key)).yield_per(2000):
                row = []
                for c in cols:
                    if c == "event":
                        row.append(title)
                    elif c == "event_date":
                        row.append(start)
                    elif c == "status":
                        row.append(part.status)
                    else:
                        row.append(self._person_value(c, p, code, secret))
                yield row


class _Counter:
    def __init__(self, rows: Iterator[list[Any]]) -> None:
        self.rows = rows
        self.n = 0

    def __iter__(self):
        for row in self.rows:
            self.n += 1
            yield row


def _kind(kind: str) -> str:
    if kind not in COLUMNS:
        raise CoopError("import_kind", value=kind)
    return kind
