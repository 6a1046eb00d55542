"""Reading the fields of one raw event: texts, names, the timestamp, JSON objects, context.

Each reader appends what is wrong to a :class:`Problems` (with the code the event would
be rejected with) and returns what it could read; :func:`graph_cdp.events.validate_event`
decides. Every message shows a caller's text cut short (:func:`graph_cdp.rawjson.shown`):
a reason must never repeat a megabyte back.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import TypeAlias

from graph_cdp.errors import (
    InvalidEvent,
    InvalidText,
    NestingTooDeep,
    NoUsableIdentifier,
    TextTooLong,
)
from graph_cdp.invalid import FieldWarning
from graph_cdp.rawjson import INVALID_TEXT, NESTING_TOO_DEEP, shown

JsonValue: TypeAlias = "bool | int | float | str | list[JsonValue] | dict[str, JsonValue] | None"

TEXT_TOO_LONG = "TEXT_TOO_LONG"
NO_USABLE_IDENTIFIER = "NO_USABLE_IDENTIFIER"
INVALID_EVENT = "INVALID_EVENT"
CONTEXT_FIELD = "context"
# When an event has several problems, it is rejected with the first of these codes.
_PRECEDENCE: tuple[tuple[str, type[InvalidEvent]], ...] = (
    (INVALID_TEXT, InvalidText),
    (NESTING_TOO_DEEP, NestingTooDeep),
    (TEXT_TOO_LONG, TextTooLong),
    (INVALID_EVENT, InvalidEvent),
    (NO_USABLE_IDENTIFIER, NoUsableIdentifier),
)
_NAME_RE = re.compile(r"[a-z][a-z0-9_]{0,63}")
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MAX_REASONS_PER_FIELD = 5


class Problems:
    """Reasons found so far, each with the code it would reject the event with."""

    def __init__(self) -> None:
        self.found: list[tuple[str, str]] = []

    def add(self, reason: str, code: str = INVALID_EVENT) -> None:
        self.found.append((code, reason))

    @property
    def reasons(self) -> list[str]:
        return [reason for _, reason in self.found]

    def error(self, what: str = "event", message_id: str | None = None) -> InvalidEvent:
        """The most specific error for what was found (see ``_PRECEDENCE``)."""
        codes = {code for code, _ in self.found}
        cls = next((c for code, c in _PRECEDENCE if code in codes), InvalidEvent)
        reasons = self.reasons
        return cls(f"invalid {what}: {'; '.join(reasons)}", reasons=reasons, message_id=message_id)


def as_utc(moment: datetime) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def snake_name(raw: str) -> str:
    """``"Page View"``, ``"pageView"``, ``"page-view"`` -> ``"page_view"``."""
    text = unicodedata.normalize("NFKC", raw).strip()
    text = re.sub(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", "_", text)
    text = re.sub(r"[\s\-./]+", "_", text).lower()
    return re.sub(r"_+", "_", text).strip("_")


def text(value: object, field: str, max_length: int, problems: Problems) -> str | None:
    """An optional text field (messageId, source): NFKC, trimmed, printable, bounded."""
    if value is None:
        return None
    if not isinstance(value, str):
        problems.add(f"{field} must be a string, got {type(value).__name__}")
        return None
    if len(value) > max_length:
        problems.add(f"{field} is {len(value)} characters, more than {max_length}", TEXT_TOO_LONG)
        return None
    cleaned = unicodedata.normalize("NFKC", value).strip()
    if len(cleaned) > max_length:
        problems.add(f"{field} is longer than {max_length} characters", TEXT_TOO_LONG)
    elif any(unicodedata.category(c)[0] == "C" for c in cleaned):
        problems.add(f"{field} {shown(cleaned)} contains a control or invisible character")
    return cleaned or None


def name(
    value: object, field: str, max_length: int, problems: Problems, *, required: bool
) -> str | None:
    """``type`` or ``channel``: snake_case, at most 64 characters once converted."""
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            problems.add(f"{field} is required")
        return None
    if not isinstance(value, str):
        problems.add(f"{field} must be a string, got {type(value).__name__}")
        return None
    if len(value) > max_length:
        problems.add(f"{field} is {len(value)} characters, more than {max_length}", TEXT_TOO_LONG)
        return None
    converted = snake_name(value)
    if not _NAME_RE.fullmatch(converted):
        problems.add(
            f"{field} {shown(value)} must become snake_case a-z 0-9 _ starting with a letter, "
            f"at most 64 characters (got {shown(converted)})"
        )
        return None
    return converted


def timestamp(
    value: object, now: datetime, max_future_skew: timedelta, problems: Problems
) -> datetime | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, str):
        try:
            moment = datetime.fromisoformat(value.strip())
        except ValueError:
            problems.add(f"timestamp {shown(value)} is not an ISO-8601 date-time")
            return None
    else:
        problems.add(
            f"timestamp must be an ISO-8601 string or a datetime, got {type(value).__name__}"
        )
        return None
    try:
        moment = as_utc(moment)
    except OverflowError:
        problems.add(f"timestamp {shown(str(value))} is out of range in UTC")
        return None
    if moment > now + max_future_skew:
        problems.add(
            f"timestamp {moment.isoformat()} is more than {max_future_skew} "
            f"ahead of now ({now.isoformat()})"
        )
    elif moment < _EPOCH:
        problems.add(f"timestamp {moment.isoformat()} is before 1970: a placeholder date")
    return moment


def json_object(value: object, field: str, problems: Problems) -> dict[str, JsonValue]:
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        problems.add(f"{field} must be an object, got {type(value).__name__}")
        return {}
    found: list[str] = []
    copied = json_copy(value, field, found)
    for reason in found[:_MAX_REASONS_PER_FIELD]:
        problems.add(reason)
    if len(found) > _MAX_REASONS_PER_FIELD:
        problems.add(f"{field}: {len(found) - _MAX_REASONS_PER_FIELD} more problems")
    return copied if isinstance(copied, dict) else {}


def json_copy(value: object, path: str, problems: list[str]) -> JsonValue:
    """A plain-JSON deep copy, so the event does not share mutable state with the caller.

    Recursive, but only ever called on a value :func:`graph_cdp.rawjson.scan` has
    bounded to ``max_json_depth`` levels."""
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
                problems.append(f"{path} has a non-string key {shown(str(key))}")
                continue
            copied[key] = json_copy(item, f"{path}.{key}", problems)
        return copied
    if isinstance(value, list | tuple):
        return [json_copy(item, f"{path}[{i}]", problems) for i, item in enumerate(value)]
    if isinstance(value, datetime):
        return value.isoformat()
    problems.append(f"{path} is a {type(value).__name__}, which is not JSON")
    return None


def context(
    raw: Mapping[str, object], known: frozenset[str]
) -> tuple[dict[str, JsonValue], tuple[FieldWarning, ...]]:
    """The sent ``context`` plus every unknown top-level field, never a reason to reject.

    A name the sent context already holds is kept as ``_name``; a context that is not
    an object is kept as ``context._context``. Values that are not JSON (only possible
    from Python callers) become their ``str``."""
    sent = raw.get(CONTEXT_FIELD)
    notes: list[FieldWarning] = []
    kept: dict[str, JsonValue] = {}
    ignored: list[str] = []
    if isinstance(sent, Mapping):
        copied = json_copy(sent, CONTEXT_FIELD, ignored)
        kept.update(copied if isinstance(copied, dict) else {})
    elif sent is not None:
        kept["_context"] = json_copy(sent, CONTEXT_FIELD, ignored)
        notes.append(FieldWarning(CONTEXT_FIELD, "not an object: kept as context._context"))
    for key, value in raw.items():
        if key in known:
            continue
        label = str(key) if str(key) not in kept else f"_{key}"
        kept[label] = json_copy(value, str(key), ignored)
        notes.append(FieldWarning(str(key), f"unknown field kept as context.{label}"))
    notes.extend(FieldWarning(CONTEXT_FIELD, reason) for reason in ignored[:5])
    return kept, tuple(notes)
