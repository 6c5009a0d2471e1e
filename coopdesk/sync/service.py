"""The sync service: pairing, export and import of bundles, status, conflicts, state hash.

``svc.sync`` in :class:`coopdesk.services.Services`. Every method is one unit of work and returns
plain data; refusals raise :class:`CoopError` with a ``sync_*`` or ``bundle_*`` code.
"""

from __future__ import annotations

import base64
import datetime as dt
import functools
import hashlib
import json
import lzma
import struct
from collections import defaultdict
from collections.abc import Callable, Iterable
from operator import itemgetter
from pathlib import Path
from typing import Any

import orjson
from sqlalchemy import select

from coopdesk.db.models import AuditEntry, Blob, by_tablename, synced_classes
from coopdesk.db.reader import ConnectionReader
from coopdesk.errors import CoopError, PermissionDenied, ValidationError, register_messages
from coopdesk.i18n import N_
from coopdesk.services.base import Context, set_setting, setting
from coopdesk.sync import container, keys, policy, state
from coopdesk.sync import status as sync_status
from coopdesk.sync.models import (
    SharingPolicy,
    SyncBlobSent,
    SyncBundle,
    SyncConflict,
    SyncPartner,
    SyncPrev,
    SyncTouch,
)
from coopdesk.sync.status import vec as _vec
from coopdesk.sync.status import vmax as _vmax

register_messages({
    "sync_unknown_partner": N_("No paired site with the code {code}: trust its identity file first (keys trust FILE)."),
    "sync_replayed": N_("Bundle {seq} from {sender} is older than bundle {last}, already applied: it was not imported."),
    "sync_gap": N_("Bundle {missing} from {sender} is missing: import it first, or ask {sender} for a full bundle (sync export --full)."),
    "sync_gap_changes": N_("Changes {first} and after from {origin} are missing here: ask {sender} for a full bundle (sync export --full)."),
    "sync_no_conflict": N_("No open conflict with the identifier {id}."),
    "sync_untrust_exchanged": N_("The pairing with {code} cannot be undone: bundles were already exchanged with "
                                 "it (last sent: no. {sent}, last received: no. {received}). Forgetting it would "
                                 "lose that numbering: {code} would refuse the next bundles from this site as "
                                 "already received, and older bundles from {code} would no longer be refused."),
    "sync_trust_self": N_("This identity file is this site's own: send it to the partner, and trust theirs."),
    "sync_file_unreadable": N_("Cannot read the file {path}."),
    "sync_cancelled": N_("Cancelled: nothing was written."),
    "sync_payload_invalid": N_("The sync bundle from {sender} cannot be read by this version of CoopDesk."),
    "sync_unique_clash": N_("Nothing was imported from {sender}: a {entity} with {fields} {values} already exists here "
                            "as another record. Change or delete one of the two, then import again."),
    "sync_unique_clash_unknown": N_("Nothing was imported from {sender}: a {entity} in the bundle has the same "
                                    "identifying values as another record here. Change or delete one of the two, "
                                    "then import again."),
})

PAYLOAD_MAGIC = b"CDSP1\n"
Progress = Callable[[str, float], None] | None


@functools.lru_cache(maxsize=1)
def schema_version() -> int:
    from coopdesk.db.engine import head_revision

    return int(head_revision() or 0)


def app_version() -> str:
    try:
        from importlib.metadata import version

        return version("coopdesk")
    except Exception:  # noqa: BLE001 - running from a source tree
        return "0"


def _say(progress: Progress, stage: str, fraction: float) -> None:
    if progress is not None:
        progress(stage, fraction)


class _DryRun(Exception):
    def __init__(self, result: dict[str, Any]) -> None:
        self.result = result


