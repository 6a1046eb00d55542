"""The input model (DESIGN.md's EventInput) and its validation.

:func:`validate_event` turns one raw event (a mapping with the GraphQL field names:
``messageId``, ``type``, ``channel``, ``timestamp``, ``identifiers``, ``traits``,
``properties``, ``source``) into an immutable :class:`Event`, or raises:

* :class:`~graph_cdp.errors.LimitExceeded` when the raw event's compact JSON is larger
  than ``max_event_bytes``. Size is the gate: an oversized event is not examined
  further, so a 50 MB payload costs one ``json.dumps`` and nothing more.
* :class:`~graph_cdp.errors.InvalidEvent` (or a more specific leaf: ``InvalidText``,
  ``NestingTooDeep``, ``TextTooLong``, ``NoUsableIdentifier``) with *every* problem
  found in ``details["reasons"]``. Before anything else the raw event is walked once,
  iteratively (:mod:`graph_cdp.rawjson`): containers nested deeper than
  ``max_json_depth`` and strings that are not text (a lone surrogate, NUL) reject it.

Partial acceptance: an event is taken when it has a type and at least one *usable*
identifier. A malformed identifier (or an unknown kind) does not reject it: it is kept
as an :class:`~graph_cdp.invalid.InvalidValue` and reported as a warning with its path
(see :mod:`graph_cdp.invalid`). Blocked identifiers are usable: an event whose
identifiers are all blocked is accepted and kept as evidence, it just links nothing.

Decisions the contract leaves open:

* ``None`` and blank strings mean "absent" for the optional fields. Unknown top-level
  fields are kept under the event's ``context`` (Segment sends ``integrations``,
  ``sentAt``, ``version``, ...) with a warning, never a reason to reject; a name the
  sent ``context`` already holds is kept as ``_name``.
* ``type`` and ``channel`` are normalized to snake_case (``"Page View"`` and
  ``"pageView"`` -> ``page_view``); names outside the known sets are allowed.
* An identifier value may be a JSON integer (numeric customer ids); it becomes text.
  Identifiers are deduplicated by key, first occurrence first. More than
  ``max_identifiers_per_event`` raw entries is one reason, and the entries are then
  not checked one by one.
* ``messageId`` and ``source`` are at most ``max_text_length`` characters, and so is
  the raw text of ``type`` and ``channel`` (which then become names of at most 64).
* A timestamp is a datetime or an ISO-8601 string (epoch numbers are rejected: seconds
  and milliseconds cannot be told apart safely); naive means UTC; it is stored in UTC.
  More than ``max_future_skew`` ahead of ``now`` is rejected, and so is anything before
  1970, which is a zero date (``0001-01-01``) rather than an event time.
* Without a ``messageId`` the id is derived: ``derived-`` + sha256 of the canonical
  JSON of (type, channel, timestamp, sorted identifier keys, invalid ones included,
  traits, properties).
  ``source`` is left out on purpose, so the same event relayed by two pipelines is one
  event. When the caller sent no timestamp the derived id uses ``null`` for the time,
  not ``now``: otherwise every retry would get a fresh id and idempotency would be
  lost. The price is that two genuinely repeated, identical, timestamp-less events
  count once; callers who need both must send a timestamp or a messageId.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from graph_cdp import event_fields as fields
from graph_cdp.config import Settings
from graph_cdp.errors import InvalidEvent, LimitExceeded
from graph_cdp.event_fields import (
    INVALID_EVENT,
    NO_USABLE_IDENTIFIER,
    JsonValue,
    Problems,
    as_utc,
    snake_name,
)
from graph_cdp.identifiers import IdentifierPolicy, NormalizedIdentifier
from graph_cdp.invalid import FieldWarning, InvalidValue, read_identifiers
from graph_cdp.rawjson import scan

# Known names are documentation and hints for the API; other names are accepted.
KNOWN_EVENT_TYPES: frozenset[str] = frozenset({
    "page_view", "login", "purchase", "email_open", "app_open", "form_fill",
    "store_purchase", "identify",
})  # fmt: skip
KNOWN_CHANNELS: frozenset[str] = frozenset(
    {"web", "email", "mobile_app", "social", "store", "call_center", "sms", "other"}
)
FIELDS: frozenset[str] = frozenset({
    "messageId", "type", "channel", "timestamp", "identifiers", "traits", "properties",
    "source", "context",
})  # fmt: skip
DERIVED_ID_PREFIX = "derived-"
MAX_TEXT_LENGTH = 256
MAX_JSON_DEPTH = 32
__all__ = ["Event", "EventLimits", "JsonValue", "check_text", "snake_name", "validate_event"]


@dataclass(frozen=True, slots=True)
class EventLimits:
    """How large an event and a batch may be, and how far ahead a timestamp may lie."""

    max_identifiers_per_event: int = 50
    max_event_bytes: int = 65536
    max_batch_size: int = 1000
    max_future_skew: timedelta = timedelta(days=1)
    max_json_depth: int = MAX_JSON_DEPTH
    max_text_length: int = MAX_TEXT_LENGTH
    max_dead_letter_bytes: int = 16384

    @classmethod
    def from_settings(cls, settings: Settings) -> EventLimits:
        return cls(
            max_identifiers_per_event=settings.max_identifiers_per_event,
            max_event_bytes=settings.max_event_bytes,
            max_batch_size=settings.max_batch_size,
            max_json_depth=settings.max_json_depth,
            max_text_length=settings.max_text_length,
            max_dead_letter_bytes=settings.max_dead_letter_bytes,
        )


@dataclass(frozen=True, slots=True)
class Event:
    """One validated interaction; ``message_id`` is its idempotency key."""

    message_id: str
    type: str
    channel: str | None
    timestamp: datetime
    identifiers: tuple[NormalizedIdentifier, ...]
    traits: dict[str, JsonValue]
    properties: dict[str, JsonValue]
    source: str | None = None
    context: dict[str, JsonValue] = field(default_factory=dict)
    invalid: tuple[InvalidValue, ...] = ()  # kept and observed, never linked
    warnings: tuple[FieldWarning, ...] = ()

    @property
    def identifier_keys(self) -> tuple[str, ...]:
        return tuple(n.key for n in self.identifiers)

    def to_json_dict(self) -> dict[str, JsonValue]:
        """The event in input shape: ``validate_event`` on it gives this event back."""
        return {
            "messageId": self.message_id,
            "type": self.type,
            "channel": self.channel,
            "timestamp": self.timestamp.isoformat(),
            "identifiers": [{"kind": n.kind, "value": n.value} for n in self.identifiers],
            "traits": self.traits,
            "properties": self.properties,
            "source": self.source,
            "context": self.context,
        }


def check_batch_size(n: int, limits: EventLimits) -> None:
    """Raise LimitExceeded when a batch holds more than ``max_batch_size`` items."""
    if n > limits.max_batch_size:
        raise LimitExceeded(
            f"batch of {n} items exceeds the limit of {limits.max_batch_size}",
            size=n,
            limit=limits.max_batch_size,
        )


def derive_message_id(
    *,
    type: str,
    channel: str | None,
    timestamp: datetime | None,
    identifier_keys: tuple[str, ...],
    traits: Mapping[str, JsonValue],
    properties: Mapping[str, JsonValue],
) -> str:
    """A stable id for content sent without one; see the module docstring."""
    content = {
        "type": type,
        "channel": channel,
        "timestamp": None if timestamp is None else as_utc(timestamp).isoformat(),
        "identifiers": sorted(set(identifier_keys)),
        "traits": traits,
        "properties": properties,
    }
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return DERIVED_ID_PREFIX + hashlib.sha256(canonical.encode()).hexdigest()


def validate_event(
    raw: Mapping[str, object], policy: IdentifierPolicy, limits: EventLimits, now: datetime
) -> Event:
    """Validate and normalize one raw event; ``now`` is the caller's clock reading."""
    if not isinstance(raw, Mapping):
        reason = f"an event must be an object, got {type(raw).__name__}"
        raise InvalidEvent(f"invalid event: {reason}", reasons=[reason])
    problems = Problems()
    for p in scan(raw, limits.max_json_depth):
        problems.add(f"{p.path or 'the event'}: {p.reason}", p.code)
    if problems.found:
        raise problems.error()
    _check_size(raw, limits)
    now = as_utc(now)
    most = limits.max_text_length
    message_id = fields.text(raw.get("messageId"), "messageId", most, problems)
    event_type = fields.name(raw.get("type"), "type", most, problems, required=True)
    channel = fields.name(raw.get("channel"), "channel", most, problems, required=False)
    timestamp = fields.timestamp(raw.get("timestamp"), now, limits.max_future_skew, problems)
    read = read_identifiers(raw.get("identifiers"), policy, limits.max_identifiers_per_event)
    if read.problem:
        problems.add(read.problem, NO_USABLE_IDENTIFIER if read.empty else INVALID_EVENT)
    elif not read.usable:
        why = "; ".join(f"{w.path}: {w.reason}" for w in read.warnings[:5])
        detail = f"({why})" if why else "(at least one identifier is required)"
        problems.add(f"no usable identifier {detail}", NO_USABLE_IDENTIFIER)
    traits = fields.json_object(raw.get("traits"), "traits", problems)
    properties = fields.json_object(raw.get("properties"), "properties", problems)
    source = fields.text(raw.get("source"), "source", most, problems)
    context, notes = fields.context(raw, FIELDS)
    if problems.found or event_type is None:
        raise problems.error("event", message_id)
    if message_id is None:
        message_id = derive_message_id(
            type=event_type,
            channel=channel,
            timestamp=timestamp,
            identifier_keys=read.keys,
            traits=traits,
            properties=properties,
        )
    return Event(
        message_id=message_id,
        type=event_type,
        channel=channel,
        timestamp=now if timestamp is None else timestamp,
        identifiers=read.usable,
        traits=traits,
        properties=properties,
        source=source,
        context=context,
        invalid=read.invalid,
        warnings=read.warnings + notes,
    )


