"""Possible duplicates of a person, shown before saving, and the merge of two records.

Candidates come from blocking keys (phonetic name words, kept in ``person_name_key``) and from the
same birth date, so one check reads a few hundred rows, not the whole table; each candidate is then
scored on the names (typo-tolerant, across Latin and Arabic script), the birth date and the commune.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from rapidfuzz import fuzz
from sqlalchemy import delete, event, func, insert, select
from sqlalchemy.orm import Session

from coopdesk.db.models import (
    Attachment,
    AuditEntry,
    Commune,
    Enrolment,
    LocalSetting,
    Milestone,
    Participation,
    Person,
    TeamMember,
)
from coopdesk.domain.fields import parse_date
from coopdesk.domain.rules import fold_name
from coopdesk.errors import CoopError, register_messages
from coopdesk.i18n import N_
from coopdesk.people.models import Consent, PersonNameKey
from coopdesk.people.names import block_keys, phonetic
from coopdesk.services.base import Context, as_dict, get

register_messages({
    "merge_same_person": N_("A person cannot be merged with itself."),
    "merge_anonymised": N_("An anonymised person cannot be merged."),
})

NAME_FIELDS = ("first_name", "last_name", "first_name_ar", "last_name_ar")
KEYS_VERSION = "1"
THRESHOLD = 85  # total score from which a candidate is shown
RARE_BLOCK = 500  # a key shared by more persons than this is too common to block on alone
BULK_KEYS = 1000  # a sync bringing at least this many persons leaves their keys to one rebuild


def person_keys(values: Mapping[str, Any]) -> set[str]:
    latin = f"{values.get('first_name') or ''} {values.get('last_name') or ''}"
    arabic = f"{values.get('first_name_ar') or ''} {values.get('last_name_ar') or ''}"
    return block_keys(latin, arabic)


# ------------------------------------------------------------------ keeping the keys up to date


def _collect(session: Session, _ctx: Any, _instances: Any) -> None:
    changed: dict[str, set[str]] = session.info.setdefault("_name_keys", {})
    for obj in list(session.new) + list(session.dirty):
        if isinstance(obj, Person):
            if obj.id is None:
                from coopdesk.db.models import new_id

                obj.id = new_id()
            if obj in session.dirty and not any(
                    session.is_modified(obj) and _attr_changed(obj, f) for f in NAME_FIELDS):
                continue
            changed[obj.id] = person_keys({f: getattr(obj, f) for f in NAME_FIELDS})
    for obj in session.deleted:
        if isinstance(obj, Person):
            changed[obj.id] = set()


def _attr_changed(obj: Any, field: str) -> bool:
    from sqlalchemy import inspect

    return inspect(obj).attrs[field].history.has_changes()


def _write(session: Session, _ctx: Any) -> None:
    changed = session.info.pop("_name_keys", None)
    if not changed:
        return
    conn = session.connection()
    ids = list(changed)
    for i in range(0, len(ids), 500):
        conn.execute(delete(PersonNameKey).where(PersonNameKey.person_id.in_(ids[i:i + 500])))
    rows = [{"key": k, "person_id": pid} for pid, keys in changed.items() for k in keys]
    if rows:
        conn.execute(insert(PersonNameKey), rows)


def install_key_maintenance() -> None:
    """Every ORM write of a person (a form, an import, a merge, sync) keeps its keys current."""
    if not event.contains(Session, "before_flush", _collect):
        # Registered on Session so sessions of every factory (services, sync) are covered.
        event.listen(Session, "before_flush", _collect)
        event.listen(Session, "after_flush", _write)
    from coopdesk.sync.state import on_apply

    on_apply(_synced_keys)


def _synced_keys(conn: Any, dirty: Mapping[str, Mapping[str, Any]], present: Mapping[str, set[str]],
                 inserted: Mapping[str, set[str]]) -> None:
    """Persons received by sync (or shown again) get their name keys like the ones typed here."""
    from coopdesk.sync.state import Written, insert_rows

    states = dirty.get("person")
    if not states:
        return
    if len(states) >= BULK_KEYS and _mostly_new(conn, len(states)):
        # A first sync (or one as big): the keys are rebuilt in one pass before the next duplicate
        # check (the app starts it in the background after the import) instead of here, inside the
        # import's transaction. The same work, done once in key order, and a shorter import.
        conn.execute(delete(LocalSetting.__table__).where(LocalSetting.key == "person_name_keys"))
        return
    fresh = inserted.get("person", set())
    stale = [pid for pid in states if pid not in fresh]
    for i in range(0, len(stale), 500):
        conn.execute(delete(PersonNameKey).where(PersonNameKey.person_id.in_(stale[i:i + 500])))
    shown = present.get("person", set())
    rows = []
    for pid, st in states.items():
        if pid in shown:
            values = st.fields if type(st) is Written else {f: (st.get(f) or [0, 0, ""])[2] for f in NAME_FIELDS}
            rows.extend((k, pid) for k in person_keys(values))
    rows.sort()  # in key order: each index page is touched once
    insert_rows(conn, PersonNameKey.__table__, ("key", "person_id"), rows)


def _mostly_new(conn: Any, received: int) -> bool:
    """At least half the persons in the table came with this sync."""
    return received * 2 >= (conn.execute(select(func.count()).select_from(Person.__table__)).scalar() or 0)


def keys_ready(session: Session) -> bool:
    row = session.get(LocalSetting, "person_name_keys")
    return row is not None and row.value == KEYS_VERSION


def rebuild_keys(session: Session) -> int:
    """Every person's keys, written again in one pass (in key order)."""
    from coopdesk.sync.state import insert_rows

    conn = session.connection()
    conn.execute(delete(PersonNameKey))
    rows = []
    for row in conn.execute(select(Person.id, *[getattr(Person, f) for f in NAME_FIELDS])):
        rows.extend((k, row[0]) for k in person_keys(dict(zip(NAME_FIELDS, row[1:], strict=True))))
    rows.sort()
    insert_rows(conn, PersonNameKey.__table__, ("key", "person_id"), rows)
    return len(rows)