class SyncService:
    backup = True  # tests with many imports turn it off

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    # ------------------------------------------------------------------ identity and pairing

    def _me(self) -> tuple[str, str, str]:
        """(node id, node code, commune code)."""
        with self.ctx.uow() as s:
            return sync_status.me(ConnectionReader(s.connection()))

    def _keys(self) -> keys.NodeKeys:
        with self.ctx.uow() as s:
            blob = setting(s, "sync_keys")
        if blob:
            return keys.NodeKeys.from_bytes(base64.b64decode(blob))
        node_id, code, commune = self._me()
        k = keys.generate(code, commune, code, node_id=node_id)
        with self.ctx.uow(write=True) as s:
            if not setting(s, "sync_keys"):
                set_setting(s, "sync_keys", base64.b64encode(k.to_bytes()).decode())
            else:
                return keys.NodeKeys.from_bytes(base64.b64decode(setting(s, "sync_keys")))
        return k

    def identity(self) -> dict[str, Any]:
        k = self._keys()
        return {"node_code": k.identity.node_code, "commune_code": k.identity.commune_code,
                "fingerprint": k.identity.fingerprint}

    def export_identity(self, path: str | Path) -> dict[str, Any]:
        k = self._keys()
        Path(path).write_bytes(keys.export_identity(k))
        return {"path": str(path), **self.identity()}

    def trust(self, path: str | Path) -> dict[str, Any]:
        """Pair with the site whose identity file this is; returns its fingerprint to read aloud."""
        done = self.trust_identity(_read(path))
        return {k: done[k] for k in ("node_code", "commune_code", "name", "fingerprint")}

    def trust_identity(self, data: bytes | str) -> dict[str, Any]:
        """:meth:`trust` for the identity file's content (the bytes whose fingerprint was read aloud;
        redo trusts them again without reading the file). Besides what :meth:`trust` returns:
        ``identity`` (the content, as text) and ``previous``, the partner rows this pairing replaced
        or changed, as they were: :meth:`untrust` puts them back."""
        self._require_admin()
        raw = data.encode("utf-8") if isinstance(data, str) else bytes(data)
        ident = keys.parse_identity(raw)
        me = self._keys().identity
        if ident.node_id == me.node_id:
            raise CoopError("sync_trust_self")
        with self.ctx.uow(write=True) as s:
            # A partner site installed again (new keys, same code) replaces the old pairing.
            olds = s.scalars(select(SyncPartner).where(SyncPartner.node_code == ident.node_code,
                                                       SyncPartner.node_id != ident.node_id)).all()
            row = s.get(SyncPartner, ident.node_id)
            previous = [_partner_dict(p) for p in [*olds, *([row] if row is not None else [])]]
            for other in olds:
                s.delete(other)
            s.flush()
            if row is None:
                row = SyncPartner(node_id=ident.node_id, acked="{}", sent="{}", last_seq_in=0, last_seq_out=0)
                s.add(row)
            row.node_code = ident.node_code
            row.commune_code = ident.commune_code
            row.name = ident.name
            row.identity = raw.decode("utf-8")
            row.fingerprint = ident.fingerprint
            s.add(AuditEntry(username=self.ctx.actor.username, node=self.ctx.node()[1], entity="sync_partner",
                             row_id=ident.node_code, op="trust",
                             before=json.dumps({"fingerprints": [p["fingerprint"] for p in previous]}),
                             after=json.dumps({"node_id": ident.node_id, "fingerprint": ident.fingerprint},
                                              sort_keys=True)))
        return {"node_code": ident.node_code, "commune_code": ident.commune_code, "name": ident.name,
                "fingerprint": ident.fingerprint, "identity": raw.decode("utf-8"), "previous": previous}

    def untrust(self, node_code: str, previous: Iterable[dict[str, Any]] = ()) -> dict[str, Any]:
        """Undo a pairing: forget partner ``node_code`` and put back ``previous`` (the rows
        :meth:`trust_identity` returned: the pairing it replaced, or this site's pairing as it was
        before its identity was trusted again). Refused once a bundle was sent to or received from
        it since: its bundle numbers would be lost, so its next bundles would be refused as replays
        or old ones applied again (``sync_untrust_exchanged``)."""
        self._require_admin()
        restore = [dict(p) for p in previous]
        for p in restore:  # what is put back is a key whose bundles are accepted: the same as trusted
            ident = keys.parse_identity(str(p["identity"]).encode("utf-8"))
            if (ident.node_id, ident.node_code, ident.fingerprint) != (p["node_id"], p["node_code"], p["fingerprint"]):
                raise CoopError("identity_invalid", reason="previous pairing does not match its identity")
        with self.ctx.uow(write=True) as s:
            row = self._partner(s, node_code)
            before = next((p for p in restore if p["node_id"] == row.node_id), None)
            counters = (before["last_seq_in"], before["last_seq_out"]) if before else (0, 0)
            if (row.last_seq_in, row.last_seq_out) != counters:
                raise CoopError("sync_untrust_exchanged", code=row.node_code, sent=row.last_seq_out,
                                received=row.last_seq_in)
            gone = {"node_id": row.node_id, "fingerprint": row.fingerprint}
            s.delete(row)
            s.flush()
            restored = []
            for p in restore:
                if s.get(SyncPartner, p["node_id"]) is not None or s.scalar(
                        select(SyncPartner.node_id).where(SyncPartner.node_code == p["node_code"])) is not None:
                    continue  # paired again meanwhile (the command line): that pairing stays
                s.add(SyncPartner(**{**p, "trusted_at": _as_datetime(p["trusted_at"])}))
                restored.append(p)
            s.add(AuditEntry(username=self.ctx.actor.username, node=self.ctx.node()[1], entity="sync_partner",
                             row_id=row.node_code, op="untrust", before=json.dumps(gone, sort_keys=True),
                             after=json.dumps({"fingerprints": [p["fingerprint"] for p in restored]})))
        return {"node_code": row.node_code, "restored": [p["node_code"] for p in restored]}

    def partners(self) -> list[dict[str, Any]]:
        with self.ctx.uow() as s:
            rows = s.scalars(select(SyncPartner).order_by(SyncPartner.node_code)).all()
            return [{"node_code": p.node_code, "commune_code": p.commune_code, "name": p.name,
                     "fingerprint": p.fingerprint, "trusted_at": p.trusted_at, "last_bundle_in": p.last_seq_in,
                     "last_bundle_out": p.last_seq_out, "acknowledged": _vec(p.acked)} for p in rows]

    def _trusted(self) -> dict[str, keys.Identity]:
        with self.ctx.uow() as s:
            return {p.node_id: keys.parse_identity(p.identity.encode("utf-8"))
                    for p in s.scalars(select(SyncPartner))}

    def _partner(self, s: Any, code: str) -> SyncPartner:
        row = s.scalar(select(SyncPartner).where(SyncPartner.node_code == (code or "").strip().upper()))
        if row is None:
            raise CoopError("sync_unknown_partner", code=code)
        return row

    def _require_admin(self) -> None:
        if self.ctx.actor.role != "admin":
            raise PermissionDenied(self.ctx.actor.role)

    # ------------------------------------------------------------------ sharing policy

    def policy(self) -> list[dict[str, Any]]:
        """Every synced field with whether it travels to another commune (default or admin's choice)."""
        with self.ctx.uow() as s:
            pol = policy.load(s.connection())
        out = []
        for model in sorted(synced_classes(), key=lambda m: m.__tablename__):
            c = state.columns_for(model)
            for f in sorted(c.attr_to_col):
                if f == "id":
                    continue
                e = model.__tablename__
                out.append({"entity": e, "field": f, "travels": pol.travels(e, f),
                            "default": f not in policy.LOCAL_BY_DEFAULT.get(e, ())})
        return out

    def set_policy(self, entity: str, field: str, travels: bool) -> dict[str, Any]:
        self._require_admin()
        model = by_tablename().get(entity)
        if model is None or not getattr(model, "__synced__", False) or field not in state.columns_for(model).attr_to_col:
            raise ValidationError("invalid_choice", field="field", value=f"{entity}.{field}")
        from coopdesk.domain.reference import ref_id

        pid = ref_id("sharing_policy", f"{entity}.{field}")
        with self.ctx.uow(write=True) as s:
            row = s.get(SharingPolicy, pid)
            if row is None:
                s.add(SharingPolicy(id=pid, entity=entity, field=field, travels=bool(travels)))
            elif row.travels != bool(travels):
                row.travels = bool(travels)
        return {"entity": entity, "field": field, "travels": bool(travels)}

    # ------------------------------------------------------------------ export

    def export_bundle(self, to_code: str, out_dir: str | Path, full: bool = False, max_mb: float = 10,
                      progress: Progress = None, cancel: Callable[[], bool] | None = None,
                      *, _schema_version: int | None = None) -> list[str]:
        """Write the bundle for partner ``to_code`` into ``out_dir``; returns the part paths."""
        if not (max_mb and max_mb > 0):
            raise ValidationError("invalid_number", field="max_size", value=str(max_mb))
        my_keys = self._keys()
        out = Path(out_dir)
        try:
            out.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise CoopError("db_unwritable", path=str(out)) from exc
        _say(progress, "collect", 0.0)
        with self.ctx.uow(write=True) as s:
            conn = s.connection()
            partner = self._partner(s, to_code)
            _ensure_own_rows(conn, self.ctx)
            same = partner.commune_code == my_keys.identity.commune_code
            if not same and _policy_widened(s, conn, partner.node_code):
                full = True  # values withheld until now must reach the partner: everything, once
            with state.no_cyclic_gc():
                payload, manifest, blob_shas = _collect(conn, partner, same, full)
            if cancel is not None and cancel():
                raise CoopError("sync_cancelled")
            manifest.update({"app_version": app_version(),
                             "schema_version": schema_version() if _schema_version is None else _schema_version,
                             "seq": partner.last_seq_out + 1, "full": bool(full), "to": partner.node_code,
                             "last_seq_in": partner.last_seq_in})
            _say(progress, "encrypt", 0.3)
            ident = keys.parse_identity(partner.identity.encode("utf-8"))
            parts = container.pack(payload, manifest, my_keys, [ident],
                                   max_part_bytes=int(max_mb * 1_000_000), compression="none")
            if cancel is not None and cancel():
                raise CoopError("sync_cancelled")
            _say(progress, "write", 0.8)
            me = my_keys.identity.node_code
            paths = []
            for i, data in enumerate(parts, 1):
                p = out / f"{me}-to-{partner.node_code}-{manifest['seq']:06d}-{i}of{len(parts)}{container.FILE_SUFFIX}"
                tmp = p.with_suffix(".part")
                tmp.write_bytes(data)
                tmp.replace(p)
                paths.append(str(p))
            sent = _vec(partner.sent)
            for scope in ("full", "shared"):
                sent[scope] = _vmax(sent[scope], {o: hi for o, (_lo, hi) in manifest["ranges"][scope].items()})
            partner.sent = json.dumps(sent, sort_keys=True)
            partner.last_seq_out = manifest["seq"]
            header = container.peek_manifest(parts[0])
            s.add(SyncBundle(bundle_id=header["bundle_id"], direction="out", partner=partner.node_code,
                             seq=manifest["seq"], full=bool(full),
                             summary=json.dumps({"counts": manifest["counts"], "parts": len(parts),
                                                 "bytes": sum(map(len, parts))}, sort_keys=True)))
            if blob_shas:
                state.upsert(conn, SyncBlobSent.__table__,
                             [{"partner": partner.node_code, "sha256": h} for h in blob_shas], ["partner", "sha256"])
        _say(progress, "done", 1.0)
        return paths

    # ------------------------------------------------------------------ import

    @property
    def backs_up(self) -> bool:
        """Whether an import backs the database up first (a database file; a server has its own)."""
        return bool(self.backup and self.ctx.db.path is not None)

    def preview(self, paths: Iterable[str | Path]) -> dict[str, Any]:
        return self.import_bundles(paths, dry_run=True)

    def import_bundles(self, paths: Iterable[str | Path], dry_run: bool = False,
                       progress: Progress = None) -> dict[str, Any]:
        """Verify, preview, back up, apply (one transaction per bundle) and record bundles."""
        _say(progress, "verify", 0.0)
        groups: dict[str, list[bytes]] = defaultdict(list)
        for path in paths:
            data = _read(path)
            groups[container.peek_manifest(data)["bundle_id"]].append(data)
        my_keys = self._keys()
        trusted = self._trusted()
        opened = []
        for parts in groups.values():
            manifest, payload = container.open_parts(parts, my_keys, trusted, schema_version=schema_version())
            opened.append((manifest, payload))
        opened.sort(key=lambda mp: (mp[0]["sender"]["node_code"], mp[0].get("seq", 0)))
        results = []
        with state.no_cyclic_gc():
            for i, (manifest, payload) in enumerate(opened):
                results.append(self._import_one(manifest, payload, dry_run, progress, i, len(opened)))
        _say(progress, "done", 1.0)
        return {"dry_run": dry_run, "bundles": results}

    def _import_one(self, manifest: dict[str, Any], payload: bytes, dry_run: bool, progress: Progress,
                    index: int, total: int) -> dict[str, Any]:
        sender = manifest["sender"]["node_code"]
        seq = int(manifest.get("seq", 0))
        base = {"bundle_id": manifest["bundle_id"], "sender": sender, "seq": seq, "full": manifest.get("full", False)}
        with self.ctx.uow() as s:
            conn = s.connection()
            if s.get(SyncBundle, manifest["bundle_id"]) is not None:
                return {**base, "status": "already_applied", "counts": {}, "warnings": []}
            partner = s.get(SyncPartner, manifest["sender"]["node_id"])
            if seq <= partner.last_seq_in:
                raise CoopError("sync_replayed", seq=seq, sender=sender, last=partner.last_seq_in)
            vec = state.vector(conn)
            for scope, col in (("full", 0), ("shared", 1)):
                for origin, (lo, _hi) in sorted(manifest["ranges"][scope].items()):
                    have = vec.get(origin, (0, 0))[col]
                    if have < lo:
                        if seq > partner.last_seq_in + 1 and not manifest.get("full"):
                            raise CoopError("sync_gap", missing=partner.last_seq_in + 1, sender=sender)
                        raise CoopError("sync_gap_changes", first=have + 1, origin=origin, sender=sender)
        writes, prevs, blobs = _parse_payload(payload, sender)
        if self.backup and not dry_run and self.ctx.db.path is not None:
            _say(progress, "backup", 0.1)
            from coopdesk.db.engine import backup_sqlite

            backup_sqlite(self.ctx.db.path, reason="before-sync")
            _prune_backups(self.ctx.db.path)
        _say(progress, "apply", 0.2 + 0.7 * index / max(total, 1))
        try:
            with self.ctx.uow(write=True) as s:
                s.info["capture"] = False
                conn = s.connection()
                outcome = state.merge_remote(conn, writes, prevs)
                # Inside the transaction: the merge is recorded, the rows are not written yet.
                _say(progress, "apply", 0.2 + 0.7 * (index + 0.5) / max(total, 1))
                hidden = state.apply(conn, outcome.dirty, outcome.revived)
                for o, (_lo, hi) in manifest["ranges"]["full"].items():
                    state.bump_vector(conn, o, hi, hi)
                for o, (_lo, hi) in manifest["ranges"]["shared"].items():
                    state.bump_vector(conn, o, None, hi)
                warnings = []
                clock = self.ctx.clock
                if outcome.max_hlc and clock is not None:
                    obs = clock.observe(outcome.max_hlc)
                    if obs.skew_ms > 0:
                        warnings.append({"code": "clock_ahead", "node": state.origin_of(outcome.max_hlc),
                                         "hours": round((obs.skew_ms + clock.max_drift_ms) / 3_600_000, 1)})
                    state.set_local_setting(conn, "sync_hlc", clock.last.encode())
                for sha, data in blobs:
                    state.upsert(conn, Blob.__table__, [{"sha256": sha, "size": len(data), "data": data}],
                                 ["sha256"])
                partner = s.get(SyncPartner, manifest["sender"]["node_id"])
                acked = _vec(partner.acked)
                theirs = manifest.get("vector", {})
                partner.acked = json.dumps({k: _vmax(acked[k], theirs.get(k, {})) for k in ("full", "shared")},
                                           sort_keys=True)
                partner.last_seq_in = seq
                result = {**base, "status": "dry_run" if dry_run else "applied", "counts": outcome.as_dict(),
                          "hidden_orphans": hidden, "warnings": warnings}
                s.add(SyncBundle(bundle_id=manifest["bundle_id"], direction="in", partner=sender, seq=seq,
                                 full=bool(manifest.get("full")), summary=json.dumps(result, sort_keys=True)))
                s.add(AuditEntry(username=self.ctx.actor.username, node=sender, entity="sync_bundle",
                                 row_id=manifest["bundle_id"], op="import", before="",
                                 after=json.dumps(result["counts"], sort_keys=True)))
                if dry_run:
                    raise _DryRun(result)
        except _DryRun as d:
            return d.result
        except state.UniqueClash as clash:  # rolled back: nothing was written
            raise _clash_error(self.ctx, clash, outcome.dirty, sender) from None
        return result

    # ------------------------------------------------------------------ status, history, conflicts

    def status(self) -> dict[str, Any]:
        with self.ctx.uow() as s:
            return sync_status.status(ConnectionReader(s.connection()))

    def history(self, limit: int = 100) -> list[dict[str, Any]]:
        with self.ctx.uow() as s:
            return sync_status.history(ConnectionReader(s.connection()), limit)

    def conflicts(self) -> list[dict[str, Any]]:
        """Open conflicts: values that lost without being seen, and edits made to a row deleted elsewhere."""
        with self.ctx.uow() as s:
            return sync_status.open_conflicts(ConnectionReader(s.connection()))

    def resolve(self, conflict_id: str, keep: str = "mine") -> dict[str, Any]:
        """Close a conflict with a new change: ``mine`` keeps the value in the database, ``theirs``
        takes the losing one (for a delete: ``mine`` keeps it deleted, ``theirs`` restores the row)."""
        if keep not in ("mine", "theirs"):
            raise ValidationError("invalid_choice", field="keep", value=str(keep))
        if not self.ctx.actor.can_edit:
            raise PermissionDenied(self.ctx.actor.role)
        dirty: dict[str, dict[str, Any]] = {}
        try:
            return self._resolve(conflict_id, keep, dirty)
        except state.UniqueClash as clash:  # rolled back: nothing was written
            raise _clash_error(self.ctx, clash, dirty, self.ctx.node()[1]) from None

    def _resolve(self, conflict_id: str, keep: str, dirty: dict[str, dict[str, Any]]) -> dict[str, Any]:
        with self.ctx.uow(write=True) as s:
            s.info["capture"] = False
            conn = s.connection()
            found = next((c for c in sync_status.open_conflicts(ConnectionReader(conn)) if c["id"] == conflict_id), None)
            if found is None:
                raise CoopError("sync_no_conflict", id=conflict_id)
            e, rid = found["entity"], found["row_id"]
            if found["kind"] == "field":
                f = found["field"]
                value = found["mine"] if keep == "mine" else found["theirs"]
                w = state.LocalWrite(e, rid, {f: value}, extra_prev={f: [found["mine_hlc"], found["theirs_hlc"]]})
            else:
                extra = {f: [h] for f, h in found["edit_hlcs"].items()}
                extra[state.DELETED] = [found["delete_hlc"]]
                w = state.LocalWrite(e, rid, {state.DELETED: keep == "mine"}, extra_prev=extra)
            revived: dict[str, set[str]] = {}
            states = state.local_writes(conn, self.ctx.node()[1], self.ctx.clock, [w], revived)
            if found["kind"] == "delete" and keep == "theirs":
                revived.setdefault(e, set()).add(rid)
            state.set_local_setting(conn, "sync_hlc", self.ctx.clock.last.encode())
            dirty[e] = {rid: states[(e, rid)]}
            state.apply(conn, dirty, revived)
            s.add(AuditEntry(username=self.ctx.actor.username, node=self.ctx.node()[1], entity=e, row_id=rid,
                             op="resolve", before=json.dumps({"conflict": conflict_id}),
                             after=json.dumps({"keep": keep}, sort_keys=True)))
        return {"id": conflict_id, "keep": keep, "entity": e, "row_id": rid}

    def _store_state(self, entity: str, row_id: str) -> dict[str, Any]:
        """The sync state of one row ``{field: [hlc, seq, value]}`` (for checks and support)."""
        with self.ctx.uow() as s:
            return state.load_states(s.connection(), entity, [row_id]).get(row_id, {})

    # ------------------------------------------------------------------ state hash

    def state_hash(self, with_code: str | None = None) -> str:
        """SHA-256 of the content shared with partner ``with_code`` (all of it for this node or a node
        of the same commune); equal on two nodes that have converged."""
        _node_id, code, commune = self._me()
        with self.ctx.uow() as s:
            conn = s.connection()
            same = True
            if with_code and with_code.strip().upper() != code:
                same = self._partner(s, with_code).commune_code == commune
            pol = policy.load(conn)
            h = hashlib.sha256()
            for model in sorted(synced_classes(), key=lambda m: m.__tablename__):
                c = state.columns_for(model)
                e = model.__tablename__
                cols = sorted(c.cols)
                fields = [f for f, col in sorted(c.attr_to_col.items()) if col in c.cols]
                keep = [c.attr_to_col[f] for f in fields if same or pol.travels(e, f)]
                h.update(f"\n#{e}:{','.join(keep)}\n".encode())
                t = model.__table__
                # Typed values, normalised, sorted in Python: the same bytes on SQLite and PostgreSQL
                # (whose text collation would order the ids differently).
                names = ["id", *keep]
                extra = [k for k in ("entity",) if e == "attachment" and k not in names]  # what row_travels reads
                rows = sorted(tuple(_norm(v) for v in r[:len(names)])
                              for r in conn.execute(select(*[t.c[k] for k in names + extra]))
                              if same or policy.row_travels(e, dict(zip(names + extra, r, strict=True))))
                for row in rows:
                    h.update(json.dumps(list(row), ensure_ascii=False, separators=(",", ":")).encode())
                    h.update(b"\n")
                del cols
            return h.hexdigest()


