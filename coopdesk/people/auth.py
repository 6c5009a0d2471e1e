"""Local login: argon2id password hashes, a lock after repeated failures.

The last user of a PC is remembered by the desktop app (QSettings), never the password; this
service only checks passwords and says who is logging in.
"""

from __future__ import annotations

from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import select

from coopdesk.db.models import User
from coopdesk.errors import CoopError, PermissionDenied, ValidationError, register_messages
from coopdesk.i18n import N_
from coopdesk.services.base import Actor, Context

MAX_FAILURES = 5
MIN_LENGTH = 8

register_messages({
    "login_failed": N_("Wrong user name or password."),
    "account_locked": N_("The account “{username}” is locked after {n} failed attempts; an administrator must unlock it."),
    "password_not_set": N_("The account “{username}” has no password yet; an administrator must set one."),
    "password_too_short": N_("A password needs at least {n} characters."),
})

_hasher = PasswordHasher()  # argon2id with the library's current recommended parameters


class AuthService:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    def set_password(self, username: str, password: str) -> dict[str, Any]:
        """An administrator sets anyone's password; a user changes their own."""
        if self.ctx.actor.role != "admin" and self.ctx.actor.username != username:
            raise PermissionDenied(self.ctx.actor.role)
        if len(password or "") < MIN_LENGTH:
            raise ValidationError("password_too_short", field="password", n=MIN_LENGTH)
        with self.ctx.uow(write=True) as s:
            user = self._user(s, username)
            user.password_hash = _hasher.hash(password)
            user.failed_logins = 0
            user.locked = False
            return {"username": user.username, "locked": False}

    def unlock(self, username: str) -> dict[str, Any]:
        if self.ctx.actor.role != "admin":
            raise PermissionDenied(self.ctx.actor.role)
        with self.ctx.uow(write=True) as s:
            user = self._user(s, username)
            user.failed_logins = 0
            user.locked = False
            return {"username": user.username, "locked": False}

    def login(self, username: str, password: str) -> Actor:
        """The :class:`Actor` to act as, or ``login_failed`` / ``account_locked``. A wrong user name
        and a wrong password give the same answer."""
        with self.ctx._factory() as s:  # logging in is not an edit by the (not yet known) actor
            s.info.update(username=username, node_code=self.ctx.node()[1])
            user = s.scalar(select(User).where(User.username == (username or "").strip()))
            if user is None:
                _hasher.hash(password or "x")  # same time as a real check: no user enumeration
                raise CoopError("login_failed")
            if user.locked:
                raise CoopError("account_locked", username=user.username, n=MAX_FAILURES)
            if not user.password_hash:
                raise CoopError("password_not_set", username=user.username)
            try:
                _hasher.verify(user.password_hash, password or "")
            except (VerifyMismatchError, VerificationError, InvalidHashError):
                user.failed_logins += 1
                if user.failed_logins >= MAX_FAILURES:
                    user.locked = True
                s.commit()
                if user.locked:
                    raise CoopError("account_locked", username=user.username, n=MAX_FAILURES) from None
                raise CoopError("login_failed") from None
            if user.failed_logins or _hasher.check_needs_rehash(user.password_hash):
                if _hasher.check_needs_rehash(user.password_hash):
                    user.password_hash = _hasher.hash(password)
                user.failed_logins = 0
                s.commit()
            return Actor(user.username, user.role, user.can_see_health)

    def login_required(self) -> bool:
        """True once any account has a password: the desktop app then asks who is working."""
        from coopdesk.db.reader import ConnectionReader
        from coopdesk.services.overview import login_required

        with self.ctx.uow() as s:
            return login_required(ConnectionReader(s.connection()))

    def login_names(self) -> list[str]:
        """User names offered on the login screen (the UI preselects the last one used)."""
        with self.ctx.uow() as s:
            return list(s.scalars(select(User.username).order_by(User.username)))

    @staticmethod
    def _user(s, username: str) -> User:
        user = s.scalar(select(User).where(User.username == (username or "").strip()))
        if user is None:
            raise CoopError("not_found", entity="user", id=username)
        return user
