"""Opaque pagination cursors (base64 of a small JSON list)."""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any

from graph_cdp.errors import InvalidInput


def encode(*parts: Any) -> str:
    raw = json.dumps(list(parts), separators=(",", ":"), default=str)
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode(cursor: str, arity: int) -> list[Any]:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        parts = json.loads(base64.urlsafe_b64decode(padded.encode()).decode())
    except (binascii.Error, ValueError, UnicodeDecodeError, RecursionError) as exc:
        raise InvalidInput(f"malformed cursor {cursor!r}") from exc
    if not isinstance(parts, list) or len(parts) != arity:
        raise InvalidInput(f"malformed cursor {cursor!r}")
    return parts
