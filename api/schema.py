"""The GraphQL schema: DESIGN.md's contract (names unchanged) plus a few extras.

Resolvers are a few lines each: check a limit, call :class:`CdpService`, map the
domain object with ``from_domain``. Expected outcomes live in the schema (``null`` for
not found, result types for mutations); the rest are errors with ``extensions.code``.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from typing import Any

import strawberry
from graphql import ExecutionResult as GraphQLExecutionResult
from graphql import FieldNode, GraphQLError, OperationDefinitionNode
from strawberry.extensions import (
    AddValidationRules,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    ParserCache,
    SchemaExtension,
)
from strawberry.types.execution import ExecutionContext
from strawberry.types.graphql import OperationType

from api.auth import NOBODY, Scope
from api.caches import TextValidationCache
from api.context import COUNTS, TRAITS, Context, Info
from api.cost import CostLimit, KeyBudgets
from api.errors import LIMIT_EXCEEDED, ErrorCodes, Forbidden, coded_rule
from api.feed import FeedMutation, FeedQuery, Subscription
from api.inputs import EventInput, IdentifierInput, check_batch
from api.limits import NoIntrospection, OneOperation, depth_rule
from api.pagination import asks_for, check_count, paginate
from api.profile import DEFAULT_PAGE, Profile, ProfileConnection, interactions_asked
from api.review import MatchCandidateConnection, ReviewResult
from api.types import (
    DeadLetter,
    DeleteResult,
    IdentityGraph,
    IngestResult,
    LinkExplanation,
    ResolutionJob,
    RevokeResult,
    field,
    mutation,
)
from graph_cdp import domain
from graph_cdp.config import RESOLUTION_MODES, Settings
from graph_cdp.errors import InvalidInput, ProfileNotFound

DEFAULT_GRAPH_NODES = 200
MAX_DEAD_LETTERS = 1000
MAX_ALIASES = 50
MAX_TOKENS = 20_000


@strawberry.type
class Query(FeedQuery):
    @field("A profile by id; an id merged away finds the survivor.")
    async def profile(self, info: Info, id: strawberry.ID) -> Profile | None:
        found = await info.context.service.profile(str(id))
        return Profile.from_domain(found) if found else None

    @field("The profile holding an identifier; the value is normalized.")
    async def profile_by_identifier(self, info: Info, kind: str, value: str) -> Profile | None:
        # Traits and counts, when selected, come in the profile's own query: one round trip.
        # So does one page of interactions.
        traits = asks_for(info, "traits")
        counts = asks_for(info, "countsByType") or asks_for(info, "countsByChannel")
        page = interactions_asked(info)
        found = await info.context.service.profile_by_identifier_with_details(
            kind, value, traits=traits, counts=counts, interactions=page
        )
        if found is None:
            return None
        loaders = info.context.loaders
        for part, wanted in ((TRAITS, traits), (COUNTS, counts)):
            if wanted:
                loaders.details.prime((found.profile.id, part), found.details)
        if page is not None and found.interactions is not None:
            loaders.interactions.prime(page.of(found.profile.id), found.interactions)
        return Profile.from_domain(found.profile)

    @field("Every profile, a page at a time, with the total count.")
    async def profiles(
        self, info: Info, first: int | None = DEFAULT_PAGE, after: str | None = None
    ) -> ProfileConnection:
        maximum = info.context.settings.max_page_size
        service = info.context.service
        with_total = asks_for(info, "totalCount")
        # Traits and counts of the page's profiles, when selected, come in the page's own
        # query: one round trip for the page.
        nodes = ("edges", "node")
        traits = asks_for(info, *nodes, "traits")
        counts = asks_for(info, *nodes, "countsByType") or asks_for(info, *nodes, "countsByChannel")
        details = info.context.loaders.details

        async def fetch(n: int, start: str | None) -> domain.ProfilePage:
            read = await service.profiles_with_details(
                n, start, with_total=with_total, traits=traits, counts=counts
            )
            for profile_id, found in read.details.items():
                for part, wanted in ((TRAITS, traits), (COUNTS, counts)):
                    if wanted:
                        details.prime((profile_id, part), found)
            return read.page

        page = await paginate(fetch, first, after, maximum)
        return ProfileConnection.from_slice(page)

    @field("Nodes and edges to draw; at most maxNodes nodes.")
    async def identity_graph(
        self, info: Info, profile_id: strawberry.ID, max_nodes: int | None = DEFAULT_GRAPH_NODES
    ) -> IdentityGraph:
        max_nodes = DEFAULT_GRAPH_NODES if max_nodes is None else max_nodes
        check_count(max_nodes, info.context.settings.max_graph_nodes, "maxNodes")
        graph = await info.context.service.identity_graph(str(profile_id), max_nodes)
        if graph is None:
            raise ProfileNotFound(f"No profile {profile_id!r}", profile_id=str(profile_id))
        return IdentityGraph.from_domain(graph)

    @field("Why two identifiers are (or are not) one customer.")
    async def explain_link(
        self, info: Info, a: IdentifierInput, b: IdentifierInput
    ) -> LinkExplanation | None:
        found = await info.context.service.explain_link((a.kind, a.value), (b.kind, b.value))
        return LinkExplanation.from_domain(found) if found else None

    @strawberry.field
    async def resolution_job(self, info: Info, id: strawberry.ID) -> ResolutionJob | None:
        job = await info.context.service.resolution_job(str(id))
        return ResolutionJob.from_domain(job) if job else None

    @field("Pairs between the review and merge thresholds, most probable first.")
    async def match_candidates(
        self,
        info: Info,
        first: int | None = DEFAULT_PAGE,
        after: str | None = None,
        status: str = "pending",
    ) -> MatchCandidateConnection:
        async def fetch(n: int, cursor: str | None) -> domain.MatchCandidatePage:
            return await info.context.service.match_candidates(n, cursor, status)

        maximum = info.context.settings.max_page_size
        return MatchCandidateConnection.from_slice(await paginate(fetch, first, after, maximum))

    @field("Inputs refused with their reasons, newest first.")
    async def dead_letters(self, info: Info, first: int | None = 100) -> list[DeadLetter]:
        first = 100 if first is None else first
        check_count(first, MAX_DEAD_LETTERS)
        return [DeadLetter.from_domain(d) for d in await info.context.service.dead_letters(first)]


@strawberry.type
class Mutation(FeedMutation):
    @mutation("Store events; idempotent by messageId.")
    async def ingest_events(
        self, info: Info, events: list[EventInput], source: str | None = None
    ) -> IngestResult:
        check_batch(len(events), info.context.settings.max_batch_size, "events")
        raw = [e.to_mapping() for e in events]
        result = await info.context.service.ingest_events(raw, source=source)
        info.context.metrics.observe_ingest(result)
        return IngestResult.from_domain(result)

    @mutation("Identifiers known to belong together, seen as one.")
    async def push_identifiers(
        self, info: Info, identifiers: list[IdentifierInput], source: str | None = None
    ) -> IngestResult:
        check_batch(len(identifiers), info.context.settings.max_batch_size, "identifiers")
        raw = [i.to_mapping() for i in identifiers]
        result = await info.context.service.push_identifiers(raw, source=source)
        info.context.metrics.observe_ingest(result)
        return IngestResult.from_domain(result)

    @mutation("Start a resolution job; it runs in the background.")
    async def run_resolution(
        self, info: Info, mode: str | None = "full", engine: str | None = None
    ) -> ResolutionJob:
        mode = mode or "full"
        if mode not in RESOLUTION_MODES:
            raise InvalidInput(f"mode must be one of {', '.join(RESOLUTION_MODES)}", mode=mode)
        job = await info.context.service.start_resolution(mode, engine)
        info.context.metrics.jobs.labels(mode=mode).inc()
        return ResolutionJob.from_domain(job)

    @mutation("Forget a customer; what remains is re-resolved.")
    async def delete_profile(self, info: Info, id: strawberry.ID) -> DeleteResult:
        return DeleteResult.from_domain(await info.context.service.delete_profile(str(id)))

    @mutation("Never merge through the link between a and b again; may split a profile.")
    async def revoke_link(self, info: Info, a: IdentifierInput, b: IdentifierInput) -> RevokeResult:
        outcome = await info.context.service.revoke_link((a.kind, a.value), (b.kind, b.value))
        return RevokeResult.from_domain(outcome)

    @mutation("Accept a match candidate: must-link evidence, merged under the rules.")
    async def accept_match(self, info: Info, id: strawberry.ID) -> ReviewResult:
        return ReviewResult.from_domain(await info.context.service.accept_match(str(id)))

    @mutation("Reject a match candidate: a cannot-link every later resolution honours.")
    async def reject_match(self, info: Info, id: strawberry.ID) -> ReviewResult:
        return ReviewResult.from_domain(await info.context.service.reject_match(str(id)))

    @mutation("Ingest the dead letters again (after a rule change).")
    async def replay_dead_letters(self, info: Info) -> IngestResult:
        result = await info.context.service.replay_dead_letters()
        info.context.metrics.observe_ingest(result)
        return IngestResult.from_domain(result)


def _describe(ec: ExecutionContext) -> tuple[str | None, str | None]:
    """The operation's name (or its root fields, when anonymous) and its type."""
    if ec.graphql_document is None:
        return None, None
    try:
        kind = ec.operation_type.value
    except RuntimeError:
        return None, None
    if ec.operation_name:
        return ec.operation_name, kind
    for definition in ec.graphql_document.definitions:
        if isinstance(definition, OperationDefinitionNode):
            sel = definition.selection_set.selections
            names = sorted({s.name.value for s in sel if isinstance(s, FieldNode)})
            return f"{kind} {'+'.join(names)}", kind
    return None, kind


