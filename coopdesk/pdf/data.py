"""Read-only data the documents need that the services do not return in one call."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from coopdesk.db.models import Commune


def communes(svc) -> dict[str, dict[str, Any]]:
    """Every partner commune by code, with the representative's title in French and Arabic."""
    with svc.ctx.uow() as s:
        return {c.code: {"id": c.id, "code": c.code, "name_fr": c.name_fr, "name_ar": c.name_ar,
                         "name_zgh": c.name_zgh, "country": c.country,
                         "representative_name": c.representative_name,
                         "representative_title": c.representative_title,
                         "representative_title_ar": c.representative_title_ar}
                for c in s.scalars(select(Commune).order_by(Commune.code))}


def representative_title(commune: dict[str, Any], lang: str) -> str:
    if lang == "ar" and commune.get("representative_title_ar"):
        return commune["representative_title_ar"]
    return commune.get("representative_title") or ""
