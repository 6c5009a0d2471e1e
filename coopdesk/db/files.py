"""What can be learnt about a database file without SQLAlchemy: is it SQLite, can we write
there, which schema revision it has, and the revisions this version knows.

The desktop app's start uses this alone when the file is already at the current revision, so the
window is shown before SQLAlchemy is imported (docs/performance.md, "Desktop");
``coopdesk.db.engine.open_database`` uses it for its own checks.
"""

from __future__ import annotations

import ast
import functools
import os
import re
import sqlite3
from pathlib import Path

from coopdesk.errors import CoopError

SQLITE_MAGIC = b"SQLite format 3\x00"
MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def url_for(db: str | Path) -> str:
    text = str(db)
    if "://" in text:
        return text
    return f"sqlite:///{Path(text).expanduser().resolve()}"


def check_sqlite_file(path: Path) -> None:
    """Refuse a file that exists but is not SQLite, and a folder we cannot write to."""
    if path.exists():
        if path.is_dir():
            raise CoopError("db_not_sqlite", path=str(path))
        with path.open("rb") as fh:
            head = fh.read(16)
        if head and head != SQLITE_MAGIC:
            raise CoopError("db_not_sqlite", path=str(path))
        if not _writable(path) or not _writable(path.parent):
            raise CoopError("db_unwritable", path=str(path))
    else:
        parent = path.parent
        if not parent.exists():
            try:
                parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise CoopError("db_unwritable", path=str(parent)) from exc
        if not _writable(parent):
            raise CoopError("db_unwritable", path=str(parent))


def _writable(path: Path) -> bool:
    return os.access(path, os.W_OK)


_REVISION_LINE = re.compile(r"^(down_revision|revision)\s*=\s*(.+)$", re.M)


@functools.lru_cache(maxsize=1)
def _revision_graph() -> tuple[frozenset[str], str]:
    """Known revisions and the head, read from the migration files without importing Alembic
    (which costs a noticeable part of the app's start-up)."""
    revisions: dict[str, str | None] = {}
    for path in (MIGRATIONS_DIR / "versions").glob("*.py"):
        found = dict(_REVISION_LINE.findall(path.read_text(encoding="utf-8")))
        if "revision" in found:
            rev = ast.literal_eval(found["revision"])
            revisions[rev] = ast.literal_eval(found.get("down_revision", "None"))
    parents = {p for p in revisions.values() if p}
    heads = sorted(r for r in revisions if r not in parents)
    return frozenset(revisions), heads[-1] if heads else ""


def head_revision() -> str:
    return _revision_graph()[1]


def known_revisions() -> set[str]:
    return set(_revision_graph()[0])


def refuse_newer_readonly(path: Path) -> str | None:
    """The file's schema revision (None for an empty file), read through a read-only URI so that a
    refused file is not touched at all; a file that is not a CoopDesk database, or one written by a
    newer version (an unknown revision), is refused."""
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    except sqlite3.Error as exc:
        raise CoopError("db_not_sqlite", path=str(path)) from exc
    try:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if not tables:
            return None
        if "alembic_version" not in tables:
            raise CoopError("db_not_coopdesk", path=str(path))
        rows = conn.execute("SELECT version_num FROM alembic_version").fetchall()
    except sqlite3.DatabaseError as exc:
        raise CoopError("db_not_sqlite", path=str(path)) from exc
    finally:
        conn.close()
    known = known_revisions()
    for (rev,) in rows:
        if rev not in known:
            raise CoopError("db_newer", found=rev)
    return rows[0][0] if len(rows) == 1 else None


def current_sqlite_file(db: str | Path) -> Path | None:
    """The path of ``db`` when it is an existing SQLite CoopDesk database already at this version's
    schema (nothing to create, upgrade or back up before use), else None. Refuses, as
    ``open_database`` does, a file that is not SQLite or CoopDesk, or comes from a newer version."""
    url = url_for(db)
    if not url.startswith("sqlite:///") or "?" in url:
        return None
    path = Path(url[len("sqlite:///"):])
    check_sqlite_file(path)
    if not path.exists() or path.stat().st_size == 0:
        return None
    return path if refuse_newer_readonly(path) == head_revision() else None
