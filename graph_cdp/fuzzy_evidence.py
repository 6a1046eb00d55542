"""Scored evidence in the graph: keep match records, fuzzy links and review candidates current.

Every resolved unit passes through :meth:`FuzzyEvidence.after_unit` (the write path's
hook, in the write's own transaction, before the unit's changes are written). It
rebuilds the unit's match records from the base partition (``match_records.py``); when
a record changed, it re-scores that record against its blocking neighbours (found
through ``BlockKey`` nodes, by index) with the stored model, replaces the fuzzy links and
pending candidates that touch it, and returns their endpoints: the caller resolves the
units those links join or part with this one (``resolve_units.resolve_seeds``). The
full job (``match_job.py``) computes the same desired state for every record at once;
:func:`plan_pairs` is the one place that turns scored pairs into links and candidates,
so the two cannot drift.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from neo4j import AsyncManagedTransaction

from graph_cdp.graph_types import Unit
from graph_cdp.match_records import StoredRecord, build_records, record_from_json
from graph_cdp.matching.config import MatchConfig
from graph_cdp.matching.matcher import Matcher
from graph_cdp.matching.model import MatchModel
from graph_cdp.matching.records import Decision, MatchRecord, ScoredPair
from graph_cdp.resolution.clustering import Resolution
from graph_cdp.resolution.rules import Rules
from graph_cdp.store import collected, run

log = logging.getLogger("graph_cdp.matching")

Pair = tuple[str, str]


def candidate_id(a: str, b: str) -> str:
    return f"{a}|{b}"


def pair_row(pair: ScoredPair, *, rejected: bool = False) -> dict[str, Any]:
    """A scored pair as the properties of a fuzzy link or a candidate (the waterfall)."""
    return {
        "id": candidate_id(pair.a, pair.b),
        "a": pair.a,
        "b": pair.b,
        "weight": pair.weight,
        "probability": pair.probability,
        "fields": [f.field for f in pair.fields],
        "levels": [f.level for f in pair.fields],
        "fieldWeights": [f.weight for f in pair.fields],
        "rejected": rejected,
    }


@dataclass
class Plan:
    """What the scores want for some records: fuzzy links and pending candidates."""

    links: dict[Pair, ScoredPair] = field(default_factory=dict)
    candidates: dict[Pair, ScoredPair] = field(default_factory=dict)


def plan_pairs(matcher: Matcher, pairs: Iterable[ScoredPair], settled: set[Pair]) -> Plan:
    """Above the merge threshold a fuzzy link, between the thresholds a candidate. A
    settled pair gets neither: a reviewer rejected it (the cannot-link stands), or
    deterministic evidence already links its anchors (and the rules decided it)."""
    plan = Plan()
    for pair in pairs:
        key = (pair.a, pair.b)
        if pair.a == pair.b or key in settled:
            continue
        decision = matcher.decide(pair)
        if decision is Decision.MERGE:
            plan.links[key] = pair
        elif decision is Decision.REVIEW:
            plan.candidates[key] = pair
    return plan


def same_weight(a: float | None, b: float | None) -> bool:
    return a is not None and b is not None and math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-12)


@dataclass
class Changes:
    """Writes that bring stored fuzzy evidence to a plan (also the full job's stats)."""

    delete_links: list[dict[str, str]] = field(default_factory=list)
    upsert_links: list[dict[str, Any]] = field(default_factory=list)
    delete_candidates: list[str] = field(default_factory=list)
    upsert_candidates: list[dict[str, Any]] = field(default_factory=list)

    @property
    def link_endpoints(self) -> set[str]:
        return {r[k] for r in self.delete_links + self.upsert_links for k in ("a", "b")}

    def __bool__(self) -> bool:
        return bool(
            self.delete_links
            or self.upsert_links
            or self.delete_candidates
            or self.upsert_candidates
        )


def diff(
    plan: Plan,
    links: Mapping[Pair, float | None],
    candidates: Mapping[Pair, tuple[str, float | None]],
) -> Changes:
    """``links``: stored fuzzy links (not rejected) -> weight; ``candidates``: stored
    candidates -> (status, weight). Only pending candidates are ever deleted."""
    changes = Changes()
    for pair in sorted(links.keys() - plan.links.keys()):
        changes.delete_links.append({"a": pair[0], "b": pair[1]})
    for pair, scored in sorted(plan.links.items()):
        if not same_weight(links.get(pair), scored.weight):
            changes.upsert_links.append(pair_row(scored))
    for pair, (status, _) in sorted(candidates.items()):
        if status == "pending" and pair not in plan.candidates:
            changes.delete_candidates.append(candidate_id(*pair))
    for pair, scored in sorted(plan.candidates.items()):
        stored = candidates.get(pair)
        if stored is None or not same_weight(stored[1], scored.weight):
            changes.upsert_candidates.append(pair_row(scored))
    return changes


async def write_changes(tx: AsyncManagedTransaction, changes: Changes, now: datetime) -> None:
    if changes.delete_links:
        await run(tx, "delete_fuzzy_links", rows=changes.delete_links)
    if changes.upsert_links:
        await run(tx, "merge_fuzzy_links", rows=changes.upsert_links, now=now)
    if changes.delete_candidates:
        await run(tx, "delete_match_candidates", ids=changes.delete_candidates)
    if changes.upsert_candidates:
        await run(tx, "merge_match_candidates", rows=changes.upsert_candidates, now=now)


def record_rows(matcher: Matcher, records: Iterable[StoredRecord]) -> list[dict[str, Any]]:
    return [
        {
            "key": r.record.id,
            "record": r.text,
            "blockingKeys": sorted(matcher.blocking_keys(r.record)),
        }
        for r in records
    ]


def split_stored(
    rows: Iterable[Sequence[Any]],
) -> tuple[dict[str, list[str]], dict[str, tuple[str, list[str]]]]:
    """(key, traits, matchRecord, blockingKeys) rows -> traits by key, stored records."""
    traits: dict[str, list[str]] = {}
    stored: dict[str, tuple[str, list[str]]] = {}
    for key, texts, record, keys in rows:
        if texts:
            traits[key] = list(texts)
        if record is not None:
            stored[key] = (record, list(keys))
    return traits, stored


def stale_records(
    matcher: Matcher,
    records: Mapping[str, StoredRecord],
    stored: Mapping[str, tuple[str, list[str]]],
) -> tuple[dict[str, StoredRecord], list[str]]:
    """Records to (re)write, and anchors whose stored record must go."""
    changed: dict[str, StoredRecord] = {}
    for anchor, record in records.items():
        old = stored.get(anchor)
        if old is None or old[0] != record.text:
            changed[anchor] = record
        elif sorted(old[1]) != sorted(matcher.blocking_keys(record.record)):
            changed[anchor] = record  # the blocking rules changed
    removed = sorted(k for k in stored if k not in records)
    return changed, removed


class ModelCache:
    """The stored model, loaded once per id: every write scores with the newest one.

    A newest model that does not fit the configured comparisons (trained before an
    upgrade changed a comparison's levels, or before the configuration added one) is
    set aside, logged once, as if none were stored: writes keep their identity
    resolution and score nothing, and the next full job trains one that fits."""

    def __init__(self, config: MatchConfig) -> None:
        self.config = config
        self._matchers: dict[str, Matcher] = {}
        self._misfits: set[str] = set()

    async def current(self, tx: AsyncManagedTransaction) -> Matcher | None:
        found = await self.current_with_id(tx)
        return found[1] if found else None

    async def current_with_id(self, tx: AsyncManagedTransaction) -> tuple[str, Matcher] | None:
        rows = await run(tx, "current_match_model")
        if not rows:
            return None
        model_id = str(rows[0]["id"])
        if model_id in self._misfits:
            return None
        matcher = self._matchers.get(model_id)
        if matcher is None:
            found = await run(tx, "get_match_model", id=model_id)
            model = MatchModel.from_json(found[0]["json"])
            matcher = Matcher(self.config)
            reason = matcher.misfit(model)
            if reason is not None:
                self._misfits.add(model_id)
                log.warning(
                    "match model %s set aside until a full job trains one: %s", model_id, reason
                )
                return None
            matcher.use(model)
            self._matchers[model_id] = matcher
        return model_id, matcher


class FuzzyEvidence:
    """The write path's matching step (a ``UnitHook``)."""

    def __init__(self, config: MatchConfig, rules: Rules, models: ModelCache) -> None:
        self.config = config
        self.rules = rules
        self.models = models

    async def after_unit(
        self, tx: AsyncManagedTransaction, unit: Unit, resolution: Resolution, now: datetime
    ) -> set[str] | None:
        """Keep the unit's records, fuzzy links and candidates current; return the
        endpoints of the fuzzy links added or removed (None: none)."""
        matcher = await self.models.current(tx)
        if matcher is None:
            return None  # no model yet: the first full job (or `match train`) starts matching
        traits, stored = split_stored(
            await collected(tx, "unit_match_state", keys=sorted(unit.nodes))
        )
        if not traits and not stored:
            return None  # nothing in this unit says who anyone is
        records = build_records(resolution.base, unit.nodes, traits, self.rules)
        changed, removed = stale_records(matcher, records, stored)
        if not changed and not removed:
            return None
        touched = sorted(set(changed) | set(removed))
        await run(tx, "clear_match_records", keys=touched)
        if changed:
            await run(tx, "set_match_records", rows=record_rows(matcher, changed.values()))
        block_keys = sorted({k for r in changed.values() for k in matcher.blocking_keys(r.record)})
        found = await collected(tx, "match_neighbours", blockKeys=block_keys) if block_keys else []
        others: list[MatchRecord] = [record_from_json(key, text) for key, text in found]
        touched_records = [r.record for r in changed.values()]
        scored = {
            (p.a, p.b): p for p in matcher.candidates_for(touched_records, others) if p.a != p.b
        }
        evidence = (await run(tx, "fuzzy_evidence_of", keys=touched))[0]
        settled = {(a, b) for a, b, _, is_rejected in evidence["links"] if is_rejected}
        settled |= {(a, b) for _, a, b, status, _ in evidence["candidates"] if status == "rejected"}
        settled |= {(a, b) for a, b in evidence["deterministic"]}
        links = {(a, b): w for a, b, w, is_rejected in evidence["links"] if not is_rejected}
        candidates = {(a, b): (status, w) for _, a, b, status, w in evidence["candidates"]}
        changes = diff(plan_pairs(matcher, scored.values(), settled), links, candidates)
        await write_changes(tx, changes, now)
        # New or removed fuzzy links join or part units: the caller resolves them with
        # this one (their base partitions, and so their records, do not change, so this
        # settles at once).
        return changes.link_endpoints or None
