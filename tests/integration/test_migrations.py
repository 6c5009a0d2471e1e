"""Opening databases: upgrade to head, refusal of a newer or foreign file with the file untouched."""

from __future__ import annotations

import os
import sqlite3

import pytest

from coopdesk.db.engine import current_revision, head_revision, open_database
from coopdesk.errors import CoopError


def test_empty_database_upgrades_to_head(tmp_path):
    db = open_database(tmp_path / "new.db")
    assert current_revision(db.engine) == head_revision()
    tables = {r[0] for r in sqlite3.connect(tmp_path / "new.db").execute("SELECT name FROM sqlite_master")}
    assert {"person", "meeting", "minutes", "audit", "change", "alembic_version"} <= tables
    db.dispose()


def test_database_from_newer_version_is_refused_byte_for_byte(tmp_path):
    path = tmp_path / "future.db"
    open_database(path).dispose()
    con = sqlite3.connect(path)
    con.execute("PRAGMA journal_mode=DELETE")
    con.execute("UPDATE alembic_version SET version_num='9999_future'")
    con.commit()
    con.close()
    before = path.read_bytes()
    listing = sorted(os.listdir(tmp_path))
    with pytest.raises(CoopError) as e:
        open_database(path)
    assert e.value.code == "db_newer" and "9999_future" in e.value.message("en")
    assert path.read_bytes() == before
    assert sorted(os.listdir(tmp_path)) == listing  # no backup, no -wal file


def test_file_that_is_not_sqlite_is_refused(tmp_path):
    path = tmp_path / "notes.db"
    path.write_text("ceci n'est pas une base")
    with pytest.raises(CoopError) as e:
        open_database(path)
    assert e.value.code == "db_not_sqlite"
    assert path.read_text() == "ceci n'est pas une base"


@pytest.mark.skipif(os.geteuid() == 0, reason="root can write anywhere")
def test_read_only_folder_is_refused(tmp_path):
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        with pytest.raises(CoopError) as e:
            open_database(folder / "x.db")
        assert e.value.code == "db_unwritable"
    finally:
        folder.chmod(0o700)


def test_missing_parent_folder_that_cannot_be_made(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(CoopError) as e:
        open_database(blocker / "sub" / "x.db")
    assert e.value.code == "db_unwritable"


def test_sqlite_file_of_another_program_is_refused_untouched(tmp_path):
    path = tmp_path / "other.db"
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE contacts (name TEXT)")
    con.commit()
    con.close()
    before = path.read_bytes()
    with pytest.raises(CoopError) as e:
        open_database(path)
    assert e.value.code == "db_not_coopdesk"
    assert path.read_bytes() == before


def test_backup_is_a_consistent_copy(tmp_path):
    from coopdesk.db.engine import backup_sqlite

    path = tmp_path / "live.db"
    open_database(path).dispose()
    copy = backup_sqlite(path, "manual")
    assert copy.parent.name == "backups"
    assert sqlite3.connect(copy).execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert open_database(copy, upgrade=False).url.endswith(copy.name)


def test_opening_an_up_to_date_database_makes_no_backup(tmp_path):
    """A backup is taken before an upgrade, not at every start (the backups folder would fill up)."""
    path = tmp_path / "coopdesk.db"
    open_database(path).dispose()
    for _start in range(3):
        open_database(path).dispose()
    assert not (tmp_path / "backups").exists()
