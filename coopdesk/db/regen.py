"""Regenerate the initial migration from the models: ``python -m coopdesk.db.regen``.

Only while no CoopDesk database exists outside development (see docs/decisions.md): from the
first release on, every schema change is a new Alembic revision (``alembic revision
--autogenerate``) and this tool refuses to run once ``RELEASED`` is true.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from alembic import command

from coopdesk.db import load_models
from coopdesk.db.engine import MIGRATIONS_DIR, alembic_config

RELEASED = False


def main() -> None:
    if RELEASED:
        raise SystemExit("CoopDesk is released: add a new migration instead of regenerating the first one.")
    load_models()
    for old in (MIGRATIONS_DIR / "versions").glob("0001_*.py"):
        old.unlink()
    with tempfile.TemporaryDirectory() as tmp:
        cfg = alembic_config(f"sqlite:///{Path(tmp) / 'empty.db'}")
        command.revision(cfg, message="initial schema", autogenerate=True, rev_id="0001")
    generated = next((MIGRATIONS_DIR / "versions").glob("0001_*.py"))
    text = generated.read_text(encoding="utf-8")
    # No date or machine detail in the file: regenerating the same models gives the same bytes.
    lines = [ln for ln in text.splitlines() if not ln.startswith("Create Date:")]
    generated.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"regenerated {generated.name}")


if __name__ == "__main__":
    main()
