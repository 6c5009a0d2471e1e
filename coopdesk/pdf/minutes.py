"""The minutes (procès-verbal) of a steering-committee meeting, article 5 of the convention.

Content (CGCT L2121-15): both communes with their emblem areas, the meeting data (date and time,
place, host, convocation, co-chairs, secretary), attendance (present, represented, excused, absent;
guests without a vote), the agenda with the debate of each item, every decision with each voting
member's vote and "adopted unanimously" / "not adopted", and on the last page the two presidents'
signature blocks and the secretary's, kept with the last decision. Every page carries a QR code
(minutes id, version, fingerprint) and a footer with the version, the fingerprint and "x / y".

Which text is printed: the fingerprint is that of the frozen French text
(:func:`coopdesk.services.minutes_text.minutes_text`). When that text is still exactly what the
meeting data give, the PV is laid out from the data (tables, votes); when staff edited the text by
hand before finalising, or the meeting was corrected in a later version, the frozen text itself is
printed, so the paper always shows what the fingerprint commits to.
"""

from __future__ import annotations

from typing import Any

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Spacer

from coopdesk.domain import constants as C
from coopdesk.domain.rules import fingerprint as compute_fingerprint
from coopdesk.errors import CoopError
from coopdesk.i18n import N_
from coopdesk.pdf.common import CONTENT_WIDTH, Doc, build_pdf, commune_name
from coopdesk.pdf.data import communes as load_communes
from coopdesk.pdf.data import representative_title
from coopdesk.services.minutes_text import minutes_text

QR_PREFIX = "COOPDESK-PV"


def qr_payload(minutes: dict[str, Any] | None, meeting: dict[str, Any]) -> str:
    """What the QR code of every page says: enough to find the exact version that was signed."""
    if minutes is None:
        return f"{QR_PREFIX};meeting={meeting['id']};draft"
    return f"{QR_PREFIX};id={minutes['id']};v={minutes['version']};fp={minutes['fingerprint'] or 'draft'}"


def pick_minutes(meeting: dict[str, Any], minutes_id: str | None) -> dict[str, Any] | None:
    versions = meeting.get("minutes") or []
    if minutes_id:
        for mn in versions:
            if mn["id"] == minutes_id:
                return mn
        raise CoopError("not_found", entity="minutes", id=minutes_id)
    return versions[-1] if versions else None


def follows_data(meeting: dict[str, Any], minutes: dict[str, Any] | None) -> bool:
    """True when a layout from the meeting data prints the same facts as the frozen text.

    Exactly the generated text, or the same lines with every fact of the data in place (names,
    agenda titles, debates, decisions and their texts, in order): the fixed labels of the text may
    differ when the French catalog was corrected after the text was frozen. A line added or a fact
    changed by hand means the frozen text itself is printed.
    """
    if minutes is None:
        return True
    content = minutes["content"]
    generated = minutes_text(meeting)
    if compute_fingerprint(content) == compute_fingerprint(generated):
        return True
    if len(content.strip().splitlines()) != len(generated.strip().splitlines()):
        return False
    facts = [a["name"] for a in meeting["attendees"]]
    for item in meeting["agenda"]:
        facts += [item["title"], item["debate"]]
    for d in meeting["decisions"]:
        facts += [d["number"], d["title"], d["text"]]
    pos = 0
    for fact in (f.strip() for f in facts):
        if not fact:
            continue
        found = content.find(fact, 0 if fact in facts[: len(meeting["attendees"])] else pos)
        if found < 0:
            return False
        pos = max(pos, found)
    return True


def build(svc, meeting_id: str, lang: str = "fr", *, minutes_id: str | None = None) -> bytes:
    meeting = svc.committee.meeting(meeting_id)
    minutes = pick_minutes(meeting, minutes_id)
    doc = Doc(lang)
    communes = load_communes(svc)
    story = story_for(doc, meeting, minutes, communes)
    return build_pdf(story, doc, title=doc.t(N_("Minutes of the steering committee no. {number}"), doc.lang,
                                             number=meeting["number"]),
                     footer_text=footer(doc, meeting, minutes), qr_data=qr_payload(minutes, meeting),
                     header_text=doc.t(N_("Minutes of the steering committee no. {number}"), doc.lang,
                                       number=meeting["number"]),
                     subject=qr_payload(minutes, meeting),
                     keywords=(minutes or {}).get("fingerprint") or "")


