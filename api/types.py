"""GraphQL output types other than Profile; each maps one domain object with ``from_domain``."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any, TypeVar, cast

import strawberry
from strawberry.scalars import JSON

from graph_cdp import domain

F = TypeVar("F", bound=Callable[..., Any])


def field(description: str) -> Callable[[F], F]:
    """``strawberry.field(description=...)``, typed: its overload returns Any."""
    return cast("Callable[[F], F]", strawberry.field(description=description))


def mutation(description: str) -> Callable[[F], F]:
    return cast("Callable[[F], F]", strawberry.mutation(description=description))


@strawberry.type(description="One identifier of a profile, as normalized and stored.")
class Identifier:
    kind: str
    value: str
    key: str = strawberry.field(description="kind:normalized value, unique in the graph")
    first_seen: datetime | None
    last_seen: datetime | None
    status: str = strawberry.field(description="ok | blocked | hub")
    status_reason: str | None

    @classmethod
    def from_domain(cls, i: domain.IdentifierView) -> Identifier:
        return cls(
            kind=i.kind,
            value=i.value,
            key=i.key,
            first_seen=i.first_seen,
            last_seen=i.last_seen,
            status=i.status,
            status_reason=i.status_reason,
        )


@strawberry.type
class IdentifierGroup:
    kind: str
    identifiers: list[Identifier]


@strawberry.type(description="The latest non-empty value of one trait, and where it came from.")
class Trait:
    name: str
    value: Any = strawberry.field(graphql_type=JSON)
    source: str | None
    at: datetime
    interaction_id: str

    @classmethod
    def from_domain(cls, t: domain.TraitValue) -> Trait:
        return cls(
            name=t.name, value=t.value, source=t.source, at=t.at, interaction_id=t.interaction_id
        )


@strawberry.type
class Count:
    key: str
    count: int

    @classmethod
    def from_domain(cls, c: domain.Count) -> Count:
        return cls(key=c.key, count=c.count)


@strawberry.type(description="A bridge link whose removal would split the profile in two.")
class WeakPoint:
    a: str
    b: str
    rule: str
    count: int
    side_sizes: list[int]

    @classmethod
    def from_domain(cls, w: domain.WeakPoint) -> WeakPoint:
        return cls(a=w.a, b=w.b, rule=w.rule, count=w.count, side_sizes=list(w.side_sizes))


@strawberry.type
class Interaction:
    id: strawberry.ID
    type: str
    channel: str | None
    source: str | None
    at: datetime
    properties: dict[str, Any] = strawberry.field(graphql_type=JSON)
    traits: dict[str, Any] = strawberry.field(graphql_type=JSON)
    identifiers: list[str] = strawberry.field(description="keys of the identifiers observed")
    context: dict[str, Any] = strawberry.field(
        graphql_type=JSON, description="context and unknown fields as sent (Segment's context)"
    )

    @classmethod
    def from_domain(cls, i: domain.InteractionView) -> Interaction:
        return cls(
            id=strawberry.ID(i.id),
            type=i.type,
            channel=i.channel,
            source=i.source,
            at=i.at,
            properties=i.properties,
            traits=i.traits,
            identifiers=list(i.identifiers),
            context=i.context,
        )


@strawberry.type
class PageInfo:
    has_next_page: bool
    end_cursor: str | None


@strawberry.type
class GraphNode:
    id: strawberry.ID
    label: str
    caption: str
    properties: dict[str, Any] = strawberry.field(graphql_type=JSON)


@strawberry.type
class GraphEdge:
    source: strawberry.ID
    target: strawberry.ID
    type: str
    properties: dict[str, Any] = strawberry.field(graphql_type=JSON)


@strawberry.type(description="A profile's identity graph, ready to draw.")
class IdentityGraph:
    profile_id: strawberry.ID
    nodes: list[GraphNode]
    edges: list[GraphEdge]
    truncated: bool = strawberry.field(description="true when maxNodes cut the graph short")
    total_nodes: int

    @classmethod
    def from_domain(cls, g: domain.IdentityGraph) -> IdentityGraph:
        return cls(
            profile_id=strawberry.ID(g.profile_id),
            nodes=[
                GraphNode(
                    id=strawberry.ID(n.id),
                    label=n.label,
                    caption=n.caption,
                    properties=n.properties,
                )
                for n in g.nodes
            ],
            edges=[
                GraphEdge(
                    source=strawberry.ID(e.source),
                    target=strawberry.ID(e.target),
                    type=e.type,
                    properties=e.properties,
                )
                for e in g.edges
            ],
            truncated=g.truncated,
            total_nodes=g.total_nodes,
        )


@strawberry.type(description="One comparison of a scored pair: its level and weight (log2 m/u).")
class FieldWeight:
    field: str
    level: str
    weight: float

    @classmethod
    def from_domain(cls, f: domain.FieldWeight) -> FieldWeight:
        return cls(field=f.field, level=f.level, weight=f.weight)


@strawberry.type(description="One link of an evidence path.")
class Hop:
    a: str
    b: str
    rule: str
    active: bool
    count: int
    sources: list[str]
    first_seen: datetime | None
    last_seen: datetime | None
    refused_by: str | None
    weight: float | None = strawberry.field(description="fuzzy links: the match weight (log2)")
    probability: float | None = strawberry.field(description="fuzzy links: match probability")
    fields: list[FieldWeight] = strawberry.field(description="fuzzy links: the field weights")

    @classmethod
    def from_domain(cls, h: domain.Hop) -> Hop:
        return cls(
            a=h.a,
            b=h.b,
            rule=h.rule,
            active=h.active,
            count=h.count,
            sources=list(h.sources),
            first_seen=h.first_seen,
            last_seen=h.last_seen,
            refused_by=h.refused_by,
            weight=h.weight,
            probability=h.probability,
            fields=[FieldWeight.from_domain(f) for f in h.fields],
        )


@strawberry.type
class LinkExplanation:
    a: str
    b: str
    same_customer: bool
    customer_a: strawberry.ID | None
    customer_b: strawberry.ID | None
    path: list[Hop]
    reason: str
    fields: list[FieldWeight] = strawberry.field(
        description="the waterfall of the fuzzy evidence on the path (empty when none)"
    )

    @classmethod
    def from_domain(cls, x: domain.LinkExplanation) -> LinkExplanation:
        return cls(
            a=x.a,
            b=x.b,
            same_customer=x.same_customer,
            customer_a=_id(x.customer_a),
            customer_b=_id(x.customer_b),
            path=[Hop.from_domain(h) for h in x.path],
            reason=x.reason,
            fields=[FieldWeight.from_domain(f) for f in x.fields],
        )


@strawberry.type
class Rejection:
    index: int
    message_id: str | None
    reasons: list[str]
    dead_letter_id: str | None
    code: str = strawberry.field(
        description="INVALID_EVENT, INVALID_TEXT, NESTING_TOO_DEEP, TEXT_TOO_LONG, "
        "NO_USABLE_IDENTIFIER or LIMIT_EXCEEDED"
    )


@strawberry.type(description="Part of an accepted event kept but not used as sent.")
class IngestWarning:
    index: int
    message_id: str
    path: str = strawberry.field(description="the field, e.g. identifiers[1].value")
    reason: str


@strawberry.type(description="What happened to a batch: nothing sent is silently lost.")
class IngestResult:
    accepted: int
    duplicates: int
    rejected: list[Rejection]
    accepted_ids: list[str]
    duplicate_ids: list[str]
    blocked_identifiers: list[str]
    customers_created: int
    customers_merged: int
    warnings: list[IngestWarning] = strawberry.field(
        description="malformed identifiers kept (status invalid, never linked), unknown fields"
    )

    @classmethod
    def from_domain(cls, r: domain.IngestResult) -> IngestResult:
        return cls(
            accepted=r.accepted,
            duplicates=r.duplicates,
            rejected=[
                Rejection(
                    index=x.index,
                    message_id=x.message_id,
                    reasons=list(x.reasons),
                    dead_letter_id=x.dead_letter_id,
                    code=x.code,
                )
                for x in r.rejected
            ],
            accepted_ids=list(r.accepted_ids),
            duplicate_ids=list(r.duplicate_ids),
            blocked_identifiers=list(r.blocked_identifiers),
            customers_created=r.customers_created,
            customers_merged=r.customers_merged,
            warnings=[
                IngestWarning(index=w.index, message_id=w.message_id, path=w.path, reason=w.reason)
                for w in r.warnings
            ],
        )


@strawberry.type
class ResolutionJob:
    id: strawberry.ID
    status: str = strawberry.field(description="queued | running | succeeded | failed")
    mode: str = strawberry.field(description="full | incremental")
    engine: str = strawberry.field(description="local | spark: where the job ran")
    started_at: datetime | None
    finished_at: datetime | None
    stats: dict[str, Any] = strawberry.field(graphql_type=JSON)
    error: str | None

    @classmethod
    def from_domain(cls, j: domain.JobView) -> ResolutionJob:
        return cls(
            id=strawberry.ID(j.id),
            status=j.status,
            mode=j.mode,
            engine=j.engine,
            started_at=j.started_at,
            finished_at=j.finished_at,
            stats=j.stats,
            error=j.error,
        )


@strawberry.type
class DeleteResult:
    profile_id: strawberry.ID
    deleted: bool
    identifiers_deleted: int
    interactions_deleted: int
    links_deleted: int
    customers_touched: int

    @classmethod
    def from_domain(cls, d: domain.DeleteResult) -> DeleteResult:
        return cls(
            profile_id=strawberry.ID(d.profile_id),
            deleted=d.deleted,
            identifiers_deleted=d.identifiers_deleted,
            interactions_deleted=d.interactions_deleted,
            links_deleted=d.links_deleted,
            customers_touched=d.customers_touched,
        )


@strawberry.type(description="What re-resolving after a revoked link changed.")
class RevokeResult:
    unit_size: int
    customers_created: int
    splits: int
    merges: int
    identifiers_moved: int

    @classmethod
    def from_domain(cls, o: domain.RevokeResult) -> RevokeResult:
        return cls(
            unit_size=o.unit_size,
            customers_created=o.customers_created,
            splits=o.splits,
            merges=o.merges,
            identifiers_moved=o.identifiers_moved,
        )


@strawberry.type(description="An input refused with its reasons, kept so it can be replayed.")
class DeadLetter:
    id: strawberry.ID
    at: datetime
    reasons: list[str]
    payload: Any = strawberry.field(
        graphql_type=JSON, description="the event as sent; if truncated, its JSON's first bytes"
    )
    replayed: bool
    payload_bytes: int = strawberry.field(description="the size of the whole payload's JSON")
    truncated: bool = strawberry.field(description="only the first bytes were kept")

    @classmethod
    def from_domain(cls, d: domain.DeadLetter) -> DeadLetter:
        return cls(
            id=strawberry.ID(d.id),
            at=d.at,
            reasons=list(d.reasons),
            payload=d.payload,
            replayed=d.replayed,
            payload_bytes=d.payload_bytes,
            truncated=d.truncated,
        )


def _id(value: Any) -> strawberry.ID | None:
    return None if value is None else strawberry.ID(str(value))
