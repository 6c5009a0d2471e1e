"""The sync command line as staff or a scheduled job run it: exit codes 0 / 1 / 2, JSON, one-line refusals."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run(*args):
    env = {**os.environ, "PYTHONPATH": str(ROOT), "COOPDESK_LANG": "en"}
    return subprocess.run([sys.executable, "-m", "coopdesk", *args], capture_output=True, text=True, env=env,
                          timeout=120)


def test_pair_export_import_status_hash(tmp_path):
    a, b = str(tmp_path / "a.db"), str(tmp_path / "b.db")
    assert run("--db", a, "init", "--site", "TIZ").returncode == 0
    assert run("--db", b, "init", "--site", "VLG").returncode == 0
    r = run("--db", a, "keys", "export", "--out", str(tmp_path / "a.id"), "--json")
    assert r.returncode == 0, r.stderr
    fp = json.loads(r.stdout)["fingerprint"]
    assert run("--db", b, "keys", "export", "--out", str(tmp_path / "b.id")).returncode == 0
    r = run("--db", b, "keys", "trust", str(tmp_path / "a.id"))
    assert r.returncode == 0 and fp in r.stdout
    assert run("--db", a, "keys", "trust", str(tmp_path / "b.id")).returncode == 0
    assert run("--db", a, "demo").returncode == 0
    r = run("--db", a, "sync", "export", "--to", "VLG", "--out", str(tmp_path / "out"), "--json")
    assert r.returncode == 0, r.stderr
    paths = json.loads(r.stdout)["paths"]
    r = run("--db", b, "sync", "import", *paths, "--dry-run", "--json")
    assert r.returncode == 0 and json.loads(r.stdout)["bundles"][0]["status"] == "dry_run"
    r = run("--db", b, "sync", "import", *paths)
    assert r.returncode == 0 and "person" in r.stdout
    r = run("--db", b, "sync", "export", "--to", "TIZ", "--out", str(tmp_path / "back"), "--json")
    assert run("--db", a, "sync", "import", *json.loads(r.stdout)["paths"]).returncode == 0
    ha = run("--db", a, "state-hash", "--with", "VLG").stdout.strip()
    hb = run("--db", b, "state-hash", "--with", "TIZ").stdout.strip()
    assert ha == hb and len(ha) == 64
    r = run("--db", a, "sync", "status", "--json")
    assert r.returncode == 0 and json.loads(r.stdout)["partners"][0]["node_code"] == "VLG"
    r = run("--db", a, "conflicts", "list", "--json")
    assert r.returncode == 0 and json.loads(r.stdout) == []
    # Refusals: one line, exit 1; usage errors exit 2.
    r = run("--db", b, "sync", "import", str(tmp_path / "a.id"))
    assert r.returncode == 1 and len(r.stderr.strip().splitlines()) == 1 and "not a CoopDesk sync bundle" in r.stderr
    r = run("--db", a, "conflicts", "resolve", "nope", "--keep", "mine")
    assert r.returncode == 1
    r = run("--db", a, "sync", "export", "--to", "XX", "--out", str(tmp_path / "x"))
    assert r.returncode == 1 and "XX" in r.stderr
    assert run("--db", a, "sync", "export", "--out", str(tmp_path / "x")).returncode == 2
    assert run("--db", a, "conflicts", "resolve", "id", "--keep", "both").returncode == 2


def test_a_partner_trusted_by_mistake_is_forgotten_until_a_bundle_was_exchanged(tmp_path):
    a, b = str(tmp_path / "a.db"), str(tmp_path / "b.db")
    assert run("--db", a, "init", "--site", "TIZ").returncode == 0
    assert run("--db", b, "init", "--site", "VLG").returncode == 0
    assert run("--db", b, "keys", "export", "--out", str(tmp_path / "b.id")).returncode == 0
    assert run("--db", a, "keys", "trust", str(tmp_path / "b.id")).returncode == 0
    r = run("--db", a, "keys", "forget", "VLG")
    assert r.returncode == 0 and "VLG" in r.stdout
    assert json.loads(run("--db", a, "sync", "status", "--json").stdout)["partners"] == []
    assert run("--db", a, "keys", "trust", str(tmp_path / "b.id")).returncode == 0
    assert run("--db", a, "sync", "export", "--to", "VLG", "--out", str(tmp_path / "out")).returncode == 0
    r = run("--db", a, "keys", "forget", "VLG")  # a bundle went out: its numbering must stay
    assert r.returncode == 1 and len(r.stderr.strip().splitlines()) == 1 and "cannot be undone" in r.stderr
    assert json.loads(run("--db", a, "sync", "status", "--json").stdout)["partners"][0]["node_code"] == "VLG"
