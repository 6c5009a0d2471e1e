"""Sync bookkeeping tables (delta-state, field-level last-writer-wins).

* ``sync_row``: per synced row, the winning value of every field with its stamp
  ``{field: [hlc, seq, value]}`` (``__deleted__`` is a field: the tombstone, also kept in the
  ``deleted`` column so tombstones are found without reading every state). The entity tables are
  a materialised view of this state; values of deleted rows stay here so a delete can be reversed.
* ``sync_touch``: "write ``seq`` of ``origin`` touched this row" — the per-origin write log that
  tells what a partner lacks (only ids, no values).
* ``sync_prev``: grow-only set of stamps a later write knowingly replaced (synced): a value in this
  set is never a conflict.
* ``sync_conflict``: grow-only set of values that lost last-writer-wins without having been seen
  (synced); open conflicts are those not in ``sync_prev``.
* ``sync_vector``: what this node holds from each origin: ``full`` (every field) and ``shared``
  (the fields the sharing policy lets cross communes).
* ``sync_partner``, ``sync_bundle``, ``sync_blob_sent``: local, never synced.
* ``sharing_policy``: overrides of the default sharing policy; synced like any entity.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, DateTime, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from coopdesk.db.models import Base, Synced, utcnow


class SyncRow(Base):
    __tablename__ = "sync_row"
    __table_args__ = (
        # Tombstones found without reading every state (open "delete" conflicts, the dashboard):
        # a partial index, so the live rows of a first sync write nothing into it.
        Index("ix_sync_row_deleted", "entity", "row_id", sqlite_where=text("deleted = 1"),
              postgresql_where=text("deleted")),
        {"sqlite_with_rowid": False},  # the key is the row: one B-tree, not two
    )
    entity: Mapped[str] = mapped_column(String(40), primary_key=True)
    row_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    state: Mapped[str] = mapped_column(Text)
    deleted: Mapped[bool] = mapped_column(Boolean, default=False)  # the state is a tombstone


class SyncTouch(Base):
    __tablename__ = "sync_touch"
    __table_args__ = {"sqlite_with_rowid": False}
    origin: Mapped[str] = mapped_column(String(16), primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    entity: Mapped[str] = mapped_column(String(40))
    row_id: Mapped[str] = mapped_column(String(36))


class SyncPrev(Base):
    __tablename__ = "sync_prev"
    entity: Mapped[str] = mapped_column(String(40), primary_key=True)
    row_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    field: Mapped[str] = mapped_column(String(60), primary_key=True)
    hlc: Mapped[str] = mapped_column(String(40), primary_key=True)
    origin: Mapped[str] = mapped_column(String(16), index=True)
    seq: Mapped[int] = mapped_column(Integer)


class SyncConflict(Base):
    __tablename__ = "sync_conflict"
    entity: Mapped[str] = mapped_column(String(40), primary_key=True)
    row_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    field: Mapped[str] = mapped_column(String(60), primary_key=True)
    hlc: Mapped[str] = mapped_column(String(40), primary_key=True)
    origin: Mapped[str] = mapped_column(String(16), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    value: Mapped[str] = mapped_column(Text)


class SyncVector(Base):
    __tablename__ = "sync_vector"
    origin: Mapped[str] = mapped_column(String(16), primary_key=True)
    full: Mapped[int] = mapped_column(Integer, default=0)
    shared: Mapped[int] = mapped_column(Integer, default=0)


class SyncPartner(Base):
    __tablename__ = "sync_partner"
    node_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    node_code: Mapped[str] = mapped_column(String(16), unique=True)
    commune_code: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(200), default="")
    identity: Mapped[str] = mapped_column(Text)
    fingerprint: Mapped[str] = mapped_column(String(40))
    trusted_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    # JSON {"full": {origin: seq}, "shared": {...}}: what the partner told us it holds / what we sent.
    acked: Mapped[str] = mapped_column(Text, default="{}")
    sent: Mapped[str] = mapped_column(Text, default="{}")
    last_seq_out: Mapped[int] = mapped_column(Integer, default=0)
    last_seq_in: Mapped[int] = mapped_column(Integer, default=0)


class SyncBundle(Base):
    __tablename__ = "sync_bundle"
    bundle_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    direction: Mapped[str] = mapped_column(String(3))  # "in" / "out"
    partner: Mapped[str] = mapped_column(String(16))
    seq: Mapped[int] = mapped_column(Integer)
    full: Mapped[bool] = mapped_column(Boolean, default=False)
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    summary: Mapped[str] = mapped_column(Text, default="{}")


class SyncBlobSent(Base):
    __tablename__ = "sync_blob_sent"
    partner: Mapped[str] = mapped_column(String(16), primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)


class SharingPolicy(Synced, Base):
    """Whether a field travels to nodes of another commune (overrides of the built-in default)."""

    __tablename__ = "sharing_policy"
    entity: Mapped[str] = mapped_column(String(40))
    field: Mapped[str] = mapped_column(String(60))
    travels: Mapped[bool] = mapped_column(Boolean, default=True)
