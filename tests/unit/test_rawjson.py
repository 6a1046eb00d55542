"""Raw JSON checks: nesting and text walked iteratively; dead-letter copies cut and capped."""

from __future__ import annotations

import json
from typing import Any

import pytest

from api import jsonbody
from graph_cdp.rawjson import CUT, INVALID_TEXT, NESTING_TOO_DEEP, capped_dump, scan, text_problem


def _deep(depth: int) -> Any:
    value: Any = "x"
    for _ in range(depth):
        value = [value]
    return value


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("fine", None),
        ("bad\ud800", "holds a lone UTF-16 surrogate U+D800 at offset 3"),
        ("\udfffx", "holds a lone UTF-16 surrogate U+DFFF at offset 0"),
        ("a\x00b", "holds NUL (U+0000) at offset 1"),
        ("emoji \U0001f600", None),
    ],
)
def test_text_problem(text: str, problem: str | None) -> None:
    assert text_problem(text) == problem


def test_scan_names_the_path_and_the_code() -> None:
    value = {"traits": {"name": "ok", "tags": ["a", "b\ud800"]}, "context": {"k\x00": 1}}
    found = {(p.code, p.path) for p in scan(value, 32)}
    assert found == {(INVALID_TEXT, "traits.tags[1]"), (INVALID_TEXT, "context")}


@pytest.mark.parametrize("depth", [33, 5_000, 200_000])
def test_scan_stops_at_the_depth_limit_without_recursion(depth: int) -> None:
    (problem,) = scan({"p": _deep(depth)}, 32)
    assert problem.code == NESTING_TOO_DEEP
    assert problem.path.startswith("p[0][0]")


def test_scan_accepts_the_limit_itself() -> None:
    assert scan(_deep(31), 32) == []  # 31 lists and the string inside: 32 levels


def test_capped_dump_cuts_deep_values_and_long_payloads() -> None:
    text, size, truncated = capped_dump({"p": _deep(100_000), "s": "bad\ud800"}, 4, 10_000)
    assert not truncated
    assert size == len(text)
    assert json.loads(text) == {"p": [[[CUT]]], "s": "bad\ud800"}
    text, size, truncated = capped_dump({"blob": "x" * 50_000}, 4, 1_000)
    assert (len(text), truncated) == (1_000, True)
    assert size > 50_000


def test_a_body_past_the_recursion_limit_is_read_iteratively() -> None:
    body = '{"events": [{"a": 1}, {"p": ' + "[" * 100_000 + "]" * 100_000 + '}], "s": "x\\ud800"}'
    parsed = jsonbody.loads(body)
    assert parsed["events"][0] == {"a": 1}
    assert parsed["s"] == "x\ud800"
    depth, value = 0, parsed["events"][1]["p"]
    while isinstance(value, list):
        depth, value = depth + 1, value[0]
    assert (depth, value) == (jsonbody.CUT_DEPTH - 3, jsonbody.CUT)


@pytest.mark.parametrize("body", ["[" * 100_000 + "{", "{", "not json"])
def test_a_body_that_is_not_json_is_unreadable(body: str) -> None:
    with pytest.raises(jsonbody.UnreadableJson):
        jsonbody.loads(body)
