"""The sync status and the open conflicts read through sqlite3 (the dashboard at the app's start,
before SQLAlchemy is loaded) are the sync centre's, read through SQLAlchemy."""

from __future__ import annotations

import datetime as dt

from coopdesk.db.reader import SqliteReader
from coopdesk.services import overview
from tests.sync.test_sync_bundles import person, ship

TODAY = dt.date(2026, 11, 27)


def test_sync_status_and_conflicts_read_the_same_through_sqlite3(nodes, tmp_path):
    a, b = nodes["TIZ"], nodes["TIZ2"]
    p = person(a, "TIZ")
    e = a.events.create_event(title="Foire", start="2026-05-01")
    ship(a, b, tmp_path / "1")
    a.people.update_person(p["id"], consent_scope="mine")  # the same field on both sites: a conflict
    b.people.update_person(p["id"], consent_scope="theirs")
    b.events.update_event(e["id"], place="Tiznit")  # an edit of a row deleted on the other site
    a.events.delete_event(e["id"])
    ship(a, b, tmp_path / "2")
    ship(b, a, tmp_path / "3")
    a.people.update_person(p["id"], phone="0612")  # a change waiting for every partner

    with SqliteReader(a.db.path) as r:
        data = overview.dashboard(r, 2026, TODAY)["sync"]
    assert sorted(c["kind"] for c in data["conflicts"]) == ["delete", "field"]
    assert data["conflicts"] == a.sync.conflicts()
    assert data["status"] == a.sync.status()
    assert data["history"] == a.sync.history()
    assert [h["at"] for h in data["history"]] == sorted((h["at"] for h in data["history"]), reverse=True)
    tiz2 = next(x for x in data["status"]["partners"] if x["node_code"] == "TIZ2")
    assert tiz2["last_bundle_in"] and tiz2["last_bundle_out"] and tiz2["pending_changes"] >= 1