# ---------------------------------------------------------------------- helpers (module level)

def _policy_widened(s: Any, conn: Any, partner_code: str) -> bool:
    """Whether a field that stayed home at the last export to this partner (of another commune)
    travels now; the fields that stay home now are remembered for the next export. Old values of a
    field the policy lets through only later would otherwise never be sent: they are not changes."""
    pol = policy.load(conn)
    home = sorted(f"{m.__tablename__}.{f}" for m in synced_classes()
                  for f in state.columns_for(m).attr_to_col if not pol.travels(m.__tablename__, f))
    key = f"sync_home_fields:{partner_code}"
    then = setting(s, key, "")
    set_setting(s, key, json.dumps(home))
    return bool(then) and bool(set(json.loads(then)) - set(home))


def _ensure_own_rows(conn: Any, ctx: Context) -> None:
    """This node's own row is made by ``init`` before the clock runs: record it once so it travels."""
    from coopdesk.db.capture import row_fields
    from coopdesk.db.models import Node

    node_id, code = ctx.node()
    if state.load_states(conn, "node", [node_id]):
        return
    from sqlalchemy.orm import Session

    with Session(bind=conn) as s2:
        node = s2.get(Node, node_id)
        fields = row_fields(node) if node is not None else None
    if fields:
        state.local_writes(conn, code, ctx.clock, [state.LocalWrite("node", node_id, fields)])


