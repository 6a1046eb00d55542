"""The neutral types of the identity graph: what ``store/`` reads and ``resolution/`` decides on.

Both layers import this module and nothing of each other: the store turns rows into
these types (``store/records.py``), resolution computes on them. It holds no rule and
does no I/O.
"""

from __future__ import annotations

from dataclasses import dataclass

# Identifier statuses (``Identifier.status`` in the graph).
OK = "ok"
BLOCKED = "blocked"  # a placeholder or junk value: stored, never links
HUB = "hub"  # linked to more identifiers than its kind's hub threshold
INVALID = "invalid"  # a malformed value kept with its raw text: never links
STATUSES = (OK, BLOCKED, HUB, INVALID)

# The refusal a link gets when an operator revoked it (``LINKED.revoked``).
REVOKED = "revoked"

# Link rules (``LINKED.rule``); fuzzy links are scored by graph_cdp.matching.
CO_OCCURRENCE = "co_occurrence"
EXPLICIT = "explicit"
FUZZY = "fuzzy"
# The refusal of a fuzzy link a reviewer rejected (a cannot-link).
REJECTED = "rejected"

# What was last decided for a link: (active, refusedBy).
Decision = tuple[bool, str | None]


@dataclass(frozen=True)
class Node:
    key: str
    kind: str
    value: str
    first_seen: int  # epoch milliseconds
    status: str = OK  # one of STATUSES
    names: tuple[str, ...] = ()  # "first|last" names seen with it (see resolution/names.py)


@dataclass(frozen=True)
class Link:
    a: str
    b: str
    count: int
    first_seen: int  # epoch milliseconds
    revoked: bool = False
    rule: str = CO_OCCURRENCE  # CO_OCCURRENCE | EXPLICIT | FUZZY
    weight: float = 0.0  # fuzzy only: the match weight (log2 Bayes factor)
    rejected: bool = False  # fuzzy only: a reviewer's cannot-link

    @property
    def fuzzy(self) -> bool:
        return self.rule == FUZZY

    @property
    def pair(self) -> tuple[str, str]:
        return (self.a, self.b) if self.a <= self.b else (self.b, self.a)


@dataclass(frozen=True, slots=True)
class StoredLink:
    """A ``LINKED`` relationship as stored: the evidence and its last decision."""

    link: Link
    decision: Decision


@dataclass(frozen=True, slots=True)
class StoredIdentifier:
    """An identifier as the full job reads it: the node, its stored status, its customer."""

    node: Node  # status: the stored one
    customer: str | None


@dataclass(frozen=True, slots=True)
class UnitMember:
    """An identifier read under its lock during a locked walk."""

    node: Node
    customer: str | None
    customer_created: int  # the customer's createdAt, epoch milliseconds (0 without one)


@dataclass(frozen=True, slots=True)
class IdentifierRef:
    key: str
    kind: str
    value: str


@dataclass(frozen=True, slots=True)
class StatusInput:
    """What an identifier's status is computed from; the hub threshold comes from the rules."""

    key: str
    kind: str
    blocked: str | None  # the block reason, None when the value is usable


@dataclass(frozen=True, slots=True)
class StatusChange:
    key: str
    before: str | None
    status: str


@dataclass
class Unit:
    """A locked resolution unit: its identifiers, links, customers and stored decisions."""

    nodes: dict[str, Node]
    links: list[Link]
    current: dict[str, str | None]  # identifier key -> customer id
    created_at: dict[str, int]  # customer id -> createdAt, epoch milliseconds
    decisions: dict[tuple[str, str], Decision]  # stored (active, refusedBy)


@dataclass(frozen=True)
class UnitChanges:
    """What resolving a unit decided, as the writes that make it so."""

    created: list[tuple[str, str | None]]  # (new customer id, split from)
    assign: dict[str, str]  # identifier key -> customer id (changes only)
    merges: list[tuple[str, str]]  # (merged id, survivor id)
    decisions: list[tuple[str, str, bool, str | None]]  # (a, b, active, refusedBy), changes only


@dataclass(frozen=True)
class KnownUnit:
    """A changed unit whose outcome the full job knows from its read: a plain unit with
    one customer or none, or any unit none of whose identifiers has a customer yet.
    Written as it is here if the store still holds it as read (the fence)."""

    keys: list[str]
    degrees: list[int]  # each identifier's observed (non-fuzzy) links as read: its degree
    links: list[int]  # each identifier's links of any rule as read: the fence compares them
    thresholds: list[int]  # each identifier's hub threshold
    statuses: list[str]  # each identifier's status under the rules
    blocked: list[str | None]  # each identifier's block reason
    customer: str | None  # every member's customer as read (the same one, or none)
    clusters: list[list[str]]  # with no customer: one new customer per cluster
    decisions: list[tuple[str, str, bool, str | None]]  # links inside to record, changes only


@dataclass
class IdentifierColumns:
    """Identifiers as the full job reads them, one list per field (in key order)."""

    keys: list[str]
    kinds: list[str]
    values: list[str]
    first_seen: list[int]  # epoch milliseconds
    stored: list[str]  # the stored status
    customer: list[str | None]
    names: list[tuple[str, ...]]


@dataclass
class LinkColumns:
    """Links as the full job reads them, one list per field."""

    a: list[str]
    b: list[str]
    count: list[int]
    first_seen: list[int]
    active: list[bool]
    refused_by: list[str | None]
    revoked: list[bool]
    rule: list[str]
    weight: list[float]
    rejected: list[bool]
