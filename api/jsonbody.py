"""A request body's JSON, read without the parser's recursion limit losing the batch.

``json.loads`` is fast but recursive: a body nested past the interpreter's limit (an
event's properties 5,000 levels deep, variables 100,000 deep) raises RecursionError,
and the good events next to it were lost with it. So on RecursionError the body is read
again by ijson's pure-Python parser, which is iterative and, like ``json``, keeps lone
surrogates for validation to name. It builds the same objects, except that a container
deeper than :data:`CUT_DEPTH` becomes the text :data:`CUT`: the event holding it is
still far deeper than ``max_json_depth`` and is rejected for that alone, with its
neighbours stored.
"""

from __future__ import annotations

import json
from typing import Any

import ijson.backends.python as iterative
from ijson.common import JSONError

CUT_DEPTH = 256
CUT = "(cut: nested too deep to read)"
_OPEN = frozenset({"start_map", "start_array"})
_CLOSE = frozenset({"end_map", "end_array"})


class UnreadableJson(ValueError):
    """The body is not JSON at all."""


def loads(data: str | bytes) -> Any:
    """The body's JSON; UnreadableJson if it is not JSON."""
    try:
        return json.loads(data)
    except RecursionError:
        return _read_iteratively(data)
    except (ValueError, UnicodeDecodeError) as e:
        raise UnreadableJson(str(e)) from None


def _read_iteratively(data: str | bytes) -> Any:
    raw = data.encode("utf-8", "surrogatepass") if isinstance(data, str) else data
    stack: list[list[Any]] = []  # [container, pending key] per open container
    root: list[Any] = []
    skipping = 0  # levels inside a container being cut

    def place(value: Any) -> None:
        if not stack:
            root.append(value)
        elif isinstance(stack[-1][0], dict):
            stack[-1][0][stack[-1][1]] = value
        else:
            stack[-1][0].append(value)

    try:
        for event, value in iterative.basic_parse(raw, use_float=True):
            if skipping:
                skipping += 1 if event in _OPEN else -1 if event in _CLOSE else 0
            elif event == "map_key":
                stack[-1][1] = value
            elif event in _OPEN:
                if len(stack) >= CUT_DEPTH:
                    place(CUT)
                    skipping = 1
                    continue
                container: dict[str, Any] | list[Any] = {} if event == "start_map" else []
                place(container)
                stack.append([container, None])
            elif event in _CLOSE:
                stack.pop()
            else:
                place(value)
    except (JSONError, UnicodeDecodeError) as e:
        raise UnreadableJson(str(e)) from None
    if len(root) != 1:
        raise UnreadableJson("not one JSON value")
    return root[0]