def _norm(v: Any) -> Any:
    """A column value as the state hash writes it (the same on every backend)."""
    if isinstance(v, bool):
        return int(v)
    if isinstance(v, (dt.date, dt.datetime)):
        return v.isoformat()
    if isinstance(v, bytes):
        return v.hex()
    return v


def _clash_error(ctx: Context, clash: state.UniqueClash, dirty: dict[str, dict[str, Any]], sender: str) -> CoopError:
    """Name the clash for staff: which record, which values. Called after the rollback: the
    incoming rows are compared with each other and with the rows of this database."""
    model = by_tablename().get(clash.entity)
    if model is None:
        return CoopError("sync_unique_clash_unknown", sender=sender, entity=clash.entity)
    c = state.columns_for(model)
    t = model.__table__
    rows = {rid: st for rid, st in dirty.get(clash.entity, {}).items()
            if not st.get(state.DELETED, [0, 0, False])[2]}
    with ctx.uow() as s:
        conn = s.connection()
        for cols in c.uniques:
            attrs = [c.col_to_attr.get(col, col) for col in cols]
            seen: dict[tuple[Any, ...], str] = {}
            for rid, st in sorted(rows.items()):
                key = tuple(st.get(a, [0, 0, None])[2] for a in attrs)
                if None in key:
                    continue
                hit = seen.get(key)
                if hit is None:
                    cond = [t.c[col] == c.cols[col](v) for col, v in zip(cols, key, strict=True)]
                    hit = conn.execute(select(t.c.id).where(*cond, t.c.id != rid).limit(1)).scalar()
                if hit is not None and hit != rid:
                    return CoopError("sync_unique_clash", sender=sender, entity=clash.entity,
                                     fields=", ".join(cols), values=", ".join(map(str, key)))
                seen[key] = rid
    return CoopError("sync_unique_clash_unknown", sender=sender, entity=clash.entity)



