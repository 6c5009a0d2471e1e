"""Tables of the people area.

``Consent`` travels in sync bundles (it is part of a person's record). The name keys and the saved
column mappings are local: the keys are derived from the person rows (each site computes its own)
and a mapping is a preference of the staff of one PC.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from coopdesk.db.models import Base, Synced, fk


class Consent(Synced, Base):
    """A person's consent for one purpose (who collected it, when, the scanned form)."""

    __tablename__ = "consent"
    __natural_key__ = ("person_id", "purpose")
    __table_args__ = (UniqueConstraint("person_id", "purpose"),)
    person_id: Mapped[str] = fk("person.id")
    purpose: Mapped[str] = mapped_column(String(20))
    given_on: Mapped[dt.date] = mapped_column(Date)
    scope: Mapped[str] = mapped_column(String(200), default="")
    collected_by: Mapped[str] = mapped_column(String(120), default="")
    attachment_id: Mapped[str | None] = fk("attachment.id", nullable=True)
    withdrawn_on: Mapped[dt.date | None] = mapped_column(Date)


class PersonNameKey(Base):
    """Blocking keys of the duplicate check: one row per phonetic name token of a person."""

    __tablename__ = "person_name_key"
    __table_args__ = {"sqlite_with_rowid": False}  # the key is the row: one B-tree, not two
    key: Mapped[str] = mapped_column(String(40), primary_key=True)
    person_id: Mapped[str] = mapped_column(String(36), ForeignKey("person.id", ondelete="CASCADE"),
                                           primary_key=True, index=True)


class ImportMapping(Base):
    """A column mapping saved by name for the next import of the same kind of file."""

    __tablename__ = "import_mapping"
    __table_args__ = (UniqueConstraint("kind", "name"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(80))
    mapping: Mapped[str] = mapped_column(Text, default="{}")  # JSON: column header -> field
