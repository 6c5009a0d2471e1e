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


@pytest.mark.sqlite_only
def test_restore_says_each_step_and_the_services_read_the_restored_data(svc):
    org = svc.funding.create_organisation(name="Fondation d'origine")
    info = svc.setup.backup_now()
    svc.funding.update_organisation(org["id"], name="Fondation renommée")
    steps: list[tuple[str, float]] = []
    svc.setup.restore_backup(info["path"], progress=lambda step, fraction: steps.append((step, fraction)))
    names = [s for s, _f in steps]
    assert names[0] == "check" and names[-1] == "done"
    assert names.index("safety") < names.index("swap")
    swap = [f for s, f in steps if s == "swap"]
    assert swap == sorted(swap) and swap[-1] == 1.0
    assert [o["name"] for o in svc.funding.organisations() if o["id"] == org["id"]] == ["Fondation d'origine"]
    svc.funding.update_organisation(org["id"], name="Écrit après la restauration")  # and it writes there
    assert [o["name"] for o in svc.funding.organisations() if o["id"] == org["id"]] == ["Écrit après la restauration"]


@pytest.mark.sqlite_only
def test_a_restore_cancelled_before_the_swap_changes_nothing_and_keeps_no_copy(svc):
    info = svc.setup.backup_now()
    svc.funding.create_organisation(name="Toujours là")
    before = {b["name"] for b in svc.setup.list_backups()}
    for stop_at in ("check", "safety"):
        seen: list[str] = []
        with pytest.raises(CoopError) as err:
            svc.setup.restore_backup(info["path"], progress=lambda step, _f, seen=seen: seen.append(step),
                                     cancelled=lambda stop_at=stop_at, seen=seen: stop_at in seen)
        assert err.value.code == "restore_cancelled" and "swap" not in seen
        assert any(o["name"] == "Toujours là" for o in svc.funding.organisations())
        assert {b["name"] for b in svc.setup.list_backups()} == before


@pytest.mark.sqlite_only
def test_restore_refused_while_other_work_holds_the_database(svc, monkeypatch):
    info = svc.setup.backup_now()
    svc.funding.create_organisation(name="Import en cours")
    before = {b["name"] for b in svc.setup.list_backups()}
    monkeypatch.setattr(type(svc.setup), "RESTORE_PATIENCE", 0.2)
    with svc.ctx.uow() as s:  # e.g. an export reading in a worker
        s.connection()
        with pytest.raises(CoopError) as err:
            svc.setup.restore_backup(info["path"])
    assert err.value.code == "restore_busy"
    assert any(o["name"] == "Import en cours" for o in svc.funding.organisations())
    assert {b["name"] for b in svc.setup.list_backups()} == before
    svc.setup.restore_backup(info["path"])  # once it has ended, the restore goes through
    assert not any(o["name"] == "Import en cours" for o in svc.funding.organisations())