def _partner_dict(p: SyncPartner) -> dict[str, Any]:
    """A pairing as plain data, every column (what :meth:`SyncService.untrust` puts back)."""
    return {"node_id": p.node_id, "node_code": p.node_code, "commune_code": p.commune_code, "name": p.name,
            "identity": p.identity, "fingerprint": p.fingerprint,
            "trusted_at": p.trusted_at.isoformat() if p.trusted_at else None, "acked": p.acked, "sent": p.sent,
            "last_seq_out": p.last_seq_out, "last_seq_in": p.last_seq_in}


def _as_datetime(value: Any) -> dt.datetime | None:
    return dt.datetime.fromisoformat(value) if isinstance(value, str) else value


def _read(path: str | Path) -> bytes:
    try:
        return Path(path).read_bytes()
    except OSError as exc:
        raise CoopError("sync_file_unreadable", path=str(path)) from exc


def _prune_backups(db_path: Path, keep: int = 10) -> None:
    folder = db_path.parent / "backups"
    olds = sorted(folder.glob(f"{db_path.stem}-before-sync-*"))
    for p in olds[:-keep]:
        try:
            p.unlink()
        except OSError:
            pass


def _collect(conn: Any, partner: SyncPartner, same: bool, full: bool) -> tuple[bytes, dict[str, Any], list[str]]:
    """The payload for ``partner``: what it lacks according to what it acknowledged and what we sent."""
    pol = policy.load(conn)
    vec = state.vector(conn)
    acked, sent = _vec(partner.acked), _vec(partner.sent)
    if full:
        base_f: dict[str, int] = {}
        base_s: dict[str, int] = {}
    else:
        base_f = _vmax(acked["full"], sent["full"])
        base_s = _vmax(acked["full"], acked["shared"], sent["full"], sent["shared"])
    ranges: dict[str, dict[str, list[int]]] = {"full": {}, "shared": {}}
    for o, (f, sh) in vec.items():
        if same and f > base_f.get(o, 0):
            ranges["full"][o] = [base_f.get(o, 0), f]
        if sh > base_s.get(o, 0):
            ranges["shared"][o] = [base_s.get(o, 0), sh]

    def included(entity: str, field: str, hlc: str, seq: int) -> bool:
        o = state.origin_of(hlc)
        r = ranges["full"].get(o)
        if r and r[0] < seq <= r[1]:
            return True
        r = ranges["shared"].get(o)
        return bool(r and r[0] < seq <= r[1] and pol.travels(entity, field))

    spans: dict[str, tuple[int, int]] = {}
    for scope in ("full", "shared"):
        for o, (lo, hi) in ranges[scope].items():
            a, b = spans.get(o, (lo, hi))
            spans[o] = (min(a, lo), max(b, hi))
    rows: dict[str, set[str]] = defaultdict(set)
    losers, prevs = [], []
    for o, (lo, hi) in spans.items():
        tt, tc, tp = SyncTouch.__table__, SyncConflict.__table__, SyncPrev.__table__
        for e, rid in conn.execute(select(tt.c.entity, tt.c.row_id).where(
                tt.c.origin == o, tt.c.seq > lo, tt.c.seq <= hi)):
            rows[e].add(rid)
        for e, rid, f, h, sq, v in conn.execute(select(tc.c.entity, tc.c.row_id, tc.c.field, tc.c.hlc, tc.c.seq,
                                                       tc.c.value).where(tc.c.origin == o, tc.c.seq > lo,
                                                                         tc.c.seq <= hi)):
            if included(e, f, h, sq):
                losers.append((e, rid, f, h, sq, json.loads(v)))
        for e, rid, f, h, po, sq in conn.execute(select(tp.c.entity, tp.c.row_id, tp.c.field, tp.c.hlc, tp.c.origin,
                                                        tp.c.seq).where(tp.c.origin == o, tp.c.seq > lo,
                                                                        tp.c.seq <= hi)):
            if included(e, f, f"x.{po}", sq) or (f == state.DELETED and included(e, "id", f"x.{po}", sq)):
                prevs.append([e, rid, f, h, po, sq])
    home: set[tuple[str, str]] = set()
    if not same:  # whole rows that stay in their commune (a beneficiary's files: policy.row_travels)
        ids = rows.get("attachment", set()) | {r for e, r, *_x in losers if e == "attachment"} | \
            {p[1] for p in prevs if p[0] == "attachment"}
        for rid, st in state.load_states(conn, "attachment", sorted(ids)).items():
            if not policy.row_travels("attachment", {f: w[2] for f, w in st.items()}):
                home.add(("attachment", rid))
        losers = [x for x in losers if (x[0], x[1]) not in home]
        prevs = [x for x in prevs if (x[0], x[1]) not in home]
    # Group writes by entity and field set: compact and well compressible.
    blocks: dict[tuple[str, tuple[str, ...]], list[list[Any]]] = defaultdict(list)
    counts: dict[str, int] = defaultdict(int)
    blob_shas: list[str] = []
    for e in sorted(rows):
        states = state.load_states(conn, e, sorted(rows[e]))
        for rid in sorted(states):
            if (e, rid) in home:
                continue
            st = states[rid]
            writes: dict[tuple[str, int], dict[str, Any]] = defaultdict(dict)
            for f, (h, sq, v) in st.items():
                if included(e, f, h, sq):
                    writes[(h, sq)][f] = v
            for (h, sq), fields in sorted(writes.items()):
                keys_ = tuple(sorted(fields))
                blocks[(e, keys_)].append([rid, h, sq, *(fields[k] for k in keys_)])
                counts[e] += 1
                if e == "attachment" and "sha256" in fields:
                    blob_shas.append(fields["sha256"])
    for e, rid, f, h, sq, v in losers:
        blocks[(e, (f,))].append([rid, h, sq, v])
    # Files: content-addressed, each sent once to a partner (again with --full).
    blob_list: list[tuple[str, bytes]] = []
    if blob_shas:
        already = set() if full else set(conn.execute(
            select(SyncBlobSent.sha256).where(SyncBlobSent.partner == partner.node_code)).scalars())
        for sha in sorted(set(blob_shas) - already):
            row = conn.execute(select(Blob.data).where(Blob.sha256 == sha)).first()
            if row is not None:
                blob_list.append((sha, bytes(row[0])))
    doc = {"v": 1, "blocks": [[e, list(k), v] for (e, k), v in sorted(blocks.items())], "prev": prevs,
           "blobs": [[sha, len(d)] for sha, d in blob_list]}
    raw = json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    packed = lzma.compress(raw, format=lzma.FORMAT_XZ, check=lzma.CHECK_NONE,
                           preset=6 if len(raw) < 4_000_000 else 2)
    payload = b"".join([PAYLOAD_MAGIC, struct.pack(">Q", len(packed)), packed, *(d for _s, d in blob_list)])
    my_vec = {"full": {o: f for o, (f, _s) in vec.items()}, "shared": {o: sh for o, (_f, sh) in vec.items()}}
    manifest = {"ranges": ranges, "vector": my_vec, "counts": dict(counts), "scope": "full" if same else "shared",
                "conflicts": len(losers)}
    return payload, manifest, [sha for sha, _d in blob_list]


