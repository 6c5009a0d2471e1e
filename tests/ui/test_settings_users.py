"""Settings, users and roles: an administrator gives health access, sets passwords, unlocks an account."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton

from coopdesk.errors import CoopError


def _open_settings(window):
    window.nav.setCurrentRow(8)
    return window.pages["settings"]


def _click_user(qtbot, page, username: str) -> None:
    row = next(r for r, u in enumerate(page.users.rows) if u["username"] == username)
    rect = page.user_view.visualRect(page.users.index(row, 0))
    qtbot.mouseClick(page.user_view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def _type_password(qtbot, page, first: str, again: str) -> None:
    for name, text in (("password", first), ("password_repeat", again)):
        page.user_form.widget(name).clear()
        qtbot.keyClicks(page.user_form.widget(name), text)


def test_admin_sets_passwords_and_health_access_then_unlocks_a_locked_account(window, qtbot, qtmodeltester):
    page = _open_settings(window)
    svc = page.svc
    save = page.findChild(QPushButton, "setRole")
    form = page.user_form

    # the form follows the user chosen in the list
    _click_user(qtbot, page, "redacteur")
    assert form.widget("username").text() == "redacteur"
    assert form.widget("role").code() == "editor"
    assert not form.widget("can_see_health").isChecked()

    # the first password goes to an administrator, or nobody could unlock accounts any more
    _type_password(qtbot, page, "redacteur-2026", "redacteur-2026")
    qtbot.mouseClick(save, Qt.MouseButton.LeftButton)
    assert form.error_label("password").isVisible()
    assert not svc.auth.login_required()

    _click_user(qtbot, page, "admin")
    _type_password(qtbot, page, "tiznit-admin-1", "tiznit-admin-2")
    qtbot.mouseClick(save, Qt.MouseButton.LeftButton)
    assert form.error_label("password_repeat").isVisible()
    assert not svc.auth.login_required()
    _type_password(qtbot, page, "tiznit-admin-1", "tiznit-admin-1")
    qtbot.mouseClick(save, Qt.MouseButton.LeftButton)
    assert not form.error_label("password_repeat").isVisible()
    assert svc.auth.login("admin", "tiznit-admin-1").role == "admin"

    # health access and a password for the editor; too short first, refused next to the field
    _click_user(qtbot, page, "redacteur")
    qtbot.mouseClick(form.widget("can_see_health"), Qt.MouseButton.LeftButton)
    _type_password(qtbot, page, "court", "court")
    qtbot.mouseClick(save, Qt.MouseButton.LeftButton)
    assert form.error_label("password").isVisible()
    _type_password(qtbot, page, "redacteur-2026", "redacteur-2026")
    qtbot.mouseClick(save, Qt.MouseButton.LeftButton)
    actor = svc.auth.login("redacteur", "redacteur-2026")
    assert actor.role == "editor" and actor.can_see_health
    qtmodeltester.check(page.users)

    # five wrong passwords at the login screen lock the account; the administrator unlocks it here
    for _attempt in range(5):
        with pytest.raises(CoopError):
            svc.auth.login("redacteur", "faux-mot-de-passe")
    page.refresh_users()
    unlock = page.findChild(QPushButton, "unlockUser")
    _click_user(qtbot, page, "admin")
    assert not unlock.isEnabled()
    _click_user(qtbot, page, "redacteur")
    assert unlock.isEnabled()
    qtbot.mouseClick(unlock, Qt.MouseButton.LeftButton)
    assert not unlock.isEnabled()
    assert svc.auth.login("redacteur", "redacteur-2026").username == "redacteur"


def test_a_new_user_is_made_with_a_password_and_selected(window, qtbot):
    page = _open_settings(window)
    svc = page.svc
    svc.auth.set_password("admin", "tiznit-admin-1")  # passwords already in use on this site
    form = page.user_form
    qtbot.keyClicks(form.widget("username"), "salma")
    qtbot.keyClicks(form.widget("full_name"), "Salma Oubaha")
    form.widget("role").set_code("viewer")
    _type_password(qtbot, page, "salma-tiznit", "salma-tiznit")
    qtbot.mouseClick(page.findChild(QPushButton, "addUser"), Qt.MouseButton.LeftButton)
    assert svc.auth.login("salma", "salma-tiznit").role == "viewer"
    assert page.users.row_dict(page.user_view.currentIndex().row())["username"] == "salma"