def footer(doc: Doc, meeting: dict[str, Any], minutes: dict[str, Any] | None) -> str:
    if minutes is None or not minutes.get("fingerprint"):
        version = minutes["version"] if minutes else 1
        return doc.t(N_("Version {version} · fingerprint {fingerprint}"), doc.lang, version=version,
                     fingerprint="—") + " · " + doc.t(N_("DRAFT, not for signature"), doc.lang)
    if doc.lang == "ar":
        # Latin only, so it is drawn unshaped in Noto Sans: an OCR or a text search finds the
        # fingerprint (shaped Amiri digits extract as private-use codes).
        return f"{minutes['version']} · SHA-256 {minutes['fingerprint']}"
    return doc.t(N_("Version {version} · fingerprint {fingerprint}"), doc.lang, version=minutes["version"],
                 fingerprint=minutes["fingerprint"])


def story_for(doc: Doc, meeting: dict[str, Any], minutes: dict[str, Any] | None,
              communes: dict[str, dict[str, Any]]) -> list[Flowable]:
    story: list[Flowable] = doc.header(communes, [
        doc.text(N_("Minutes of the steering committee no. {number}"), "title", number=meeting["number"]),
        doc.text(N_("Decentralised cooperation Tiznit — Villeneuve-la-Garenne"), "body", align="center"),
    ])
    story += meeting_data(doc, meeting, minutes, communes)
    if follows_data(meeting, minutes):
        body, last = from_data(doc, meeting)
    else:
        body, last = from_text(doc, minutes)
    story += body
    story.append(KeepTogether([*last, Spacer(1, 6 * mm), *signature_section(doc, meeting, minutes, communes)]))
    return story


def meeting_data(doc: Doc, meeting: dict[str, Any], minutes: dict[str, Any] | None,
                 communes: dict[str, dict[str, Any]]) -> list[Flowable]:
    host = next((c for c in communes.values() if c["code"] == meeting["host_code"]), None)
    chairs = ", ".join(a["name"] for a in meeting["attendees"] if a["is_president"])
    status = C.MINUTES_STATUSES[minutes["status"]] if minutes else C.MINUTES_STATUSES["draft"]
    rows = [
        [doc.label(N_("Date and time")), doc.value_cell(lambda lang: doc.datetime(meeting["held_at"], lang))],
        [doc.label(N_("Place")), meeting["place"] or "—"],
        [doc.label(N_("Host commune")),
         doc.value_cell(lambda lang: commune_name(host, lang) if host else meeting["host_code"])],
        [doc.label(N_("Convened on")), doc.value_cell(lambda lang: doc.date(meeting["convened_on"], lang) or "—")],
        [doc.label(N_("Co-chairs")), chairs or "—"],
        [doc.label(N_("Secretary of the session")), meeting["secretary"] or "—"],
        [doc.label(N_("Version")), str(minutes["version"]) if minutes else "1"],
        [doc.label(N_("Status")), doc.label(status)],
    ]
    return [doc.grid(rows, [CONTENT_WIDTH * 0.3, CONTENT_WIDTH * 0.7], header=False), Spacer(1, 3 * mm)]


