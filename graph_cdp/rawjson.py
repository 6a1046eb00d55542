"""Checks on raw JSON before anything else reads it: nesting and text, walked iteratively.

A client's JSON may nest 100,000 levels deep, or hold strings that are not text: a lone
UTF-16 surrogate (``"bad\\ud800"`` is valid JSON) or NUL. Python's json module fails
on the first with a RecursionError and the Neo4j driver on the second with an encoding
error deep inside a write, and either lost the whole batch. So every raw event is
walked once with an explicit stack (never by recursion) before it is validated, and
what is kept of a rejected event is a copy cut at the same depth.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

INVALID_TEXT = "INVALID_TEXT"
NESTING_TOO_DEEP = "NESTING_TOO_DEEP"
CUT = "(cut: nested too deep)"
_SHOWN = 60

# A path is kept as a linked chain (part, parent): pushing a child is O(1), and the
# text is only built for a path that is reported.
_Path = tuple[str, "_Path"] | None


@dataclass(frozen=True, slots=True)
class Problem:
    """Why a raw value cannot be taken: ``code`` is stable, ``path`` names the field."""

    code: str
    path: str
    reason: str


def shown(text: str, limit: int = _SHOWN) -> str:
    """``text`` for a message: cut to ``limit`` characters, escapes visible (repr)."""
    cut = text if len(text) <= limit else text[: limit - 3] + "..."
    return repr(cut)


def text_problem(text: str) -> str | None:
    """Why ``text`` cannot be stored as text (a lone surrogate or NUL), or None."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as e:
        return f"holds a lone UTF-16 surrogate U+{ord(text[e.start]):04X} at offset {e.start}"
    if "\x00" in text:
        return f"holds NUL (U+0000) at offset {text.index(chr(0))}"
    return None


def _render(path: _Path, root: str) -> str:
    parts: list[str] = []
    while path is not None:
        parts.append(path[0])
        path = path[1]
    text = root + "".join(reversed(parts))
    return text if len(text) <= 200 else text[:197] + "..."


def scan(value: object, max_depth: int, root: str = "", limit: int = 5) -> list[Problem]:
    """At most ``limit`` problems of ``value``: containers nested deeper than
    ``max_depth`` (``value`` itself is level 1) and strings or keys that are not text."""
    problems: list[Problem] = []
    stack: list[tuple[object, _Path, int]] = [(value, None, 1)]
    while stack and len(problems) < limit:
        item, path, depth = stack.pop()
        if isinstance(item, str):
            why = text_problem(item)
            if why:
                problems.append(Problem(INVALID_TEXT, _render(path, root), f"the string {why}"))
            continue
        if not isinstance(item, Mapping | list | tuple):
            continue
        if depth > max_depth:
            where = _render(path, root)
            reason = f"nested deeper than {max_depth} levels"
            problems.append(Problem(NESTING_TOO_DEEP, where, reason))
            continue
        if isinstance(item, Mapping):
            for key, child in item.items():
                name = key if isinstance(key, str) else str(key)
                why = text_problem(name)
                if why:
                    where = _render(path, root)
                    problems.append(Problem(INVALID_TEXT, where, f"a key {why}"))
                    continue
                stack.append((child, (f".{name}" if path or root else name, path), depth + 1))
        else:
            stack.extend((child, (f"[{i}]", path), depth + 1) for i, child in enumerate(item))
    return problems


def bounded_copy(value: object, max_depth: int) -> object:
    """A plain-JSON copy of ``value`` with containers deeper than ``max_depth`` replaced
    by :data:`CUT` and anything that is not JSON by its ``str`` (for dead letters)."""
    root: list[object] = [None]
    stack: list[tuple[object, list[object] | dict[str, object], int | str, int]] = [
        (value, root, 0, 1)
    ]
    while stack:
        item, parent, slot, depth = stack.pop()
        copied: object
        if isinstance(item, Mapping | list | tuple) and depth > max_depth:
            copied = CUT
        elif isinstance(item, Mapping):
            copied = {}
            for key, child in item.items():
                stack.append((child, copied, str(key), depth + 1))
        elif isinstance(item, list | tuple):
            copied = list[object]([None] * len(item))
            stack.extend((child, copied, i, depth + 1) for i, child in enumerate(item))
        elif isinstance(item, float) and not math.isfinite(item):
            copied = str(item)
        elif item is None or isinstance(item, str | int | float):
            copied = item
        elif isinstance(item, datetime):
            copied = item.isoformat()
        else:
            copied = str(item)
        parent[slot] = copied  # type: ignore[index]
    return root[0]


def capped_dump(value: object, max_depth: int, max_bytes: int) -> tuple[str, int, bool]:
    """``(text, size, truncated)``: the JSON of ``value`` (escaped, so any string can
    be stored), its full size in bytes, and whether ``text`` is only its first
    ``max_bytes``."""
    text = json.dumps(bounded_copy(value, max_depth), sort_keys=True, ensure_ascii=True)
    size = len(text)  # ASCII: characters are bytes
    if size <= max_bytes:
        return text, size, False
    return text[:max_bytes], size, True