# ------------------------------------------------------------------ scoring


@dataclass(frozen=True)
class Probe:
    """What the check compares: a person as typed in a form or a spreadsheet row."""

    latin: str
    arabic: str
    birth_date: dt.date | None
    commune_id: str | None

    @classmethod
    def of(cls, values: Mapping[str, Any]) -> Probe:
        try:
            born = parse_date(values.get("birth_date"))
        except CoopError:
            born = None
        return cls(latin=f"{values.get('first_name') or ''} {values.get('last_name') or ''}".strip(),
                   arabic=f"{values.get('first_name_ar') or ''} {values.get('last_name_ar') or ''}".strip(),
                   birth_date=born, commune_id=values.get("commune_id"))

    @cached_property
    def keys(self) -> frozenset[str]:
        return frozenset(block_keys(self.latin, self.arabic))

    @cached_property
    def variants(self) -> list[tuple[str, str]]:
        """(kind, text) forms of the name to compare: folded Latin, folded Arabic, phonetic."""
        out = []
        if self.latin:
            out.append(("latin", fold_name(self.latin)))
        if self.arabic:
            out.append(("arabic", fold_name(self.arabic)))
        for text in (self.latin, self.arabic):
            if text:
                out.append(("phonetic", phonetic(text)))
        return out


def name_score(a: Probe, b: Probe) -> float:
    best = 0.0
    for ka, ta in a.variants:
        for kb, tb in b.variants:
            if ka != kb or not ta or not tb:
                continue
            score = max(fuzz.token_sort_ratio(ta, tb), fuzz.ratio(ta.replace(" ", ""), tb.replace(" ", "")))
            if ka == "phonetic":
                score *= 0.97  # a skeleton match is a little weaker evidence than the letters
            best = max(best, score)
    return best


def score(a: Probe, b: Probe) -> tuple[float, list[str]]:
    names = name_score(a, b)
    total = names
    reasons = []
    if names >= 80:
        reasons.append("name")
    if a.birth_date and b.birth_date:
        if a.birth_date == b.birth_date:
            total += 10
            reasons.append("birth_date")
        elif a.birth_date.year == b.birth_date.year:
            total -= 10
        else:
            total -= 25
    if a.commune_id and b.commune_id and a.commune_id == b.commune_id:
        total += 5
        reasons.append("commune")
    return min(total, 100.0), reasons


