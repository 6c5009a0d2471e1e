"""The command line: the same services as the desktop app, no Qt.

Exit codes: 0 success, 1 refused (one line on stderr saying why), 2 usage error.
Each area adds its sub-commands through a ``register(subparsers)`` function, so this module stays
the small dispatcher it is.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

from coopdesk import paths
from coopdesk.errors import CoopError
from coopdesk.i18n import _, set_language

Handler = Callable[[argparse.Namespace], Any]
log = logging.getLogger("coopdesk")


class UsageError(Exception):
    pass


class Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # exit 2 with one line, as argparse does, but translated
        self.print_usage(sys.stderr)
        sys.stderr.write(f"{self.prog}: {_('error')}: {message}\n")
        raise SystemExit(2)


def open_svc(args: argparse.Namespace, *, create: bool = True):
    from coopdesk.services import open_services

    return open_services(args.db or paths.default_database(), create=create)


def emit(args: argparse.Namespace, data: Any, text: str | Callable[[], str]) -> None:
    if args.json:
        print(json.dumps(data, ensure_ascii=False, indent=2, default=str))
    else:
        print(text() if callable(text) else text)


# ------------------------------------------------------------------------ commands


def cmd_init(args: argparse.Namespace) -> int:
    from coopdesk.services.setup import SetupService

    SetupService.validate_site(args.site, name=args.name, node_code=args.node, currency=args.currency,
                               timezone=args.timezone)
    svc = open_svc(args)
    try:
        site = svc.setup.init(args.site, name=args.name, node_code=args.node, country=args.country or "",
                              currency=args.currency, timezone=args.timezone)
    finally:
        svc.close()
    emit(args, site, lambda: _("Initialised node {node} of {commune} in {db}.").format(
        node=site["node_code"], commune=site["commune_name"], db=args.db or paths.default_database()))
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from coopdesk.demo import build_demo

    svc = open_svc(args)
    try:
        if svc.setup.is_initialised() and svc.plans.count_actions():
            raise CoopError("already_initialised", code=svc.setup.site()["node_code"])
        ids = build_demo(svc)
        site = svc.setup.site()
    finally:
        svc.close()
    emit(args, {"site": site, "ids": ids}, lambda: _("Demo data written to {db}.").format(
        db=args.db or paths.default_database()))
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    import datetime as dt

    svc = open_svc(args, create=False)
    try:
        if not svc.setup.is_initialised():
            raise CoopError("not_initialised")
        today = dt.date.fromisoformat(args.today) if args.today else None
        warnings = svc.checks.run(today)
    finally:
        svc.close()
    data = [w.as_dict() for w in warnings]

    def text() -> str:
        if not warnings:
            return _("No warning: the convention's calendar is up to date.")
        marks = {"warning": "!", "info": "i"}
        return "\n".join(f"[{marks[w.level]}] {w.message()}" for w in warnings)

    emit(args, data, text)
    return 0


def build_parser() -> Parser:
    p = Parser(prog="coopdesk", description=_("CoopDesk: the Tiznit — Villeneuve-la-Garenne cooperation."))
    p.add_argument("--db", help=_("database file or SQLAlchemy URL (default: in your data folder)"))
    p.add_argument("--json", action="store_true", help=_("print machine-readable JSON"))
    p.add_argument("--lang", default=os.environ.get("COOPDESK_LANG", "fr"), choices=["fr", "ar", "zgh", "en"],
                   help=_("language of messages"))
    sub = p.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)
    sub.required = True

    s = sub.add_parser("init", help=_("initialise this installation for a site"))
    s.add_argument("--site", required=True, help="TIZ, VLG or a new partner's code")
    s.add_argument("--name", help=_("name of a new partner commune, or of this node"))
    s.add_argument("--node", help=_("code of this node when a commune has several PCs (default: the site code)"))
    s.add_argument("--country", help=_("country code of a new partner (MA, FR, ...)"))
    s.add_argument("--currency", default="EUR", help=_("currency of a new partner (EUR or MAD)"))
    s.add_argument("--timezone", default="UTC", help=_("time zone of a new partner"))
    s.add_argument("--json", action="store_true", default=argparse.SUPPRESS)
    s.set_defaults(func=cmd_init)

    s = sub.add_parser("demo", help=_("fill a new database with realistic demo data"))
    s.add_argument("--json", action="store_true", default=argparse.SUPPRESS)
    s.set_defaults(func=cmd_demo)

    s = sub.add_parser("check", help=_("list the convention's calendar warnings"))
    s.add_argument("--today", help=argparse.SUPPRESS)
    s.add_argument("--json", action="store_true", default=argparse.SUPPRESS)
    s.set_defaults(func=cmd_check)

    for register in _extensions():
        register(sub)
    return p


def _extensions() -> list[Callable[[Any], None]]:
    """Sub-commands of other areas (sync, printing, people, bench), when they are present."""
    import importlib

    out = []
    for name in ("coopdesk.sync.cli", "coopdesk.pdf.cli", "coopdesk.people_cli", "coopdesk.bench"):
        try:
            mod = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name == name:
                continue
            raise
        out.append(mod.register)
    return out


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    # The language must be known before the parser's help texts are built.
    # Only a --lang before the command: after it, --lang may be a document's language (print).
    set_language(os.environ.get("COOPDESK_LANG", "fr"))
    i = 0
    while i < len(argv) and argv[i].startswith("-"):
        if argv[i] == "--lang" and i + 1 < len(argv):
            set_language(argv[i + 1])
        elif argv[i].startswith("--lang="):
            set_language(argv[i].split("=", 1)[1])
        i += 2 if argv[i] in ("--lang", "--db") else 1
    parser = build_parser()
    args = parser.parse_args(argv)
    set_language(args.lang)
    try:
        return int(args.func(args) or 0)
    except CoopError as exc:
        if getattr(args, "json", False):
            print(json.dumps({"error": exc.as_dict()}, ensure_ascii=False), file=sys.stderr)
        else:
            print(_("coopdesk: {message}").format(message=exc.message()), file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(_("coopdesk: interrupted; nothing was changed."), file=sys.stderr)
        return 1
    except Exception:  # never a traceback for a user: write it to the log, say where
        log_file = _write_crash_log()
        print(_("coopdesk: unexpected error; details were written to {path}.").format(path=log_file),
              file=sys.stderr)
        return 1


def _write_crash_log() -> Path:
    folder = paths.log_dir()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "coopdesk-errors.log"
    with path.open("a", encoding="utf-8") as fh:
        fh.write(traceback.format_exc())
        fh.write("\n")
    return path


if __name__ == "__main__":
    raise SystemExit(main())
