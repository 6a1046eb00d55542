"""The Profile type, its connections, and the fields it loads lazily (batched per request)."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

import strawberry

from api.context import COUNTS, TRAITS, Info
from api.pagination import Slice, paginate, selections_of, window
from api.types import (
    Count,
    Identifier,
    IdentifierGroup,
    Interaction,
    PageInfo,
    Trait,
    WeakPoint,
    field,
)
from graph_cdp import domain
from graph_cdp.errors import InvalidInput
from graph_cdp.profiles import InteractionRequest, PageAsk

DEFAULT_PAGE = 20


def interactions_asked(info: Info) -> PageAsk | None:
    """The one page of interactions the query selects under this profile, as the
    ``interactions`` field will ask its data loader for it; None when it selects none,
    several (aliases), or arguments that field will refuse (it says why)."""
    found = selections_of(info, "interactions")
    if len(found) != 1:
        return None
    arguments = found[0].arguments
    first = arguments.get("first", DEFAULT_PAGE)
    if isinstance(first, str):  # a literal comes as its text; validation made it an Int
        first = int(first)
    try:
        count, start, _ = window(
            first,
            arguments.get("after"),
            info.context.settings.max_page_size,
        )
    except InvalidInput:
        return None
    return PageAsk(count, start, arguments.get("type"), arguments.get("channel"))


@strawberry.type
class InteractionEdge:
    node: Interaction
    cursor: str


@strawberry.type(description="Interactions, newest first.")
class InteractionConnection:
    edges: list[InteractionEdge]
    page_info: PageInfo
    total_count: int

    @classmethod
    def from_slice(cls, page: Slice[domain.InteractionView]) -> InteractionConnection:
        return cls(
            edges=[
                InteractionEdge(node=Interaction.from_domain(i), cursor=c) for i, c in page.edges
            ],
            page_info=PageInfo(has_next_page=page.has_next_page, end_cursor=page.end_cursor),
            total_count=page.total,
        )


@strawberry.type(description="One resolved customer: everything known, from every source.")
class Profile:
    id: strawberry.ID
    created_at: datetime
    updated_at: datetime
    first_seen: datetime | None
    last_seen: datetime | None
    merged_from: list[strawberry.ID] = strawberry.field(
        description="ids of profiles merged into this one; they still find it"
    )
    identifiers: list[Identifier]

    @classmethod
    def from_domain(cls, p: domain.Profile) -> Profile:
        return cls(
            id=strawberry.ID(p.id),
            created_at=p.created_at,
            updated_at=p.updated_at,
            first_seen=p.first_seen,
            last_seen=p.last_seen,
            merged_from=[strawberry.ID(m) for m in p.merged_from],
            identifiers=[Identifier.from_domain(i) for i in p.identifiers],
        )

    @field("The identifiers grouped by kind, kinds in name order.")
    def identifiers_by_kind(self) -> list[IdentifierGroup]:
        groups: defaultdict[str, list[Identifier]] = defaultdict(list)
        for identifier in self.identifiers:
            groups[identifier.kind].append(identifier)
        return [IdentifierGroup(kind=k, identifiers=groups[k]) for k in sorted(groups)]

    @strawberry.field
    async def traits(self, info: Info) -> list[Trait]:
        found = await info.context.loaders.details.load((self.id, TRAITS))
        return [Trait.from_domain(t) for t in found.traits]

    @field("How many interactions of each type.")
    async def counts_by_type(self, info: Info) -> list[Count]:
        found = await info.context.loaders.details.load((self.id, COUNTS))
        return [Count.from_domain(c) for c in found.by_type]

    @field("How many interactions on each channel.")
    async def counts_by_channel(self, info: Info) -> list[Count]:
        found = await info.context.loaders.details.load((self.id, COUNTS))
        return [Count.from_domain(c) for c in found.by_channel]

    @field("Interactions, newest first, optionally of one type or channel.")
    async def interactions(
        self,
        info: Info,
        first: int | None = DEFAULT_PAGE,
        after: str | None = None,
        type: str | None = None,
        channel: str | None = None,
    ) -> InteractionConnection:
        async def fetch(n: int, cursor: str | None) -> domain.InteractionPage:
            request = InteractionRequest(str(self.id), n, cursor, type, channel)
            return await info.context.loaders.interactions.load(request)

        page = await paginate(fetch, first, after, info.context.settings.max_page_size)
        return InteractionConnection.from_slice(page)

    @field("Bridge links whose removal would split this profile.")
    async def weak_points(self, info: Info) -> list[WeakPoint]:
        loaded = await info.context.loaders.weak_points.load(self.id)
        return [WeakPoint.from_domain(w) for w in loaded]


@strawberry.type
class ProfileEdge:
    node: Profile
    cursor: str


@strawberry.type
class ProfileConnection:
    edges: list[ProfileEdge]
    page_info: PageInfo
    total_count: int

    @classmethod
    def from_slice(cls, page: Slice[domain.Profile]) -> ProfileConnection:
        return cls(
            edges=[ProfileEdge(node=Profile.from_domain(p), cursor=c) for p, c in page.edges],
            page_info=PageInfo(has_next_page=page.has_next_page, end_cursor=page.end_cursor),
            total_count=page.total,
        )
