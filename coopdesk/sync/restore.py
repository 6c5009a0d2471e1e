"""What a restored backup must not forget: the numbers this node already used.

A backup is older than the database it replaces. Its sync counters are too: this node's last
change number, its clock, the number of the last bundle sent to each partner. Kept as they were,
the next change would reuse a number the partners already hold (with other content: they would
take it for one they have and never apply it), and the next bundle would be refused as a replay.
So the counters of the database being replaced are carried into the restored one (the larger of the
two each time). The changes made after the backup are gone from this PC but not from the partners
that received them: a full bundle from a partner (``sync export --full``) brings them back.

Plain ``sqlite3``: restoring is for SQLite files (``setup.restore_backup``).
"""

from __future__ import annotations

import json
import sqlite3
from typing import Any


def read_counters(conn: sqlite3.Connection, node_code: str) -> dict[str, Any]:
    """This node's sync counters in a database (``conn``)."""
    touch = conn.execute("SELECT MAX(seq) FROM sync_touch WHERE origin = ?", (node_code,)).fetchone()[0] or 0
    vec = conn.execute("SELECT full, shared FROM sync_vector WHERE origin = ?", (node_code,)).fetchone() or (0, 0)
    hlc = conn.execute("SELECT value FROM local_setting WHERE key = 'sync_hlc'").fetchone()
    partners = {node_id: (last_out or 0, sent or "{}") for node_id, last_out, sent in
                conn.execute("SELECT node_id, last_seq_out, sent FROM sync_partner")}
    return {"seq": max(touch, vec[0] or 0, vec[1] or 0), "hlc": hlc[0] if hlc else "", "partners": partners}


def carry_over(conn: sqlite3.Connection, node_code: str, before: dict[str, Any]) -> int:
    """Write into the restored database (``conn``) the larger of its counters and ``before``'s.
    Returns how many of this node's changes were made after the backup (now only at the partners
    they were sent to)."""
    now = read_counters(conn, node_code)
    lost = max(0, before["seq"] - now["seq"])
    with conn:
        if lost:
            conn.execute("INSERT INTO sync_vector (origin, full, shared) VALUES (?, ?, ?) "
                         "ON CONFLICT (origin) DO UPDATE SET full = MAX(full, excluded.full), "
                         "shared = MAX(shared, excluded.shared)", (node_code, before["seq"], before["seq"]))
        if before["hlc"] > now["hlc"]:  # fixed-width text: ordered as the clock is
            conn.execute("INSERT INTO local_setting (key, value) VALUES ('sync_hlc', ?) "
                         "ON CONFLICT (key) DO UPDATE SET value = excluded.value", (before["hlc"],))
        for node_id, (last_out, sent) in before["partners"].items():
            if node_id not in now["partners"]:
                continue  # paired after the backup: pair again
            mine_out, mine_sent = now["partners"][node_id]
            conn.execute("UPDATE sync_partner SET last_seq_out = ?, sent = ? WHERE node_id = ?",
                         (max(last_out, mine_out), _vmax_json(sent, mine_sent), node_id))
    return lost


def _vmax_json(a: str, b: str) -> str:
    va, vb = json.loads(a or "{}"), json.loads(b or "{}")
    out = {}
    for scope in ("full", "shared"):
        merged = dict(vb.get(scope, {}))
        for k, n in va.get(scope, {}).items():
            merged[k] = max(int(merged.get(k, 0)), int(n))
        out[scope] = merged
    return json.dumps(out, sort_keys=True)
