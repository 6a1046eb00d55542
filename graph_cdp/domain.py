"""The domain objects the service layer returns (the API maps them to GraphQL types)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class IdentifierView:
    kind: str
    value: str
    key: str
    first_seen: datetime | None = None
    last_seen: datetime | None = None
    status: str = "ok"  # "ok" | "blocked" | "hub" | "invalid"
    status_reason: str | None = None


@dataclass(frozen=True)
class TraitValue:
    """The most recent non-empty value of one trait, with where and when it was seen."""

    name: str
    value: Any
    source: str | None
    at: datetime
    interaction_id: str


@dataclass(frozen=True)
class InteractionView:
    id: str
    type: str
    channel: str | None
    source: str | None
    at: datetime
    properties: dict[str, Any]
    traits: dict[str, Any]
    identifiers: tuple[str, ...] = ()
    context: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class InteractionPage:
    items: list[InteractionView]
    total: int
    end_cursor: str | None
    has_next_page: bool


@dataclass(frozen=True)
class Count:
    key: str
    count: int


@dataclass(frozen=True)
class WeakPoint:
    """A bridge link whose removal would split the customer in two."""

    a: str
    b: str
    rule: str
    count: int
    side_sizes: tuple[int, int]


@dataclass(frozen=True)
class Profile:
    id: str
    created_at: datetime
    updated_at: datetime
    identifiers: list[IdentifierView]
    first_seen: datetime | None
    last_seen: datetime | None
    merged_from: list[str]
    requested_id: str | None = None  # the id asked for, when it was merged into this one


@dataclass(frozen=True)
class ProfilePage:
    items: list[Profile]
    total: int
    end_cursor: str | None
    has_next_page: bool


@dataclass(frozen=True)
class GraphNode:
    id: str  # identifier key, "customer:<id>" or "interaction:<id>"
    label: str  # Email, Phone, Device, Cookie, LoyaltyId, CustomerId, Customer, Interaction
    caption: str
    properties: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class GraphEdge:
    source: str
    target: str
    type: str  # LINKED, BELONGS_TO, OBSERVED
    properties: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class IdentityGraph:
    profile_id: str
    nodes: list[GraphNode]
    edges: list[GraphEdge]
    truncated: bool
    total_nodes: int


@dataclass(frozen=True)
class FieldWeight:
    """One comparison of a scored pair: its level and log2 Bayes factor (Splink's waterfall)."""

    field: str
    level: str
    weight: float


@dataclass(frozen=True)
class Hop:
    """One link of an evidence path."""

    a: str
    b: str
    rule: str
    active: bool
    count: int
    sources: list[str]
    first_seen: datetime | None
    last_seen: datetime | None
    refused_by: str | None = None
    weight: float | None = None  # fuzzy links: the match weight
    probability: float | None = None  # fuzzy links: the match probability
    fields: list[FieldWeight] = field(default_factory=list)  # fuzzy links: the waterfall


@dataclass(frozen=True)
class LinkExplanation:
    a: str
    b: str
    same_customer: bool
    customer_a: str | None
    customer_b: str | None
    path: list[Hop]  # active evidence path when same_customer; else the refused path, if any
    reason: str  # a sentence a person can read
    fields: list[FieldWeight] = field(default_factory=list)  # the first fuzzy hop's waterfall


@dataclass(frozen=True)
class MatchCandidate:
    """A scored pair between the review and merge thresholds, waiting for (or after) review."""

    id: str
    a: str  # anchor identifier keys of the two records
    b: str
    probability: float
    weight: float
    fields: list[FieldWeight]
    status: str  # "pending" | "accepted" | "rejected"
    customer_a: str | None = None
    customer_b: str | None = None


@dataclass(frozen=True)
class MatchCandidatePage:
    items: list[MatchCandidate]
    total: int
    end_cursor: str | None
    has_next_page: bool


@dataclass(frozen=True)
class ReviewResult:
    candidate: MatchCandidate
    merges: int
    splits: int


@dataclass(frozen=True)
class Rejection:
    index: int
    message_id: str | None
    reasons: list[str]
    dead_letter_id: str | None = None
    code: str = "INVALID_EVENT"  # the most specific error code of the reasons


@dataclass(frozen=True)
class IngestWarning:
    """Part of an accepted event that was kept but not used as sent (a malformed phone)."""

    index: int
    message_id: str
    path: str  # the field, e.g. identifiers[2].value, or traits.phone for Segment calls
    reason: str


@dataclass(frozen=True)
class IngestResult:
    accepted: int
    duplicates: int
    rejected: list[Rejection]
    accepted_ids: list[str]
    duplicate_ids: list[str]
    blocked_identifiers: list[str]  # keys stored as evidence but never linked
    customers_created: int = 0
    customers_merged: int = 0
    warnings: list[IngestWarning] = field(default_factory=list)


@dataclass(frozen=True)
class JobView:
    id: str
    status: str  # "queued" | "running" | "succeeded" | "failed"
    mode: str  # "full" | "incremental"
    started_at: datetime | None
    finished_at: datetime | None
    stats: dict[str, Any]
    error: str | None = None
    engine: str = "local"  # "local" | "spark"


@dataclass(frozen=True)
class DeleteResult:
    profile_id: str
    deleted: bool
    identifiers_deleted: int
    interactions_deleted: int
    links_deleted: int
    customers_touched: int


@dataclass(frozen=True)
class RevokeResult:
    """What re-resolving after a revoked link changed."""

    a: str  # the link's ends, normalized keys, smaller first
    b: str
    unit_size: int
    customers_created: int
    splits: int
    merges: int
    identifiers_moved: int


@dataclass(frozen=True)
class DeadLetter:
    id: str
    at: datetime
    reasons: list[str]
    payload: Any  # the event as sent; when truncated, the first bytes of its JSON text
    replayed: bool
    payload_bytes: int = 0  # the size of the whole payload's JSON
    truncated: bool = False
