"""A town hall on PostgreSQL and a site on SQLite exchange bundles and converge.

Runs only when COOPDESK_TEST_PG_URL points to a PostgreSQL database that may be emptied
(e.g. ``postgresql+psycopg://coop:coop@localhost/coopdesk_test``); skipped otherwise.
"""

from __future__ import annotations

import datetime as dt

import pytest

from coopdesk.domain.reference import axis_id
from tests.conftest import PG_URL, _fresh_pg

pytestmark = pytest.mark.skipif(not PG_URL, reason="set COOPDESK_TEST_PG_URL to run against PostgreSQL")


def ship(src, dst, out, **kw):
    paths = src.sync.export_bundle(dst.sync._me()[1], out, **kw)
    return dst.sync.import_bundles(paths)


@pytest.fixture
def pg_pair(nodes, tmp_path):
    from coopdesk.services import open_services

    pg = open_services(_fresh_pg(PG_URL))
    pg.setup.init("TIZ", node_code="TIZPG")
    pg.sync.backup = False
    a, v = nodes["TIZ"], nodes["VLG"]
    pg.sync.export_identity(tmp_path / "pg.id")
    for s in (a, v):
        s.sync.export_identity(tmp_path / f"{s.sync._me()[1]}.id")
        s.sync.trust(tmp_path / "pg.id")
        pg.sync.trust(tmp_path / f"{s.sync._me()[1]}.id")
    yield a, pg, v
    pg.close()


def test_postgres_node_and_sqlite_node_converge(pg_pair, tmp_path):
    a, pg, _v = pg_pair
    assert pg.db.engine.dialect.name == "postgresql"
    # Writes on both sides, offline: dates, date-times, booleans, links, natural keys.
    pa = a.plans.create_plan(2027, evaluation="TIZ")
    pp = pg.plans.create_plan(2027)
    assert pa["id"] == pp["id"]
    act = a.plans.create_action(plan_id=pa["id"], code="1.1.1", axis_id=axis_id("I"), title="Tawori",
                                start="2027-01-10", end="2027-12-20")
    person = a.people.create_person(first_name="Fatima", last_name="Ait Ali", sex="F", commune="TIZ",
                                    birth_date="2001-04-05", disability=True, phone="0611")
    a.people.enrol(person["id"], act["id"], enrolled_on="2027-02-01")
    meeting = pg.committee.create_meeting(host_commune_id=a.people.person(person["id"])["commune_id"],
                                          country="MA", held_at="2027-03-04 10:30", place="Tiznit")
    ev = pg.events.create_event(title="Foire", start="2027-05-01", mixed_teams=True)
    r1 = ship(a, pg, tmp_path / "1")
    assert r1["bundles"][0]["status"] == "applied"
    ship(pg, a, tmp_path / "2")
    assert a.sync.state_hash("TIZPG") == pg.sync.state_hash("TIZ")
    got = pg.people.person(person["id"])
    assert (got["birth_date"], got["disability"], got["phone"]) == (dt.date(2001, 4, 5), True, "0611")
    assert len(got["enrolments"]) == 1
    assert a.committee.meeting(meeting["id"])["held_at"] == dt.datetime(2027, 3, 4, 10, 30)
    assert a.events.event(ev["id"])["mixed_teams"] is True
    # Concurrent edits: different fields both survive, the same field is one conflict on both.
    a.people.update_person(person["id"], phone="0622", consent_scope="tiz")
    pg.people.update_person(person["id"], address="Rue 1", consent_scope="pg")
    pg.events.delete_event(ev["id"])
    ship(a, pg, tmp_path / "3")
    ship(pg, a, tmp_path / "4")
    for s in (a, pg):
        p = s.people.person(person["id"])
        assert (p["phone"], p["address"]) == ("0622", "Rue 1")
    # Two conflicts: the plan's evaluation (both created the 2027 plan) and the consent scope.
    assert a.sync.conflicts() == pg.sync.conflicts()
    assert sorted(c["field"] for c in a.sync.conflicts()) == ["consent_scope", "evaluation"]
    for c in pg.sync.conflicts():
        pg.sync.resolve(c["id"], keep="theirs")
    ship(pg, a, tmp_path / "5")
    assert a.sync.conflicts() == [] and pg.sync.conflicts() == []
    assert a.people.person(person["id"])["consent_scope"] == pg.people.person(person["id"])["consent_scope"]
    assert a.sync.state_hash("TIZPG") == pg.sync.state_hash("TIZ")
    # Importing the same bundle again on PostgreSQL changes nothing.
    paths = a.sync.export_bundle("TIZPG", tmp_path / "6")
    pg.sync.import_bundles(paths)
    assert pg.sync.import_bundles(paths)["bundles"][0]["status"] == "already_applied"


def test_postgres_node_sends_a_pseudonymous_record_to_the_other_commune(pg_pair, tmp_path):
    _a, pg, v = pg_pair
    p = pg.people.create_person(first_name="Khadija", last_name="Oubaha", sex="F", commune="TIZ",
                                birth_date="1999-07-08")
    ship(pg, v, tmp_path / "1")
    got = v.people.person(p["id"])
    assert (got["first_name"], got["last_name"], got["birth_date"], got["birth_year"]) == ("", "", None, 1999)
    ship(v, pg, tmp_path / "2")  # VLG's own node row
    assert pg.sync.state_hash("VLG") == v.sync.state_hash("TIZPG")
