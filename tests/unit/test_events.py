"""Event validation: the input model, its limits and the derived message id."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest

from graph_cdp.config import Settings
from graph_cdp.errors import (
    InvalidEvent,
    InvalidInput,
    InvalidText,
    LimitExceeded,
    NestingTooDeep,
    NoUsableIdentifier,
    TextTooLong,
)
from graph_cdp.events import (
    DERIVED_ID_PREFIX,
    Event,
    EventLimits,
    check_batch_size,
    snake_name,
    validate_event,
)
from graph_cdp.identifiers import IdentifierPolicy

NOW = datetime(2024, 6, 1, 12, 0, tzinfo=UTC)
POLICY = IdentifierPolicy()
LIMITS = EventLimits()


def _raw(**changes: object) -> dict[str, Any]:
    raw: dict[str, Any] = {
        "messageId": "m-1",
        "type": "Page View",
        "channel": "web",
        "timestamp": "2024-06-01T10:00:00Z",
        "identifiers": [
            {"kind": "email", "value": "Jane@Shop.io"},
            {"kind": "cookie", "value": "c-1"},
        ],
        "traits": {"firstName": "Jane"},
        "properties": {"url": "/home"},
        "source": "website",
    }
    raw.update(changes)
    return {k: v for k, v in raw.items() if v is not _DROP}


_DROP = object()


def _validate(raw: Mapping[str, object], limits: EventLimits = LIMITS) -> Event:
    return validate_event(raw, POLICY, limits, NOW)


def _reasons(raw: Mapping[str, object], limits: EventLimits = LIMITS) -> list[str]:
    with pytest.raises(InvalidEvent) as info:
        _validate(raw, limits)
    reasons = info.value.details["reasons"]
    assert isinstance(reasons, list)
    return [str(r) for r in reasons]


def test_valid_event_is_normalized() -> None:
    event = _validate(_raw(channel="Mobile App"))
    assert event.message_id == "m-1"
    assert event.type == "page_view"
    assert event.channel == "mobile_app"
    assert event.timestamp == datetime(2024, 6, 1, 10, 0, tzinfo=UTC)
    assert event.identifier_keys == ("email:jane@shop.io", "cookie_id:c-1")
    assert [n.label for n in event.identifiers] == ["Email", "Cookie"]
    assert event.traits == {"firstName": "Jane"}
    assert event.properties == {"url": "/home"}
    assert event.source == "website"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Page View", "page_view"),
        ("pageView", "page_view"),
        ("page-view", "page_view"),
        ("APP_OPEN", "app_open"),
        ("HTMLForm Fill", "html_form_fill"),
        ("  Order  Completed. ", "order_completed"),
        ("store_purchase", "store_purchase"),
    ],
)
def test_snake_name(raw: str, expected: str) -> None:
    assert snake_name(raw) == expected


@pytest.mark.parametrize(
    ("timestamp", "expected"),
    [
        ("2024-06-01T10:00:00", datetime(2024, 6, 1, 10, tzinfo=UTC)),  # naive -> UTC
        ("2024-06-01T12:00:00+02:00", datetime(2024, 6, 1, 10, tzinfo=UTC)),
        ("2024-06-01", datetime(2024, 6, 1, tzinfo=UTC)),
        (datetime(2024, 6, 1, 10), datetime(2024, 6, 1, 10, tzinfo=UTC)),
        (
            datetime(2024, 6, 1, 5, tzinfo=timezone(timedelta(hours=-5))),
            datetime(2024, 6, 1, 10, tzinfo=UTC),
        ),
        ("2024-06-02T11:59:59Z", datetime(2024, 6, 2, 11, 59, 59, tzinfo=UTC)),  # < 1 day
        (None, NOW),
        ("  ", NOW),
    ],
)
def test_timestamps(timestamp: object, expected: datetime) -> None:
    event = _validate(_raw(timestamp=timestamp))
    assert event.timestamp == expected
    assert event.timestamp.utcoffset() == timedelta(0)


INVALID = [
    (_raw(type=_DROP), "type is required"),
    (_raw(type="  "), "type is required"),
    (_raw(type=7), "type must be a string, got int"),
    (_raw(type="1st visit"), "type '1st visit' must become snake_case"),
    (_raw(type="x" * 65), "at most 64 characters"),
    (_raw(channel="web!"), "channel 'web!' must become snake_case"),
    (_raw(timestamp="yesterday"), "timestamp 'yesterday' is not an ISO-8601"),
    (_raw(timestamp=1717236000), "timestamp must be an ISO-8601 string or a datetime, got int"),
    (_raw(timestamp="2024-06-02T12:00:01Z"), "ahead of now"),
    (_raw(timestamp="0001-01-01T00:00:00"), "before 1970"),
    (_raw(timestamp="9999-12-31T23:00:00-05:00"), "out of range"),
    (_raw(identifiers=_DROP), "identifiers must be a list of {kind, value}, got missing"),
    (_raw(identifiers="jane@shop.io"), "got a str"),
    (_raw(identifiers=[]), "at least one identifier is required"),
    (_raw(identifiers=["jane@shop.io"]), "no usable identifier (identifiers[0]: not an object"),
    (
        _raw(identifiers=[{"kind": "passport", "value": "X1"}]),
        "no usable identifier (identifiers[0].kind: unknown identifier kind 'passport'",
    ),
    (_raw(traits=["a"]), "traits must be an object, got list"),
    (_raw(traits={"score": float("nan")}), "traits.score is nan"),
    (_raw(properties={"tags": {"a", "b"}}), "properties.tags is a set"),
    (_raw(properties={"items": [{"sku": b"x"}]}), "properties.items[0].sku is a bytes"),
    (_raw(properties={1: "x"}), "properties has a non-string key '1'"),
    (_raw(messageId=42), "messageId must be a string, got int"),
    (_raw(messageId="m\x01"), "messageId 'm\\x01' contains a control"),
    (_raw(messageId="m\x00"), "messageId: the string holds NUL (U+0000) at offset 1"),
    (_raw(source="bad\ud800"), "source: the string holds a lone UTF-16 surrogate U+D800"),
    (_raw(traits={"k\udfff": 1}), "traits: a key holds a lone UTF-16 surrogate U+DFFF"),
    (_raw(source="s" * 257), "source is 257 characters, more than 256"),
    (_raw(type="t" * 60_000), "type is 60000 characters, more than 256"),
]


@pytest.mark.parametrize(("raw", "reason"), INVALID)
def test_invalid_events_name_the_problem(raw: dict[str, Any], reason: str) -> None:
    reasons = _reasons(raw)
    assert any(reason in r for r in reasons), reasons


def test_all_reasons_are_collected() -> None:
    raw = _raw(
        type=_DROP,
        timestamp="soon",
        identifiers=[{"kind": "phone", "value": "12"}, {"kind": "email", "value": "x@"}],
    )
    reasons = _reasons(raw)
    assert len(reasons) == 3
    assert reasons[0] == "type is required"
    assert reasons[2].startswith("no usable identifier (identifiers[0].value: not a valid phone")
    assert "identifiers[1].value: " in reasons[2]
    with pytest.raises(InvalidEvent) as info:
        _validate(raw)
    assert all(r in info.value.message for r in reasons)
    assert info.value.details["message_id"] == "m-1"


PARTIAL = [
    (
        [{"kind": "email", "value": "ok@shop.io"}, {"kind": "email", "value": "bad@"}],
        "identifiers[1].value",
        "email",
    ),
    (
        [{"kind": "email", "value": "ok@shop.io"}, {"kind": "phone", "value": "+1 555 0100"}],
        "identifiers[1].value",
        "phone",
    ),
    (
        [{"kind": "passport", "value": "X1"}, {"kind": "email", "value": "ok@shop.io"}],
        "identifiers[0].kind",
        "passport",
    ),
    (
        [{"kind": "email", "value": "ok@shop.io"}, {"kind": "email"}],
        "identifiers[1]",
        "email",
    ),
]


@pytest.mark.parametrize(("identifiers", "path", "kind"), PARTIAL)
def test_a_malformed_identifier_is_kept_not_used(
    identifiers: list[dict[str, Any]], path: str, kind: str
) -> None:
    event = _validate(_raw(identifiers=identifiers))
    assert event.identifier_keys == ("email:ok@shop.io",)
    assert [w.path for w in event.warnings] == [path]
    (invalid,) = event.invalid
    assert invalid.kind == kind
    assert invalid.key.startswith(f"invalid:{kind}:")
    assert invalid.reason == event.warnings[0].reason
    # Links are built from identifier_keys only: an invalid value can never link.
    assert not any(k.startswith("invalid:") for k in event.identifier_keys)


def test_unknown_entry_fields_are_a_warning() -> None:
    ids = [{"kind": "email", "value": "a@shop.io", "extra": 1}]
    event = _validate(_raw(identifiers=ids))
    assert event.identifier_keys == ("email:a@shop.io",)
    assert [(w.path, w.reason) for w in event.warnings] == [
        ("identifiers[0]", "unknown fields ['extra'] ignored")
    ]


def test_unknown_fields_are_kept_under_context() -> None:
    raw = _raw(
        identifers=[], integrations={"All": True}, context={"ip": "1.2.3.4", "version": 1},
        version=2,
    )  # fmt: skip
    event = _validate(raw)
    assert event.context == {
        "ip": "1.2.3.4", "version": 1, "identifers": [], "integrations": {"All": True},
        "_version": 2,
    }  # fmt: skip
    assert {w.path for w in event.warnings} == {"identifers", "integrations", "version"}
    assert _validate(event.to_json_dict()).context == event.context


def test_the_derived_id_tells_events_apart_by_their_invalid_values() -> None:
    base = [{"kind": "email", "value": "ok@shop.io"}]
    one = _validate(_raw(messageId=_DROP, identifiers=[*base, {"kind": "phone", "value": "12"}]))
    two = _validate(_raw(messageId=_DROP, identifiers=[*base, {"kind": "phone", "value": "13"}]))
    assert one.message_id != two.message_id


@pytest.mark.parametrize(
    ("raw", "error"),
    [
        (_raw(messageId="bad\ud800"), InvalidText),
        (_raw(properties={"a": "x\x00"}), InvalidText),
        (_raw(source="s" * 300), TextTooLong),
        (_raw(identifiers=[{"kind": "phone", "value": "12"}]), NoUsableIdentifier),
    ],
)
def test_each_kind_of_problem_has_its_own_error(raw: dict[str, Any], error: type) -> None:
    with pytest.raises(error):
        _validate(raw)


def test_deeply_nested_json_is_rejected() -> None:
    nested: dict[str, Any] = {}
    cursor = nested
    for _ in range(40):
        cursor["a"] = {}
        cursor = cursor["a"]
    assert any("nested deeper than 32" in r for r in _reasons(_raw(properties=nested)))
    with pytest.raises(NestingTooDeep):
        _validate(_raw(properties=nested))


def test_nesting_far_past_the_recursion_limit_is_checked_without_recursion() -> None:
    nested: list[Any] = []
    cursor = nested
    for _ in range(100_000):
        cursor.append([])
        cursor = cursor[0]
    with pytest.raises(NestingTooDeep):
        _validate(_raw(context={"deep": nested}))


def test_too_many_identifiers() -> None:
    limits = EventLimits(max_identifiers_per_event=2)
    ids = [{"kind": "cookie_id", "value": f"c{i}"} for i in range(3)]
    assert _reasons(_raw(identifiers=ids), limits) == ["too many identifiers: 3, the limit is 2"]
    assert len(_validate(_raw(identifiers=ids[:2]), limits).identifiers) == 2


def test_payload_too_large_is_limit_exceeded() -> None:
    limits = EventLimits(max_event_bytes=300)
    big = _raw(properties={"blob": "x" * 300})
    with pytest.raises(LimitExceeded) as info:
        _validate(big, limits)
    assert info.value.details["limit"] == 300
    size = info.value.details["size"]
    assert isinstance(size, int)
    assert size > 300
    assert info.value.details["reasons"] == [info.value.message]
    assert isinstance(info.value, InvalidInput)
    _validate(_raw(), limits)  # the ordinary event fits


def test_payload_size_counts_datetimes() -> None:
    raw = _raw(timestamp=datetime(2024, 6, 1, 10))
    size = len(json.dumps({**raw, "timestamp": "2024-06-01T10:00:00"}, separators=(",", ":")))
    _validate(raw, EventLimits(max_event_bytes=size))
    with pytest.raises(LimitExceeded):
        _validate(raw, EventLimits(max_event_bytes=size - 1))


def test_not_a_mapping_is_invalid() -> None:
    with pytest.raises(InvalidEvent, match="an event must be an object, got list"):
        _validate([1, 2])  # type: ignore[arg-type]


def test_all_blocked_identifiers_are_accepted() -> None:
    event = _validate(
        _raw(
            identifiers=[
                {"kind": "email", "value": "test@test.com"},
                {"kind": "phone", "value": "0"},
            ]
        )
    )
    assert [n.blocked is not None for n in event.identifiers] == [True, True]


def test_identifiers_are_deduplicated_in_first_seen_order() -> None:
    event = _validate(
        _raw(
            identifiers=[
                {"kind": "cookie_id", "value": "c-2"},
                {"kind": "email", "value": "jane@shop.io"},
                {"kind": "cookie", "value": " c-2 "},
                {"kind": "email", "value": "JANE@SHOP.IO"},
                {"kind": "customer_id", "value": 1234},
            ]
        )
    )
    assert event.identifier_keys == ("cookie_id:c-2", "email:jane@shop.io", "customer_id:1234")


def _derived(**changes: object) -> str:
    event = _validate(_raw(**{"messageId": _DROP, **changes}))
    assert event.message_id.startswith(DERIVED_ID_PREFIX)
    assert len(event.message_id) == len(DERIVED_ID_PREFIX) + 64
    return event.message_id


@pytest.mark.parametrize(
    "changes",
    [
        {"type": "page_view"},
        {"source": "another-pipeline"},
        {"messageId": "  "},  # blank means absent
        {"timestamp": "2024-06-01T12:00:00+02:00"},
        {
            "identifiers": [
                {"kind": "cookie_id", "value": "c-1"},
                {"kind": "e-mail", "value": " JANE@shop.io"},
                {"kind": "email", "value": "jane@shop.io"},
            ]
        },
    ],
)
def test_derived_message_id_is_stable_for_the_same_content(changes: dict[str, object]) -> None:
    assert _derived(**changes) == _derived()


@pytest.mark.parametrize(
    "changes",
    [
        {"type": "login"},
        {"channel": "email"},
        {"channel": _DROP},
        {"timestamp": "2024-06-01T10:00:01Z"},
        {"timestamp": _DROP},
        {"identifiers": [{"kind": "email", "value": "jane@shop.io"}]},
        {"traits": {"firstName": "Janet"}},
        {"properties": {"url": "/cart"}},
        {"properties": _DROP},
    ],
)
def test_derived_message_id_changes_with_content(changes: dict[str, object]) -> None:
    assert _derived(**changes) != _derived()


def test_derived_message_id_without_timestamp_ignores_now() -> None:
    raw = _raw(messageId=_DROP, timestamp=_DROP)
    early = validate_event(raw, POLICY, LIMITS, NOW)
    later = validate_event(raw, POLICY, LIMITS, NOW + timedelta(hours=5))
    assert early.message_id == later.message_id
    assert later.timestamp - early.timestamp == timedelta(hours=5)


def test_json_round_trip_gives_the_same_event() -> None:
    event = _validate(_raw(messageId=_DROP, timestamp=_DROP))
    encoded = json.dumps(event.to_json_dict())
    assert validate_event(json.loads(encoded), POLICY, LIMITS, NOW + timedelta(days=3)) == event


def test_event_does_not_share_mutable_input() -> None:
    traits: dict[str, Any] = {"tags": ["a"]}
    event = _validate(_raw(traits=traits))
    traits["tags"].append("b")
    assert event.traits == {"tags": ["a"]}


def test_limits_from_settings() -> None:
    settings = Settings(max_identifiers_per_event=3, max_event_bytes=999, max_batch_size=7)
    limits = EventLimits.from_settings(settings)
    assert (limits.max_identifiers_per_event, limits.max_event_bytes) == (3, 999)
    assert limits.max_batch_size == 7
    assert limits.max_future_skew == timedelta(days=1)


@pytest.mark.parametrize(("n", "ok"), [(0, True), (1000, True), (1001, False)])
def test_check_batch_size(n: int, ok: bool) -> None:
    if ok:
        check_batch_size(n, LIMITS)
        return
    with pytest.raises(LimitExceeded, match="batch of 1001 items exceeds the limit of 1000"):
        check_batch_size(n, LIMITS)
