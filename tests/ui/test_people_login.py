"""Login at start: a wrong password refused with its message, the account locked after 5 failures,
the last user remembered (never the password)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QLineEdit, QPushButton

from coopdesk.i18n import _
from ui.login import LAST_USER_KEY, LoginDialog, login_required


@pytest.fixture
def with_password(demo):
    assert not login_required(demo)  # the demo database opens without a login
    demo.auth.set_password("redacteur", "bon-mot-de-passe")
    assert login_required(demo)
    return demo


def _try(qtbot, dialog, password: str) -> None:
    field = dialog.findChild(QLineEdit, "loginPassword")
    field.clear()
    qtbot.keyClicks(field, password)
    qtbot.mouseClick(dialog.findChild(QPushButton, "loginOk"), Qt.MouseButton.LeftButton)


def test_wrong_password_refused_then_right_one_remembers_the_user(qtbot, with_password, settings):
    dialog = LoginDialog(with_password, settings)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.user.setCurrentText("redacteur")
    _try(qtbot, dialog, "mauvais")
    error = dialog.findChild(QLabel, "loginError")
    assert error.isVisible() and error.text() == _("Wrong user name or password.")
    assert dialog.actor is None and dialog.isVisible()
    assert dialog.findChild(QLineEdit, "loginPassword").text() == ""

    with qtbot.waitSignal(dialog.accepted):
        _try(qtbot, dialog, "bon-mot-de-passe")
    assert dialog.actor.username == "redacteur" and dialog.actor.role == "editor"
    assert settings.value(LAST_USER_KEY) == "redacteur"
    assert "bon-mot-de-passe" not in repr([settings.value(k) for k in settings.allKeys()])

    again = LoginDialog(with_password, settings)
    qtbot.addWidget(again)
    assert again.user.currentText() == "redacteur"
    assert again.password.text() == ""


def test_account_locked_after_five_failures(qtbot, with_password, settings):
    dialog = LoginDialog(with_password, settings)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.user.setCurrentText("redacteur")
    for _n in range(4):
        _try(qtbot, dialog, "mauvais")
        assert dialog.error.text() == _("Wrong user name or password.")
    _try(qtbot, dialog, "mauvais")
    assert "redacteur" in dialog.error.text() and "5" in dialog.error.text()
    assert dialog.error.text() == _("The account “{username}” is locked after {n} failed attempts; "
                                    "an administrator must unlock it.").format(username="redacteur", n=5)
    _try(qtbot, dialog, "bon-mot-de-passe")  # even the right password is refused now
    assert dialog.actor is None and "redacteur" in dialog.error.text()


def test_start_asks_who_is_working_once_an_account_has_a_password(qtbot, with_password, monkeypatch):
    import ui.app
    import ui.login

    asked: list[object] = []
    monkeypatch.setattr(ui.login, "ask_login", lambda services, settings: asked.append(services))  # closed
    monkeypatch.setattr(ui.app, "open_app_services", lambda args: with_password)
    monkeypatch.setattr(ui.app.sys, "excepthook", ui.app.sys.excepthook)  # run() replaces it
    assert ui.app.run(["coopdesk", "--db", "unused.db", "--lang", "fr"]) == 0  # no window without a login
    assert asked == [with_password]
