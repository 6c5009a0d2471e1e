"""A real import process killed while applying: the database is exactly as before, then re-import works."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_import_killed_midway_leaves_the_database_as_before(node_templates, tmp_path):
    from coopdesk.bench import populate
    from tests.sync.nodes import open_copies

    svcs = open_copies(node_templates, tmp_path, ["TIZ", "TIZ2"])
    a, b = svcs["TIZ"], svcs["TIZ2"]
    populate(a, 6000)
    paths = a.sync.export_bundle("TIZ2", tmp_path / "out")
    before = b.sync.state_hash("TIZ")
    b.close()
    env = {**os.environ, "PYTHONPATH": str(ROOT), "COOPDESK_LANG": "en"}
    proc = subprocess.Popen([sys.executable, "-m", "coopdesk", "--db", str(tmp_path / "TIZ2.db"), "sync", "import",
                             "--progress", *paths], stderr=subprocess.PIPE, stdout=subprocess.PIPE, env=env, text=True)
    # The second "apply" line is written inside the transaction, once the merge is recorded and
    # before the 12 000 rows are written: killed there, nothing may be left of it.
    applies = 0
    for line in proc.stderr:
        applies += line.startswith("apply")
        if applies == 2:
            break
    else:
        raise AssertionError("the import never reached the apply stage")
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    con = sqlite3.connect(tmp_path / "TIZ2.db")
    assert con.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    assert con.execute("SELECT COUNT(*) FROM person").fetchone() == (0,)
    con.close()
    from coopdesk.services import open_services

    b = open_services(tmp_path / "TIZ2.db")
    try:
        assert b.sync.state_hash("TIZ") == before
        res = b.sync.import_bundles(paths)
        assert res["bundles"][0]["counts"]["person"]["created"] == 6000
        assert b.people.count() == 6000
    finally:
        b.close()
        a.close()
