"""Cleaning of input values: what a form, a spreadsheet cell or a command-line flag may hold.

One place turns text or Python values into clean values or a :class:`ValidationError` naming the
field, so the screens, the importer and the command line refuse bad input with the same words.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from coopdesk.domain.constants import CURRENCIES
from coopdesk.errors import ValidationError


@dataclass(frozen=True)
class Field:
    kind: str  # text, int, date, datetime, bool, money, choice, ref, currency
    required: bool = False
    choices: tuple[str, ...] = ()
    max_len: int = 0


def text(required: bool = False, max_len: int = 0) -> Field:
    return Field("text", required, max_len=max_len)


def integer(required: bool = False) -> Field:
    return Field("int", required)


def date(required: bool = False) -> Field:
    return Field("date", required)


def datetime(required: bool = False) -> Field:
    return Field("datetime", required)


def boolean() -> Field:
    return Field("bool")


def money() -> Field:
    return Field("money")


def currency(required: bool = True) -> Field:
    return Field("currency", required)


def choice(options: Mapping[str, Any] | tuple[str, ...], required: bool = True) -> Field:
    return Field("choice", required, choices=tuple(options))


def ref(required: bool = False) -> Field:
    return Field("ref", required)


def parse_date(value: Any, field: str = "date") -> dt.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        s = value.strip()
        for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
            try:
                return dt.datetime.strptime(s, fmt).date()
            except ValueError:
                continue
    raise ValidationError("invalid_date", field=field, value=str(value))


def parse_datetime(value: Any, field: str = "datetime") -> dt.datetime | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=None) if value.tzinfo is None else value.astimezone(dt.UTC).replace(tzinfo=None)
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day)
    if isinstance(value, str):
        try:
            return parse_datetime(dt.datetime.fromisoformat(value.strip()), field)
        except ValueError:
            pass
    raise ValidationError("invalid_date", field=field, value=str(value))


_MONEY = re.compile(r"^-?\d+([.,]\d{1,2})?$")


def parse_money(value: Any, field: str) -> int:
    """An amount in major units (``"1 234,50"``, ``1234.5``) to minor units (123450)."""
    if value is None or value == "":
        return 0
    if isinstance(value, bool):
        raise ValidationError("invalid_number", field=field, value=str(value))
    if isinstance(value, int):
        amount = Decimal(value)
    elif isinstance(value, (float, Decimal)):
        amount = Decimal(str(value))
    else:
        s = str(value).strip().replace("\u202f", "").replace("\u00a0", "").replace(" ", "")
        if not _MONEY.match(s):
            raise ValidationError("invalid_number", field=field, value=str(value))
        try:
            amount = Decimal(s.replace(",", "."))
        except InvalidOperation as exc:
            raise ValidationError("invalid_number", field=field, value=str(value)) from exc
    if amount < 0:
        raise ValidationError("negative_amount", field=field)
    return int((amount * 100).quantize(Decimal("1")))


def parse_int(value: Any, field: str) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise ValidationError("invalid_number", field=field, value=str(value))
    if isinstance(value, int):
        return value
    try:
        return int(str(value).strip())
    except ValueError as exc:
        raise ValidationError("invalid_number", field=field, value=str(value)) from exc


def parse_bool(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in {"1", "true", "yes", "oui", "y", "o", "x"}
    return bool(value)


def clean(spec: Mapping[str, Field], data: Mapping[str, Any], *, partial: bool = False) -> dict[str, Any]:
    """Validate ``data`` against ``spec``; unknown keys are refused, missing required ones too."""
    out: dict[str, Any] = {}
    for key in data:
        if key not in spec:
            raise ValidationError("invalid_choice", field=key, value=key)
    for name, f in spec.items():
        if name not in data:
            if f.required and not partial:
                raise ValidationError("required", field=name)
            continue
        out[name] = clean_value(name, f, data[name])
    return out


def clean_value(name: str, f: Field, raw: Any) -> Any:
    empty = raw is None or (isinstance(raw, str) and raw.strip() == "")
    if empty and f.required:
        raise ValidationError("required", field=name)
    if f.kind == "text":
        value = "" if raw is None else str(raw).strip()
        if f.max_len and len(value) > f.max_len:
            value = value[: f.max_len]
        return value
    if f.kind == "int":
        return parse_int(raw, name)
    if f.kind == "date":
        return parse_date(raw, name)
    if f.kind == "datetime":
        return parse_datetime(raw, name)
    if f.kind == "bool":
        return parse_bool(raw)
    if f.kind == "money":
        return parse_money(raw, name)
    if f.kind == "currency":
        if empty:
            return None
        code = str(raw).strip().upper()
        if code not in CURRENCIES:
            raise ValidationError("unknown_currency", field=name, currency=str(raw))
        return code
    if f.kind == "choice":
        if empty:
            return None
        value = str(raw).strip()
        if value not in f.choices:
            raise ValidationError("invalid_choice", field=name, value=value)
        return value
    if f.kind == "ref":
        return None if empty else str(raw).strip()
    raise AssertionError(f.kind)
