"""The steering committee (article 5): meetings, attendance, agenda, decisions, votes, minutes."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from coopdesk.db.models import (
    AgendaItem,
    Amendment,
    Attendee,
    Axis,
    Commune,
    Decision,
    Meeting,
    Minutes,
    Plan,
    Signature,
    Vote,
)
from coopdesk.domain import constants as C
from coopdesk.domain import fields as F
from coopdesk.domain.rules import Voter, fingerprint, is_adopted, minutes_status, voting_members
from coopdesk.errors import CoopError, ValidationError, register_messages
from coopdesk.i18n import N_
from coopdesk.services.base import Context, as_dict, get
from coopdesk.services.crud import Entity, exists_rule
from coopdesk.services.snapshots import Snapshot, remove, restore

register_messages({
    "meeting_minutes_final": N_("Meeting no. {number} has final minutes: it cannot be deleted."),
    "decision_in_use": N_("Decision {number} validates an action plan, an amendment or an axis: it cannot be "
                          "deleted."),
})


def _meeting_rule(s: Session, v: dict[str, Any], _obj: Any) -> None:
    if v.get("host_commune_id"):
        commune = get(s, Commune, v["host_commune_id"], "commune")
        if not v.get("country"):
            v["country"] = commune.country


MEETING = Entity(Meeting, {
    "number": F.integer(),
    "host_commune_id": F.ref(required=True),
    "place": F.text(max_len=200),
    "country": F.text(max_len=2),
    "held_at": F.datetime(required=True),
    "convened_on": F.date(),
    "secretary": F.text(max_len=120),
    "notes": F.text(),
}, rules=(_meeting_rule,), order_by=Meeting.held_at, derived=("country",))

ATTENDEE = Entity(Attendee, {
    "meeting_id": F.ref(required=True),
    "name": F.text(required=True, max_len=120),
    "title": F.text(max_len=200),
    "role": F.choice(C.ATTENDEE_ROLES, required=False),
    "commune_id": F.ref(),
    "presence": F.choice(C.PRESENCES, required=False),
    "is_president": F.boolean(),
}, rules=(exists_rule("meeting_id", Meeting, "meeting"), exists_rule("commune_id", Commune, "commune")))

AGENDA = Entity(AgendaItem, {
    "meeting_id": F.ref(required=True),
    "position": F.integer(required=True),
    "title": F.text(required=True, max_len=300),
    "debate": F.text(),
}, rules=(exists_rule("meeting_id", Meeting, "meeting"),), order_by=AgendaItem.position)

DECISION = Entity(Decision, {
    "meeting_id": F.ref(required=True),
    "agenda_item_id": F.ref(),
    "number": F.text(required=True, max_len=20),
    "title": F.text(required=True, max_len=300),
    "text": F.text(),
    "kind": F.choice(C.DECISION_KINDS, required=False),
}, rules=(exists_rule("meeting_id", Meeting, "meeting"), exists_rule("agenda_item_id", AgendaItem, "agenda item")))


def _voters(s: Session, meeting_id: str) -> list[Voter]:
    return [Voter(a.id, a.role, a.presence) for a in s.scalars(select(Attendee).where(Attendee.meeting_id == meeting_id))]


def decision_adopted(s: Session, decision_id: str) -> bool:
    decision = s.get(Decision, decision_id)
    if decision is None:
        return False
    votes = dict(s.execute(select(Vote.attendee_id, Vote.value).where(Vote.decision_id == decision_id)).all())
    return is_adopted(_voters(s, decision.meeting_id), votes)


def _check_unused(s: Session, decision: Decision) -> None:
    """A decision that validates a plan, an amendment or an axis is their legal basis: kept."""
    for model in (Plan, Amendment, Axis):
        if s.scalar(select(model.id).where(model.decision_id == decision.id).limit(1)):
            raise CoopError("decision_in_use", number=decision.number)


def _presidents(s: Session) -> list[str]:
    """The communes whose president must sign: every partner commune (Tiznit and Villeneuve)."""
    return [c for (c,) in s.execute(select(Commune.id))]


class CommitteeService:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    # ------------------------------------------------------------------ meetings

    def create_meeting(self, **data: Any) -> dict[str, Any]:
        if not data.get("number"):
            with self.ctx.uow() as s:
                data["number"] = (s.scalar(select(func.max(Meeting.number))) or 0) + 1
        return MEETING.create(self.ctx, data)

    def update_meeting(self, meeting_id: str, **data: Any) -> dict[str, Any]:
        self._check_not_frozen(meeting_id)
        return MEETING.update(self.ctx, meeting_id, data)

    def delete_meeting(self, meeting_id: str) -> Snapshot:
        """Delete a meeting with its attendees, agenda, decisions, votes and draft minutes; returns
        what was deleted, for :meth:`restore_meeting`. Refused when any version of its minutes was
        finalised (signed minutes are enforceable: the record they fingerprint stays), when one of
        its decisions validates a plan, an amendment or an axis, and in a locked year."""
        with self.ctx.uow(write=True) as s:
            m = get(s, Meeting, meeting_id, "meeting")
            if s.scalar(select(Minutes.id).where(Minutes.meeting_id == meeting_id,
                                                 Minutes.finalised_at.is_not(None)).limit(1)):
                raise CoopError("meeting_minutes_final", number=m.number)
            year = m.held_at.year
            if s.scalar(select(Plan.id).where(Plan.year == year, Plan.locked.is_(True))):
                raise CoopError("year_locked", year=year)
            for dec in s.scalars(select(Decision).where(Decision.meeting_id == meeting_id)):
                _check_unused(s, dec)
            return remove(s, Meeting, [meeting_id])

    def restore_meeting(self, snapshot: Snapshot) -> None:
        """Put a deleted meeting back with the same identifiers (the undo of :meth:`delete_meeting`)."""
        meeting = snapshot.first("meeting")
        with self.ctx.uow(write=True) as s:
            if meeting is not None and s.scalar(select(Plan.id).where(Plan.year == meeting["held_at"].year,
                                                                      Plan.locked.is_(True))):
                raise CoopError("year_locked", year=meeting["held_at"].year)
            restore(s, snapshot)

    def meetings(self) -> list[dict[str, Any]]:
        with self.ctx.uow() as s:
            rows = s.execute(select(Meeting, Commune.code).join(Commune, Meeting.host_commune_id == Commune.id)
                             .order_by(Meeting.held_at)).all()
            out = []
            for m, code in rows:
                d = as_dict(m)
                d["host_code"] = code
                d["minutes_status"] = self._latest_minutes_status(s, m.id)
                out.append(d)
            return out

    def meeting(self, meeting_id: str) -> dict[str, Any]:
        """A meeting with its attendees, agenda, decisions (votes, adopted) and minutes."""
        with self.ctx.uow() as s:
            m = get(s, Meeting, meeting_id, "meeting")
            d = as_dict(m)
            d["host_code"] = m.host_commune.code
            communes = dict(s.execute(select(Commune.id, Commune.code)).all())
            d["attendees"] = [{**as_dict(a), "commune_code": communes.get(a.commune_id, "")} for a in s.scalars(
                select(Attendee).where(Attendee.meeting_id == m.id).order_by(Attendee.commune_id, Attendee.name))]
            d["agenda"] = [as_dict(a) for a in s.scalars(
                select(AgendaItem).where(AgendaItem.meeting_id == m.id).order_by(AgendaItem.position))]
            voters = _voters(s, m.id)
            d["decisions"] = []
            for dec in s.scalars(select(Decision).where(Decision.meeting_id == m.id).order_by(Decision.number)):
                votes = dict(s.execute(select(Vote.attendee_id, Vote.value).where(Vote.decision_id == dec.id)).all())
                d["decisions"].append({**as_dict(dec), "votes": votes, "adopted": is_adopted(voters, votes),
                                       "voters": [v.attendee_id for v in voting_members(voters)]})
            d["minutes"] = [self._minutes_dict(s, mn) for mn in s.scalars(
                select(Minutes).where(Minutes.meeting_id == m.id).order_by(Minutes.version))]
            return d

    def latest_meeting_id(self) -> str | None:
        with self.ctx.uow() as s:
            return s.scalar(select(Meeting.id).order_by(Meeting.held_at.desc()).limit(1))

    # ------------------------------------------------------------------ attendance and agenda

    def add_attendee(self, **data: Any) -> dict[str, Any]:
        self._check_not_frozen(data.get("meeting_id"))
        return ATTENDEE.create(self.ctx, data)

    def update_attendee(self, attendee_id: str, **data: Any) -> dict[str, Any]:
        self._check_not_frozen(ATTENDEE.read(self.ctx, attendee_id)["meeting_id"])
        return ATTENDEE.update(self.ctx, attendee_id, data)

    def remove_attendee(self, attendee_id: str) -> Snapshot:
        """Remove an attendee and their votes (refused once the minutes are final); returns them,
        for :meth:`restore_records`."""
        self._check_not_frozen(ATTENDEE.read(self.ctx, attendee_id)["meeting_id"])
        with self.ctx.uow(write=True) as s:
            return remove(s, Attendee, [attendee_id])

    def add_agenda_item(self, **data: Any) -> dict[str, Any]:
        self._check_not_frozen(data.get("meeting_id"))
        return AGENDA.create(self.ctx, data)

    def update_agenda_item(self, item_id: str, **data: Any) -> dict[str, Any]:
        self._check_not_frozen(AGENDA.read(self.ctx, item_id)["meeting_id"])
        return AGENDA.update(self.ctx, item_id, data)

    # ------------------------------------------------------------------ decisions and votes

    def add_decision(self, **data: Any) -> dict[str, Any]:
        self._check_not_frozen(data.get("meeting_id"))
        return DECISION.create(self.ctx, data)

    def update_decision(self, decision_id: str, **data: Any) -> dict[str, Any]:
        self._check_not_frozen(DECISION.read(self.ctx, decision_id)["meeting_id"])
        return DECISION.update(self.ctx, decision_id, data)

    def vote(self, decision_id: str, attendee_id: str, value: str) -> dict[str, Any]:
        """Record one member's vote; returns the decision's state (adopted only if unanimous)."""
        if value not in C.VOTES:
            raise ValidationError("invalid_choice", field="vote", value=value)
        meeting_id = DECISION.read(self.ctx, decision_id)["meeting_id"]
        self._check_not_frozen(meeting_id)
        with self.ctx.uow(write=True) as s:
            attendee = get(s, Attendee, attendee_id, "attendee")
            voters = {v.attendee_id for v in voting_members(_voters(s, meeting_id))}
            if attendee.meeting_id != meeting_id or attendee.id not in voters:
                raise CoopError("vote_not_voting_member", name=attendee.name)
            row = s.scalar(select(Vote).where(Vote.decision_id == decision_id, Vote.attendee_id == attendee_id))
            if row is None:
                s.add(Vote(decision_id=decision_id, attendee_id=attendee_id, value=value))
            else:
                row.value = value
        return self.decision(decision_id)

    def delete_decision(self, decision_id: str) -> Snapshot:
        """Remove a decision and its votes (the inverse of ``add_decision``); refused when it
        validates a plan, an amendment or an axis. See :meth:`restore_records`."""
        self._check_not_frozen(DECISION.read(self.ctx, decision_id)["meeting_id"])
        with self.ctx.uow(write=True) as s:
            _check_unused(s, get(s, Decision, decision_id, "decision"))
            return remove(s, Decision, [decision_id])

    def delete_agenda_item(self, item_id: str) -> Snapshot:
        """Remove an agenda item; decisions taken under it stay, unlinked (inverse of
        ``add_agenda_item``). See :meth:`restore_records`."""
        self._check_not_frozen(AGENDA.read(self.ctx, item_id)["meeting_id"])
        with self.ctx.uow(write=True) as s:
            return remove(s, AgendaItem, [item_id])

    def restore_records(self, snapshot: Snapshot) -> None:
        """Put back an attendee, an agenda item or a decision removed from a meeting, with the same
        identifiers; refused if the meeting's minutes were finalised since."""
        meeting_id = next((v["meeting_id"] for t, v in snapshot.rows if "meeting_id" in v), None)
        self._check_not_frozen(meeting_id)
        with self.ctx.uow(write=True) as s:
            restore(s, snapshot)

    def clear_vote(self, decision_id: str, attendee_id: str) -> dict[str, Any]:
        """Remove one member's vote (the inverse of a first vote, for undo)."""
        self._check_not_frozen(DECISION.read(self.ctx, decision_id)["meeting_id"])
        with self.ctx.uow(write=True) as s:
            for row in s.scalars(select(Vote).where(Vote.decision_id == decision_id, Vote.attendee_id == attendee_id)):
                s.delete(row)
        return self.decision(decision_id)

    def vote_all(self, decision_id: str, value: str = "yes") -> dict[str, Any]:
        meeting_id = DECISION.read(self.ctx, decision_id)["meeting_id"]
        with self.ctx.uow() as s:
            voters = [v.attendee_id for v in voting_members(_voters(s, meeting_id))]
        for attendee_id in voters:
            self.vote(decision_id, attendee_id, value)
        return self.decision(decision_id)

    def decision(self, decision_id: str) -> dict[str, Any]:
        with self.ctx.uow() as s:
            dec = get(s, Decision, decision_id, "decision")
            votes = dict(s.execute(select(Vote.attendee_id, Vote.value).where(Vote.decision_id == dec.id)).all())
            return {**as_dict(dec), "votes": votes, "adopted": is_adopted(_voters(s, dec.meeting_id), votes)}

    def is_adopted(self, decision_id: str) -> bool:
        with self.ctx.uow() as s:
            return decision_adopted(s, decision_id)

    # ------------------------------------------------------------------ minutes

    def draft_minutes(self, meeting_id: str, content: str | None = None) -> dict[str, Any]:
        """The draft of the meeting's minutes (created from the meeting data when ``content`` is None).
        ``previous_content`` in the result is the draft's text before, None when this call created
        the version (for undo: :meth:`edit_minutes` back, or :meth:`discard_minutes_draft`)."""
        if content is None:
            from coopdesk.services.minutes_text import minutes_text

            content = minutes_text(self.meeting(meeting_id))
        with self.ctx.uow(write=True) as s:
            get(s, Meeting, meeting_id, "meeting")
            latest = s.scalar(select(Minutes).where(Minutes.meeting_id == meeting_id)
                              .order_by(Minutes.version.desc()).limit(1))
            previous = None
            if latest is None or latest.finalised_at is not None:
                version = 1 if latest is None else latest.version + 1
                latest = Minutes(meeting_id=meeting_id, version=version, content=content)
                s.add(latest)
            else:
                previous = latest.content
                latest.content = content
            s.flush()
            return {**self._minutes_dict(s, latest), "previous_content": previous}

    def discard_minutes_draft(self, minutes_id: str) -> Snapshot:
        """Delete a version of the minutes that is still a draft (the undo of preparing the first
        draft or of :meth:`new_minutes_version`); returns it, for :meth:`restore_minutes`. A final
        version is never deleted (``minutes_frozen``): what was fingerprinted, and maybe signed, stays."""
        with self.ctx.uow(write=True) as s:
            mn = get(s, Minutes, minutes_id, "minutes")
            if mn.finalised_at is not None:
                raise CoopError("minutes_frozen")
            return remove(s, Minutes, [minutes_id])

    def restore_minutes(self, snapshot: Snapshot) -> None:
        """Put a discarded draft of the minutes back, with its identifier (the redo of a draft);
        refused if that version was finalised meanwhile (by a partner, through a sync)."""
        with self.ctx.uow(write=True) as s:
            for minutes_id in snapshot.ids("minutes"):
                mn = s.get(Minutes, minutes_id)
                if mn is not None and mn.finalised_at is not None:
                    raise CoopError("minutes_frozen")
            restore(s, snapshot)

    def edit_minutes(self, minutes_id: str, content: str) -> dict[str, Any]:
        with self.ctx.uow(write=True) as s:
            mn = get(s, Minutes, minutes_id, "minutes")
            if mn.finalised_at is not None:
                raise CoopError("minutes_frozen")
            mn.content = content
            return self._minutes_dict(s, mn)

    def finalise_minutes(self, minutes_id: str, at: dt.datetime | str | None = None) -> dict[str, Any]:
        """Freeze the text and compute its fingerprint (``at``: when, for minutes recorded late)."""
        when = F.parse_datetime(at, "finalised_at") if at else None
        with self.ctx.uow(write=True) as s:
            mn = get(s, Minutes, minutes_id, "minutes")
            if mn.finalised_at is not None:
                raise CoopError("minutes_frozen")
            mn.finalised_at = when or dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)
            mn.fingerprint = fingerprint(mn.content)
            return self._minutes_dict(s, mn)

    def sign_minutes(self, minutes_id: str, commune_code: str, *, signer_name: str | None = None,
                     signed_on: dt.date | str | None = None, place: str = "") -> dict[str, Any]:
        """One president signs; enforceable once every partner commune's president has signed."""
        day = F.parse_date(signed_on, "signed_on") if signed_on else dt.date.today()
        with self.ctx.uow(write=True) as s:
            mn = get(s, Minutes, minutes_id, "minutes")
            if mn.finalised_at is None:
                raise CoopError("minutes_not_final")
            commune = s.scalar(select(Commune).where(Commune.code == commune_code))
            if commune is None:
                raise CoopError("minutes_signer_unknown")
            if s.scalar(select(Signature.id).where(Signature.minutes_id == mn.id,
                                                   Signature.commune_id == commune.id)):
                raise CoopError("minutes_already_signed", commune=commune.name_fr)
            if day < mn.finalised_at.date():
                raise ValidationError("end_before_start", field="signed_on",
                                      start=mn.finalised_at.date().isoformat(), end=day.isoformat())
            s.add(Signature(minutes_id=mn.id, commune_id=commune.id,
                            signer_name=signer_name or commune.representative_name,
                            signer_title=commune.representative_title, signed_on=day, place=place))
            s.flush()
            return self._minutes_dict(s, mn)

    def minutes(self, minutes_id: str) -> dict[str, Any]:
        with self.ctx.uow() as s:
            return self._minutes_dict(s, get(s, Minutes, minutes_id, "minutes"))

    def attach_scan(self, minutes_id: str, attachment_id: str) -> dict[str, Any]:
        """Link the scanned signed copy; refused when the scan shows another version's fingerprint.

        The result has ``scan_check`` (see :meth:`verify_scan`): ``unreadable`` scans (images) are
        accepted, for staff to compare the printed fingerprint by eye."""
        check = self.verify_scan(minutes_id, attachment_id)
        if check["result"] == "other_version":
            raise CoopError("scan_other_version", version=check["version_found"],
                            expected=self.minutes(minutes_id)["version"])
        if check["result"] == "mismatch":
            raise CoopError("scan_wrong_version", found=check["found"][0][:16] + "…",
                            expected=check["expected"][:16] + "…")
        with self.ctx.uow(write=True) as s:
            mn = get(s, Minutes, minutes_id, "minutes")
            if mn.finalised_at is None:
                raise CoopError("minutes_not_final")
            mn.scan_attachment_id = attachment_id
            return {**self._minutes_dict(s, mn), "scan_check": check}

    def verify_scan(self, minutes_id: str, attachment_id: str) -> dict[str, Any]:
        """Does the attached file belong to this version? ``result``: ``match``, ``other_version``
        (``version_found``), ``mismatch`` or ``unreadable`` (no text layer: check by eye)."""
        from coopdesk.services.admin import AttachmentService
        from coopdesk.services.scan_check import check_scan

        minutes = self.minutes(minutes_id)
        if not minutes["fingerprint"]:
            raise CoopError("minutes_not_final")
        data = AttachmentService(self.ctx).content(attachment_id)
        versions = self.meeting(minutes["meeting_id"])["minutes"]
        return check_scan(data, minutes, versions)

    def _minutes_dict(self, s: Session, mn: Minutes) -> dict[str, Any]:
        sigs = s.execute(select(Signature, Commune.code).join(Commune, Signature.commune_id == Commune.id)
                         .where(Signature.minutes_id == mn.id).order_by(Signature.signed_on)).all()
        status = minutes_status(mn.finalised_at is not None, [sig.commune_id for sig, _ in sigs], _presidents(s))
        return {**as_dict(mn), "status": status,
                "signatures": [{**as_dict(sig), "commune_code": code} for sig, code in sigs]}

    def _latest_minutes_status(self, s: Session, meeting_id: str) -> str:
        mn = s.scalar(select(Minutes).where(Minutes.meeting_id == meeting_id).order_by(Minutes.version.desc()).limit(1))
        return "" if mn is None else self._minutes_dict(s, mn)["status"]

    def _check_not_frozen(self, meeting_id: str | None) -> None:
        """Once minutes are final, the meeting they record cannot change (a new version is needed)."""
        if not meeting_id:
            return
        with self.ctx.uow() as s:
            mn = s.scalar(select(Minutes).where(Minutes.meeting_id == meeting_id)
                          .order_by(Minutes.version.desc()).limit(1))
            if mn is not None and mn.finalised_at is not None:
                raise CoopError("minutes_frozen")

    def new_minutes_version(self, meeting_id: str) -> dict[str, Any]:
        """Start a new, unsigned version after the final one (to correct the meeting record)."""
        with self.ctx.uow(write=True) as s:
            latest = s.scalar(select(Minutes).where(Minutes.meeting_id == meeting_id)
                              .order_by(Minutes.version.desc()).limit(1))
            if latest is None or latest.finalised_at is None:
                raise CoopError("minutes_not_final")
            mn = Minutes(meeting_id=meeting_id, version=latest.version + 1, content=latest.content)
            s.add(mn)
            s.flush()
            return self._minutes_dict(s, mn)
