"""One Segment message (identify, track, page, screen, group, alias) as a graph-cdp event.

Pure: no I/O. The mapping is documented in docs/ingest.md; in short:

* ``userId`` -> ``customer_id``; ``anonymousId`` -> ``anonymous_id``; ``traits.email``
  and ``traits.phone`` (``context.traits`` for calls other than identify) -> ``email``
  and ``phone``; ``context.device.id`` and ``context.device.advertisingId`` ->
  ``device_id``; alias's ``previousId`` -> ``anonymous_id`` (and, by the caller,
  explicit evidence with ``userId``).
* ``type``: identify -> ``identify``; track -> its ``event`` in snake_case (``"Order
  Completed"`` -> ``order_completed``; a name that cannot be one -> ``track``); page ->
  ``page_view``; screen -> ``screen_view``; group -> ``group``; alias -> ``alias``.
* Time, as Segment corrects clock skew: ``timestamp = receivedAt - (sentAt -
  originalTimestamp)``, where ``originalTimestamp`` is the message's own, else its
  ``timestamp`` (server libraries send that), and ``sentAt`` the message's, else its
  batch's. Without a ``sentAt`` the client time is taken as it is; without any, the
  time it was received.
* Everything else is kept in the event's ``context`` under Segment's names, except the
  write key, which is a secret.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from graph_cdp.events import snake_name

CALLS = ("identify", "track", "page", "screen", "group", "alias")
_TYPES = {"identify": "identify", "page": "page_view", "screen": "screen_view", "group": "group"}
_CHANNELS = {"page": "web", "screen": "mobile_app"}
_NAME_RE = re.compile(r"[a-z][a-z0-9_]{0,63}")
# Top-level fields the mapping reads; any other is kept in context under its own name.
_READ = frozenset({
    "type", "messageId", "userId", "anonymousId", "previousId", "traits", "properties",
    "context", "timestamp", "originalTimestamp", "sentAt", "receivedAt", "writeKey", "event",
    "groupId",
})  # fmt: skip
SECRET_FIELDS = frozenset({"writeKey"})


@dataclass
class Mapped:
    """An event in graph-cdp's input shape, where each identifier came from, and the
    (previousId, userId) identifiers of an alias call."""

    event: dict[str, Any]
    paths: list[str] = field(default_factory=list)  # per identifiers[i]: the Segment field
    alias: list[dict[str, Any]] = field(default_factory=list)


def parse_time(value: object) -> datetime | None:
    """An ISO-8601 time as Segment sends it (``Z`` or an offset; naive means UTC)."""
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def corrected_time(
    message: Mapping[str, Any], batch_sent_at: object, received_at: datetime
) -> datetime | str | None:
    """The event time with the client's clock skew removed, Segment's way (see above).

    A client time that does not parse is returned as sent, for validation to reject with
    its reason; None means no time was sent (the event is then stamped when stored)."""
    original_raw = message.get("originalTimestamp") or message.get("timestamp")
    original = parse_time(original_raw)
    if original is None:
        return original_raw if isinstance(original_raw, str) and original_raw.strip() else None
    sent = parse_time(message.get("sentAt")) or parse_time(batch_sent_at)
    if sent is None:
        return original
    return received_at - (sent - original)


def _object(value: object) -> dict[str, Any]:
    return dict(value) if isinstance(value, Mapping) else {}


def _usable(value: object) -> bool:
    return value is not None and value != "" and not isinstance(value, bool)


def _event_type(call: str, message: Mapping[str, Any], context: dict[str, Any]) -> object:
    if call == "track":
        name = message.get("event")
        if not isinstance(name, str):
            return name  # missing or not a string: validation says so
        context["event"] = name
        converted = snake_name(name)
        return converted if _NAME_RE.fullmatch(converted) else "track"
    return _TYPES.get(call, call)


def to_event(
    call: str,
    message: Mapping[str, Any],
    *,
    received_at: datetime,
    batch_sent_at: object = None,
    batch_context: Mapping[str, Any] | None = None,
) -> Mapped:
    """The graph-cdp event for one Segment message of type ``call`` (one of CALLS)."""
    context = {**_object(batch_context), **_object(message.get("context"))}
    traits_in_context = _object(context.get("traits"))
    device = _object(context.get("device"))
    own_traits = _object(message.get("traits"))
    if call == "identify":
        traits = {**traits_in_context, **own_traits}
        properties = _object(message.get("properties"))
    elif call == "group":
        traits = traits_in_context
        properties = own_traits  # a group's traits describe the account, not the person
    else:
        traits = traits_in_context
        properties = _object(message.get("properties"))
    identifiers: list[tuple[str, str, object]] = [
        ("userId", "customer_id", message.get("userId")),
        ("anonymousId", "anonymous_id", message.get("anonymousId")),
    ]
    person = "traits" if call == "identify" else "context.traits"
    for name, kind in (("email", "email"), ("phone", "phone")):
        identifiers.append((f"{person}.{name}", kind, traits.get(name)))
    identifiers.append(("context.device.id", "device_id", device.get("id")))
    identifiers.append(("context.device.advertisingId", "device_id", device.get("advertisingId")))
    alias: list[dict[str, Any]] = []
    if call == "alias":
        identifiers.append(("previousId", "anonymous_id", message.get("previousId")))
        pair = [(k, v) for _, k, v in identifiers[:1] + identifiers[-1:] if _usable(v)]
        if len(pair) == 2:
            alias = [{"kind": k, "value": str(v)} for k, v in pair]
    if call == "group" and _usable(message.get("groupId")):
        context["groupId"] = message.get("groupId")
    for key, value in message.items():
        if key not in _READ or key in ("sentAt", "originalTimestamp", "timestamp"):
            context.setdefault(key, value)
    context["receivedAt"] = received_at.isoformat()
    if "receivedAt" in message:
        context["clientReceivedAt"] = message["receivedAt"]
    if call == "alias" and _usable(message.get("previousId")):
        context["previousId"] = message.get("previousId")
    used = [(path, kind, value) for path, kind, value in identifiers if _usable(value)]
    moment = corrected_time(message, batch_sent_at, received_at)
    event: dict[str, Any] = {
        "messageId": message.get("messageId"),
        "type": _event_type(call, message, context),
        "channel": _CHANNELS.get(call),
        "timestamp": moment.isoformat() if isinstance(moment, datetime) else moment,
        "identifiers": [
            {"kind": kind, "value": str(value) if isinstance(value, int) else value}
            for _, kind, value in used
        ],
        "traits": traits,
        "properties": {**properties, **_page_fields(call, message, properties)},
        "context": {k: v for k, v in context.items() if k not in SECRET_FIELDS},
    }
    return Mapped(event, [path for path, _, _ in used], alias)


def _page_fields(
    call: str, message: Mapping[str, Any], properties: dict[str, Any]
) -> dict[str, Any]:
    """A page's or screen's ``name`` and ``category`` join its properties (unless there)."""
    if call not in ("page", "screen"):
        return {}
    return {
        key: message[key]
        for key in ("name", "category")
        if _usable(message.get(key)) and key not in properties
    }


def segment_path(path: str, paths: list[str]) -> str:
    """``identifiers[1].value`` of a mapped event -> the Segment field it came from."""
    match = re.match(r"identifiers\[(\d+)\](.*)", path)
    if match and int(match.group(1)) < len(paths):
        return paths[int(match.group(1))]
    return path
