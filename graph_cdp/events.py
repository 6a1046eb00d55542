"""The input model (DESIGN.md's EventInput) and its validation.

:func:`validate_event` turns one raw event (a mapping with the GraphQL field names:
``messageId``, ``type``, ``channel``, ``timestamp``, ``identifiers``, ``traits``,
``properties``, ``source``) into an immutable :class:`Event`, or raises:

* :class:`~graph_cdp.errors.LimitExceeded` when the raw event's compact JSON is larger
  than ``max_event_bytes``. Size is the gate: an oversized event is not examined
  further, so a 50 MB payload costs one ``json.dumps`` and nothing more.
* :class:`~graph_cdp.errors.InvalidEvent` with *every* problem found in
  ``details["reasons"]``. The event is rejected if ANY identifier is malformed or of an
  unknown kind (the reason names it by index), so an event is never half-stored.
  Blocked identifiers do not reject it; an event whose identifiers are all blocked is
  accepted and kept as evidence, it just links nothing.

Decisions the contract leaves open:

* ``None`` and blank strings mean "absent" for the optional fields; unknown top-level
  fields are rejected (a typo such as ``identifers`` must not silently drop data).
* ``type`` and ``channel`` are normalized to snake_case (``"Page View"`` and
  ``"pageView"`` -> ``page_view``); names outside the known sets are allowed.
* An identifier value may be a JSON integer (numeric customer ids); it becomes text.
  Identifiers are deduplicated by key, first occurrence first. More than
  ``max_identifiers_per_event`` raw entries is one reason, and the entries are then
  not checked one by one.
* A timestamp is a datetime or an ISO-8601 string (epoch numbers are rejected: seconds
  and milliseconds cannot be told apart safely); naive means UTC; it is stored in UTC.
  More than ``max_future_skew`` ahead of ``now`` is rejected, and so is anything before
  1970, which is a zero date (``0001-01-01``) rather than an event time.
* Without a ``messageId`` the id is derived: ``derived-`` + sha256 of the canonical
  JSON of (type, channel, timestamp, sorted identifier keys, traits, properties).
  ``source`` is left out on purpose, so the same event relayed by two pipelines is one
  event. When the caller sent no timestamp the derived id uses ``null`` for the time,
  not ``now``: otherwise every retry would get a fresh id and idempotency would be
  lost. The price is that two genuinely repeated, identical, timestamp-less events
  count once; callers who need both must send a timestamp or a messageId.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TypeAlias

from graph_cdp.config import Settings
from graph_cdp.errors import InvalidEvent, InvalidIdentifier, LimitExceeded, UnknownIdentifierKind
from graph_cdp.identifiers import IdentifierPolicy, NormalizedIdentifier

JsonValue: TypeAlias = "bool | int | float | str | list[JsonValue] | dict[str, JsonValue] | None"

# Known names are documentation and hints for the API; other names are accepted.
KNOWN_EVENT_TYPES: frozenset[str] = frozenset({
    "page_view", "login", "purchase", "email_open", "app_open", "form_fill",
    "store_purchase", "identify",
})  # fmt: skip
KNOWN_CHANNELS: frozenset[str] = frozenset(
    {"web", "email", "mobile_app", "social", "store", "call_center", "sms", "other"}
)
FIELDS: frozenset[str] = frozenset(
    {"messageId", "type", "channel", "timestamp", "identifiers", "traits", "properties", "source"}
)
DERIVED_ID_PREFIX = "derived-"
MAX_TEXT_LENGTH = 256
MAX_JSON_DEPTH = 32

_NAME_RE = re.compile(r"[a-z][a-z0-9_]{0,63}")
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MAX_REASONS_PER_FIELD = 5


@dataclass(frozen=True, slots=True)
class EventLimits:
    """How large an event and a batch may be, and how far ahead a timestamp may lie."""

    max_identifiers_per_event: int = 50
    max_event_bytes: int = 65536
    max_batch_size: int = 1000
    max_future_skew: timedelta = timedelta(days=1)

    @classmethod
    def from_settings(cls, settings: Settings) -> EventLimits:
        return cls(
            max_identifiers_per_event=settings.max_identifiers_per_event,
            max_event_bytes=settings.max_event_bytes,
            max_batch_size=settings.max_batch_size,
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
        }


def check_batch_size(n: int, limits: EventLimits) -> None:
    """Raise LimitExceeded when a batch holds more than ``max_batch_size`` items."""
    if n > limits.max_batch_size:
        raise LimitExceeded(
            f"batch of {n} items exceeds the limit of {limits.max_batch_size}",
            size=n,
            limit=limits.max_batch_size,
        )


def snake_name(raw: str) -> str:
    """``"Page View"``, ``"pageView"``, ``"page-view"`` -> ``"page_view"``."""
    text = unicodedata.normalize("NFKC", raw).strip()
    text = re.sub(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", "_", text)
    text = re.sub(r"[\s\-./]+", "_", text).lower()
    return re.sub(r"_+", "_", text).strip("_")


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
        "timestamp": None if timestamp is None else _as_utc(timestamp).isoformat(),
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
    _check_size(raw, limits)
    now = _as_utc(now)
    reasons = [f"unknown field {str(k)!r}" for k in raw if k not in FIELDS]
    message_id = _text(raw.get("messageId"), "messageId", reasons)
    event_type = _name(raw.get("type"), "type", reasons, required=True)
    channel = _name(raw.get("channel"), "channel", reasons, required=False)
    timestamp = _timestamp(raw.get("timestamp"), now, limits, reasons)
    identifiers = _identifiers(raw.get("identifiers"), policy, limits, reasons)
    traits = _json_object(raw.get("traits"), "traits", reasons)
    properties = _json_object(raw.get("properties"), "properties", reasons)
    source = _text(raw.get("source"), "source", reasons)
    if reasons or event_type is None:
        raise InvalidEvent(
            f"invalid event: {'; '.join(reasons)}", reasons=reasons, message_id=message_id
        )
    if message_id is None:
        message_id = derive_message_id(
            type=event_type,
            channel=channel,
            timestamp=timestamp,
            identifier_keys=tuple(n.key for n in identifiers),
            traits=traits,
            properties=properties,
        )
    return Event(
        message_id=message_id,
        type=event_type,
        channel=channel,
        timestamp=now if timestamp is None else timestamp,
        identifiers=identifiers,
        traits=traits,
        properties=properties,
        source=source,
    )


def _as_utc(moment: datetime) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def _size_default(value: object) -> object:
    # Only for measuring: a datetime from the GraphQL layer counts as its ISO text, and
    # anything else unserializable as its str (validation rejects it later).
    if isinstance(value, datetime):
        return value.isoformat()
    return dict(value) if isinstance(value, Mapping) else str(value)


def _check_size(raw: Mapping[str, object], limits: EventLimits) -> None:
    try:
        encoded = json.dumps(
            raw, default=_size_default, skipkeys=True, ensure_ascii=False, separators=(",", ":")
        ).encode()
    except (ValueError, RecursionError) as e:
        reason = f"the event cannot be encoded as JSON ({type(e).__name__}: {e})"
        raise InvalidEvent(f"invalid event: {reason}", reasons=[reason]) from e
    if len(encoded) > limits.max_event_bytes:
        reason = (
            f"the event is {len(encoded)} bytes of JSON, more than the limit of "
            f"{limits.max_event_bytes}"
        )
        raise LimitExceeded(
            reason, reasons=[reason], size=len(encoded), limit=limits.max_event_bytes
        )


def _text(value: object, field: str, reasons: list[str]) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        reasons.append(f"{field} must be a string, got {type(value).__name__}")
        return None
    text = unicodedata.normalize("NFKC", value).strip()
    if len(text) > MAX_TEXT_LENGTH:
        reasons.append(f"{field} is longer than {MAX_TEXT_LENGTH} characters")
    elif any(unicodedata.category(c)[0] == "C" for c in text):
        reasons.append(f"{field} {text!r} contains a control or invisible character")
    return text or None


def _name(value: object, field: str, reasons: list[str], *, required: bool) -> str | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            reasons.append(f"{field} is required")
        return None
    if not isinstance(value, str):
        reasons.append(f"{field} must be a string, got {type(value).__name__}")
        return None
    name = snake_name(value)
    if not _NAME_RE.fullmatch(name):
        reasons.append(
            f"{field} {value!r} must become snake_case a-z 0-9 _ starting with a letter, "
            f"at most 64 characters (got {name!r})"
        )
        return None
    return name


def _timestamp(
    value: object, now: datetime, limits: EventLimits, reasons: list[str]
) -> datetime | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, str):
        try:
            moment = datetime.fromisoformat(value.strip())
        except ValueError:
            reasons.append(f"timestamp {value!r} is not an ISO-8601 date-time")
            return None
    else:
        reasons.append(
            f"timestamp must be an ISO-8601 string or a datetime, got {type(value).__name__}"
        )
        return None
    try:
        moment = _as_utc(moment)
    except OverflowError:
        reasons.append(f"timestamp {value!s} is out of range in UTC")
        return None
    if moment > now + limits.max_future_skew:
        reasons.append(
            f"timestamp {moment.isoformat()} is more than {limits.max_future_skew} "
            f"ahead of now ({now.isoformat()})"
        )
    elif moment < _EPOCH:
        reasons.append(f"timestamp {moment.isoformat()} is before 1970: a placeholder date")
    return moment


def _identifiers(
    value: object, policy: IdentifierPolicy, limits: EventLimits, reasons: list[str]
) -> tuple[NormalizedIdentifier, ...]:
    if not isinstance(value, list | tuple):
        shown = "missing" if value is None else f"a {type(value).__name__}"
        reasons.append(f"identifiers must be a list of {{kind, value}}, got {shown}")
        return ()
    if not value:
        reasons.append("at least one identifier is required")
        return ()
    if len(value) > limits.max_identifiers_per_event:
        reasons.append(
            f"too many identifiers: {len(value)}, the limit is {limits.max_identifiers_per_event}"
        )
        return ()
    seen: dict[str, NormalizedIdentifier] = {}
    for index, entry in enumerate(value):
        normalized = _identifier(entry, f"identifiers[{index}]", policy, reasons)
        if normalized is not None:
            seen.setdefault(normalized.key, normalized)
    return tuple(seen.values())


def _identifier(
    entry: object, where: str, policy: IdentifierPolicy, reasons: list[str]
) -> NormalizedIdentifier | None:
    if not isinstance(entry, Mapping):
        reasons.append(f"{where} must be an object {{kind, value}}")
        return None
    extra = sorted(str(k) for k in entry if k not in ("kind", "value"))
    if extra:
        reasons.append(f"{where} has unknown fields {extra}")
    kind, value = entry.get("kind"), entry.get("value")
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(kind, str) or not isinstance(value, str):
        reasons.append(f"{where} needs a string kind and a string value")
        return None
    try:
        return policy.normalize(kind, value)
    except (InvalidIdentifier, UnknownIdentifierKind) as e:
        reasons.append(f"{where}: {e.message}")
        return None


def _json_object(value: object, field: str, reasons: list[str]) -> dict[str, JsonValue]:
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        reasons.append(f"{field} must be an object, got {type(value).__name__}")
        return {}
    problems: list[str] = []
    copied = _json_copy(value, field, 0, problems)
    reasons.extend(problems[:_MAX_REASONS_PER_FIELD])
    if len(problems) > _MAX_REASONS_PER_FIELD:
        reasons.append(f"{field}: {len(problems) - _MAX_REASONS_PER_FIELD} more problems")
    return copied if isinstance(copied, dict) else {}


def _json_copy(value: object, path: str, depth: int, problems: list[str]) -> JsonValue:
    """A plain-JSON deep copy, so the event does not share mutable state with the caller."""
    if depth > MAX_JSON_DEPTH:
        problems.append(f"{path} is nested deeper than {MAX_JSON_DEPTH} levels")
        return None
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            problems.append(f"{path} is {value}, which JSON cannot hold")
        return value
    if isinstance(value, Mapping):
        copied: dict[str, JsonValue] = {}
        for key, item in value.items():
            if not isinstance(key, str):
                problems.append(f"{path} has a non-string key {key!r}")
                continue
            copied[key] = _json_copy(item, f"{path}.{key}", depth + 1, problems)
        return copied
    if isinstance(value, list | tuple):
        return [
            _json_copy(item, f"{path}[{i}]", depth + 1, problems) for i, item in enumerate(value)
        ]
    problems.append(f"{path} is a {type(value).__name__}, which is not JSON")
    return None
