"""`coopdesk print`: a PDF on success (exit 0), one line and exit 1 for a refusal, 2 for bad usage."""

import shutil
import subprocess
import sys


def run(*args):
    return subprocess.run([sys.executable, "-m", "coopdesk", *args], capture_output=True, text=True, timeout=120)


def test_print_exit_codes(demo_template, tmp_path):
    db = tmp_path / "demo.db"
    shutil.copy(demo_template[0], db)
    out = tmp_path / "pv.pdf"
    ok = run("--db", str(db), "print", "minutes", "--latest", "--lang", "fr+ar", "--out", str(out))
    assert ok.returncode == 0, ok.stderr
    assert out.read_bytes().startswith(b"%PDF")
    bad_id = run("--db", str(db), "print", "minutes", "--meeting", "nope", "--out", str(tmp_path / "x.pdf"))
    assert bad_id.returncode == 1 and len(bad_id.stderr.strip().splitlines()) == 1 and "nope" in bad_id.stderr
    no_plan = run("--db", str(db), "print", "report", "--year", "1999", "--out", str(tmp_path / "r.pdf"))
    assert no_plan.returncode == 1 and "1999" in no_plan.stderr
    bad_lang = run("--db", str(db), "print", "report", "--year", "2026", "--lang", "de", "--out", str(tmp_path / "r.pdf"))
    assert bad_lang.returncode == 1
    usage = run("--db", str(db), "print", "brochure", "--out", str(tmp_path / "b.pdf"))
    assert usage.returncode == 2