# ------------------------------------------------------------------ the service


class DedupService:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    def ensure_index(self) -> None:
        """Build the blocking keys once for persons written before they existed (a local index,
        derived from synced rows, so no audit and no sync)."""
        with self.ctx._factory() as s:
            if keys_ready(s):
                return
            s.info["capture"] = False
            from coopdesk.sync.state import no_cyclic_gc

            with no_cyclic_gc():
                rebuild_keys(s)
            s.merge(LocalSetting(key="person_name_keys", value=KEYS_VERSION))
            s.commit()

    def possible_duplicates(self, data: Mapping[str, Any], *, exclude_id: str | None = None,
                            limit: int = 10) -> list[dict[str, Any]]:
        """Persons that may be the one described by ``data`` (a form's or a row's values), best
        first, each with its score (0–100) and the reasons (name, birth_date, commune)."""
        values = dict(data)
        self.ensure_index()
        with self.ctx.uow() as s:
            if values.get("commune") and not values.get("commune_id"):
                values["commune_id"] = s.scalar(select(Commune.id).where(Commune.code == str(values["commune"]).upper()))
            probe = Probe.of(values)
            ids = candidate_ids(s, probe)
            ids.discard(exclude_id or "")
            if not ids:
                return []
            rows = []
            cols = (Person.id, Person.first_name, Person.last_name, Person.first_name_ar, Person.last_name_ar,
                    Person.sex, Person.birth_date, Person.commune_id, Commune.code)
            for chunk in _chunks(list(ids), 900):
                rows.extend(s.execute(select(*cols).join(Commune, Person.commune_id == Commune.id)
                                      .where(Person.id.in_(chunk), Person.anonymised.is_(False))).all())
        found = []
        year = probe.birth_date.year if probe.birth_date else None
        for r in rows:
            if year and r.birth_date and r.birth_date.year != year:
                continue  # born another year: at most 100 - 25 + 5, under the threshold
            other = Probe(f"{r.first_name} {r.last_name}".strip(), f"{r.first_name_ar} {r.last_name_ar}".strip(),
                          r.birth_date, r.commune_id)
            total, reasons = score(probe, other)
            if total >= THRESHOLD and "name" in reasons:
                found.append({"id": r.id, "first_name": r.first_name, "last_name": r.last_name,
                              "first_name_ar": r.first_name_ar, "last_name_ar": r.last_name_ar,
                              "sex": r.sex, "birth_date": r.birth_date, "commune_code": r.code,
                              "score": round(total, 1), "reasons": reasons})
        found.sort(key=lambda c: (-c["score"], c["last_name"], c["id"]))
        return found[:limit]

    def merge(self, keep_id: str, remove_id: str, *, prefer: Mapping[str, str] | None = None) -> dict[str, Any]:
        """Merge ``remove_id`` into ``keep_id``: enrolments (with their milestones), participations,
        team memberships, consents and attachments move to the kept person; its empty fields are
        filled from the other (``prefer`` maps a field to "remove" to take the other's value); the
        other record is deleted, so the merge reaches the partner sites as an update and a delete."""
        if keep_id == remove_id:
            raise CoopError("merge_same_person")
        with self.ctx.uow(write=True) as s:
            keep = get(s, Person, keep_id, "person")
            gone = get(s, Person, remove_id, "person")
            if keep.anonymised or gone.anonymised:
                raise CoopError("merge_anonymised")
            moved = {"enrolments": 0, "milestones": 0, "participations": 0, "team_members": 0,
                     "consents": 0, "attachments": 0}
            self._fill(keep, gone, prefer or {})
            mine = {e.action_id: e for e in s.scalars(select(Enrolment).where(Enrolment.person_id == keep_id))}
            for enr in s.scalars(select(Enrolment).where(Enrolment.person_id == remove_id)).all():
                target = mine.get(enr.action_id)
                if target is None:
                    enr.person_id = keep_id
                    moved["enrolments"] += 1
                    continue
                # Both were enrolled in the action: one enrolment keeps both histories.
                for ms in s.scalars(select(Milestone).where(Milestone.enrolment_id == enr.id)).all():
                    ms.enrolment_id = target.id
                    moved["milestones"] += 1
                if enr.enrolled_on and (target.enrolled_on is None or enr.enrolled_on < target.enrolled_on):
                    target.enrolled_on = enr.enrolled_on
                s.flush()
                s.delete(enr)
            rank = {"attended": 3, "excused": 2, "registered": 1, "absent": 0}
            mine_p = {p.event_id: p for p in s.scalars(select(Participation).where(Participation.person_id == keep_id))}
            for p in s.scalars(select(Participation).where(Participation.person_id == remove_id)).all():
                target = mine_p.get(p.event_id)
                if target is None:
                    p.person_id = keep_id
                    moved["participations"] += 1
                else:
                    if rank.get(p.status, 0) > rank.get(target.status, 0):
                        target.status = p.status
                    s.delete(p)
            teams = set(s.scalars(select(TeamMember.team_id).where(TeamMember.person_id == keep_id)))
            for m in s.scalars(select(TeamMember).where(TeamMember.person_id == remove_id)).all():
                if m.team_id in teams:
                    s.delete(m)
                else:
                    m.person_id = keep_id
                    moved["team_members"] += 1
            purposes = {c.purpose: c for c in s.scalars(select(Consent).where(Consent.person_id == keep_id))}
            for c in s.scalars(select(Consent).where(Consent.person_id == remove_id)).all():
                if c.purpose in purposes:
                    s.delete(c)
                else:
                    c.person_id = keep_id
                    moved["consents"] += 1
            for a in s.scalars(select(Attachment).where(Attachment.entity == "person",
                                                        Attachment.entity_id == remove_id)).all():
                a.entity_id = keep_id
                moved["attachments"] += 1
            s.flush()
            s.delete(gone)
            s.flush()
            s.add(AuditEntry(username=self.ctx.actor.username, node=s.info.get("node_code", ""), entity="person",
                             row_id=keep_id, op="merge", before=json.dumps({"merged_id": remove_id}),
                             after=json.dumps(moved, sort_keys=True)))
            result = {**as_dict(keep), "merged_id": remove_id, "moved": moved}
        if not self.ctx.actor.can_see_health:
            result["disability_details"] = ""
        return result

    @staticmethod
    def _fill(keep: Person, gone: Person, prefer: Mapping[str, str]) -> None:
        fields = ("first_name", "last_name", "first_name_ar", "last_name_ar", "birth_date", "phone", "email",
                  "address", "disability_details", "consent_date", "consent_scope", "consent_collected_by",
                  "sex", "commune_id")
        for f in fields:
            theirs = getattr(gone, f)
            if prefer.get(f) == "remove" or (not getattr(keep, f) and theirs):
                if theirs is not None and getattr(keep, f) != theirs:
                    setattr(keep, f, theirs)
        if gone.disability and not keep.disability:
            keep.disability = True
        if gone.notes and gone.notes not in keep.notes:
            keep.notes = f"{keep.notes}\n{gone.notes}".strip()
        from coopdesk.services.people import search_key

        keep.search_key = search_key(as_dict(keep))


