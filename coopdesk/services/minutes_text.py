"""The text of the minutes (PV) generated from the meeting data, in French (official language).

This text is what "finalise" freezes and fingerprints, so it states every fact a signature
commits to: date and time, place, host, attendance, agenda with the debate, each decision and its
vote (CGCT L2121-15 content).
"""

from __future__ import annotations

from typing import Any

from coopdesk.domain import constants as C
from coopdesk.i18n import format_datetime, gettext_for


def minutes_text(meeting: dict[str, Any], lang: str = "fr") -> str:
    _ = gettext_for(lang)
    lines = [
        _("Minutes of the steering committee no. {number}").format(number=meeting["number"]),
        _("Held on {date} in {place} ({host})").format(
            date=format_datetime(meeting["held_at"], "long", lang=lang, tz=None).split(" UTC")[0],
            place=meeting["place"], host=meeting["host_code"]),
        _("Secretary: {name}").format(name=meeting["secretary"] or "—"),
        "",
        _("Attendance"),
    ]
    names = {}
    for a in meeting["attendees"]:
        names[a["id"]] = a["name"]
        lines.append(f"- {a['name']} ({a['commune_code'] or '—'}), {_(C.ATTENDEE_ROLES[a['role']])}: "
                     f"{_(C.PRESENCES[a['presence']])}")
    lines += ["", _("Agenda")]
    for item in meeting["agenda"]:
        lines.append(f"{item['position']}. {item['title']}")
        if item["debate"]:
            lines.append("   " + item["debate"])
    lines += ["", _("Decisions")]
    for d in meeting["decisions"]:
        lines.append(_("Decision {number}: {title}").format(number=d["number"], title=d["title"]))
        if d["text"]:
            lines.append("   " + d["text"])
        for attendee_id in d["voters"]:
            vote = d["votes"].get(attendee_id)
            label = _(C.VOTES[vote]) if vote else _("No vote recorded")
            lines.append(f"   {names.get(attendee_id, '?')}: {label}")
        lines.append("   " + (_("Adopted unanimously.") if d["adopted"] else _("Not adopted (no unanimity).")))
    return "\n".join(lines)
