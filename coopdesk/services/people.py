"""Beneficiaries: persons, enrolments in actions and their milestones."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from coopdesk.db.models import Action, Commune, Enrolment, Milestone, Participation, Person, TeamMember
from coopdesk.domain import constants as C
from coopdesk.domain import fields as F
from coopdesk.domain.rules import fold_name
from coopdesk.errors import ValidationError
from coopdesk.services.base import Context, as_dict, get
from coopdesk.services.crud import Entity, exists_rule
from coopdesk.services.snapshots import Snapshot, remove, restore, take

HEALTH_FIELDS = ("disability_details",)


NAME_FIELDS = ("last_name", "last_name_ar", "first_name", "first_name_ar")


def _person_rule(s: Session, v: dict[str, Any], obj: Any) -> None:
    # A name is required at creation, and cannot be erased from a record that has one. A record
    # received from a site of another commune is pseudonymous (no name, a birth year): its other
    # fields can still be updated here.
    had_name = obj is None or any(getattr(obj, f, "") for f in NAME_FIELDS)
    if had_name and not any(v.get(f) for f in NAME_FIELDS):
        raise ValidationError("required", field="last_name")
    if v.get("birth_date") is not None:
        import datetime as dt

        if v["birth_date"] > dt.date.today():
            raise ValidationError("invalid_date", field="birth_date", value=v["birth_date"].isoformat())
    v["search_key"] = search_key(v)


def search_key(v: dict[str, Any]) -> str:
    return fold_name(" ".join(str(v.get(k) or "") for k in ("last_name", "first_name", "last_name_ar", "first_name_ar")))


PERSON = Entity(Person, {
    "first_name": F.text(max_len=120),
    "last_name": F.text(max_len=120),
    "first_name_ar": F.text(max_len=120),
    "last_name_ar": F.text(max_len=120),
    "sex": F.choice(C.SEXES, required=True),
    "birth_date": F.date(),
    "commune_id": F.ref(required=True),
    "phone": F.text(max_len=40),
    "email": F.text(max_len=120),
    "address": F.text(),
    "disability": F.boolean(),
    "disability_details": F.text(),
    "consent_date": F.date(),
    "consent_scope": F.text(max_len=200),
    "consent_collected_by": F.text(max_len=120),
    "notes": F.text(),
}, name="person", rules=(exists_rule("commune_id", Commune, "commune"), _person_rule), derived=("search_key",))

ENROLMENT = Entity(Enrolment, {
    "person_id": F.ref(required=True),
    "action_id": F.ref(required=True),
    "enrolled_on": F.date(),
    "status": F.choice(C.ENROLMENT_STATUSES, required=False),
}, rules=(exists_rule("person_id", Person, "person"), exists_rule("action_id", Action, "action")))

MILESTONE = Entity(Milestone, {
    "enrolment_id": F.ref(required=True),
    "kind": F.choice(C.MILESTONE_KINDS, required=True),
    "on": F.date(required=True),
    "notes": F.text(),
}, rules=(exists_rule("enrolment_id", Enrolment, "enrolment"),), order_by=Milestone.on)


class PeopleService:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    def _visible(self, person: dict[str, Any]) -> dict[str, Any]:
        """Health fields are blanked for a user without the health permission."""
        if not self.ctx.actor.can_see_health:
            for key in HEALTH_FIELDS:
                person[key] = ""
        return person

    def _commune_id(self, data: dict[str, Any]) -> None:
        code = data.pop("commune", None)
        if code and "commune_id" not in data:
            with self.ctx.uow() as s:
                cid = s.scalar(select(Commune.id).where(Commune.code == str(code).upper()))
            if cid is None:
                raise ValidationError("invalid_choice", field="commune", value=str(code))
            data["commune_id"] = cid

    def create_person(self, **data: Any) -> dict[str, Any]:
        self._commune_id(data)
        if not self.ctx.actor.can_see_health:
            data.pop("disability_details", None)
        return self._visible(PERSON.create(self.ctx, data))

    def update_person(self, person_id: str, **data: Any) -> dict[str, Any]:
        self._commune_id(data)
        if not self.ctx.actor.can_see_health:
            data.pop("disability_details", None)
        return self._visible(PERSON.update(self.ctx, person_id, data))

    def delete_person(self, person_id: str) -> Snapshot:
        """Delete a person with their enrolments (and milestones), attendance, team places, consents
        and attached files; returns what was deleted, for :meth:`restore_person`."""
        with self.ctx.uow(write=True) as s:
            get(s, Person, person_id, "person")
            return remove(s, Person, [person_id])

    def restore_person(self, snapshot: Snapshot) -> None:
        """Put back a deleted person (the undo of :meth:`delete_person`) with the same identifiers."""
        self._restore(snapshot)

    def _restore(self, snapshot: Snapshot) -> None:
        with self.ctx.uow(write=True) as s:
            restore(s, snapshot)

    def person(self, person_id: str) -> dict[str, Any]:
        with self.ctx.uow() as s:
            p = get(s, Person, person_id, "person")
            out = as_dict(p)
            out["commune_code"] = p.commune.code
            out["enrolments"] = []
            for enr, code, title in s.execute(
                    select(Enrolment, Action.code, Action.title).join(Action, Enrolment.action_id == Action.id)
                    .where(Enrolment.person_id == p.id).order_by(Action.code)):
                ms = [as_dict(m) for m in s.scalars(select(Milestone).where(Milestone.enrolment_id == enr.id)
                                                    .order_by(Milestone.on))]
                out["enrolments"].append({**as_dict(enr), "action_code": code, "action_title": title,
                                          "milestones": ms})
        return self._visible(out)

    def search(self, text: str = "", *, commune: str | None = None, sex: str | None = None,
               disability: bool | None = None, action_id: str | None = None, order: str = "name",
               offset: int = 0, limit: int = 100) -> list[dict[str, Any]]:
        """Persons whose name (Latin or Arabic script) contains ``text``; filtered and sorted in SQL."""
        with self.ctx.uow() as s:
            q = self._query(text, commune, sex, disability, action_id)
            q = q.add_columns(Commune.code)
            desc = order.startswith("-")  # "-name": descending, for a table header clicked twice
            cols = {"birth_date": [Person.birth_date], "commune": [Commune.code], "sex": [Person.sex]}.get(
                order.lstrip("-")) or self._name_order()
            keys = [c.desc() for c in cols] + [Person.id.desc()] if desc else [*cols, Person.id]
            rows = s.execute(q.order_by(*keys).offset(offset).limit(limit)).all()
            return [self._visible({**as_dict(p), "commune_code": code}) for p, code in rows]

    @staticmethod
    def _name_order() -> list[Any]:
        """Names sorted as the reader expects: in Arabic, by the Arabic-script names (persons with
        none come after, by their Latin name); otherwise by the Latin name, accents folded."""
        from sqlalchemy import case

        from coopdesk.i18n import current_language

        if current_language() == "ar":
            return [case((Person.last_name_ar == "", 1), else_=0), Person.last_name_ar, Person.first_name_ar,
                    Person.search_key]
        return [Person.search_key]

    def count(self, text: str = "", *, commune: str | None = None, sex: str | None = None,
              disability: bool | None = None, action_id: str | None = None) -> int:
        with self.ctx.uow() as s:
            q = self._query(text, commune, sex, disability, action_id).subquery()
            return s.scalar(select(func.count()).select_from(q)) or 0

    def _query(self, text: str, commune: str | None, sex: str | None, disability: bool | None,
               action_id: str | None):
        q = select(Person).join(Commune, Person.commune_id == Commune.id)
        for word in fold_name(text or "").split():
            q = q.where(or_(Person.search_key.contains(word, autoescape=True)))
        if commune:
            q = q.where(Commune.code == commune)
        if sex:
            q = q.where(Person.sex == sex)
        if disability is not None:
            q = q.where(Person.disability == disability)
        if action_id:
            q = q.where(Person.id.in_(select(Enrolment.person_id).where(Enrolment.action_id == action_id)))
        return q

    # ------------------------------------------------------------------ merging duplicates

    def merge(self, keep_id: str, remove_id: str, *, prefer: dict[str, str] | None = None) -> dict[str, Any]:
        """Merge two records of one person (:meth:`coopdesk.people.dedup.DedupService.merge`); the
        result's ``undo`` holds every row the merge changes, as it was, for :meth:`unmerge`."""
        from coopdesk.db.models import Attachment
        from coopdesk.people.dedup import DedupService
        from coopdesk.people.models import Consent

        pair = [keep_id, remove_id]
        with self.ctx.uow() as s:
            rows: list[Any] = [get(s, Person, pid, "person") for pid in pair]
            enrolments = list(s.scalars(select(Enrolment).where(Enrolment.person_id.in_(pair))))
            rows += enrolments
            rows += s.scalars(select(Milestone).where(Milestone.enrolment_id.in_([e.id for e in enrolments])))
            for model in (Participation, TeamMember, Consent):
                rows += s.scalars(select(model).where(model.person_id.in_(pair)))
            rows += s.scalars(select(Attachment).where(Attachment.entity == "person", Attachment.entity_id.in_(pair)))
            before = take(rows)
        result = DedupService(self.ctx).merge(keep_id, remove_id, prefer=prefer)
        result["undo"] = before
        return result

    def unmerge(self, merged: dict[str, Any]) -> None:
        """Undo :meth:`merge`: the removed record comes back with its identifier, and the rows the
        merge moved, filled or deleted are as they were."""
        from coopdesk.db.models import AuditEntry

        with self.ctx.uow(write=True) as s:
            restore(s, merged["undo"])
            s.add(AuditEntry(username=self.ctx.actor.username, node=s.info.get("node_code", ""), entity="person",
                             row_id=merged["id"], op="unmerge", before="",
                             after=json.dumps({"merged_id": merged["merged_id"]})))

    # ------------------------------------------------------------------ enrolments and milestones

    def enrol(self, person_id: str, action_id: str, enrolled_on: Any = None) -> dict[str, Any]:
        return ENROLMENT.create(self.ctx, {"person_id": person_id, "action_id": action_id,
                                           "enrolled_on": enrolled_on})

    def update_enrolment(self, enrolment_id: str, **data: Any) -> dict[str, Any]:
        return ENROLMENT.update(self.ctx, enrolment_id, data)

    def unenrol(self, enrolment_id: str) -> Snapshot:
        """Remove an enrolment with its milestones; returns them, for :meth:`restore_enrolment`."""
        with self.ctx.uow(write=True) as s:
            get(s, Enrolment, enrolment_id, "enrolment")
            return remove(s, Enrolment, [enrolment_id])

    def restore_enrolment(self, snapshot: Snapshot) -> None:
        self._restore(snapshot)

    def add_milestone(self, enrolment_id: str, kind: str, on: Any, notes: str = "") -> dict[str, Any]:
        return MILESTONE.create(self.ctx, {"enrolment_id": enrolment_id, "kind": kind, "on": on, "notes": notes})

    def delete_milestone(self, milestone_id: str) -> Snapshot:
        with self.ctx.uow(write=True) as s:
            get(s, Milestone, milestone_id, "milestone")
            return remove(s, Milestone, [milestone_id])

    def restore_milestone(self, snapshot: Snapshot) -> None:
        self._restore(snapshot)

    def enrolments(self, action_id: str) -> list[dict[str, Any]]:
        return ENROLMENT.list(self.ctx, action_id=action_id)

    def participations(self, person_id: str) -> list[dict[str, Any]]:
        """The events a person was registered for, with the status (for the person's timeline)."""
        from coopdesk.db.models import Event

        with self.ctx.uow() as s:
            get(s, Person, person_id, "person")
            rows = s.execute(select(Participation.status, Event.id, Event.title, Event.start, Event.type)
                             .join(Event, Participation.event_id == Event.id)
                             .where(Participation.person_id == person_id).order_by(Event.start)).all()
        return [{"status": st, "event_id": eid, "title": title, "start": start, "type": typ}
                for st, eid, title, start, typ in rows]

    def bulk_create_for_benchmark(self, n: int, *, seed: int = 1, batch: int = 10_000) -> int:
        """Insert ``n`` synthetic persons fast, for speed measurements on a throw-away database.

        Rows go in with bulk INSERTs through :func:`coopdesk.people.bulk.insert_captured`, which
        writes the audit entries and the sync state as change capture does: the rows travel like any
        other (no write escapes sync). Still, never call this on a real database.
        """
        import datetime as dt
        import random
        import uuid

        from coopdesk.people.bulk import insert_captured

        rng = random.Random(seed)
        first = [("Fatima", "فاطمة", "F"), ("Khadija", "خديجة", "F"), ("Amina", "أمينة", "F"),
                 ("Camille", "", "F"), ("Yassine", "ياسين", "M"), ("Mohamed", "محمد", "M"),
                 ("Omar", "عمر", "M"), ("Lucas", "", "M")]
        last = [("Ait Ali", "آيت علي"), ("Bakkali", "البقالي"), ("Oubaha", "أوباها"), ("Amrani", "العمراني"),
                ("Martin", ""), ("Dupont", ""), ("Idrissi", "الإدريسي"), ("Moreau", "")]
        with self.ctx.uow(write=True) as s:
            communes = list(s.scalars(select(Commune.id).order_by(Commune.code)))
            done = 0
            while done < n:
                rows = []
                for _ in range(min(batch, n - done)):
                    fn, fn_ar, sex = rng.choice(first)
                    ln, ln_ar = rng.choice(last)
                    ln = f"{ln} {done + len(rows)}"
                    v = {"first_name": fn, "last_name": ln, "first_name_ar": fn_ar, "last_name_ar": ln_ar}
                    rows.append({**v, "id": str(uuid.uuid4()), "search_key": search_key(v), "sex": sex,
                                 "birth_date": dt.date(rng.randint(1950, 2015), rng.randint(1, 12), rng.randint(1, 28)),
                                 "commune_id": rng.choice(communes), "phone": "", "email": "", "address": "",
                                 "disability": rng.random() < 0.1, "disability_details": "", "consent_scope": "",
                                 "consent_collected_by": "", "notes": "", "anonymised": False})
                insert_captured(s, Person, rows)
                done += len(rows)
        return n
