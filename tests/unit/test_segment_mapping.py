"""The Segment mapping, message by message (pure: no server)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from api.segment.mapping import corrected_time, segment_path, to_event
from graph_cdp.errors import InvalidIdentifier
from graph_cdp.identifiers import IdentifierPolicy
from graph_cdp.sample.dirty import INVALID_PHONES, dirty

RECEIVED = datetime(2024, 6, 1, 12, 0, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("message", "batch_sent_at", "expected"),
    [
        # The client clock runs 1 h ahead: the event happened 10 s before it was sent.
        (
            {"timestamp": "2024-06-01T12:59:50Z", "sentAt": "2024-06-01T13:00:00Z"},
            None,
            RECEIVED - timedelta(seconds=10),
        ),
        (
            # The batch's sentAt counts when the message has none; offsets are honoured.
            {"originalTimestamp": "2024-06-01T12:59:50+01:00"},
            "2024-06-01T13:00:00+01:00",
            RECEIVED - timedelta(seconds=10),
        ),
        ({"timestamp": "2024-05-01T00:00:00Z"}, None, datetime(2024, 5, 1, tzinfo=UTC)),
        ({}, None, None),
        ({"timestamp": "yesterday"}, None, "yesterday"),
    ],
)
def test_clock_skew_is_corrected_as_segment_does(
    message: dict[str, Any], batch_sent_at: str | None, expected: object
) -> None:
    assert corrected_time(message, batch_sent_at, RECEIVED) == expected


def test_identify_maps_ids_traits_and_device() -> None:
    mapped = to_event(
        "identify",
        {
            "userId": 42,
            "anonymousId": "anon-1",
            "traits": {"email": "a@shop.io", "phone": "+1 415 555 2671", "firstName": "Ada"},
            "context": {"device": {"id": "dev-1", "advertisingId": "ad-1"}, "ip": "1.2.3.4"},
            "integrations": {"All": True},
            "writeKey": "secret",
            "messageId": "m-1",
        },
        received_at=RECEIVED,
    )
    assert mapped.event["type"] == "identify"
    assert mapped.event["identifiers"] == [
        {"kind": "customer_id", "value": "42"},
        {"kind": "anonymous_id", "value": "anon-1"},
        {"kind": "email", "value": "a@shop.io"},
        {"kind": "phone", "value": "+1 415 555 2671"},
        {"kind": "device_id", "value": "dev-1"},
        {"kind": "device_id", "value": "ad-1"},
    ]
    assert mapped.paths == [
        "userId", "anonymousId", "traits.email", "traits.phone", "context.device.id",
        "context.device.advertisingId",
    ]  # fmt: skip
    assert mapped.event["traits"]["firstName"] == "Ada"
    context = mapped.event["context"]
    assert context["integrations"] == {"All": True}
    assert context["ip"] == "1.2.3.4"
    assert "writeKey" not in context
    assert segment_path("identifiers[3].value", mapped.paths) == "traits.phone"


@pytest.mark.parametrize(
    ("call", "message", "type_"),
    [
        ("track", {"event": "Order Completed"}, "order_completed"),
        ("track", {"event": "!!!"}, "track"),
        ("page", {"name": "Home"}, "page_view"),
        ("screen", {"name": "Home"}, "screen_view"),
        ("group", {"groupId": "acme"}, "group"),
        ("alias", {"previousId": "anon-1"}, "alias"),
    ],
)
def test_each_call_has_its_type(call: str, message: dict[str, Any], type_: str) -> None:
    mapped = to_event(call, {"userId": "u-1", **message}, received_at=RECEIVED)
    assert mapped.event["type"] == type_


def test_alias_is_explicit_evidence_and_group_an_account() -> None:
    alias = to_event("alias", {"userId": "u-1", "previousId": "anon-1"}, received_at=RECEIVED)
    assert alias.alias == [
        {"kind": "customer_id", "value": "u-1"},
        {"kind": "anonymous_id", "value": "anon-1"},
    ]
    group = to_event(
        "group", {"userId": "u-1", "groupId": "acme", "traits": {"plan": "pro"}},
        received_at=RECEIVED,
    )  # fmt: skip
    assert group.event["context"]["groupId"] == "acme"
    assert group.event["properties"] == {"plan": "pro"}
    assert group.event["traits"] == {}


@pytest.mark.parametrize("value", INVALID_PHONES)
def test_the_sample_invalid_phones_are_invalid(value: str) -> None:
    with pytest.raises(InvalidIdentifier):
        IdentifierPolicy(default_region="US").normalize("phone", value)


def test_dirty_keeps_redeliveries_alike() -> None:
    events = [{"messageId": "m", "identifiers": [{"kind": "email", "value": "a@b.io"}]}] * 2
    grown = dirty(events, seed=3, invalid_phone_rate=1.0, junk_field_rate=1.0)
    assert grown[0] == grown[1]
    assert len(grown[0]["identifiers"]) == 2
    assert "integrations" in grown[0]
    assert events[0]["identifiers"] == [{"kind": "email", "value": "a@b.io"}]  # copies
