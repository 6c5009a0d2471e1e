"""Attendance certificate (attestation de participation) for a person who attended an event."""

from __future__ import annotations

import datetime as dt

from reportlab.lib.units import mm
from reportlab.platypus import Spacer

from coopdesk.errors import CoopError
from coopdesk.i18n import N_
from coopdesk.pdf.common import CONTENT_WIDTH, Doc, build_pdf, commune_name, person_name
from coopdesk.pdf.data import communes as load_communes


def build(svc, event_id: str, person_id: str, lang: str = "fr", *, today: dt.date | None = None) -> bytes:
    event = svc.events.event(event_id)
    entry = next((p for p in event["participants"] if p["person_id"] == person_id), None)
    if entry is None or entry["status"] != "attended":
        raise CoopError("print_not_participant")
    doc = Doc(lang)
    communes = load_communes(svc)
    home = communes.get(entry["commune_code"])
    host = next((c for c in communes.values() if c["id"] == event.get("commune_id")), None)
    story = doc.header(communes, [doc.text(N_("Certificate of attendance"), "title"), Spacer(1, 8 * mm)])

    def when(lg: str) -> str:
        start, end = doc.date(event["start"], lg), doc.date(event.get("end"), lg)
        return f"{start} – {end}" if end and end != start else start

    story.append(doc.text(
        N_("We certify that {name}, of the commune of {commune}, took part in “{event}”, held on {date} at {place}."),
        name=lambda lg: person_name(entry, lg),
        commune=lambda lg: commune_name(home, lg) if home else entry["commune_code"],
        event=event["title"], date=when, place=event["place"] or "—"))
    story.append(Spacer(1, 4 * mm))
    story.append(doc.text(N_("This certificate is issued for whatever purpose it may serve."), "body"))
    story.append(Spacer(1, 12 * mm))
    day = today or dt.date.today()
    block = doc.signature_cell([doc.t(N_("The person in charge of the event"), lg) for lg in doc.langs],
                               event.get("responsible") or "",
                               (lambda lg: commune_name(host, lg)) if host else (event["place"] or ""),
                               lambda lg: doc.date(day, lg))
    story.append(doc.grid([[block]], [CONTENT_WIDTH * 0.55], header=False))
    title = doc.t(N_("Certificate of attendance"), doc.lang)
    return build_pdf(story, doc, title=title, footer_text=f"{title} · {event['title']}")
