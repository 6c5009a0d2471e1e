"""Reading a row's sync state, without SQLAlchemy: the desktop app's first screen shows the sync
status before SQLAlchemy is imported (docs/performance.md, "Desktop"). Writing states is
``coopdesk.sync.state``'s work."""

from __future__ import annotations

import json
from typing import Any

import orjson

DELETED = "__deleted__"
State = dict[str, list[Any]]  # field -> [hlc, seq, value]

_JSON_DECODE = json.JSONDecoder().decode


def origin_of(hlc: str) -> str:
    """The node that wrote a value: the node part of its hybrid logical clock stamp."""
    return hlc.rsplit(".", 1)[1]


def _DECODE(text: str | bytes) -> Any:  # noqa: N802 - kept the name of a constant: it was one
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError:  # NaN or Infinity written by an older version
        return _JSON_DECODE(text)


def decode_state(text: str) -> State:
    obj = _DECODE(text)
    if isinstance(obj, dict):
        return obj
    return {f: [h, s, v] for h, s, fields in obj for f, v in fields.items()}