def from_data(doc: Doc, meeting: dict[str, Any]) -> tuple[list[Flowable], list[Flowable]]:
    """The body laid out from the meeting data; returns (body, last decision) so the caller keeps
    the last decision with the signatures."""
    story: list[Flowable] = [doc.text(N_("Attendance"), "h1")]
    rows: list[list[Any]] = [[doc.label(N_("Name"), bold=True), doc.label(N_("Title"), bold=True),
                              doc.label(N_("Commune"), bold=True), doc.label(N_("Role"), bold=True),
                              doc.label(N_("Presence"), bold=True)]]
    names: dict[str, str] = {}
    for a in meeting["attendees"]:
        names[a["id"]] = a["name"]
        rows.append([a["name"], a["title"] or "", a["commune_code"] or "—",
                     doc.label(C.ATTENDEE_ROLES.get(a["role"], a["role"])),
                     doc.label(C.PRESENCES.get(a["presence"], a["presence"]))])
    w = CONTENT_WIDTH
    story.append(doc.grid(rows, [w * 0.22, w * 0.32, w * 0.13, w * 0.17, w * 0.16]))
    story.append(doc.text(N_("Invited guests attend without a vote."), "small"))

    story.append(doc.text(N_("Agenda"), "h1"))
    for item in meeting["agenda"]:
        part: list[Flowable] = [doc.data(f"{item['position']}. {item['title']}", "h2")]
        if item["debate"]:
            part.append(doc.text(N_("Summary of the debate"), "small", bold=True))
            part.append(doc.data(item["debate"]))
        story.append(KeepTogether(part))

    story.append(doc.text(N_("Decisions"), "h1"))
    decisions = [decision_block(doc, d, names) for d in meeting["decisions"]]
    if not decisions:
        return story, []
    for block in decisions[:-1]:
        story.append(KeepTogether(block))
    return story, decisions[-1]


def decision_block(doc: Doc, d: dict[str, Any], names: dict[str, str]) -> list[Flowable]:
    out: list[Flowable] = [doc.text(N_("Decision {number}: {title}"), "h2", number=d["number"], title=d["title"])]
    if d["text"]:
        out.append(doc.data(d["text"]))
    rows: list[list[Any]] = [[doc.label(N_("Member"), bold=True), doc.label(N_("Vote"), bold=True)]]
    for attendee_id in d["voters"]:
        vote = d["votes"].get(attendee_id)
        rows.append([names.get(attendee_id, "?"), doc.label(C.VOTES[vote] if vote else N_("No vote recorded"))])
    out.append(doc.grid(rows, [CONTENT_WIDTH * 0.6, CONTENT_WIDTH * 0.4], repeat=False))
    out.append(Spacer(1, 1.5 * mm))
    out.append(doc.text(N_("Adopted unanimously.") if d["adopted"] else N_("Not adopted (no unanimity)."),
                        "body", bold=True))
    return out


def from_text(doc: Doc, minutes: dict[str, Any]) -> tuple[list[Flowable], list[Flowable]]:
    """The frozen text, paragraph by paragraph (blank lines separate paragraphs)."""
    story: list[Flowable] = [doc.text(N_("Text of the frozen minutes, version {version}"), "h1",
                                      version=minutes["version"])]
    chunks = [c.strip("\n") for c in minutes["content"].split("\n\n") if c.strip()]
    paras = [doc.data(c) for c in chunks]
    if not paras:
        return story, []
    return story + paras[:-1], paras[-1:]


def signature_section(doc: Doc, meeting: dict[str, Any], minutes: dict[str, Any] | None,
                      communes: dict[str, dict[str, Any]]) -> list[Flowable]:
    signed = {s["commune_code"]: s for s in (minutes or {}).get("signatures", [])}
    blocks = []
    for code in ("TIZ", "VLG"):
        c = communes.get(code)
        if c is None:
            continue
        sig = signed.get(code)
        heading = [representative_title(c, lang) for lang in doc.langs]
        name = sig["signer_name"] if sig else c["representative_name"]
        place = (sig or {}).get("place") or ""
        day = (sig or {}).get("signed_on")
        blocks.append(doc.signature_cell(heading, name, place, (lambda lang, d=day: doc.date(d, lang)) if day else ""))
    secretary = doc.signature_cell([doc.t(N_("The secretary of the session"), lang) for lang in doc.langs],
                                   meeting["secretary"] or "", "", "", box_mm=16)
    return [
        doc.text(N_("Signatures"), "h1"),
        doc.text(N_("These minutes are enforceable only once signed by the President of the commune of Tiznit "
                    "and the Mayor of Villeneuve-la-Garenne (article 5 of the convention)."), "small"),
        Spacer(1, 2 * mm),
        doc.signatures(blocks),
        Spacer(1, 3 * mm),
        doc.grid([[secretary]], [CONTENT_WIDTH / 2], header=False),
    ]
