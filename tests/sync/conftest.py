from __future__ import annotations

import pytest

from coopdesk.sync import keys


@pytest.fixture(scope="session")
def tiz() -> keys.NodeKeys:
    return keys.generate("TIZ", "TIZNIT", "Commune de Tiznit", created="2026-01-15")


@pytest.fixture(scope="session")
def vlg() -> keys.NodeKeys:
    return keys.generate("VLG", "92078", "Villeneuve-la-Garenne", created="2026-01-15")


@pytest.fixture(scope="session")
def other() -> keys.NodeKeys:
    return keys.generate("OTH", "OTHER", "Another site", created="2026-01-15")
