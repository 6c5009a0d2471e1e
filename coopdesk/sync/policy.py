"""The sharing policy: per entity and field, whether a value travels to nodes of another commune.

Nodes of the same commune receive everything. Between communes, the built-in default keeps a
beneficiary's identifying and health fields at home; the partner gets a pseudonymous record (id,
sex, birth year, commune, disability flag, consent, enrolments, attendance) that is enough for the
indicators. Admins change it with rows of ``sharing_policy`` (synced like any data).
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.engine import Connection

LOCAL_BY_DEFAULT: dict[str, frozenset[str]] = {
    "person": frozenset({"first_name", "last_name", "first_name_ar", "last_name_ar", "search_key",
                         "birth_date", "phone", "email", "address", "disability_details", "notes"}),
    "milestone": frozenset({"notes"}),
}


# Files attached to a beneficiary's records (a scanned consent form, a medical certificate, a photo)
# are as personal as the fields that stay home, and their names and contents cannot be split into
# fields that travel and fields that do not: between communes they do not travel at all, neither the
# attachment row nor the file. Nodes of the same commune receive them.
HOME_ATTACHMENTS = frozenset({"person", "consent", "enrolment", "milestone", "participation"})


def row_travels(entity: str, values: dict[str, object]) -> bool:
    """Whether a whole row may travel to a node of another commune (``values``: its fields)."""
    if entity == "attachment":
        return values.get("entity") not in HOME_ATTACHMENTS
    return True


class Policy:
    def __init__(self, overrides: dict[tuple[str, str], bool] | None = None) -> None:
        self.overrides = overrides or {}

    def travels(self, entity: str, field: str) -> bool:
        key = (entity, field)
        if key in self.overrides:
            return self.overrides[key]
        return field not in LOCAL_BY_DEFAULT.get(entity, ())

    def local_fields(self, entity: str, fields: list[str]) -> set[str]:
        return {f for f in fields if not self.travels(entity, f)}


def load(conn: Connection) -> Policy:
    from coopdesk.sync.models import SharingPolicy as P

    rows = conn.execute(select(P.entity, P.field, P.travels)).all()
    return Policy({(e, f): bool(t) for e, f, t in rows})
