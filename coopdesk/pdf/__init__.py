"""Printed documents (ReportLab), with no Qt: the desktop app, the command line and the bench call
:func:`render` and get the PDF bytes.

    from coopdesk.pdf import render
    pdf = render(svc, "minutes", lang="fr+ar", meeting_id=meeting_id)
"""

from __future__ import annotations

KINDS = ("minutes", "attendance", "convocation", "report", "certificate")


def render(svc, kind: str, *, lang: str | None = "fr", meeting_id: str | None = None, minutes_id: str | None = None,
           year: int | None = None, event_id: str | None = None, person_id: str | None = None) -> bytes:
    """The PDF of one document.

    ``kind``: ``minutes`` (``meeting_id``; ``minutes_id`` for an older version, default the latest),
    ``attendance`` (``meeting_id`` or ``event_id``), ``convocation`` (``meeting_id``),
    ``report`` (``year``), ``certificate`` (``event_id`` and ``person_id``).
    ``lang``: ``fr``, ``ar``, ``zgh``, ``en`` or two joined by ``+`` (``fr+ar``: facing columns);
    ``None`` picks the document's default (French; French + Arabic for a convocation to Morocco).
    Raises :class:`~coopdesk.errors.CoopError` for a missing or unknown id or a bad language.
    """
    from coopdesk.pdf.preflight import MissingGlyphError

    try:
        return _render(svc, kind, lang=lang, meeting_id=meeting_id, minutes_id=minutes_id, year=year,
                       event_id=event_id, person_id=person_id)
    except MissingGlyphError as exc:  # a typed name with a character no shipped font can draw
        from coopdesk.errors import CoopError

        problem = exc.problems[0]
        raise CoopError("print_missing_glyph", text=problem.text[:60],
                        char=f"U+{ord(problem.char):04X}" if problem.char else "?") from exc


def _render(svc, kind: str, *, lang, meeting_id, minutes_id, year, event_id, person_id) -> bytes:
    from coopdesk.errors import CoopError
    from coopdesk.pdf import attendance, certificate, convocation, minutes, report

    def need(value, what: str):
        if not value:
            raise CoopError("print_needs", what=what)
        return value

    if kind == "minutes":
        return minutes.build(svc, need(meeting_id, "--meeting"), lang or "fr", minutes_id=minutes_id)
    if kind == "attendance":
        if event_id:
            return attendance.build_for_event(svc, event_id, lang or "fr")
        return attendance.build_for_meeting(svc, need(meeting_id, "--meeting / --event"), lang or "fr")
    if kind == "convocation":
        return convocation.build(svc, need(meeting_id, "--meeting"), lang)
    if kind == "report":
        return report.build(svc, int(need(year, "--year")), lang or "fr")
    if kind == "certificate":
        return certificate.build(svc, need(event_id, "--event"), need(person_id, "--person"), lang or "fr")
    raise CoopError("print_bad_kind", kind=kind)


__all__ = ["KINDS", "render"]
