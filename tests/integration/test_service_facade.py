"""The services facade builds each area's service the first time it is used (the desktop app starts
without loading sync, imports or exports). What a person relies on must not depend on which
service happened to be used first."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from coopdesk.errors import PermissionDenied
from coopdesk.services import open_services

ROOT = Path(__file__).resolve().parents[2]

SAVE_ONE_PERSON = """
import sys
from coopdesk.services import open_services
svc = open_services(sys.argv[1])
svc.people.create_person(first_name="Fatima-Zahra", last_name="Aït Ali", sex="F", commune="TIZ")
svc.close()
"""


@pytest.mark.sqlite_only
def test_a_person_saved_in_a_session_that_never_checked_duplicates_is_found_as_a_duplicate_later(tmp_path):
    db = tmp_path / "coopdesk.db"
    svc = open_services(db)
    svc.setup.init("TIZ")
    svc.dedup.ensure_index()  # the duplicate check has been used once on this database
    svc.close()

    # A fresh app session that only saves a beneficiary (the duplicate check is never opened in it).
    r = subprocess.run([sys.executable, "-c", SAVE_ONE_PERSON, str(db)], capture_output=True, text=True,
                       cwd=ROOT, timeout=120)
    assert r.returncode == 0, r.stderr

    svc = open_services(db)
    found = svc.dedup.possible_duplicates({"first_name": "Fatima Zahra", "last_name": "Ait Ali", "sex": "F",
                                           "commune": "TIZ"})  # found by the name alone
    svc.close()
    assert [c["last_name"] for c in found] == ["Aït Ali"]


def test_services_of_another_user_act_as_that_user_whatever_was_used_before(svc):
    svc.people.create_person(last_name="Tazi", sex="F", commune="TIZ")  # the admin's services are built
    svc.users.create_user("lecteur", "viewer")
    viewer = svc.as_user(svc.users.actor_for("lecteur"))
    assert viewer.people.count() == 1
    with pytest.raises(PermissionDenied):
        viewer.people.create_person(last_name="Ouali", sex="M", commune="TIZ")
    assert svc.people.create_person(last_name="Ouali", sex="M", commune="TIZ")["last_name"] == "Ouali"
    assert svc.people.count() == 2
