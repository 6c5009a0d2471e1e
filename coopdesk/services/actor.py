"""Who uses the app (no SQLAlchemy here: the desktop app knows its user before loading it)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Actor:
    """The person using the app. The command line acts as a local administrator."""

    username: str = "admin"
    role: str = "admin"
    can_see_health: bool = True

    @property
    def can_edit(self) -> bool:
        return self.role in ("admin", "editor")


SYSTEM = Actor("system", "admin", True)
