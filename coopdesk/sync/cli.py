"""Command line of sync: keys export/trust/forget, sync export/import/status, conflicts, state-hash."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from coopdesk.i18n import _


def _json_flag(p: argparse.ArgumentParser) -> None:
    p.add_argument("--json", action="store_true", default=argparse.SUPPRESS)


def _svc(args: argparse.Namespace) -> Any:
    from coopdesk.cli import open_svc
    from coopdesk.errors import CoopError

    svc = open_svc(args, create=False)
    if not svc.setup.is_initialised():
        svc.close()
        raise CoopError("not_initialised")
    return svc


def _progress(args: argparse.Namespace):
    if getattr(args, "json", False) or not getattr(args, "progress", False):
        return None

    def report(stage: str, fraction: float) -> None:
        sys.stderr.write(_("{stage}: {percent}%").format(stage=stage, percent=int(fraction * 100)) + "\n")
        sys.stderr.flush()

    return report


def cmd_keys_export(args: argparse.Namespace) -> int:
    from coopdesk.cli import emit

    svc = _svc(args)
    try:
        data = svc.sync.export_identity(args.out)
    finally:
        svc.close()
    emit(args, data, lambda: _("Identity of {node} written to {path}.\nFingerprint: {fp}").format(
        node=data["node_code"], path=data["path"], fp=data["fingerprint"]))
    return 0


def cmd_keys_trust(args: argparse.Namespace) -> int:
    from coopdesk.cli import emit

    svc = _svc(args)
    try:
        data = svc.sync.trust(args.file)
    finally:
        svc.close()
    emit(args, data, lambda: _("Site {node} ({commune}) is now trusted.\nFingerprint (check it on the phone): {fp}")
         .format(node=data["node_code"], commune=data["commune_code"], fp=data["fingerprint"]))
    return 0


def cmd_keys_forget(args: argparse.Namespace) -> int:
    """Forget a partner trusted by mistake (the undo of ``keys trust``): refused once a bundle was
    exchanged with it, as in the sync centre."""
    from coopdesk.cli import emit

    svc = _svc(args)
    try:
        data = svc.sync.untrust(args.code)
    finally:
        svc.close()
    emit(args, data, lambda: _("Site {node} is no longer trusted.").format(node=args.code))
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from coopdesk.cli import emit

    svc = _svc(args)
    try:
        paths = svc.sync.export_bundle(args.to, args.out, full=args.full, max_mb=args.max_size,
                                       progress=_progress(args))
    finally:
        svc.close()
    emit(args, {"paths": paths}, "\n".join(paths))
    return 0


def _summary_text(data: dict[str, Any]) -> str:
    lines = []
    for b in data["bundles"]:
        status = {"applied": _("applied"), "dry_run": _("preview, nothing written"),
                  "already_applied": _("already applied, nothing new")}.get(b["status"], b["status"])
        lines.append(_("Bundle {seq} from {sender}: {status}").format(seq=b["seq"], sender=b["sender"], status=status))
        for entity, c in sorted(b.get("counts", {}).items()):
            lines.append("  " + _("{entity}: {created} created, {updated} updated, {deleted} deleted, "
                                  "{conflicts} conflicts").format(entity=entity, **c))
        for w in b.get("warnings", []):
            lines.append("  " + _("Warning: the clock of site {node} is about {hours} hours ahead.").format(**w))
    return "\n".join(lines)


def cmd_import(args: argparse.Namespace) -> int:
    from coopdesk.cli import emit

    svc = _svc(args)
    try:
        data = svc.sync.import_bundles(args.files, dry_run=args.dry_run, progress=_progress(args))
        if not args.dry_run:
            # As the app does: the name keys a big first sync left to a rebuild, rebuilt now (saved
            # apart from the import, which is already committed).
            svc.dedup.ensure_index()
    finally:
        svc.close()
    emit(args, data, lambda: _summary_text(data))
    return 0


def cmd_status(args: argparse.Namespace) -> int:
    from coopdesk.cli import emit

    svc = _svc(args)
    try:
        data = svc.sync.status()
    finally:
        svc.close()

    def text() -> str:
        lines = [_("This node: {node} ({commune})").format(node=data["node_code"], commune=data["commune_code"])]
        for p in data["partners"]:
            lines.append(_("{node} ({commune}): last bundle received {inn}, last sent {out}, "
                           "{pending} changes not acknowledged").format(
                node=p["node_code"], commune=p["commune_code"], inn=p["last_bundle_in"], out=p["last_bundle_out"],
                pending=p["pending_changes"]))
        lines.append(_("Open conflicts: {n}").format(n=data["open_conflicts"]))
        return "\n".join(lines)

    emit(args, data, text)
    return 0


def cmd_conflicts_list(args: argparse.Namespace) -> int:
    from coopdesk.cli import emit

    svc = _svc(args)
    try:
        data = svc.sync.conflicts()
    finally:
        svc.close()

    def text() -> str:
        if not data:
            return _("No open conflict.")
        lines = []
        for c in data:
            if c["kind"] == "field":
                lines.append(_("{id}  {entity} {row} {field}: kept “{mine}” ({by}), lost “{theirs}” ({tby})").format(
                    id=c["id"], entity=c["entity"], row=c["row_id"], field=c["field"], mine=c["mine"],
                    by=c["mine_by"], theirs=c["theirs"], tby=c["theirs_by"]))
            else:
                lines.append(_("{id}  {entity} {row}: deleted by {by} while edited by {tby}").format(
                    id=c["id"], entity=c["entity"], row=c["row_id"], by=c["mine_by"], tby=", ".join(c["theirs_by"])))
        return "\n".join(lines)

    emit(args, data, text)
    return 0


def cmd_conflicts_resolve(args: argparse.Namespace) -> int:
    from coopdesk.cli import emit

    svc = _svc(args)
    try:
        data = svc.sync.resolve(args.id, keep=args.keep)
    finally:
        svc.close()
    emit(args, data, _("Conflict {id} resolved.").format(id=args.id))
    return 0


def cmd_state_hash(args: argparse.Namespace) -> int:
    from coopdesk.cli import emit

    svc = _svc(args)
    try:
        h = svc.sync.state_hash(args.with_code)
    finally:
        svc.close()
    emit(args, {"state_hash": h, "with": args.with_code}, h)
    return 0


def register(sub: Any) -> None:
    k = sub.add_parser("keys", help=_("this site's identity and the partners it trusts"))
    ks = k.add_subparsers(dest="keys_command", metavar="ACTION")
    ks.required = True
    p = ks.add_parser("export", help=_("write this site's public identity file"))
    p.add_argument("--out", required=True, help=_("file to write"))
    _json_flag(p)
    p.set_defaults(func=cmd_keys_export)
    p = ks.add_parser("trust", help=_("trust a partner's identity file (check the fingerprint on the phone)"))
    p.add_argument("file")
    _json_flag(p)
    p.set_defaults(func=cmd_keys_trust)
    p = ks.add_parser("forget", help=_("forget a partner site trusted by mistake (before any bundle was exchanged)"))
    p.add_argument("code", help=_("partner node code"))
    _json_flag(p)
    p.set_defaults(func=cmd_keys_forget)

    s = sub.add_parser("sync", help=_("exchange sync bundles with partner sites"))
    ss = s.add_subparsers(dest="sync_command", metavar="ACTION")
    ss.required = True
    p = ss.add_parser("export", help=_("write a bundle for a partner"))
    p.add_argument("--to", required=True, help=_("partner node code"))
    p.add_argument("--out", required=True, help=_("folder to write the bundle files into"))
    p.add_argument("--full", action="store_true", help=_("send everything again"))
    p.add_argument("--max-size", type=float, default=10, help=_("largest file in MB (default 10)"))
    p.add_argument("--progress", action="store_true", help=_("show the stages on the error output"))
    _json_flag(p)
    p.set_defaults(func=cmd_export)
    p = ss.add_parser("import", help=_("import bundle files"))
    p.add_argument("files", nargs="+")
    p.add_argument("--dry-run", action="store_true", help=_("show what would change, write nothing"))
    p.add_argument("--progress", action="store_true", help=_("show the stages on the error output"))
    _json_flag(p)
    p.set_defaults(func=cmd_import)
    p = ss.add_parser("status", help=_("what partners acknowledged, pending changes, open conflicts"))
    _json_flag(p)
    p.set_defaults(func=cmd_status)

    c = sub.add_parser("conflicts", help=_("values that lost a concurrent edit"))
    cs = c.add_subparsers(dest="conflicts_command", metavar="ACTION")
    cs.required = True
    p = cs.add_parser("list", help=_("list open conflicts"))
    _json_flag(p)
    p.set_defaults(func=cmd_conflicts_list)
    p = cs.add_parser("resolve", help=_("resolve a conflict"))
    p.add_argument("id")
    p.add_argument("--keep", required=True, choices=["mine", "theirs"])
    _json_flag(p)
    p.set_defaults(func=cmd_conflicts_resolve)

    p = sub.add_parser("state-hash", help=_("hash of the content shared with a partner"))
    p.add_argument("--with", dest="with_code", help=_("partner node code"))
    _json_flag(p)
    p.set_defaults(func=cmd_state_hash)
