"""Backups from Settings: make one, list them, restore one after checking it and saving the current DB."""

from __future__ import annotations

import pytest

from coopdesk.errors import CoopError
from coopdesk.services.base import Actor


@pytest.mark.sqlite_only
def test_backup_then_restore_brings_the_old_data_back(svc, tmp_path):
    info = svc.setup.backup_now()
    assert svc.setup.list_backups()[0]["path"] == info["path"]
    svc.funding.create_organisation(name="Fondation après la sauvegarde")
    assert any(o["name"] == "Fondation après la sauvegarde" for o in svc.funding.organisations())
    out = svc.setup.restore_backup(info["path"])
    assert not any(o["name"] == "Fondation après la sauvegarde" for o in svc.funding.organisations())
    assert "before-restore" in out["safety_backup"]["name"]
    assert svc.setup.site()["node_code"] == "TIZ"


@pytest.mark.sqlite_only
def test_restore_refuses_a_file_that_is_not_a_backup_and_changes_nothing(svc, tmp_path):
    bad = tmp_path / "bad.db"
    bad.write_bytes(b"not a database at all")
    svc.funding.create_organisation(name="Reste là")
    with pytest.raises(CoopError) as err:
        svc.setup.restore_backup(str(bad))
    assert err.value.code == "backup_invalid"
    assert any(o["name"] == "Reste là" for o in svc.funding.organisations())


@pytest.mark.sqlite_only
def test_only_an_administrator_restores(svc):
    info = svc.setup.backup_now()
    editor = svc.as_user(Actor("e", "editor", False))
    with pytest.raises(CoopError) as err:
        editor.setup.restore_backup(info["path"])
    assert err.value.code == "forbidden"
