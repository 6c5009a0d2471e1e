"""The command line as a user or a scheduled job runs it: exit codes, one-line reasons, JSON."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def run(*args, cwd=None, env_extra=None):
    env = {**os.environ, "PYTHONPATH": str(ROOT), "COOPDESK_LANG": "fr", **(env_extra or {})}
    return subprocess.run([sys.executable, "-m", "coopdesk", *args], capture_output=True, text=True,
                          cwd=cwd, env=env, timeout=120)


def test_init_demo_check(tmp_path):
    db = str(tmp_path / "c.db")
    r = run("--db", db, "init", "--site", "VLG", "--json")
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["commune_code"] == "VLG"
    r = run("--db", db, "init", "--site", "TIZ")
    assert r.returncode == 1 and "déjà" in r.stderr.lower() or "already" in r.stderr.lower()
    assert len(r.stderr.strip().splitlines()) == 1
    r = run("--db", db, "demo")
    assert r.returncode == 0, r.stderr
    r = run("--db", db, "check", "--json", "--today", "2026-11-27")
    assert r.returncode == 0, r.stderr
    codes = {w["code"] for w in json.loads(r.stdout)}
    assert "minutes_unsigned" in codes and "plan_missing" in codes
    r = run("--db", db, "check", "--today", "2026-11-27")
    assert r.returncode == 0 and "[!]" in r.stdout


@pytest.mark.parametrize("args,code", [
    (["init", "--site", "XX"], 1),
    (["init", "--site", "!!"], 1),
    (["init"], 2),
    (["frobnicate"], 2),
    (["init", "--site", "NEW", "--name", "Agadir", "--currency", "USD"], 1),
])
def test_bad_input_exit_codes_and_nothing_written(tmp_path, args, code):
    db = tmp_path / "x.db"
    r = run("--db", str(db), *args)
    assert r.returncode == code
    assert "Traceback" not in r.stderr and r.stderr.strip()
    assert not db.exists()


def test_check_on_missing_database_is_refused(tmp_path):
    r = run("--db", str(tmp_path / "absent.db"), "check")
    assert r.returncode == 1 and "init" in r.stderr
    assert not (tmp_path / "absent.db").exists()


def test_not_a_database(tmp_path):
    f = tmp_path / "facture.pdf"
    f.write_bytes(b"%PDF-1.4")
    r = run("--db", str(f), "check")
    assert r.returncode == 1 and "SQLite" in r.stderr and "Traceback" not in r.stderr
    assert f.read_bytes() == b"%PDF-1.4"


def test_messages_in_arabic(tmp_path):
    r = run("--db", str(tmp_path / "x.db"), "--lang", "ar", "init", "--site", "XX")
    assert r.returncode == 1
    assert any("\u0600" <= ch <= "\u06ff" for ch in r.stderr)


def test_default_database_in_user_data_folder(tmp_path):
    home = tmp_path / "home"
    env = {"HOME": str(home), "XDG_DATA_HOME": str(home / ".local/share")}
    r = run("init", "--site", "TIZ", env_extra=env)
    assert r.returncode == 0, r.stderr
    assert (home / ".local/share/CoopDesk/coopdesk.db").exists()


def test_command_line_never_imports_qt(tmp_path):
    code = ("import sys; from coopdesk.cli import main; "
            f"rc = main(['--db', {str(tmp_path / 'q.db')!r}, 'init', '--site', 'TIZ']); "
            "assert 'PySide6' not in sys.modules, 'Qt imported'; print(rc)")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert r.returncode == 0 and r.stdout.strip().endswith("0"), r.stderr
