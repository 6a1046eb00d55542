"""Opaque pagination cursors (base64 of a small JSON list).

A cursor comes back from the client, so decoding trusts nothing: it is bounded in
length before it is decoded (deeply nested JSON in a cursor cannot reach the JSON
parser's recursion limit), and its parts must be shallow and real text (no lone
surrogate or NUL) before they reach a query; callers check each part's type.
"""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any

from graph_cdp.errors import InvalidCursor
from graph_cdp.rawjson import scan, shown

MAX_CURSOR_LENGTH = 2048
MAX_PART_DEPTH = 4


def encode(*parts: Any) -> str:
    raw = json.dumps(list(parts), separators=(",", ":"), default=str)
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def _refuse(cursor: str, why: str) -> InvalidCursor:
    return InvalidCursor(f"malformed cursor {shown(cursor)}: {why}", reason=why)


def decode(cursor: str, arity: int) -> list[Any]:
    """The ``arity`` parts of a cursor :func:`encode` made; InvalidCursor otherwise."""
    if len(cursor) > MAX_CURSOR_LENGTH:
        raise _refuse(cursor, f"longer than {MAX_CURSOR_LENGTH} characters")
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        parts = json.loads(base64.urlsafe_b64decode(padded.encode()).decode())
    except (binascii.Error, ValueError, UnicodeError, RecursionError) as exc:
        raise _refuse(cursor, "not base64 of JSON") from exc
    if not isinstance(parts, list) or len(parts) != arity:
        raise _refuse(cursor, f"not a list of {arity} parts")
    problems = scan(parts, MAX_PART_DEPTH)
    if problems:
        raise _refuse(cursor, problems[0].reason)
    return parts
