"""The dashboard's reads (coopdesk/services/overview.py) on the standard library's sqlite3, as the
desktop app's start runs them before SQLAlchemy is loaded: the same figures as the services give,
and a lazily opened database refuses what an eagerly opened one refuses."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from coopdesk.db.reader import ConnectionReader, SqliteReader
from coopdesk.errors import CoopError
from coopdesk.services import open_services, overview
from tests.sync.nodes import file_digest

TODAY = dt.date(2026, 11, 27)


def _both(svc, fn, *args):
    """``fn`` read through SQLAlchemy (the services' connection) and through sqlite3."""
    with svc.ctx.uow() as s:
        via_sqlalchemy = fn(ConnectionReader(s.connection()), *args)
    with SqliteReader(svc.db.path) as r:
        via_sqlite3 = fn(r, *args)
    return via_sqlalchemy, via_sqlite3


def _plain(data):
    """Warnings as their codes, targets and messages (dataclasses compare by value anyway)."""
    out = dict(data)
    out["warnings"] = [(w.code, w.level, w.entity, w.row_id, w.message("fr")) for w in data["warnings"]]
    return out


def test_the_dashboard_reads_the_same_through_sqlite3_and_sqlalchemy(demo):
    year = demo.plans.plans()[0]["year"]
    via_sqlalchemy, via_sqlite3 = _both(demo, overview.dashboard, year, TODAY)
    assert via_sqlite3["indicators"] and via_sqlite3["warnings"] and via_sqlite3["communes"]
    assert _plain(via_sqlite3) == _plain(via_sqlalchemy)
    # and the services' own answers, which other screens and the command line show
    assert via_sqlite3["indicators"] == demo.indicators.for_year(year)
    assert [w.code for w in via_sqlite3["warnings"]] == [w.code for w in demo.checks.run(TODAY)]
    plan = demo.plans.plan_for_year(year)
    assert via_sqlite3["plan"] == {k: plan[k] for k in ("id", "year", "status", "validated_on", "locked")}
    upcoming = [e for e in demo.events.events(upcoming_from=TODAY)]
    assert [e["id"] for e in via_sqlite3["events"]] == [e["id"] for e in upcoming][:8]
    assert all(isinstance(e["start"], dt.date) for e in via_sqlite3["events"])
    conv = demo.convention.convention(TODAY)
    assert via_sqlite3["convention"] == {"id": conv["id"], **{k: conv[k] for k in (
        "effective_date", "renewals", "next_renewal", "notice_deadline")}}
    assert via_sqlite3["communes"] == [{k: c[k] for k in overview.COMMUNE_FIELDS} for c in demo.setup.communes()]


def test_a_node_not_set_up_shows_why_instead_of_a_sync_status(tmp_path):
    svc = open_services(tmp_path / "fresh.db")  # created, not initialised
    with SqliteReader(svc.db.path) as r:
        sync = overview.dashboard(r, 2026, TODAY)["sync"]
        assert not overview.is_initialised(r)
    svc.close()
    assert isinstance(sync["error"], CoopError) and sync["error"].code == "not_initialised"


def test_reading_never_writes(demo):
    with SqliteReader(demo.db.path) as r, pytest.raises(Exception, match="readonly|read-only|query_only"):
        r.conn.execute("DELETE FROM event")
    assert demo.events.events()


# ------------------------------------------------------------------ opening lazily (the app's start)


def test_a_current_file_opens_without_sqlalchemy_and_the_services_load_on_first_use(demo_template, tmp_path):
    db = tmp_path / "demo.db"
    shutil.copy(demo_template[0], db)
    script = f"""
import json, sys
from coopdesk.services import open_services
svc = open_services({str(db)!r}, lazy=True)
site = svc.overview.site()
data = svc.overview.dashboard(2026, __import__("datetime").date(2026, 11, 27))
before = "sqlalchemy" in sys.modules
n = svc.people.count()  # the first service call loads SQLAlchemy and opens the engine
print(json.dumps({{"before": before, "after": "sqlalchemy" in sys.modules, "site": site["node_code"],
                  "indicators": len(data["indicators"]), "people": n}}))
"""
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True,
                         cwd=Path(__file__).resolve().parents[2])
    got = json.loads(out.stdout.strip().splitlines()[-1])
    assert got["before"] is False and got["after"] is True
    assert got["site"] == "TIZ" and got["indicators"] > 0 and got["people"] > 0


def test_lazy_opening_refuses_a_newer_database_and_leaves_it_untouched(demo_template, tmp_path):
    import sqlite3

    db = tmp_path / "newer.db"
    shutil.copy(demo_template[0], db)
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE alembic_version SET version_num = 'ffffffffffff'")
    conn.close()
    before = file_digest(db)
    with pytest.raises(CoopError) as err:
        open_services(db, lazy=True)
    assert err.value.code == "db_newer"
    assert file_digest(db) == before


def test_lazy_opening_refuses_a_file_that_is_not_a_database(tmp_path):
    bad = tmp_path / "notes.db"
    bad.write_text("not a database")
    with pytest.raises(CoopError) as err:
        open_services(bad, lazy=True)
    assert err.value.code == "db_not_sqlite"


def test_lazy_opening_of_a_new_file_creates_it_as_before(tmp_path):
    svc = open_services(tmp_path / "new.db", lazy=True)
    assert not svc.overview.is_initialised()
    svc.setup.init("VLG")
    assert svc.overview.site()["commune_code"] == "VLG"
    svc.close()


def test_the_dashboard_reads_through_the_services_connection_on_any_database(svc):
    """On PostgreSQL (COOPDESK_TEST_PG_URL) the dashboard's SQL runs through SQLAlchemy: the same
    queries must be accepted there (quoted reserved words, booleans, dates as parameters)."""
    soon = svc.events.create_event(title="Olympiades", start=TODAY + dt.timedelta(days=3))
    svc.events.create_event(title="Passée", start=TODAY - dt.timedelta(days=3))
    data = svc.overview.dashboard(TODAY.year, TODAY)
    assert [e["id"] for e in data["events"]] == [soon["id"]]
    assert data["events"][0]["start"] == TODAY + dt.timedelta(days=3)
    assert data["sync"]["status"]["node_code"] == svc.overview.site()["node_code"] == "TIZ"
    assert data["sync"]["status"]["open_conflicts"] == 0 and data["sync"]["history"] == []
    assert [w.code for w in data["warnings"]] == [w.code for w in svc.checks.run(TODAY)]
    assert not svc.overview.login_required()
