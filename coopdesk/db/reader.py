"""Plain SQL reads that run the same on the standard library's ``sqlite3`` and through SQLAlchemy.

The dashboard's figures (plan, indicators, the convention's warnings, next events, sync status)
are read with the queries of :mod:`coopdesk.services.overview` and friends, written once in plain
SQL that SQLite and PostgreSQL both accept. Two readers run them:

- :class:`SqliteReader`, on a ``sqlite3`` connection of its own: the desktop app's start shows its
  first screen with it, before SQLAlchemy is imported (docs/performance.md, "Desktop");
- :class:`ConnectionReader`, on a SQLAlchemy connection: the services (``coopdesk check``, the
  indicator report, the sync centre) run the same queries through it, on SQLite or PostgreSQL.

Values come back as each driver gives them (SQLite: dates as ISO text, booleans as 0/1;
PostgreSQL: ``date``, ``datetime`` and ``bool``); :func:`as_date`, :func:`as_datetime` and
:func:`as_bool` make them the same. Parameters are named (``:year``); a date parameter is sent as
ISO text to SQLite, which is how SQLAlchemy stores dates there.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path
from typing import Any, Protocol

from coopdesk.domain.fields import parse_date, parse_datetime


class Reader(Protocol):
    #: the literal that a boolean column equals when true (``1`` on SQLite, ``true`` on PostgreSQL),
    #: written into a query so SQLite's planner can use a partial index on it
    true: str

    def all(self, sql: str, params: dict[str, Any] | None = None) -> list[tuple[Any, ...]]: ...


def _sqlite_params(params: dict[str, Any] | None) -> dict[str, Any]:
    return {k: (v.isoformat(sep=" ") if isinstance(v, dt.datetime) else
                v.isoformat() if isinstance(v, dt.date) else v) for k, v in (params or {}).items()}


class SqliteReader:
    """Reads from a SQLite file on a connection of its own, which never writes (``query_only``)."""

    true = "1"

    def __init__(self, path: str | Path) -> None:
        self.conn = sqlite3.connect(str(path), timeout=5.0, isolation_level=None)
        self.conn.execute("PRAGMA query_only=ON")

    def all(self, sql: str, params: dict[str, Any] | None = None) -> list[tuple[Any, ...]]:
        return self.conn.execute(sql, _sqlite_params(params)).fetchall()

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> SqliteReader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class ConnectionReader:
    """Reads through a SQLAlchemy ``Connection`` (or a ``Session``'s), in its transaction."""

    def __init__(self, conn: Any) -> None:
        self.conn = conn
        self.sqlite = conn.dialect.name == "sqlite"
        self.true = "1" if self.sqlite else "true"

    def all(self, sql: str, params: dict[str, Any] | None = None) -> list[tuple[Any, ...]]:
        from sqlalchemy import text

        values = _sqlite_params(params) if self.sqlite else (params or {})
        return [tuple(row) for row in self.conn.execute(text(sql), values)]


def one(reader: Reader, sql: str, params: dict[str, Any] | None = None) -> tuple[Any, ...] | None:
    rows = reader.all(sql, params)
    return rows[0] if rows else None


def scalar(reader: Reader, sql: str, params: dict[str, Any] | None = None) -> Any:
    row = one(reader, sql, params)
    return row[0] if row else None


def setting(reader: Reader, key: str, default: str = "") -> str:
    """A local setting of this installation (``local_setting``)."""
    value = scalar(reader, "SELECT value FROM local_setting WHERE key = :key", {"key": key})
    return default if value is None else value


def as_date(value: Any) -> dt.date | None:
    """A date as either driver gives it (SQLite: ISO text, a datetime's too)."""
    return parse_date(value[:10] if isinstance(value, str) else value)


def as_datetime(value: Any) -> dt.datetime | None:
    return parse_datetime(value)


def as_bool(value: Any) -> bool:
    return bool(value)
