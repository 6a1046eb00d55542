"""Probabilistic matching, assembled from the settings: the write hook, the job step, review.

Thresholds come from the matching TOML file (``GRAPH_CDP_MATCHING_FILE``, the
``[matching]`` table of graph_cdp.matching.config), and
``GRAPH_CDP_MATCH_MERGE_THRESHOLD`` / ``GRAPH_CDP_MATCH_REVIEW_THRESHOLD`` override
the file. ``GRAPH_CDP_MATCHING=false`` turns scoring off on writes and in the job
(traits are still kept, so turning it on later and running a full job catches up).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from graph_cdp.config import Settings
from graph_cdp.errors import ConfigurationError
from graph_cdp.fuzzy_evidence import FuzzyEvidence, ModelCache
from graph_cdp.identifiers import IdentifierPolicy
from graph_cdp.match_job import (
    MIN_TRAINING_RECORDS,
    match_all,
    needs_graph,
    read_match_state,
    records_and_stored,
    train,
)
from graph_cdp.matching.config import MatchConfig, load_match_config, match_config_from_mapping
from graph_cdp.resolution.batch import JobStats, Snapshot, SnapshotStep, read_snapshot
from graph_cdp.resolution.rules import Rules
from graph_cdp.resolve_units import JobUnits, UnitHook
from graph_cdp.review import Review
from graph_cdp.store import Store


def match_config(settings: Settings) -> MatchConfig:
    """The matching TOML (or the defaults) with the thresholds the environment sets."""
    config = load_match_config(settings.matching_file)
    merge, review = settings.match_merge_threshold, settings.match_review_threshold
    if merge is None and review is None:
        return config
    merged = replace(
        config,
        merge_threshold=config.merge_threshold if merge is None else merge,
        review_threshold=config.review_threshold if review is None else review,
    )
    # The core's one check of thresholds (0 < review <= merge < 1); raises if broken.
    match_config_from_mapping(
        {"merge_threshold": merged.merge_threshold, "review_threshold": merged.review_threshold}
    )
    return merged


@dataclass
class Matching:
    store: Store
    policy: IdentifierPolicy
    rules: Rules
    config: MatchConfig
    models: ModelCache
    enabled: bool
    review: Review

    @classmethod
    def from_settings(
        cls, store: Store, settings: Settings, policy: IdentifierPolicy, rules: Rules
    ) -> Matching:
        config = match_config(settings)
        models = ModelCache(config)
        hook = FuzzyEvidence(config, rules, models).after_unit if settings.matching else None
        return cls(
            store,
            policy,
            rules,
            config,
            models,
            settings.matching,
            Review(store, policy, rules, hook),
        )

    @property
    def hook(self) -> UnitHook | None:
        return self.review.after

    @property
    def job_step(self) -> SnapshotStep | None:
        return _JobStep(self) if self.enabled else None

    async def train(self, seed: int = 0) -> dict[str, object]:
        """Train on every record in the graph now and store the model."""
        snapshot = await read_snapshot(JobUnits(self.store, self.rules), self.policy, self.rules)
        _, records, _ = await records_and_stored(self.store, snapshot, self.rules)
        if len(records) < MIN_TRAINING_RECORDS:
            raise ConfigurationError(
                f"matching needs at least {MIN_TRAINING_RECORDS} records with traits to "
                f"train; the graph has {len(records)}",
                records=len(records),
            )
        model_id = await train(self.store, self.models, [r.record for r in records.values()], seed)
        return {"modelId": model_id, "records": len(records)}


class _JobStep:
    """The full job's matching step; its match state is read while the job reads the graph."""

    def __init__(self, matching: Matching) -> None:
        self.matching = matching

    async def prefetch(self) -> list[list[Any]]:
        return await read_match_state(self.matching.store)

    def needs_graph(self, prefetched: Any) -> bool:
        return prefetched is None or needs_graph(prefetched)

    async def __call__(
        self, snapshot: Snapshot | None, stats: JobStats, prefetched: Any = None
    ) -> bool:
        m = self.matching
        return await match_all(m.store, snapshot, m.rules, m.models, stats, prefetched)
