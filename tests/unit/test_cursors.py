"""Opaque pagination cursors: round trips, and malformed input as InvalidInput."""

from __future__ import annotations

import base64
import re
from datetime import UTC, datetime
from typing import Any

import pytest

from graph_cdp import cursors
from graph_cdp.errors import InvalidInput


@pytest.mark.parametrize(
    "parts",
    [
        ("cus_0123456789abcdef0123",),
        ("2024-05-01T12:00:00+00:00", "int_1"),
        ("a",),  # lengths that need 0, 1 and 2 padding characters
        ("ab",),
        ("abc",),
        ("",),
        (1, None, True, 2.5),
        ("é漢字 🙂", "x"),
        ([1, ["nested"]], {"k": "v"}),
        (),
    ],
)
def test_round_trip(parts: tuple[Any, ...]) -> None:
    cursor = cursors.encode(*parts)
    assert re.fullmatch(r"[A-Za-z0-9_-]*", cursor), cursor  # URL-safe, no padding
    assert cursors.decode(cursor, len(parts)) == list(parts)


def test_values_json_cannot_hold_become_strings() -> None:
    at = datetime(2024, 5, 1, 12, 30, tzinfo=UTC)
    assert cursors.decode(cursors.encode(at, "id"), 2) == [str(at), "id"]


def test_cursors_are_stable() -> None:
    assert cursors.encode("cus_1") == "WyJjdXNfMSJd"


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


@pytest.mark.parametrize(
    ("cursor", "arity"),
    [
        pytest.param("a", 1, id="impossible base64 length"),
        pytest.param("abcde", 1, id="impossible base64 length 5"),
        pytest.param("", 1, id="empty"),
        pytest.param("!!!!", 1, id="no base64 characters"),
        pytest.param(_b64(b"\xff\xfe\xfd"), 1, id="not UTF-8"),
        pytest.param(_b64(b"[1, 2"), 2, id="truncated JSON"),
        pytest.param(_b64(b"cus_1"), 1, id="not JSON"),
        pytest.param(_b64(b'{"id": 1}'), 1, id="JSON object"),
        pytest.param(_b64(b'"cus_1"'), 1, id="JSON string"),
        pytest.param(_b64(b"null"), 1, id="JSON null"),
        pytest.param(_b64(b"7"), 1, id="JSON number"),
        pytest.param(cursors.encode("a", "b"), 1, id="too many parts"),
        pytest.param(cursors.encode("a"), 2, id="too few parts"),
        pytest.param(cursors.encode(), 1, id="no parts"),
        pytest.param(cursors.encode("a") + "====", 2, id="extra padding and wrong arity"),
    ],
)
def test_malformed_cursors_are_invalid_input(cursor: str, arity: int) -> None:
    with pytest.raises(InvalidInput, match="malformed cursor") as caught:
        cursors.decode(cursor, arity)
    assert repr(cursor) in caught.value.message
    assert caught.value.code == "INVALID_CURSOR"  # an InvalidInput, more specific


@pytest.mark.parametrize(
    "cursor",
    [
        pytest.param("a", id="bad base64"),
        pytest.param(_b64(b"\xff"), id="bad UTF-8"),
        pytest.param(_b64(b"{"), id="bad JSON"),
    ],
)
def test_decoding_errors_keep_their_cause(cursor: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        cursors.decode(cursor, 1)
    assert isinstance(caught.value.__cause__, ValueError)


@pytest.mark.parametrize(
    "parts", [("bad\ud800",), ("a\x00",), ([[[[["deep"]]]]],)], ids=["surrogate", "nul", "deep"]
)
def test_parts_that_are_not_text_or_too_deep_are_refused(parts: tuple[Any, ...]) -> None:
    with pytest.raises(InvalidInput, match="malformed cursor"):
        cursors.decode(cursors.encode(*parts), len(parts))


def test_a_deeply_nested_cursor_is_invalid_input_not_a_crash() -> None:
    nested = base64.urlsafe_b64encode(b"[" * 5000).decode()
    with pytest.raises(InvalidInput):
        cursors.decode(nested, 1)
