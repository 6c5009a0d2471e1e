"""What the sync centre and the dashboard show about sync, read in plain SQL through a reader
(coopdesk/db/reader.py): this node, the partners with their last bundles and the changes waiting
for each, the bundles' history, the open conflicts. ``SyncService`` runs these on its SQLAlchemy
connection; the desktop app's first screen on a sqlite3 connection before SQLAlchemy is imported
(docs/performance.md, "Desktop")."""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from typing import Any

from coopdesk.db.reader import Reader, as_bool, as_datetime, scalar, setting
from coopdesk.errors import CoopError
from coopdesk.sync.codec import DELETED, decode_state, origin_of


def me(r: Reader) -> tuple[str, str, str]:
    """(node id, node code, commune code) of this installation."""
    node_id = setting(r, "node_id")
    if not node_id:
        raise CoopError("not_initialised")
    commune = scalar(r, "SELECT code FROM commune WHERE id = :id", {"id": setting(r, "commune_id")})
    return node_id, setting(r, "node_code"), commune or ""


def vec(text: str) -> dict[str, dict[str, int]]:
    obj = json.loads(text or "{}")
    return {"full": dict(obj.get("full", {})), "shared": dict(obj.get("shared", {}))}


def vmax(*vs: dict[str, int]) -> dict[str, int]:
    out: dict[str, int] = {}
    for v in vs:
        for k, n in v.items():
            out[k] = max(out.get(k, 0), int(n))
    return out


def status(r: Reader, conflicts: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """This node, its version vector, and per partner the bundles exchanged and the changes
    waiting to be sent (in the partner's view: all of them to a site of the same commune, the
    shared ones to the other commune's); ``open_conflicts`` counts them all (``conflicts``: the
    open conflicts when the caller has read them already)."""
    _node_id, code, commune = me(r)
    vector = {o: (f, sh) for o, f, sh in r.all('SELECT origin, "full", shared FROM sync_vector')}
    partners = []
    for (node_code, commune_code, fingerprint, acked_text, sent_text, last_in, last_out) in r.all(
            "SELECT node_code, commune_code, fingerprint, acked, sent, last_seq_in, last_seq_out "
            "FROM sync_partner ORDER BY node_code"):
        same = commune_code == commune
        acked, sent = vec(acked_text), vec(sent_text)
        base = acked["full"] if same else vmax(acked["full"], acked["shared"])
        pending = 0
        for o, (f, sh) in vector.items():
            top = f if same else sh
            if top > base.get(o, 0):
                pending += scalar(r, "SELECT COUNT(*) FROM sync_touch WHERE origin = :o AND seq > :lo AND seq <= :hi",
                                  {"o": o, "lo": base.get(o, 0), "hi": top}) or 0
        partners.append({"node_code": node_code, "commune_code": commune_code, "fingerprint": fingerprint,
                         "acknowledged": acked, "sent": sent, "last_bundle_in": last_in,
                         "last_bundle_out": last_out, "pending_changes": pending})
    return {"node_code": code, "commune_code": commune,
            "vector": {o: {"full": f, "shared": sh} for o, (f, sh) in sorted(vector.items())},
            "partners": partners,
            "open_conflicts": len(open_conflicts(r) if conflicts is None else conflicts)}


def history(r: Reader, limit: int = 100) -> list[dict[str, Any]]:
    """The bundles sent and received, the latest first."""
    return [{"bundle_id": bundle_id, "direction": direction, "partner": partner, "seq": seq,
             "full": as_bool(full), "at": as_datetime(at), "summary": json.loads(summary or "{}")}
            for bundle_id, direction, partner, seq, full, at, summary in r.all(
                'SELECT bundle_id, direction, partner, seq, "full", at, summary FROM sync_bundle '
                "ORDER BY at DESC LIMIT :limit", {"limit": limit})]


def open_conflicts(r: Reader) -> list[dict[str, Any]]:
    """Open conflicts: values that lost without being seen, and edits made to a row deleted elsewhere."""
    out = []
    by_row: dict[tuple[str, str], list[Any]] = defaultdict(list)
    for e, rid, f, h, v in r.all("SELECT entity, row_id, field, hlc, value FROM sync_conflict"):
        by_row[(e, rid)].append((f, h, json.loads(v)))
    # the literal (not a parameter) lets SQLite use the partial index of tombstones
    deleted = r.all(f"SELECT entity, row_id FROM sync_row WHERE deleted = {r.true}")
    for e, rid in sorted(set(by_row) | {(e, rid) for e, rid in deleted}):
        key = {"e": e, "r": rid}
        text = scalar(r, "SELECT state FROM sync_row WHERE entity = :e AND row_id = :r", key)
        st = decode_state(text) if text is not None else {}
        seen = {(rid, f, h) for f, h in r.all("SELECT field, hlc FROM sync_prev WHERE entity = :e AND row_id = :r", key)}
        for f, h, v in sorted(by_row.get((e, rid), [])):
            win = st.get(f)
            if win is None or win[0] == h or (rid, f, h) in seen or win[2] == v:
                continue
            out.append({"id": conflict_id(e, rid, f, h), "kind": "field", "entity": e, "row_id": rid, "field": f,
                        "mine": win[2], "mine_hlc": win[0], "mine_by": origin_of(win[0]),
                        "theirs": v, "theirs_hlc": h, "theirs_by": origin_of(h)})
        d = st.get(DELETED)
        if d and d[2]:
            edits = {f: w for f, w in st.items() if f != DELETED and (rid, f, w[0]) not in seen and w[0] != d[0]}
            if edits:
                out.append({"id": conflict_id(e, rid, DELETED, d[0]), "kind": "delete", "entity": e, "row_id": rid,
                            "field": DELETED, "delete_hlc": d[0], "mine_by": origin_of(d[0]),
                            "edits": {f: w[2] for f, w in sorted(edits.items())},
                            "edit_hlcs": {f: w[0] for f, w in sorted(edits.items())},
                            "theirs_by": sorted({origin_of(w[0]) for w in edits.values()})})
    return out


def conflict_id(e: str, rid: str, f: str, h: str) -> str:
    return hashlib.sha256(f"{e}|{rid}|{f}|{h}".encode()).hexdigest()[:12]