def _parse_payload(payload: bytes, sender: str) -> tuple[list[Any], list[Any], list[tuple[str, bytes]]]:
    try:
        if not payload.startswith(PAYLOAD_MAGIC):
            raise ValueError("magic")
        off = len(PAYLOAD_MAGIC)
        (n,) = struct.unpack_from(">Q", payload, off)
        off += 8
        doc = orjson.loads(lzma.decompress(payload[off:off + n]))
        off += n
        models = by_tablename()
        writes = []
        for e, fields, rows in doc["blocks"]:
            names = tuple(fields)  # one tuple for the block: its rows share it
            if e not in models:
                raise ValueError("unknown entity")
            if not all(type(f) is str for f in names) or len(set(names)) != len(names):
                raise ValueError("field names")
            # Checked a column at a time (C loops): each row [row_id, hlc, seq, *values].
            if set(map(type, rows)) - {list} or set(map(len, rows)) - {len(names) + 3}:
                raise ValueError("row width")
            for i, kind in ((0, str), (1, str), (2, int)):
                if set(map(type, map(itemgetter(i), rows))) - {kind}:
                    raise ValueError("row types")
            writes.append((e, names, rows))
        prevs = [tuple(p) for p in doc["prev"]]
        blobs = []
        for sha, size in doc["blobs"]:
            data = payload[off:off + size]
            off += size
            if hashlib.sha256(data).hexdigest() != sha:
                raise ValueError("blob hash")
            blobs.append((sha, data))
    except (ValueError, KeyError, TypeError, IndexError, lzma.LZMAError, struct.error, orjson.JSONDecodeError):
        raise CoopError("sync_payload_invalid", sender=sender) from None
    return writes, prevs, blobs


