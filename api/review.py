"""GraphQL types of the review queue: match candidates, their connection, a decision."""

from __future__ import annotations

import strawberry

from api.pagination import Slice
from api.types import FieldWeight, PageInfo
from graph_cdp import domain


@strawberry.type(description="A scored pair between the review and merge thresholds.")
class MatchCandidate:
    id: strawberry.ID
    a: str = strawberry.field(description="the anchor identifier key of one record")
    b: str = strawberry.field(description="the anchor identifier key of the other")
    probability: float
    weight: float = strawberry.field(description="match weight, log2, prior included")
    fields: list[FieldWeight]
    status: str = strawberry.field(description="pending | accepted | rejected")
    customer_a: strawberry.ID | None
    customer_b: strawberry.ID | None

    @classmethod
    def from_domain(cls, m: domain.MatchCandidate) -> MatchCandidate:
        return cls(
            id=strawberry.ID(m.id),
            a=m.a,
            b=m.b,
            probability=m.probability,
            weight=m.weight,
            fields=[FieldWeight.from_domain(f) for f in m.fields],
            status=m.status,
            customer_a=None if m.customer_a is None else strawberry.ID(m.customer_a),
            customer_b=None if m.customer_b is None else strawberry.ID(m.customer_b),
        )


@strawberry.type
class MatchCandidateEdge:
    node: MatchCandidate
    cursor: str


@strawberry.type
class MatchCandidateConnection:
    edges: list[MatchCandidateEdge]
    page_info: PageInfo
    total_count: int

    @classmethod
    def from_slice(cls, page: Slice[domain.MatchCandidate]) -> MatchCandidateConnection:
        return cls(
            edges=[
                MatchCandidateEdge(node=MatchCandidate.from_domain(m), cursor=c)
                for m, c in page.edges
            ],
            page_info=PageInfo(has_next_page=page.has_next_page, end_cursor=page.end_cursor),
            total_count=page.total,
        )


@strawberry.type(description="A review decision and what resolving it changed.")
class ReviewResult:
    candidate: MatchCandidate
    merges: int
    splits: int

    @classmethod
    def from_domain(cls, r: domain.ReviewResult) -> ReviewResult:
        return cls(
            candidate=MatchCandidate.from_domain(r.candidate), merges=r.merges, splits=r.splits
        )