def check_text(value: object, field: str, limits: EventLimits) -> str | None:
    """A request-level text (a batch's ``source``): clean text or None; else the
    specific error (``INVALID_TEXT``, ``TEXT_TOO_LONG``, ``INVALID_EVENT``)."""
    problems = Problems()
    for p in scan(value, 1):
        problems.add(f"{field} {p.reason}", p.code)
    cleaned = (
        None if problems.found else fields.text(value, field, limits.max_text_length, problems)
    )
    if problems.found:
        raise problems.error(field)
    return cleaned


def _size_default(value: object) -> object:
    # Only for measuring: a datetime from the GraphQL layer counts as its ISO text, and
    # anything else unserializable as its str (validation rejects it later).
    if isinstance(value, datetime):
        return value.isoformat()
    return dict(value) if isinstance(value, Mapping) else str(value)


def _check_size(raw: Mapping[str, object], limits: EventLimits) -> None:
    # Safe to encode: scan() bounded the depth and the text first.
    encoded = json.dumps(
        raw, default=_size_default, skipkeys=True, ensure_ascii=False, separators=(",", ":")
    ).encode()
    if len(encoded) > limits.max_event_bytes:
        reason = (
            f"the event is {len(encoded)} bytes of JSON, more than the limit of "
            f"{limits.max_event_bytes}"
        )
        raise LimitExceeded(
            reason, reasons=[reason], size=len(encoded), limit=limits.max_event_bytes
        )