class Guard(SchemaExtension):
    """Queries need the read scope, mutations write; and the request log learns the operation."""

    def on_execute(self) -> Iterator[None]:
        ec = self.execution_context
        context = ec.context if isinstance(ec.context, Context) else None
        needed = Scope.WRITE if ec.operation_type is OperationType.MUTATION else Scope.READ
        try:
            (context.principal if context else NOBODY).require(needed)  # fail closed
        except Forbidden as exc:
            if context and context.response is not None:  # None over WebSocket
                context.response.status_code = 403
            ec.result = GraphQLExecutionResult(
                data=None, errors=[GraphQLError(exc.message, original_error=exc)]
            )
        yield

    def on_operation(self) -> Iterator[None]:
        yield
        context = self.execution_context.context
        if isinstance(context, Context):
            context.record.operation, context.record.operation_type = _describe(
                self.execution_context
            )


class ApiSchema(strawberry.Schema):
    def process_errors(self, errors: list[GraphQLError], execution_context: Any = None) -> None:
        """Unexpected errors are logged in full by api.errors.coded; expected ones are not."""


def build_schema(settings: Settings) -> ApiSchema:
    aliases = MaxAliasesLimiter(max_alias_count=MAX_ALIASES).validation_rules[0]
    limits = [depth_rule(settings.max_query_depth), coded_rule(aliases, LIMIT_EXCEEDED)]
    if not settings.introspection:
        limits.append(NoIntrospection)
    budgets = KeyBudgets(settings.key_cost_per_minute)
    return ApiSchema(
        query=Query,
        mutation=Mutation,
        subscription=Subscription,
        extensions=[
            ErrorCodes,
            OneOperation,
            Guard,
            functools.partial(CostLimit, budget=settings.max_query_cost, keys=budgets),
            functools.partial(AddValidationRules, limits),
            functools.partial(MaxTokensLimiter, max_token_count=MAX_TOKENS),
            # Clients send the same few documents again and again: parse and validate once.
            functools.partial(ParserCache, maxsize=512),
            TextValidationCache,
        ],
    )
