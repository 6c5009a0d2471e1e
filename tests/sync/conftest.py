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


@pytest.fixture(scope="session")
def node_templates(tmp_path_factory):
    from tests.sync.nodes import build_templates

    return build_templates(tmp_path_factory.mktemp("nodes"))


@pytest.fixture
def nodes(node_templates, tmp_path):
    from tests.sync.nodes import NODES, open_copies

    opened = open_copies(node_templates, tmp_path, [c for c, _ in NODES])
    yield opened
    for s in opened.values():
        s.close()


def pytest_collection_modifyitems(config, items):
    """Long property runs only with ``-m thorough`` or COOPDESK_THOROUGH=1."""
    import os

    if "thorough" in (config.option.markexpr or "") or os.environ.get("COOPDESK_THOROUGH"):
        return
    skip = pytest.mark.skip(reason="long run: use -m thorough or COOPDESK_THOROUGH=1")
    for item in items:
        if "thorough" in item.keywords:
            item.add_marker(skip)
