"""An event's identifier list: what can be used, and what is kept but never linked.

Partial acceptance: one mistyped phone must not lose the purchase it came with. Each
entry of ``identifiers`` is either *usable* (normalized, maybe blocked) or *invalid*: a
malformed value, an unknown kind, an entry without a kind or a value. An invalid entry
does not reject its event; it becomes an :class:`InvalidValue`, stored as an
``(:Identifier:Invalid {status: 'invalid'})`` node with its raw text and the reason
(so a later rule change can repair it), observed by the interaction, never linked and
never given a customer. The event carries a warning naming the entry's path.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass

from graph_cdp.errors import InvalidIdentifier, UnknownIdentifierKind
from graph_cdp.identifiers import IdentifierPolicy, NormalizedIdentifier
from graph_cdp.rawjson import shown

INVALID = "invalid"
INVALID_PREFIX = "invalid:"
# What is kept of a raw value: enough to repair it, never a megabyte on a node.
MAX_RAW_KEPT = 1024
_MAX_KIND_KEPT = 64


@dataclass(frozen=True, slots=True)
class FieldWarning:
    """Something of an accepted event that was not used as sent; ``path`` names it."""

    path: str
    reason: str


@dataclass(frozen=True, slots=True)
class InvalidValue:
    """A malformed identifier, kept with its raw text: ``key`` never collides with a
    normalized key (those are ``kind:value``, and no kind is named ``invalid``)."""

    kind: str
    raw: str
    reason: str
    path: str

    @property
    def key(self) -> str:
        digest = hashlib.sha256(f"{self.kind}\x1f{self.raw}".encode()).hexdigest()[:32]
        return f"{INVALID_PREFIX}{self.kind}:{digest}"

    def row(self) -> dict[str, object]:
        return {
            "key": self.key,
            "kind": self.kind,
            "value": self.raw[:MAX_RAW_KEPT],
            "rawLength": len(self.raw),
            "reason": self.reason,
        }


@dataclass
class IdentifierList:
    """The outcome of reading one event's ``identifiers``."""

    usable: tuple[NormalizedIdentifier, ...] = ()
    invalid: tuple[InvalidValue, ...] = ()
    problem: str | None = None  # the list itself cannot be read: the event is rejected
    notes: tuple[FieldWarning, ...] = ()

    @property
    def empty(self) -> bool:
        """No identifiers at all (as opposed to a list too long to read)."""
        return self.problem is not None and not self.problem.startswith("too many")

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(n.key for n in self.usable) + tuple(v.key for v in self.invalid)

    @property
    def warnings(self) -> tuple[FieldWarning, ...]:
        return tuple(FieldWarning(v.path, v.reason) for v in self.invalid) + self.notes


def _text_of(value: object) -> str:
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, default=str)


def _entry(
    entry: object, where: str, policy: IdentifierPolicy
) -> NormalizedIdentifier | InvalidValue:
    if not isinstance(entry, Mapping):
        return InvalidValue("unknown", _text_of(entry), "not an object {kind, value}", where)
    kind, value = entry.get("kind"), entry.get("value")
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    kind_text = kind[:_MAX_KIND_KEPT] if isinstance(kind, str) else "unknown"
    if not isinstance(kind, str) or not isinstance(value, str):
        return InvalidValue(
            kind_text, _text_of(value), "needs a string kind and a string value", where
        )
    try:
        return policy.normalize(kind, value)
    except UnknownIdentifierKind:
        reason = f"unknown identifier kind {shown(kind)}; known: {', '.join(sorted(policy.kinds))}"
        return InvalidValue(kind_text, value, reason, f"{where}.kind")
    except InvalidIdentifier as e:
        return InvalidValue(policy.kind(kind), value, str(e.details["reason"]), f"{where}.value")


def read_identifiers(value: object, policy: IdentifierPolicy, limit: int) -> IdentifierList:
    """Usable identifiers (deduplicated by key, first first) and the invalid ones."""
    if not isinstance(value, list | tuple):
        shown_type = "missing" if value is None else f"a {type(value).__name__}"
        return IdentifierList(
            problem=f"identifiers must be a list of {{kind, value}}, got {shown_type}"
        )
    if len(value) > limit:
        return IdentifierList(problem=f"too many identifiers: {len(value)}, the limit is {limit}")
    usable: dict[str, NormalizedIdentifier] = {}
    invalid: dict[str, InvalidValue] = {}
    notes: list[FieldWarning] = []
    for index, entry in enumerate(value):
        where = f"identifiers[{index}]"
        extra = (
            sorted(str(k) for k in entry if k not in ("kind", "value"))
            if isinstance(entry, Mapping)
            else []
        )
        if extra:
            notes.append(FieldWarning(where, f"unknown fields {extra} ignored"))
        found = _entry(entry, where, policy)
        if isinstance(found, InvalidValue):
            invalid.setdefault(found.key, found)
        else:
            usable.setdefault(found.key, found)
    return IdentifierList(tuple(usable.values()), tuple(invalid.values()), notes=tuple(notes))
