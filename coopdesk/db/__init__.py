"""Database mapping, engine and migrations.

Areas may keep their tables in their own module (sync keeps its bookkeeping in
``coopdesk.sync.models``); every such module is listed here so Alembic and ``open_database`` see
the whole schema.
"""

from __future__ import annotations

import importlib

MODEL_MODULES = ("coopdesk.db.models", "coopdesk.sync.models", "coopdesk.people.models")


def load_models() -> None:
    for name in MODEL_MODULES:
        try:
            importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name is None or not name.startswith(exc.name):
                raise
