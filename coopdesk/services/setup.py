"""Initialising an installation: reference data, this node, its commune, the first administrator."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from sqlalchemy import select

from coopdesk.db.models import Axis, Commune, Convention, Node, Organisation, User
from coopdesk.db.reader import ConnectionReader
from coopdesk.domain import reference
from coopdesk.errors import CoopError, PermissionDenied, register_messages
from coopdesk.i18n import N_
from coopdesk.services import overview
from coopdesk.services.base import Context, set_setting, setting

SITE_CODE = re.compile(r"^[A-Z0-9]{2,8}$")
Progress = Callable[[str, float], None] | None  # (step, fraction), as the sync engine's
SWAP_PAGES = 2048  # pages copied per step of a restore (8 MB at 4 KB a page): the progress bar moves


class SetupService:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    def is_initialised(self) -> bool:
        return bool(self.ctx.node()[0])

    def site(self) -> dict[str, Any]:
        """This installation: node code and name, commune code and names."""
        with self.ctx.uow() as s:
            return overview.site(ConnectionReader(s.connection()))

    @staticmethod
    def validate_site(site: str, *, name: str | None = None, node_code: str | None = None,
                      currency: str = "EUR", timezone: str = "UTC") -> tuple[str, str]:
        """Check the arguments of ``init`` before anything is opened or written."""
        code = (site or "").strip().upper()
        if not SITE_CODE.match(code):
            raise CoopError("invalid_site_code", code=site)
        known = [c["code"] for c in reference.COMMUNES]
        if code not in known and not name:
            raise CoopError("unknown_site", code=site, known=", ".join(known))
        node = (node_code or code).strip().upper()
        if not SITE_CODE.match(node):
            raise CoopError("invalid_site_code", code=node_code)
        if currency not in ("EUR", "MAD"):
            raise CoopError("unknown_currency", currency=currency)
        import zoneinfo

        try:
            zoneinfo.ZoneInfo(timezone)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError) as exc:
            raise CoopError("invalid_choice", field="timezone", value=timezone) from exc
        return code, node

    def init(self, site: str, *, name: str | None = None, node_code: str | None = None,
             country: str = "", currency: str = "EUR", timezone: str = "UTC") -> dict[str, Any]:
        """Create the reference data and this node. ``site`` is TIZ, VLG or a new partner's code."""
        self.validate_site(site, name=name, node_code=node_code, currency=currency, timezone=timezone)
        code = (site or "").strip().upper()
        known = [c["code"] for c in reference.COMMUNES]
        node_code = (node_code or code).strip().upper()
        with self.ctx.uow(write=True) as s:
            existing = setting(s, "node_code")
            if existing:
                raise CoopError("already_initialised", code=existing)
            self._reference_data(s)
            commune_id = reference.commune_id(code)
            if s.get(Commune, commune_id) is None:
                s.add(Commune(id=commune_id, code=code, name_fr=name or code, country=country.upper()[:2],
                              currency=currency, timezone=timezone))
            elif name and code not in known:
                s.get(Commune, commune_id).name_fr = name
            node = Node(id=reference.ref_id("node", node_code), code=node_code,
                        name=name or node_code, commune_id=commune_id)
            s.add(node)
            if s.scalar(select(User).where(User.username == "admin")) is None:
                s.add(User(username="admin", full_name="Administrateur", role="admin", can_see_health=True))
            set_setting(s, "node_id", node.id)
            set_setting(s, "node_code", node.code)
            set_setting(s, "commune_id", commune_id)
        self.ctx.forget_node()
        return self.site()

    def _reference_data(self, s) -> None:
        for c in reference.COMMUNES:
            cid = reference.commune_id(c["code"])
            if s.get(Commune, cid) is None:
                s.add(Commune(id=cid, **c))
        for a in reference.AXES:
            aid = reference.axis_id(a["code"])
            if s.get(Axis, aid) is None:
                s.add(Axis(id=aid, **a))
        for o in reference.ORGANISATIONS:
            oid = reference.organisation_id(o["short_name"])
            if s.get(Organisation, oid) is None:
                s.add(Organisation(id=oid, **o))
        if s.get(Convention, reference.CONVENTION_ID) is None:
            import datetime as dt

            s.add(Convention(
                id=reference.CONVENTION_ID,
                title="Convention de coopération décentralisée Tiznit — Villeneuve-la-Garenne",
                deliberation_vlg=dt.date(2022, 12, 15), deliberation_tiz=dt.date(2021, 9, 20),
                transmitted_prefecture=dt.date(2023, 1, 3), term_years=3, tacit_renewal=True, notice_months=3))

    def communes(self) -> list[dict[str, Any]]:
        with self.ctx.uow() as s:
            return overview.communes(ConnectionReader(s.connection()))

    def nodes(self) -> list[dict[str, Any]]:
        with self.ctx.uow() as s:
            rows = s.scalars(select(Node).order_by(Node.code)).all()
            return [{"id": n.id, "code": n.code, "name": n.name, "commune_id": n.commune_id} for n in rows]

    # ------------------------------------------------------------------ backups (Settings)

    def _db_path(self):
        path = self.ctx.db.path
        if path is None:
            raise CoopError("backup_not_sqlite")
        return path

    def backup_now(self) -> dict[str, Any]:
        """A consistent copy of the database in ``backups/`` beside it."""
        from coopdesk.db.engine import backup_sqlite

        if not self.ctx.actor.can_edit:
            raise PermissionDenied(self.ctx.actor.role)
        target = backup_sqlite(self._db_path(), reason="manual")
        return _backup_info(target)

    def list_backups(self) -> list[dict[str, Any]]:
        """Backups beside the database, newest first."""
        folder = self._db_path().parent / "backups"
        if not folder.is_dir():
            return []
        files = [p for p in folder.iterdir() if p.is_file() and p.suffix in (".db", ".sqlite", ".sqlite3")]
        return [_backup_info(p) for p in sorted(files, key=lambda p: p.stat().st_mtime, reverse=True)]

    def restore_backup(self, path: str, *, progress: Progress = None,
                       cancelled: Callable[[], bool] | None = None) -> dict[str, Any]:
        """Replace the database with a backup, after checking it and backing up the current one.

        Returns ``{"restored": info, "safety_backup": info, "changes_after_backup": n}``. An
        administrator only. ``progress(step, fraction)`` is told each step: "check", "safety" (the
        backup of the current data), "swap" (the file is being replaced), "done". ``cancelled`` is
        polled until the swap starts (a cancelled restore changes nothing and keeps no safety
        backup); from then on the swap runs to its end. Refused while other work holds a connection
        to the database (an import, an export, a sync running in the background).
        """
        import sqlite3
        from pathlib import Path

        from coopdesk.db.engine import SQLITE_MAGIC, backup_sqlite, known_revisions

        def say(step: str, fraction: float) -> None:
            if progress is not None:
                progress(step, fraction)

        def stop_if_cancelled() -> None:
            if cancelled is not None and cancelled():
                raise CoopError("restore_cancelled")

        if self.ctx.actor.role != "admin":
            raise PermissionDenied(self.ctx.actor.role)
        src = Path(path)
        current = self._db_path()
        if not src.is_file():
            raise CoopError("not_found", entity="file", id=str(path))
        with src.open("rb") as fh:
            if fh.read(16) != SQLITE_MAGIC:
                raise CoopError("backup_invalid", path=src.name)
        say("check", 0.0)
        try:
            conn = sqlite3.connect(f"file:{src}?mode=ro", uri=True)
            try:
                if cancelled is not None:  # the integrity check reads the whole file: Cancel stops it
                    conn.set_progress_handler(lambda: 1 if cancelled() else 0, 20_000)
                if conn.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
                    raise CoopError("backup_invalid", path=src.name)
                revs = [r for (r,) in conn.execute("SELECT version_num FROM alembic_version")]
                node = conn.execute("SELECT value FROM local_setting WHERE key='node_code'").fetchone()
            finally:
                conn.close()
        except sqlite3.DatabaseError as exc:
            stop_if_cancelled()  # "interrupted": the progress handler stopped the check
            raise CoopError("backup_invalid", path=src.name) from exc
        stop_if_cancelled()
        if not revs or any(r not in known_revisions() for r in revs):
            raise CoopError("backup_invalid", path=src.name)
        this_node = self.ctx.node()[1]
        if node is None or (this_node and node[0] != this_node):
            raise CoopError("backup_other_site", path=src.name, site=node[0] if node else "?", me=this_node)
        from coopdesk.sync import restore

        say("safety", 0.0)
        safety = backup_sqlite(current, reason="before-restore")
        try:
            stop_if_cancelled()
            self._wait_for_connections(cancelled)
        except CoopError:
            safety.unlink(missing_ok=True)  # nothing was restored: no "before-restore" copy either
            raise
        say("swap", 0.0)
        # Every connection of the services is closed now (the next call opens new ones, on the
        # restored data); the copy goes through SQLite's backup API into the live file, as one
        # write transaction, so a reader elsewhere sees the old data or the new, never a mix.
        self.ctx.db.engine.dispose()
        s_conn, d_conn = sqlite3.connect(str(src)), sqlite3.connect(str(current))
        try:
            counters = restore.read_counters(d_conn, this_node) if this_node else None
            s_conn.backup(d_conn, pages=SWAP_PAGES,
                          progress=lambda _status, left, total: say("swap", 1 - left / total if total else 1.0))
            # The numbers this node already used stay used (coopdesk/sync/restore.py).
            lost = restore.carry_over(d_conn, this_node, counters) if counters else 0
        finally:
            s_conn.close()
            d_conn.close()
        self.ctx.db.engine.dispose()
        self.ctx.forget_node()
        say("done", 1.0)
        return {"restored": _backup_info(src), "safety_backup": _backup_info(safety),
                "changes_after_backup": lost}

    RESTORE_PATIENCE = 3.0  # seconds a restore waits for other units of work to end

    def _wait_for_connections(self, cancelled: Callable[[], bool] | None) -> None:
        """Wait (a little) until no unit of work holds a connection to the database: a screen's read
        ends in milliseconds; an import, an export or a sync in the background does not, and the
        restore is refused rather than pulling the data from under it."""
        import time

        pool = self.ctx.db.engine.pool
        checked_out = getattr(pool, "checkedout", lambda: 0)
        deadline = time.monotonic() + self.RESTORE_PATIENCE
        while checked_out() > 0:
            if cancelled is not None and cancelled():
                raise CoopError("restore_cancelled")
            if time.monotonic() > deadline:
                raise CoopError("restore_busy")
            time.sleep(0.05)


def _backup_info(path) -> dict[str, Any]:
    import datetime as dt

    st = path.stat()
    return {"path": str(path), "name": path.name, "size": st.st_size,
            "modified": dt.datetime.fromtimestamp(st.st_mtime)}


register_messages({
    "backup_not_sqlite": N_("Backups from the app are for a database file; back up a server database with its own tools."),
    "backup_invalid": N_("The file {path} is not a valid CoopDesk backup: nothing was restored."),
    "backup_other_site": N_("The backup {path} belongs to site {site}, not to this site ({me}): nothing was restored."),
    "restore_cancelled": N_("Cancelled: nothing was restored."),
    "restore_busy": N_("Other work is using the database (an import, an export or a sync): restore the backup "
                       "once it has finished. Nothing was restored."),
})
