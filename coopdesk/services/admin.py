"""Local users and roles, the audit trail, attachments stored by content hash."""

from __future__ import annotations

import hashlib
import json
import mimetypes
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from coopdesk.db.models import Attachment, AuditEntry, Blob, User
from coopdesk.domain import constants as C
from coopdesk.errors import CoopError, PermissionDenied, ValidationError, register_messages
from coopdesk.i18n import N_
from coopdesk.services.base import Context, as_dict, get
from coopdesk.services.snapshots import Snapshot, remove, restore, take

register_messages({
    "user_delete_self": N_("You cannot delete the account you are working with."),
    # the same sentence as next to the password field in Settings
    "admin_password_first": N_("Give an administrator a password first: from then on everyone logs in."),
})


def _administration_possible(s: Session) -> bool:
    """False when some account has a password (so everyone logs in) but no administrator has one:
    nobody could then unlock accounts or set passwords."""
    with_password = select(User.id).where(User.password_hash != "").limit(1)
    if s.scalar(with_password) is None:
        return True
    return s.scalar(with_password.where(User.role == "admin")) is not None


class UserService:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    def _require_admin(self) -> None:
        if self.ctx.actor.role != "admin":
            raise PermissionDenied(self.ctx.actor.role)

    def users(self) -> list[dict[str, Any]]:
        with self.ctx.uow() as s:
            return [as_dict(u, exclude=("password_hash",)) for u in s.scalars(select(User).order_by(User.username))]

    def create_user(self, username: str, role: str = "editor", full_name: str = "",
                    can_see_health: bool = False) -> dict[str, Any]:
        self._require_admin()
        username = (username or "").strip()
        if not username:
            raise ValidationError("required", field="username")
        if role not in C.USER_ROLES:
            raise ValidationError("invalid_choice", field="role", value=role)
        with self.ctx.uow(write=True) as s:
            if s.scalar(select(User.id).where(User.username == username)):
                raise CoopError("duplicate", entity="user", field="username", value=username)
            user = User(username=username, role=role, full_name=full_name, can_see_health=can_see_health)
            s.add(user)
            s.flush()
            return as_dict(user, exclude=("password_hash",))

    def set_role(self, user_id: str, role: str, can_see_health: bool | None = None) -> dict[str, Any]:
        self._require_admin()
        if role not in C.USER_ROLES:
            raise ValidationError("invalid_choice", field="role", value=role)
        with self.ctx.uow(write=True) as s:
            user = get(s, User, user_id, "user")
            user.role = role
            if can_see_health is not None:
                user.can_see_health = can_see_health
            return as_dict(user, exclude=("password_hash",))

    # The undo of the changes made in Settings: the account as it was is taken before the change
    # (an opaque snapshot that holds the password's hash, never a password) and put back after.

    def account_state(self, user_id: str) -> Snapshot:
        """The account as it is now, for :meth:`restore_user` (administrators)."""
        self._require_admin()
        with self.ctx.uow() as s:
            return take([get(s, User, user_id, "user")])

    def delete_user(self, user_id: str) -> Snapshot:
        """Delete an account (the undo of :meth:`create_user`); returns it, for :meth:`restore_user`.
        Refused for the account one is working with, and when no administrator with a password would
        be left while others have one."""
        self._require_admin()
        with self.ctx.uow(write=True) as s:
            user = get(s, User, user_id, "user")
            if user.username == self.ctx.actor.username:
                raise CoopError("user_delete_self")
            possible = _administration_possible(s)
            snapshot = remove(s, User, [user_id])
            if possible and not _administration_possible(s):
                raise CoopError("admin_password_first")
            return snapshot

    def restore_user(self, snapshot: Snapshot) -> dict[str, Any]:
        """Make an account be as in ``snapshot``: role, health access, password, lock (created again
        with its id if it was deleted). Refused when its name was taken by another account meanwhile
        (``duplicate``) and when it would leave no administrator with a password while others have one."""
        self._require_admin()
        with self.ctx.uow(write=True) as s:
            for _table, values in snapshot.rows:
                if s.scalar(select(User.id).where(User.username == values["username"], User.id != values["id"])):
                    raise CoopError("duplicate", entity="user", field="username", value=values["username"])
            possible = _administration_possible(s)
            restore(s, snapshot)
            if possible and not _administration_possible(s):
                raise CoopError("admin_password_first")
            user = get(s, User, snapshot.ids("user")[0], "user")
            return as_dict(user, exclude=("password_hash",))

    def actor_for(self, username: str):
        """The :class:`Actor` a user acts as (role and health permission from the database)."""
        from coopdesk.services.base import Actor

        with self.ctx.uow() as s:
            user = s.scalar(select(User).where(User.username == username))
            if user is None:
                raise CoopError("not_found", entity="user", id=username)
            return Actor(user.username, user.role, user.can_see_health)


class AuditService:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    def entries(self, *, entity: str | None = None, row_id: str | None = None, username: str | None = None,
                limit: int = 200) -> list[dict[str, Any]]:
        if self.ctx.actor.role != "admin":
            raise PermissionDenied(self.ctx.actor.role)
        with self.ctx.uow() as s:
            q = select(AuditEntry)
            if entity:
                q = q.where(AuditEntry.entity == entity)
            if row_id:
                q = q.where(AuditEntry.row_id == row_id)
            if username:
                q = q.where(AuditEntry.username == username)
            rows = s.scalars(q.order_by(AuditEntry.id.desc()).limit(limit)).all()
            return [{**as_dict(e), "before": json.loads(e.before or "{}"), "after": json.loads(e.after or "{}")}
                    for e in rows]


class AttachmentService:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    def attach(self, entity: str, entity_id: str, path: str | Path | None = None, *, data: bytes | None = None,
               filename: str | None = None, description: str = "") -> dict[str, Any]:
        """Store a file once by SHA-256 and link it to any record."""
        if data is None:
            p = Path(path or "")
            if not p.is_file():
                raise CoopError("not_found", entity="file", id=str(path))
            data = p.read_bytes()
            filename = filename or p.name
        filename = filename or "file"
        digest = hashlib.sha256(data).hexdigest()
        with self.ctx.uow(write=True) as s:
            if s.get(Blob, digest) is None:
                s.add(Blob(sha256=digest, size=len(data), data=data))
            row = Attachment(sha256=digest, filename=filename, size=len(data), entity=entity, entity_id=entity_id,
                             mime=mimetypes.guess_type(filename)[0] or "application/octet-stream",
                             description=description)
            s.add(row)
            s.flush()
            return as_dict(row)

    def attachments(self, entity: str, entity_id: str) -> list[dict[str, Any]]:
        with self.ctx.uow() as s:
            return [as_dict(a) for a in s.scalars(select(Attachment).where(
                Attachment.entity == entity, Attachment.entity_id == entity_id).order_by(Attachment.filename))]

    def content(self, attachment_id: str) -> bytes:
        with self.ctx.uow() as s:
            att = get(s, Attachment, attachment_id, "attachment")
            blob = s.get(Blob, att.sha256)
            if blob is None:
                raise CoopError("not_found", entity="file", id=att.sha256)
            return blob.data
