"""Spreadsheet import of persons, organisations and event participants.

Steps, as CiviCRM and DHIS2 users know them: read the file, map its columns to fields (suggested
from the headers, saved by name for next time), a dry run that says per row what would be created,
updated or rejected and why (duplicates flagged), an error file of the rejected rows, then — only
when confirmed — every accepted row written in ONE transaction (all or nothing).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select

from coopdesk.db.models import Commune, Event, Organisation, Participation, Person, by_tablename
from coopdesk.domain import constants as C
from coopdesk.domain.fields import parse_date
from coopdesk.domain.rules import fold_name
from coopdesk.errors import CoopError, PermissionDenied, ValidationError, register_messages
from coopdesk.i18n import N_, gettext_for
from coopdesk.people import bulk
from coopdesk.people.dedup import Probe
from coopdesk.people.matcher import Matcher
from coopdesk.people.models import ImportMapping
from coopdesk.people.sheets import Sheet, iter_dicts, read_sheet, write_sheet
from coopdesk.services.base import Context, as_dict
from coopdesk.services.people import search_key
from coopdesk.services.snapshots import Snapshot, remove, restore, take

KINDS = ("persons", "organisations", "participants")
ON_DUPLICATE = ("skip", "create")

register_messages({
    "import_kind": N_("Unknown import kind “{value}”: persons, organisations or participants."),
    "unknown_column": N_("Column “{column}” is not a known field; it is ignored."),
    "missing_column": N_("No column for the required field “{field}”."),
    "unknown_commune": N_("Unknown commune “{value}”."),
    "unknown_event": N_("Unknown event “{value}”."),
    "unknown_person": N_("No person matches this row; give a person id or the name, sex and commune."),
    "possible_duplicate": N_("Possible duplicate of {name} ({where})."),
    "too_long": N_("“{field}” is longer than {n} characters."),
    "mapping_unknown": N_("No saved column mapping named “{name}”."),
    "mapping_field": N_("“{field}” is not a field of {kind}."),
    "import_has_errors": N_("The file has rows that would be rejected; nothing was written."),
    "cancelled": N_("Cancelled: nothing was changed."),
})

# Field → header spellings (folded) staff use in French, English and Arabic.
FIELDS: dict[str, dict[str, tuple[str, ...]]] = {
    "persons": {
        "id": ("id", "identifiant", "uuid"),
        "first_name": ("first name", "firstname", "prenom", "prenoms", "given name"),
        "last_name": ("last name", "lastname", "nom", "nom de famille", "surname", "family name"),
        "first_name_ar": ("first name ar", "prenom ar", "prenom arabe", "الاسم الشخصي", "الاسم"),
        "last_name_ar": ("last name ar", "nom ar", "nom arabe", "الاسم العائلي", "النسب"),
        "sex": ("sex", "sexe", "gender", "genre", "الجنس"),
        "birth_date": ("birth date", "date of birth", "date de naissance", "naissance", "ne le", "ne(e) le",
                       "تاريخ الازدياد", "تاريخ الميلاد"),
        "commune": ("commune", "site", "ville", "town", "الجماعه"),
        "phone": ("phone", "telephone", "tel", "mobile", "portable", "الهاتف"),
        "email": ("email", "e mail", "courriel", "mail"),
        "address": ("address", "adresse", "العنوان"),
        "disability": ("disability", "handicap", "situation de handicap", "en situation de handicap", "اعاقه"),
        "disability_details": ("disability details", "type de handicap", "details handicap", "nature du handicap"),
        "notes": ("notes", "remarques", "observations", "commentaire", "ملاحظات"),
    },
    "organisations": {
        "id": ("id", "identifiant", "uuid"),
        "name": ("name", "nom", "raison sociale", "organisation", "organization", "structure", "الاسم"),
        "short_name": ("short name", "sigle", "acronyme", "acronym"),
        "kind": ("kind", "type", "categorie", "category"),
        "country": ("country", "pays"),
        "commune": ("commune", "site", "ville"),
        "contact": ("contact", "coordonnees", "email", "telephone"),
    },
    "participants": {
        "event": ("event", "evenement", "event id", "activite", "النشاط"),
        "person_id": ("person id", "id personne", "id"),
        "first_name": ("first name", "prenom"),
        "last_name": ("last name", "nom"),
        "first_name_ar": ("first name ar", "prenom ar"),
        "last_name_ar": ("last name ar", "nom ar"),
        "sex": ("sex", "sexe", "gender"),
        "birth_date": ("birth date", "date of birth", "date de naissance", "naissance"),
        "commune": ("commune", "site", "ville"),
        "status": ("status", "statut", "presence", "attendance"),
    },
}
REQUIRED = {"persons": ("sex", "commune"), "organisations": ("name",), "participants": ("event",)}
MAX_LEN = {"first_name": 120, "last_name": 120, "first_name_ar": 120, "last_name_ar": 120, "phone": 40,
           "email": 120, "name": 200, "short_name": 40, "country": 2}
SEX_WORDS = {"f": "F", "femme": "F", "female": "F", "fille": "F", "feminin": "F", "انثي": "F", "ا": "F",
             "m": "M", "h": "M", "homme": "M", "male": "M", "garcon": "M", "masculin": "M", "ذكر": "M"}
TRUE_WORDS = {"1", "oui", "yes", "y", "o", "x", "true", "vrai", "نعم"}
FALSE_WORDS = {"0", "non", "no", "n", "false", "faux", "", "لا"}
STATUS_WORDS = {"present": "attended", "presente": "attended", "attended": "attended", "p": "attended",
                "absent": "absent", "absente": "absent", "a": "absent", "excuse": "excused", "excusee": "excused",
                "excused": "excused", "inscrit": "registered", "inscrite": "registered", "registered": "registered"}


def suggest_mapping(kind: str, headers: list[str]) -> dict[str, str]:
    """Header → field for the headers that are recognised (one column per field)."""
    synonyms = FIELDS[_kind(kind)]
    out: dict[str, str] = {}
    used: set[str] = set()
    for h in headers:
        folded = fold_name(h or "")
        for field, words in synonyms.items():
            if field not in used and (folded == field.replace("_", " ") or folded in words):
                out[h] = field
                used.add(field)
                break
    return out


def _kind(kind: str) -> str:
    if kind not in KINDS:
        raise ValidationError("import_kind", field="kind", value=kind)
    return kind


def _problem(code: str, field: str | None = None, **params: Any) -> dict[str, Any]:
    err = CoopError(code, **({"field": field} if field else {}), **params)
    return {"field": field, "code": code, "params": {k: str(v) for k, v in err.params.items()},
            "message": err.message()}


class ImportService:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    # ------------------------------------------------------------------ mappings

    def fields(self, kind: str) -> list[str]:
        return list(FIELDS[_kind(kind)])

    def save_mapping(self, kind: str, name: str, mapping: Mapping[str, str]) -> dict[str, Any]:
        fields = FIELDS[_kind(kind)]
        if not (name or "").strip():
            raise ValidationError("required", field="name")
        for field in mapping.values():
            if field and field not in fields:
                raise ValidationError("mapping_field", field=field, kind=kind)
        with self.ctx.uow(write=True) as s:
            row = s.scalar(select(ImportMapping).where(ImportMapping.kind == kind, ImportMapping.name == name.strip()))
            if row is None:
                row = ImportMapping(kind=kind, name=name.strip())
                s.add(row)
            row.mapping = json.dumps(dict(mapping), ensure_ascii=False, sort_keys=True)
        return {"kind": kind, "name": name.strip(), "mapping": dict(mapping)}

    def mappings(self, kind: str) -> dict[str, dict[str, str]]:
        with self.ctx.uow() as s:
            return {m.name: json.loads(m.mapping) for m in s.scalars(
                select(ImportMapping).where(ImportMapping.kind == _kind(kind)).order_by(ImportMapping.name))}

    def mapping(self, kind: str, name: str) -> dict[str, str]:
        found = self.mappings(kind).get(name)
        if found is None:
            raise CoopError("mapping_unknown", name=name)
        return found

    # ------------------------------------------------------------------ dry run and import

    def read(self, path: str | Path) -> Sheet:
        return read_sheet(path)

    def preview(self, kind: str, path: str | Path, mapping: Mapping[str, str] | str | None = None,
                **options: Any) -> dict[str, Any]:
        """The dry run: nothing is written."""
        return self.run(kind, path, mapping, dry_run=True, **options)

    def run(self, kind: str, path: str | Path, mapping: Mapping[str, str] | str | None = None, *,
            dry_run: bool = True, on_duplicate: str = "skip", strict: bool = False,
            progress: Callable[[int, int], None] | None = None,
            cancelled: Callable[[], bool] | None = None) -> dict[str, Any]:
        """Validate every row; unless ``dry_run``, write the accepted rows in one transaction.

        ``on_duplicate``: "skip" leaves a row flagged as a possible duplicate out, "create" adds it
        anyway. ``strict``: write nothing at all if any row is rejected. ``cancelled`` is polled;
        a cancelled import writes nothing."""
        _kind(kind)
        if on_duplicate not in ON_DUPLICATE:
            raise ValidationError("invalid_choice", field="on_duplicate", value=on_duplicate)
        if not dry_run and not self.ctx.actor.can_edit:
            raise PermissionDenied(self.ctx.actor.role)
        sheet = read_sheet(path)
        if isinstance(mapping, str):
            mapping = self.mapping(kind, mapping)
        cols = dict(mapping) if mapping is not None else suggest_mapping(kind, sheet.headers)
        checker = _Checker(self.ctx, kind, on_duplicate)
        report = checker.check(sheet, cols, progress=progress, cancelled=cancelled)
        report["dry_run"] = dry_run
        report["written"] = False
        if dry_run:
            return report
        if strict and report["summary"]["reject"]:
            raise CoopError("import_has_errors")
        with self.ctx.uow(write=True) as s:
            checker.write(s, cancelled=cancelled)
        report["written"] = True
        first: dict[tuple[str, str], dict[str, Any]] = {}
        for table, values in checker.updated:  # a row updated twice: its value before the first update
            first.setdefault((table, values["id"]), values)
        report["undo"] = ImportChange(dict(checker.created), Snapshot(tuple((t, v) for (t, _i), v in first.items())))
        return report

    def undo_import(self, change: ImportChange) -> Snapshot:
        """Undo a written import (``report["undo"]``), as one unit of work: the records it created
        are deleted (with whatever was added to them since) and the ones it updated get their
        previous values back. Returns what :meth:`redo_import` needs to make it again."""
        if not self.ctx.actor.can_edit:
            raise PermissionDenied(self.ctx.actor.role)
        with self.ctx.uow(write=True) as s:
            models = by_tablename()
            now = take(o for o in (s.get(models[t], v["id"]) for t, v in change.before.rows) if o is not None)
            removed = Snapshot()
            for table, model in (("participation", Participation), ("person", Person),
                                 ("organisation", Organisation)):
                if change.created.get(table):
                    removed += remove(s, model, change.created[table])
            restore(s, change.before)
        return now + removed

    def redo_import(self, snapshot: Snapshot) -> None:
        """Make an undone import again: its records come back with the same identifiers."""
        with self.ctx.uow(write=True) as s:
            restore(s, snapshot)

    def error_file(self, report: Mapping[str, Any], out: str | Path, lang: str | None = None) -> Path:
        """The rejected and skipped rows with their original cells and a column saying why."""
        tr = gettext_for(lang) if lang else None
        headers = list(report["headers"])
        rows = []
        for r in report["rows"]:
            if r["action"] in ("reject", "duplicate"):
                reasons = [(CoopError(p["code"], **p["params"]).message(lang) if tr else p["message"])
                           for p in r["problems"]]
                rows.append([r["row"], *r["cells"], " | ".join(reasons)])
        return write_sheet(out, ["row", *headers, "errors"], rows)


@dataclass(frozen=True)
class ImportChange:
    """What a written import did: the ids it created by table, and the rows it updated as they were."""

    created: dict[str, list[str]]
    before: Snapshot

    def count(self) -> int:
        return sum(len(ids) for ids in self.created.values()) + len(self.before)


# ------------------------------------------------------------------ checking rows


class _Checker:
    def __init__(self, ctx: Context, kind: str, on_duplicate: str) -> None:
        self.ctx = ctx
        self.kind = kind
        self.on_duplicate = on_duplicate
        self.accepted: list[tuple[str, dict[str, Any]]] = []  # (create/update, values)
        self.created: dict[str, list[str]] = {}  # table -> ids written (for the undo)
        self.updated: list[tuple[str, dict[str, Any]]] = []  # rows changed, as they were (for the undo)

    def check(self, sheet: Sheet, cols: dict[str, str], *, progress=None, cancelled=None) -> dict[str, Any]:
        fields = FIELDS[self.kind]
        problems = []
        for h in sheet.headers:
            if h and h not in cols:
                problems.append({"row": 1, **_problem("unknown_column", None, column=h)})
            elif h and cols.get(h) and cols[h] not in fields:
                problems.append({"row": 1, **_problem("mapping_field", cols[h], kind=self.kind)})
        mapped = {f for f in cols.values() if f in fields}
        missing = [f for f in REQUIRED[self.kind] if f not in mapped]
        if self.kind == "persons":
            if not mapped & {"first_name", "last_name", "first_name_ar", "last_name_ar"}:
                missing.append("last_name")
        for f in missing:
            problems.append({"row": 1, **_problem("missing_column", f)})
        with self.ctx.uow() as s:
            self._load(s)
            rows = []
            total = len(sheet.rows)
            for n, (rownum, cells) in enumerate(iter_dicts(sheet)):
                if cancelled is not None and n % 500 == 0 and cancelled():
                    raise CoopError("cancelled")
                raw = {cols[h]: v for h, v in cells.items() if cols.get(h) in fields}
                rows.append(self._row(rownum, raw, [cells.get(h) for h in sheet.headers], missing))
                if progress is not None and n % 1000 == 0:
                    progress(n, total)
        summary = {k: sum(1 for r in rows if r["action"] == k) for k in ("create", "update", "reject", "duplicate")}
        return {"kind": self.kind, "headers": sheet.headers, "mapping": cols, "problems": problems,
                "rows": rows, "summary": summary}

    def _load(self, s) -> None:
        self.communes: dict[str, str] = {}
        for cid, code, fr, ar in s.execute(select(Commune.id, Commune.code, Commune.name_fr, Commune.name_ar)):
            for name in (code, fr, ar):
                if name:
                    self.communes[fold_name(name)] = cid
        self.code_of = dict(s.execute(select(Commune.id, Commune.code)).all())
        if self.kind == "persons" or self.kind == "participants":
            self.matcher = Matcher()
            self.person_ids: set[str] = set()
            for p in s.execute(select(Person.id, Person.first_name, Person.last_name, Person.first_name_ar,
                                      Person.last_name_ar, Person.birth_date, Person.commune_id)
                               .where(Person.anonymised.is_(False))):
                self.person_ids.add(p.id)
                self.matcher.add(("db", p.id, f"{p.first_name} {p.last_name}".strip() or
                                  f"{p.first_name_ar} {p.last_name_ar}".strip()),
                                 Probe(f"{p.first_name} {p.last_name}".strip(),
                                       f"{p.first_name_ar} {p.last_name_ar}".strip(), p.birth_date, p.commune_id))
        if self.kind == "organisations":
            self.orgs = {fold_name(n): i for i, n in s.execute(select(Organisation.id, Organisation.name))}
            self.org_ids = set(self.orgs.values())
        if self.kind == "participants":
            self.events: dict[str, str] = {}
            for eid, title, start in s.execute(select(Event.id, Event.title, Event.start)):
                self.events[eid] = eid
                self.events.setdefault(fold_name(title), eid)
                self.events[fold_name(f"{title} {start.isoformat()}")] = eid
            self.registered = set(s.execute(select(Participation.event_id, Participation.person_id)).all())

    def _row(self, rownum: int, raw: dict[str, Any], cells: list[Any], missing: list[str]) -> dict[str, Any]:
        problems = [_problem("required", f) for f in missing]
        values: dict[str, Any] = {}
        for field, value in raw.items():
            try:
                values[field] = self._clean(field, value)
            except CoopError as exc:
                problems.append(_problem(exc.code, field, **{k: v for k, v in exc.params.items() if k != "field"}))
        action, dups = "create", []
        if not problems:
            action, dups, more = getattr(self, f"_check_{self.kind}")(rownum, values)
            problems.extend(more)
        if problems and action != "duplicate":
            action = "reject"
        if action in ("create", "update", "duplicate_create", "link"):
            self.accepted.append((action, values))
            action = "create" if action in ("duplicate_create", "link") else action
        return {"row": rownum, "action": action, "problems": problems, "duplicates": dups, "cells": cells,
                "values": {k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in values.items()
                           if k != "disability_details" or self.ctx.actor.can_see_health}}

    # field cleaning --------------------------------------------------

    def _clean(self, field: str, value: Any) -> Any:
        if isinstance(value, str):
            value = value.strip()
        if field in ("birth_date",):
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                raise ValidationError("invalid_date", field=field, value=str(value))
            day = parse_date(value, field)
            if day is not None and (day > dt.date.today() or day.year < 1900):
                raise ValidationError("invalid_date", field=field, value=day.isoformat())
            return day
        if field == "sex":
            sx = SEX_WORDS.get(fold_name(str(value or "")))
            if sx is None:
                raise ValidationError("invalid_choice", field=field, value=str(value or ""))
            return sx
        if field == "commune":
            if value in (None, ""):
                raise ValidationError("required", field=field)
            cid = self.communes.get(fold_name(str(value)))
            if cid is None:
                raise ValidationError("unknown_commune", field=field, value=str(value))
            return cid
        if field == "disability":
            word = fold_name(str(value if value is not None else ""))
            if word in TRUE_WORDS:
                return True
            if word in FALSE_WORDS:
                return False
            raise ValidationError("invalid_choice", field=field, value=str(value))
        if field == "kind":
            word = fold_name(str(value or "other"))
            if word not in C.ORGANISATION_KINDS:
                raise ValidationError("invalid_choice", field=field, value=str(value))
            return word
        if field == "status":
            word = STATUS_WORDS.get(fold_name(str(value or "registered")))
            if word is None:
                raise ValidationError("invalid_choice", field=field, value=str(value))
            return word
        text = "" if value is None else (value.isoformat() if isinstance(value, dt.date) else str(value))
        if isinstance(value, float) and value.is_integer():
            text = str(int(value))
        if MAX_LEN.get(field) and len(text) > MAX_LEN[field]:
            raise ValidationError("too_long", field=field, n=MAX_LEN[field])
        return text

    # per kind ---------------------------------------------------------

    def _check_persons(self, rownum: int, v: dict[str, Any]):
        problems = []
        if not any(v.get(f) for f in ("first_name", "last_name", "first_name_ar", "last_name_ar")):
            problems.append(_problem("required", "last_name"))
        if v.get("disability_details") and not self.ctx.actor.can_see_health:
            v.pop("disability_details")
        v["commune_id"] = v.pop("commune", None)
        if v.get("id"):
            if v["id"] not in self.person_ids:
                problems.append(_problem("not_found", "id", entity="person", id=v["id"]))
            return "update", [], problems
        v.pop("id", None)
        if problems:
            return "reject", [], problems
        probe = Probe.of(v)
        dups = self._dups(probe)
        self.matcher.add(("row", rownum, f"{v.get('first_name', '')} {v.get('last_name', '')}".strip()
                          or f"{v.get('first_name_ar', '')} {v.get('last_name_ar', '')}".strip()), probe)
        if dups:
            problems = [_problem("possible_duplicate", None, name=d["name"], where=d["where"]) for d in dups]
            if self.on_duplicate == "create":
                return "duplicate_create", dups, []
            return "duplicate", dups, problems
        return "create", [], []

    def _dups(self, probe: Probe) -> list[dict[str, Any]]:
        out = []
        for (src, ref, name), total, reasons in self.matcher.find(probe):
            where = f"row {ref}" if src == "row" else f"id {ref}"
            out.append({"source": src, "ref": ref, "name": name, "where": where, "score": total, "reasons": reasons})
        return out

    def _check_organisations(self, rownum: int, v: dict[str, Any]):
        v["commune_id"] = v.pop("commune", None)
        if v.get("commune_id") and not v.get("country"):
            v["country"] = "MA" if self.code_of.get(v["commune_id"]) == "TIZ" else "FR"
        if v.get("id"):
            if v["id"] not in self.org_ids:
                return "reject", [], [_problem("not_found", "id", entity="organisation", id=v["id"])]
            return "update", [], []
        v.pop("id", None)
        key = fold_name(v.get("name") or "")
        if not key:
            return "reject", [], [_problem("required", "name")]
        if key in self.orgs:
            ref = self.orgs[key]
            d = {"source": "row" if isinstance(ref, int) else "db", "ref": ref, "name": v["name"],
                 "where": f"row {ref}" if isinstance(ref, int) else f"id {ref}", "score": 100.0, "reasons": ["name"]}
            return "duplicate", [d], [_problem("possible_duplicate", None, name=d["name"], where=d["where"])]
        self.orgs[key] = rownum
        return "create", [], []

    def _check_participants(self, rownum: int, v: dict[str, Any]):
        event = self.events.get(str(v.get("event") or "")) or self.events.get(fold_name(str(v.get("event") or "")))
        if event is None:
            return "reject", [], [_problem("unknown_event", "event", value=str(v.get("event") or ""))]
        v["event_id"] = event
        v.setdefault("status", "registered")
        pid = v.get("person_id") or ""
        if pid and pid not in self.person_ids:
            return "reject", [], [_problem("not_found", "person_id", entity="person", id=pid)]
        if not pid:
            probe = Probe.of({**v, "commune_id": v.get("commune")})
            found = [d for d in self.matcher.find(probe) if d[0][0] == "db" and d[1] >= 95]
            if found:
                pid = found[0][0][1]
            elif v.get("sex") and v.get("commune") and any(
                    v.get(f) for f in ("first_name", "last_name", "first_name_ar", "last_name_ar")):
                return "create", [], []  # a new person, registered at once
            else:
                return "reject", [], [_problem("unknown_person", "person_id")]
        v["person_id"] = pid
        if (event, pid) in self.registered:
            return "update", [], []
        self.registered.add((event, pid))
        return "link", [], []

    # writing ----------------------------------------------------------

    def write(self, s, cancelled=None) -> None:
        from coopdesk.people.dedup import person_keys
        from coopdesk.people.models import PersonNameKey

        if cancelled is not None and cancelled():
            raise CoopError("cancelled")
        if self.kind == "persons":
            creates = []
            for action, v in self.accepted:
                data = {k: v[k] for k in v if k in Person.__table__.columns.keys() and k != "id"}
                if action == "update":
                    person = s.get(Person, v["id"])
                    self.updated.append(_before(person))
                    for k, val in data.items():
                        if val not in (None, "") and getattr(person, k) != val:
                            setattr(person, k, val)
                    person.search_key = search_key({f: getattr(person, f) for f in
                                                    ("last_name", "first_name", "last_name_ar", "first_name_ar")})
                else:
                    data["search_key"] = search_key(data)
                    creates.append(data)
            s.flush()
            ids = bulk.insert_captured(s, Person, creates)
            self.created["person"] = ids
            keys = [{"key": k, "person_id": pid} for pid, d in zip(ids, creates, strict=True) for k in person_keys(d)]
            for i in range(0, len(keys), 20000):
                s.execute(PersonNameKey.__table__.insert(), keys[i:i + 20000])
        elif self.kind == "organisations":
            creates = []
            for action, v in self.accepted:
                data = {k: v[k] for k in v if k in Organisation.__table__.columns.keys() and k != "id"}
                if action == "update":
                    org = s.get(Organisation, v["id"])
                    self.updated.append(_before(org))
                    for k, val in data.items():
                        if val not in (None, "") and getattr(org, k) != val:
                            setattr(org, k, val)
                else:
                    creates.append(data)
            s.flush()
            self.created["organisation"] = bulk.insert_captured(s, Organisation, creates)
        else:
            links, statuses = [], {}
            new_people = []
            for action, v in self.accepted:
                if action == "create":
                    data = {k: v.get(k) for k in ("first_name", "last_name", "first_name_ar", "last_name_ar",
                                                   "sex", "birth_date") if v.get(k) not in (None,)}
                    data["commune_id"] = v["commune"]
                    data["search_key"] = search_key(data)
                    new_people.append((data, v))
                elif action == "link":
                    links.append({"event_id": v["event_id"], "person_id": v["person_id"], "status": v["status"]})
                else:
                    statuses[(v["event_id"], v["person_id"])] = v["status"]
            ids = bulk.insert_captured(s, Person, [d for d, _ in new_people])
            self.created["person"] = ids
            keys = [{"key": k, "person_id": pid} for pid, (d, _) in zip(ids, new_people, strict=True)
                    for k in person_keys(d)]
            if keys:
                s.execute(PersonNameKey.__table__.insert(), keys)
            links += [{"event_id": v["event_id"], "person_id": pid, "status": v["status"]}
                      for pid, (_, v) in zip(ids, new_people, strict=True)]
            self.created["participation"] = bulk.insert_captured(s, Participation, links)
            for (eid, pid), status in statuses.items():
                row = s.scalar(select(Participation).where(Participation.event_id == eid,
                                                           Participation.person_id == pid))
                if row is not None and row.status != status:
                    self.updated.append(_before(row))
                    row.status = status
        if cancelled is not None and cancelled():
            raise CoopError("cancelled")


def _before(obj: Any) -> tuple[str, dict[str, Any]]:
    """A row's values before the import changes it (for the undo)."""
    return (type(obj).__tablename__, as_dict(obj))