def candidate_ids(s: Session, probe: Probe) -> set[str]:
    keys = sorted(probe.keys)
    ids: set[str] = set()
    if keys:
        counts = dict(s.execute(select(PersonNameKey.key, func.count()).where(PersonNameKey.key.in_(keys))
                                .group_by(PersonNameKey.key)).all())
        # The three rarest words: a very common one ("Ait", "Mohamed") adds rows, not evidence.
        rare = sorted(keys, key=lambda k: (counts.get(k, 0), k))[:3]
        need = min(2, len(rare))
        q = (select(PersonNameKey.person_id).where(PersonNameKey.key.in_(rare))
             .group_by(PersonNameKey.person_id).having(func.count() >= need))
        ids.update(s.scalars(q))
        if need > 1 and 0 < counts.get(rare[0], 0) <= RARE_BLOCK:
            # A typo in one word leaves one key in common: the rarest key alone is also a block.
            ids.update(s.scalars(select(PersonNameKey.person_id).where(PersonNameKey.key == rare[0])))
    if probe.birth_date:
        ids.update(s.scalars(select(Person.id).where(Person.birth_date == probe.birth_date)))
    return ids


def _chunks(items: list[str], n: int) -> Iterable[list[str]]:
    for i in range(0, len(items), n):
        yield items[i:i + n]
