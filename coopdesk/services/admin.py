"""Local users and roles, the audit trail, attachments stored by content hash."""

from __future__ import annotations

import hashlib
import json
import mimetypes
from pathlib import Path
from typing import Any

from sqlalchemy import select

from coopdesk.db.models import Attachment, AuditEntry, Blob, User
from coopdesk.domain import constants as C
from coopdesk.errors import CoopError, PermissionDenied, ValidationError
from coopdesk.services.base import Context, as_dict, get


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
