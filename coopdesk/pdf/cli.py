"""``coopdesk print minutes|attendance|convocation|report|certificate --lang fr|ar|zgh|fr+ar --out FILE.pdf``."""

from __future__ import annotations

import argparse
from pathlib import Path

from coopdesk.errors import CoopError, register_messages
from coopdesk.i18n import N_, _

register_messages({
    "print_cannot_write": N_("Cannot write {path}: check the folder exists and is writable."),
})


def register(sub) -> None:
    from coopdesk.pdf import KINDS

    p = sub.add_parser("print", help=_("print a document to PDF (minutes, attendance sheet, convocation, "
                                       "annual report, certificate)"))
    p.add_argument("kind", choices=KINDS)
    p.add_argument("--lang", dest="doc_lang", default=None,
                   help=_("language of the document: fr, ar, zgh, en or fr+ar (default fr)"))
    p.add_argument("--out", required=True, help=_("PDF file to write"))
    which = p.add_mutually_exclusive_group()
    which.add_argument("--meeting", help=_("meeting id"))
    which.add_argument("--latest", action="store_true", help=_("the latest meeting"))
    p.add_argument("--minutes", help=_("minutes version id (default: the latest version)"))
    p.add_argument("--year", type=int, help=_("plan year of the annual report"))
    p.add_argument("--event", help=_("event id"))
    p.add_argument("--person", help=_("person id (certificate)"))
    p.add_argument("--json", action="store_true", default=argparse.SUPPRESS)
    p.set_defaults(func=cmd_print)


def cmd_print(args: argparse.Namespace) -> int:
    from coopdesk.cli import emit, open_svc
    from coopdesk.pdf import render
    from coopdesk.pdf.common import parse_langs

    if args.doc_lang:
        parse_langs(args.doc_lang)  # refuse a bad language before opening anything
    svc = open_svc(args, create=False)
    try:
        if not svc.setup.is_initialised():
            raise CoopError("not_initialised")
        meeting_id = args.meeting
        if args.latest:
            meeting_id = svc.committee.latest_meeting_id()
            if meeting_id is None:
                raise CoopError("print_no_meeting")
        pdf = render(svc, args.kind, lang=args.doc_lang, meeting_id=meeting_id, minutes_id=args.minutes,
                     year=args.year, event_id=args.event, person_id=args.person)
    finally:
        svc.close()
    out = Path(args.out)
    try:
        out.write_bytes(pdf)
    except OSError as exc:
        raise CoopError("print_cannot_write", path=str(out)) from exc
    pages = pdf.count(b"/Type /Page\n") or pdf.count(b"/Type /Page ")
    data = {"kind": args.kind, "out": str(out), "bytes": len(pdf), "pages": pages}
    emit(args, data, lambda: _("Wrote {path} ({pages} pages).").format(path=out, pages=pages))
    return 0
