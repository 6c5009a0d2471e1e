"""Imports go one way: ui → coopdesk.services → coopdesk.domain. coopdesk never imports Qt or ui;
ui never touches SQL."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def imported_modules(folder: Path):
    for path in folder.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    yield path, alias.name
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                yield path, node.module


def test_core_never_imports_qt_or_ui():
    bad = [(p.relative_to(ROOT), m) for p, m in imported_modules(ROOT / "coopdesk")
           if m.split(".")[0] in ("PySide6", "ui", "shiboken6")]
    assert bad == []


def test_domain_is_pure():
    bad = [(p.relative_to(ROOT), m) for p, m in imported_modules(ROOT / "coopdesk" / "domain")
           if m.split(".")[0] == "sqlalchemy" or m.startswith("coopdesk.services") or m.startswith("coopdesk.db")]
    assert bad == []


def test_ui_never_touches_sql():
    bad = [(p.relative_to(ROOT), m) for p, m in imported_modules(ROOT / "ui")
           if m.split(".")[0] in ("sqlalchemy", "sqlite3") or m.startswith("coopdesk.db")]
    assert bad == []


def test_importing_every_core_module_loads_no_qt():
    code = ("import pkgutil, importlib, sys, coopdesk\n"
            "for m in pkgutil.walk_packages(coopdesk.__path__, 'coopdesk.'):\n"
            "    if m.name.endswith('__main__'): continue\n"
            "    importlib.import_module(m.name)\n"
            "assert 'PySide6' not in sys.modules\n")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert r.returncode == 0, r.stderr
