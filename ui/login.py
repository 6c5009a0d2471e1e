"""The login dialog: shown at start once any account has a password.

The last user name of this PC is remembered in QSettings; the password never is. Every refusal
(wrong password, locked account, no password yet) is the service's translated sentence.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from coopdesk.errors import CoopError
from coopdesk.i18n import _

LAST_USER_KEY = "login/last_user"


def login_required(services: Any) -> bool:
    return bool(services.overview.login_required())  # read without loading SQLAlchemy


class LoginDialog(QDialog):
    """``actor`` holds who logged in once the dialog is accepted."""

    def __init__(self, services: Any, settings: QSettings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("loginDialog")
        self.svc = services
        self.settings = settings
        self.actor = None
        self.intro = QLabel()
        self.intro.setWordWrap(True)
        self.user = QComboBox()
        self.user.setObjectName("loginUser")
        self.user.setEditable(True)  # a name typed by hand works too; the list only helps
        self.user.addItems(services.auth.login_names())
        last = str(settings.value(LAST_USER_KEY, "") or "")
        if last:
            self.user.setCurrentText(last)
        self.password = QLineEdit()
        self.password.setObjectName("loginPassword")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.error = QLabel()
        self.error.setObjectName("loginError")
        self.error.setStyleSheet("color: #b00020;")
        self.error.setWordWrap(True)
        self.error.hide()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setObjectName("loginOk")
        self.buttons.accepted.connect(self.try_login)
        self.buttons.rejected.connect(self.reject)
        self.form = QFormLayout()
        self.user_caption, self.password_caption = QLabel(), QLabel()
        self.user_caption.setBuddy(self.user)
        self.password_caption.setBuddy(self.password)
        self.form.addRow(self.user_caption, self.user)
        self.form.addRow(self.password_caption, self.password)
        lay = QVBoxLayout(self)
        lay.addWidget(self.intro)
        lay.addLayout(self.form)
        lay.addWidget(self.error)
        lay.addWidget(self.buttons)
        self.setMinimumWidth(380)
        self.retranslate()
        (self.password if last else self.user).setFocus(Qt.FocusReason.OtherFocusReason)

    def try_login(self) -> None:
        username = self.user.currentText().strip()
        try:
            actor = self.svc.auth.login(username, self.password.text())
        except CoopError as exc:
            self.password.clear()
            self.error.setText(exc.message())
            self.error.show()
            self.password.setFocus()
            return
        self.password.clear()
        self.settings.setValue(LAST_USER_KEY, actor.username)
        self.actor = actor
        self.accept()

    def retranslate(self) -> None:
        self.setWindowTitle(_("CoopDesk — sign in"))
        self.intro.setText(_("Sign in with your user name and password."))
        self.user_caption.setText(_("User name"))
        self.password_caption.setText(_("Password"))


def ask_login(services: Any, settings: QSettings) -> Any:
    """The services acting as the user who signed in, or None if the dialog was closed."""
    dialog = LoginDialog(services, settings)
    if dialog.exec() != QDialog.DialogCode.Accepted or dialog.actor is None:
        return None
    return services.as_user(dialog.actor)
