"""Command line of the people area: import, export, anonymise, users.

    coopdesk --db PATH import persons|organisations|participants FILE [--mapping NAME] [--dry-run] [--json]
    coopdesk --db PATH export persons|organisations|participants --out FILE.xlsx|FILE.csv [--pseudonymised]
    coopdesk --db PATH anonymise PERSON_ID
    coopdesk --db PATH users add NAME [--role editor] [--health] | users passwd NAME | users unlock NAME
"""

from __future__ import annotations

import argparse
import getpass
import sys
from typing import Any

from coopdesk.cli import emit, open_svc
from coopdesk.errors import CoopError, register_messages
from coopdesk.i18n import N_, _

register_messages({"passwords_differ": N_("The two passwords differ; nothing was changed.")})


def cmd_import(args: argparse.Namespace) -> int:
    svc = open_svc(args, create=False)
    try:
        report = svc.imports.run(args.kind, args.file, args.mapping, dry_run=args.dry_run,
                                 on_duplicate=args.on_duplicate, strict=args.strict)
        if args.save_mapping:
            svc.imports.save_mapping(args.kind, args.save_mapping, report["mapping"])
        if args.errors and (report["summary"]["reject"] or report["summary"]["duplicate"]):
            svc.imports.error_file(report, args.errors)
    finally:
        svc.close()
    data = {k: v for k, v in report.items() if k not in ("rows", "undo")}
    data["rows"] = [{k: r[k] for k in ("row", "action", "problems", "duplicates")} for r in report["rows"]
                    if r["problems"] or r["duplicates"]]

    def text() -> str:
        lines = [f"{_('row')} {p['row']}: {p['message']}" for p in report["problems"]]
        for r in report["rows"]:
            for p in r["problems"]:
                lines.append(f"{_('row')} {r['row']}: {p['message']}")
        s = report["summary"]
        lines.append((_("Dry run: {create} to create, {update} to update, {reject} rejected, {duplicate} possible "
                        "duplicates; nothing was written.") if report["dry_run"] else
                      _("Imported: {create} created, {update} updated; {reject} rejected, {duplicate} possible "
                        "duplicates left out.")).format(**s))
        return "\n".join(lines)

    emit(args, data, text)
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    filters = {k: getattr(args, k) for k in ("commune", "sex", "text") if getattr(args, k)}
    columns = [c.strip() for c in args.columns.split(",")] if args.columns else None
    svc = open_svc(args, create=False)
    try:
        res = svc.exports.export(args.kind, args.out, columns=columns, filters=filters,
                                 pseudonymised=args.pseudonymised, purpose=args.purpose)
    finally:
        svc.close()
    emit(args, res, lambda: _("{rows} rows written to {path}.").format(rows=res["rows"], path=res["path"]))
    return 0


def cmd_anonymise(args: argparse.Namespace) -> int:
    svc = open_svc(args, create=False)
    try:
        res = svc.privacy.anonymise(args.person_id)
    finally:
        svc.close()
    emit(args, res, lambda: _("Person {id} anonymised; the database file was compacted.").format(id=res["id"]))
    return 0


def _read_password(args: argparse.Namespace) -> str:
    if args.password_stdin or not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass(_("New password: "))
    if getpass.getpass(_("Repeat the password: ")) != first:
        raise CoopError("passwords_differ")
    return first


def cmd_users(args: argparse.Namespace) -> int:
    svc = open_svc(args, create=False)
    try:
        if args.users_command == "add":
            res: Any = svc.users.create_user(args.name, args.role, full_name=args.full_name or "",
                                             can_see_health=args.health)
            msg = _("User {name} created ({role}).").format(name=args.name, role=args.role)
        elif args.users_command == "passwd":
            res = svc.auth.set_password(args.name, _read_password(args))
            msg = _("Password of {name} changed.").format(name=args.name)
        elif args.users_command == "unlock":
            res = svc.auth.unlock(args.name)
            msg = _("User {name} unlocked.").format(name=args.name)
        else:
            res = svc.users.users()
            msg = "\n".join(f"{u['username']}\t{u['role']}\t{'health' if u['can_see_health'] else ''}\t"
                            f"{_('locked') if u['locked'] else ''}" for u in res)
    finally:
        svc.close()
    emit(args, res, msg)
    return 0


def register(sub: Any) -> None:
    kinds = ["persons", "organisations", "participants"]
    p = sub.add_parser("import", help=_("import persons, organisations or event participants from XLSX or CSV"))
    p.add_argument("kind", choices=kinds)
    p.add_argument("file")
    p.add_argument("--mapping", help=_("name of a saved column mapping"))
    p.add_argument("--save-mapping", metavar="NAME", help=_("save the column mapping used under this name"))
    p.add_argument("--dry-run", action="store_true", help=_("check every row and write nothing"))
    p.add_argument("--on-duplicate", choices=["skip", "create"], default="skip",
                   help=_("what to do with a row that may be a person already known"))
    p.add_argument("--strict", action="store_true", help=_("write nothing if any row is rejected"))
    p.add_argument("--errors", metavar="FILE", help=_("write the rejected rows and why to FILE (.xlsx or .csv)"))
    p.add_argument("--json", action="store_true", default=argparse.SUPPRESS)
    p.set_defaults(func=cmd_import)

    p = sub.add_parser("export", help=_("export a list as XLSX or CSV"))
    p.add_argument("kind", choices=kinds)
    p.add_argument("--out", required=True, help="FILE.xlsx | FILE.csv")
    p.add_argument("--pseudonymised", action="store_true", help=_("codes instead of names, birth year only"))
    p.add_argument("--purpose", help=_("only persons who consented to this purpose"))
    p.add_argument("--columns", help=_("comma-separated columns (default: those of the screen)"))
    p.add_argument("--commune")
    p.add_argument("--sex", choices=["F", "M"])
    p.add_argument("--text", help=_("name contains"))
    p.add_argument("--json", action="store_true", default=argparse.SUPPRESS)
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("anonymise", help=_("erase a person's identifying data everywhere, keep the statistics"))
    p.add_argument("person_id")
    p.add_argument("--json", action="store_true", default=argparse.SUPPRESS)
    p.set_defaults(func=cmd_anonymise)

    p = sub.add_parser("users", help=_("local user accounts"))
    us = p.add_subparsers(dest="users_command", metavar="ACTION")
    us.required = True
    a = us.add_parser("add", help=_("create a user"))
    a.add_argument("name")
    a.add_argument("--role", choices=["admin", "editor", "viewer"], default="editor")
    a.add_argument("--health", action="store_true", help=_("may see health fields"))
    a.add_argument("--full-name")
    for name, helptext in (("passwd", _("set a user's password (read from standard input when piped)")),
                           ("unlock", _("unlock a user after failed logins"))):
        a2 = us.add_parser(name, help=helptext)
        a2.add_argument("name")
        a2.add_argument("--password-stdin", action="store_true", help=argparse.SUPPRESS)
    a3 = us.add_parser("list", help=_("list users"))
    for parser in (a, a3, *[us.choices[n] for n in ("passwd", "unlock")]):
        parser.add_argument("--json", action="store_true", default=argparse.SUPPRESS)
    p.set_defaults(func=cmd_users)
