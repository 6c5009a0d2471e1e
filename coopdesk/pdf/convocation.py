"""Convocation letter of a committee meeting (article 5: the host side convenes): date, place,
agenda and the invited members, signed for the host commune. French, and French + Arabic by
default for a meeting held in Morocco."""

from __future__ import annotations

from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Spacer

from coopdesk.i18n import N_
from coopdesk.pdf.common import CONTENT_WIDTH, Doc, build_pdf, commune_name
from coopdesk.pdf.data import communes as load_communes
from coopdesk.pdf.data import representative_title


def default_language(svc, meeting_id: str) -> str:
    meeting = svc.committee.meeting(meeting_id)
    return "fr+ar" if meeting.get("country") == "MA" else "fr"


def build(svc, meeting_id: str, lang: str | None = None) -> bytes:
    meeting = svc.committee.meeting(meeting_id)
    doc = Doc(lang or ("fr+ar" if meeting.get("country") == "MA" else "fr"))
    communes = load_communes(svc)
    host = communes.get(meeting["host_code"])
    story = doc.header(communes, [
        doc.text(N_("Convocation"), "title"),
        doc.text(N_("Meeting of the steering committee no. {number}"), "h2", number=meeting["number"], align="center"),
    ])
    story.append(doc.text(N_("To the members of the steering committee"), "body", bold=True))
    story.append(doc.text(
        N_("You are invited to the meeting of the steering committee of the decentralised cooperation between the "
           "communes of Tiznit and Villeneuve-la-Garenne, to be held on {date} at {place}."),
        date=lambda lg: doc.datetime(meeting["held_at"], lg), place=meeting["place"] or "—"))
    story.append(doc.text(N_("Agenda"), "h1"))
    for item in meeting["agenda"]:
        story.append(doc.data(f"{item['position']}. {item['title']}"))
    story.append(doc.text(N_("Invited members"), "h1"))
    w = CONTENT_WIDTH
    rows = [[doc.label(N_("Name"), bold=True), doc.label(N_("Title"), bold=True), doc.label(N_("Commune"), bold=True)]]
    rows += [[a["name"], a["title"] or "", a["commune_code"] or "—"] for a in meeting["attendees"]]
    story.append(doc.grid(rows, [w * 0.3, w * 0.55, w * 0.15]))
    story.append(Spacer(1, 6 * mm))
    if host is not None:
        place = lambda lg: commune_name(host, lg)  # noqa: E731
        day = meeting.get("convened_on")
        block = doc.signature_cell(
            [f"{doc.t(N_('For the host commune'), lg)} — {representative_title(host, lg)}" for lg in doc.langs],
            host["representative_name"], place if day else "", (lambda lg: doc.date(day, lg)) if day else "")
        story.append(KeepTogether([doc.grid([[block]], [w * 0.55], header=False)]))
    title = doc.t(N_("Convocation"), doc.lang)
    return build_pdf(story, doc, title=title, footer_text=doc.t(
        N_("Meeting of the steering committee no. {number}"), doc.lang, number=meeting["number"]))
