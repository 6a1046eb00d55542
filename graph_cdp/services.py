"""The one service object the API and the CLI call: graph_cdp's public front."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import timedelta
from typing import Any

from graph_cdp.check import EXAMPLES, Report, check
from graph_cdp.config import Settings
from graph_cdp.domain import (
    Count,
    DeadLetter,
    DeleteResult,
    IdentityGraph,
    IngestResult,
    InteractionPage,
    JobView,
    LinkExplanation,
    MatchCandidatePage,
    Profile,
    ProfilePage,
    ReviewResult,
    RevokeResult,
    TraitValue,
    WeakPoint,
)
from graph_cdp.events import EventLimits
from graph_cdp.feed.log import ChangeLog, ChangePage
from graph_cdp.feed.webhooks import Webhooks
from graph_cdp.forget import Forgetter
from graph_cdp.identifiers import IdentifierPolicy
from graph_cdp.ingestion import Ingestor
from graph_cdp.insight import Insight
from graph_cdp.jobs import JobRunner
from graph_cdp.matching_setup import Matching
from graph_cdp.profiles import (
    InteractionRequest,
    PageAsk,
    PageRead,
    ProfileDetails,
    ProfileRead,
    ProfileReader,
)
from graph_cdp.resolution.batch import Progress
from graph_cdp.resolution.rules import Rules, load_rules
from graph_cdp.store import Store


class CdpService:
    """Ingest, resolve, read and forget. Every method is async and safe to call concurrently."""

    def __init__(self, store: Store, settings: Settings, rules: Rules | None = None) -> None:
        self.store = store
        self.settings = settings
        self.policy = IdentifierPolicy.from_settings(settings)
        self.limits = EventLimits.from_settings(settings)
        self.rules = rules if rules is not None else load_rules(settings.rules_file)
        self.matching = Matching.from_settings(store, settings, self.policy, self.rules)
        hook = self.matching.hook
        self.ingestor = Ingestor(
            store,
            self.policy,
            self.limits,
            self.rules,
            after=hook,
            day_first=self.matching.config.day_first,
        )
        self.reader = ProfileReader(store, self.policy, settings.max_service_page)
        self.insight = Insight(store, self.policy, self.reader, settings.max_graph_nodes)
        self.jobs = JobRunner(
            store,
            self.policy,
            self.rules,
            self.matching.job_step,
            settings=settings,
            unit_hook=hook,
            heartbeat=timedelta(seconds=settings.job_heartbeat_seconds),
            stale_after=timedelta(seconds=settings.job_stale_after_seconds),
        )
        self.forgetter = Forgetter(store, self.policy, self.rules, hook)
        self.changes = ChangeLog(store, settings.feed_poll_seconds)
        self.webhooks = Webhooks(store, self.changes)

    @classmethod
    def open(cls, settings: Settings) -> CdpService:
        return cls(Store.open(settings), settings)

    async def close(self) -> None:
        await self.jobs.wait_all()
        await self.store.close()

    async def ping(self) -> None:
        """Raise StoreUnavailable unless Neo4j answers (readiness)."""
        await self.store.ping()

    async def prepare(self) -> None:
        """Apply the schema; mark jobs left running by a dead process as failed."""
        await self.store.apply_schema()
        await self.jobs.fail_stale()

    # --- writes ---
    async def ingest_events(
        self,
        events: Sequence[Mapping[str, Any]],
        *,
        source: str | None = None,
        resolve: bool = True,
        max_event_bytes: int | None = None,
    ) -> IngestResult:
        """Validate, store once by messageId, link and resolve; rejects go to dead letters.

        ``resolve=False`` defers resolution to a full job (bulk backfills);
        ``max_event_bytes`` lowers the event size limit (Segment's 32 KB per call)."""
        return await self.ingestor.ingest(
            events, source=source, resolve=resolve, max_event_bytes=max_event_bytes
        )

    async def push_identifiers(
        self, identifiers: Sequence[Mapping[str, Any]], *, source: str | None = None
    ) -> IngestResult:
        """Identifiers a source says belong together: explicit evidence, resolved at once."""
        return await self.ingestor.push(identifiers, source=source)

    async def delete_profile(self, profile_id: str) -> DeleteResult:
        """Erase a customer's identifiers, interactions and links; re-resolve the rest."""
        return await self.forgetter.delete_profile(profile_id)

    async def revoke_link(self, a: tuple[str, str], b: tuple[str, str]) -> RevokeResult:
        """Keep a link as evidence but never merge through it; re-resolve its unit."""
        return await self.forgetter.revoke_link(a, b)

    # --- reads ---
    async def profile(self, profile_id: str) -> Profile | None:
        """A profile by id; an id merged away resolves to its survivor."""
        return await self.reader.profile(profile_id)

    async def profiles_by_ids(self, profile_ids: Sequence[str]) -> list[Profile | None]:
        """Current profiles by id in one query (for data loaders); None where not current."""
        return await self.reader.profiles_by_ids(profile_ids)

    async def profile_by_identifier(self, kind: str, value: str) -> Profile | None:
        """The profile holding an identifier; the raw value is normalized first."""
        return await self.reader.by_identifier(kind, value)

    async def profile_by_identifier_with_details(
        self,
        kind: str,
        value: str,
        *,
        traits: bool,
        counts: bool,
        interactions: PageAsk | None = None,
    ) -> ProfileRead | None:
        """The same profile and, in the same query, what ``profile_details`` would give and
        (when ``interactions`` asks) what ``interaction_pages`` would."""
        return await self.reader.by_identifier_with_details(
            kind, value, traits=traits, counts=counts, interactions=interactions
        )

    async def profiles(
        self, first: int, after: str | None, *, with_total: bool = True
    ) -> ProfilePage:
        return await self.reader.page(first, after, with_total=with_total)

    async def profiles_with_details(
        self, first: int, after: str | None, *, with_total: bool, traits: bool, counts: bool
    ) -> PageRead:
        """The same page and, in the same query, each profile's ``profile_details``."""
        return await self.reader.page_with_details(
            first, after, with_total=with_total, traits=traits, counts=counts
        )

    async def traits_for(self, profile_ids: Sequence[str]) -> list[list[TraitValue]]:
        return await self.reader.traits(profile_ids)

    async def counts_for(self, profile_ids: Sequence[str]) -> list[tuple[list[Count], list[Count]]]:
        """Interaction counts (by type, by channel) per profile."""
        return await self.reader.counts(profile_ids)

    async def profile_details(
        self, profile_ids: Sequence[str], *, traits: bool = True, counts: bool = True
    ) -> list[ProfileDetails]:
        """Traits and counts per profile in one query (for data loaders)."""
        return await self.reader.details(profile_ids, traits=traits, counts=counts)

    async def interactions(
        self,
        profile_id: str,
        *,
        first: int,
        after: str | None = None,
        type: str | None = None,
        channel: str | None = None,
    ) -> InteractionPage:
        return await self.reader.interactions(
            profile_id, first=first, after=after, type=type, channel=channel
        )

    async def interaction_pages(
        self, requests: Sequence[InteractionRequest]
    ) -> list[InteractionPage]:
        """A page of interactions per request, in one query (for data loaders)."""
        return await self.reader.interaction_pages(requests)

    async def weak_points(self, profile_id: str) -> list[WeakPoint]:
        return await self.insight.weak_points(profile_id)

    async def weak_points_for(self, profile_ids: Sequence[str]) -> list[list[WeakPoint]]:
        """Weak points of current profiles, one query for all (for data loaders)."""
        return await self.insight.weak_points_for(profile_ids)

    async def identity_graph(self, profile_id: str, max_nodes: int) -> IdentityGraph | None:
        return await self.insight.identity_graph(profile_id, max_nodes)

    async def explain_link(self, a: tuple[str, str], b: tuple[str, str]) -> LinkExplanation | None:
        """Why two identifiers are (or are not) one customer; None if either is unknown."""
        return await self.insight.explain(a, b)

    # --- resolution jobs ---
    async def start_resolution(self, mode: str, engine: str | None = None) -> JobView:
        """Record a job and run it in the background; returns at once.

        ``engine``: "local" or "spark" (full jobs); the settings' engine when None."""
        return await self.jobs.start(mode, engine)

    async def run_resolution(
        self, mode: str, progress: Progress | None = None, engine: str | None = None
    ) -> JobView:
        """Run a job to its end (the CLI)."""
        return await self.jobs.run(mode, progress, engine)

    async def resolution_job(self, job_id: str) -> JobView | None:
        return await self.jobs.get(job_id)

    async def check(self, examples: int = EXAMPLES) -> Report:
        """Verify the invariants of the resolved graph: true counts, a few examples of each."""
        return await check(self.store, examples)

    # --- activation (the change log; webhooks are self.webhooks) ---
    async def change_page(
        self, after: str | None, first: int, types: Sequence[str] | None = None
    ) -> ChangePage:
        """Changes after a cursor, in commit order; see docs/activation.md."""
        return await self.changes.page(after, first, types)

    # --- probabilistic matching: the model and the review queue ---
    async def train_matching(self, seed: int = 0) -> dict[str, object]:
        """Train a match model on the graph's records and store it (writes use it at once)."""
        return await self.matching.train(seed)

    async def match_candidates(
        self, first: int, after: str | None = None, status: str = "pending"
    ) -> MatchCandidatePage:
        """Pairs waiting for review (or decided), most probable first."""
        return await self.matching.review.page(first, after, status)

    async def accept_match(self, candidate_id: str) -> ReviewResult:
        """Must-link: the pair becomes explicit evidence, merged under the guards."""
        return await self.matching.review.accept(candidate_id)

    async def reject_match(self, candidate_id: str) -> ReviewResult:
        """Cannot-link: the pair stays apart in every later resolution."""
        return await self.matching.review.reject(candidate_id)

    # --- dead letters ---
    async def dead_letters(self, first: int = 100) -> list[DeadLetter]:
        return await self.ingestor.dead_letters(first)

    async def keep_unreadable(
        self, lines: Sequence[tuple[int, object]], source: str | None = None
    ) -> list[str]:
        """Keep input lines that are not a JSON object as dead letters; their ids."""
        return await self.ingestor.keep_unreadable(lines, source)

    async def replay_dead_letters(self) -> IngestResult:
        return await self.ingestor.replay()
