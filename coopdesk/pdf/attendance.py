"""Attendance sheet (feuille d'émargement) of a committee meeting or of an event: one line per
person invited or registered (name as typed, commune, role) with room to sign, then blank lines for
people who come without being registered."""

from __future__ import annotations

from typing import Any

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Spacer

from coopdesk.domain import constants as C
from coopdesk.i18n import N_
from coopdesk.pdf.common import CONTENT_WIDTH, Doc, build_pdf, person_name
from coopdesk.pdf.data import communes as load_communes

BLANK_LINES = 8
ROW_HEIGHT = 11 * mm


def build_for_meeting(svc, meeting_id: str, lang: str = "fr") -> bytes:
    meeting = svc.committee.meeting(meeting_id)
    doc = Doc(lang)
    rows = [(a["name"], a["commune_code"] or "—", doc.label(C.ATTENDEE_ROLES.get(a["role"], a["role"])))
            for a in meeting["attendees"]]
    intro = [
        doc.text(N_("Meeting of the steering committee no. {number}"), "h2", number=meeting["number"]),
        doc.block([(lg, f"{doc.datetime(meeting['held_at'], lg)} · {meeting['place']}") for lg in doc.langs]),
    ]
    return _build(svc, doc, intro, rows, with_role=True)


def build_for_event(svc, event_id: str, lang: str = "fr") -> bytes:
    event = svc.events.event(event_id)
    doc = Doc(lang)
    people = sorted(event["participants"], key=lambda p: (p["commune_code"], p["last_name"], p["first_name"]))
    rows = [(person_name(p, doc.lang), p["commune_code"], None) for p in people]

    def when(lg: str) -> str:
        start, end = doc.date(event["start"], lg), doc.date(event.get("end"), lg)
        return f"{start} – {end}" if end and end != start else start

    intro = [doc.data(event["title"], "h2"),
             doc.block([(lg, f"{when(lg)} · {event['place']}") for lg in doc.langs])]
    return _build(svc, doc, intro, rows, with_role=False)


def _build(svc, doc: Doc, intro: list[Flowable], people: list[tuple[str, str, Any]], *, with_role: bool) -> bytes:
    communes = load_communes(svc)
    story = doc.header(communes, [doc.text(N_("Attendance sheet"), "title"), *intro])
    w = CONTENT_WIDTH
    head = [doc.label(N_("No."), bold=True), doc.label(N_("Name"), bold=True), doc.label(N_("Commune"), bold=True)]
    widths = [w * 0.07, w * 0.36, w * 0.15]
    if with_role:
        head.append(doc.label(N_("Role"), bold=True))
        widths.append(w * 0.15)
    head.append(doc.label(N_("Signature"), bold=True))
    widths.append(w - sum(widths))
    rows: list[list[Any]] = [head]
    for i, (name, commune, role) in enumerate(people, start=1):
        rows.append([str(i), name, commune] + ([role] if with_role else []) + [""])
    story.append(doc.grid(rows, widths, extra_style=[("VALIGN", (0, 1), (-1, -1), "MIDDLE")]))
    for r in range(1, len(rows)):
        story[-1]._argH[r] = ROW_HEIGHT
    story.append(Spacer(1, 4 * mm))
    story.append(doc.text(N_("Participants not registered in advance"), "h2"))
    blank = [head] + [[str(len(people) + i)] + [""] * (len(head) - 1) for i in range(1, BLANK_LINES + 1)]
    t = doc.grid(blank, widths)
    for r in range(1, len(blank)):
        t._argH[r] = ROW_HEIGHT
    story.append(t)
    title = doc.t(N_("Attendance sheet"), doc.lang)
    return build_pdf(story, doc, title=title, footer_text=title)
