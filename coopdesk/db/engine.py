"""Opening a database: checks, backup, migrations, SQLite pragmas.

``open_database`` is called once by the composition root (``main.py`` or the command line); nothing
opens a database at import time.
"""

from __future__ import annotations

import datetime as dt
import shutil
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import create_engine, event, inspect, text
from sqlalchemy.engine import Engine, make_url

from coopdesk.db.files import (  # noqa: F401 - re-exported: the checks were here before
    MIGRATIONS_DIR,
    SQLITE_MAGIC,
    check_sqlite_file,
    head_revision,
    known_revisions,
    refuse_newer_readonly,
    url_for,
)
from coopdesk.errors import CoopError


@dataclass(frozen=True)
class Database:
    engine: Engine
    url: str
    path: Path | None  # None for a server database

    def dispose(self) -> None:
        self.engine.dispose()


def _sqlite_pragmas(dbapi_conn, _record) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA busy_timeout=5000")
    # 64 MB of page cache (used only as needed): a first sync inserts 100 000s of rows into indexes
    # on random UUIDs, which the 2 MB default turns into page reads.
    cur.execute("PRAGMA cache_size=-65536")
    cur.close()


def make_engine(url: str) -> Engine:
    engine = create_engine(url, future=True)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


# --------------------------------------------------------------------------------- migrations


def alembic_config(url: str):
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return None
        return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


def backup_sqlite(path: Path, reason: str = "backup") -> Path:
    """A consistent copy (SQLite online backup API) beside the database, in ``backups/``."""
    folder = path.parent / "backups"
    folder.mkdir(exist_ok=True)
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S-%f")
    target = folder / f"{path.stem}-{reason}-{stamp}{path.suffix or '.db'}"
    src = sqlite3.connect(str(path))
    try:
        dst = sqlite3.connect(str(target))
        try:
            src.backup(dst)
        finally:
            dst.close()
    finally:
        src.close()
    return target


def open_database(db: str | Path, *, upgrade: bool = True, create: bool = True) -> Database:
    """Open (and, if needed, back up then upgrade) a CoopDesk database.

    A database written by a newer CoopDesk (unknown Alembic revision) is refused and left
    byte-for-byte untouched: no pragma, no WAL file is written before that check.
    """
    url = url_for(db)
    parsed = make_url(url)
    path: Path | None = None
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        path = Path(parsed.database)
        check_sqlite_file(path)
        if path.exists() and path.stat().st_size > 0:
            refuse_newer_readonly(path)
        elif not create:
            raise CoopError("not_initialised")
    engine = make_engine(url)
    try:
        if upgrade:
            _upgrade(engine, path)
    except CoopError:
        engine.dispose()
        raise
    except Exception as exc:  # a broken file that passed the magic check
        engine.dispose()
        if isinstance(exc, sqlite3.DatabaseError) or "DatabaseError" in type(exc).__name__:
            raise CoopError("db_not_sqlite", path=str(path or url)) from exc
        raise
    return Database(engine=engine, url=url, path=path)


def _upgrade(engine: Engine, path: Path | None) -> None:
    current = current_revision(engine)
    head = head_revision()
    if current == head:
        return
    from alembic import command

    if current is not None and current not in known_revisions():
        raise CoopError("db_newer", found=current)
    has_tables = bool(inspect(engine).get_table_names())
    if path is not None and has_tables and path.exists():
        backup_sqlite(path, reason="before-upgrade")
    cfg = alembic_config(str(engine.url))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")


def copy_file(src: Path, dst: Path) -> None:
    shutil.copy2(src, dst)
