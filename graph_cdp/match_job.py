"""The full job's matching step, and training: every score recomputed with the stored model.

Before the job resolves, it builds every match record from the base partition of every
unit, trains a model when none is stored (``(:MatchModel {id, trainedAt, json})``),
scores all blocked pairs, and writes what differs from the stored fuzzy links, pending
candidates and records (the same ``plan_pairs``/``diff`` the write path uses). A graph
with fewer than ``MIN_TRAINING_RECORDS`` records gets the round starting weights of
``matching.defaults.default_model`` instead, stored the same way; the first job that
finds enough records replaces them with a trained model. The job
then resolves with the fuzzy links in place. A model is never retrained by a write:
incremental scoring equals batch scoring because both use the stored model unchanged.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from graph_cdp.fuzzy_evidence import (
    Changes,
    ModelCache,
    diff,
    plan_pairs,
    record_rows,
    split_stored,
    stale_records,
)
from graph_cdp.graph_types import FUZZY, Link
from graph_cdp.match_records import StoredRecord, build_records
from graph_cdp.matching.defaults import default_model
from graph_cdp.matching.matcher import Matcher
from graph_cdp.matching.records import MatchRecord
from graph_cdp.resolution.batch import JobStats, Snapshot, unit_labels
from graph_cdp.resolution.clustering import resolve
from graph_cdp.resolution.rules import Rules
from graph_cdp.store import Store
from graph_cdp.store.key_ranges import key_ranges

READ_PAGE = 50_000
WRITE_ROWS = 5_000
# Fewer records than this teach EM nothing: matching waits for more data.
MIN_TRAINING_RECORDS = 50


@dataclass
class MatchStats:
    records: int = 0
    pairs_compared: int = 0
    fuzzy_links: int = 0
    candidates: int = 0
    records_written: int = 0
    links_written: int = 0
    links_deleted: int = 0
    candidates_written: int = 0
    candidates_deleted: int = 0
    model_id: str | None = None
    trained: bool = False
    extra: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "records": self.records,
            "pairsCompared": self.pairs_compared,
            "fuzzyLinks": self.fuzzy_links,
            "candidates": self.candidates,
            "recordsWritten": self.records_written,
            "linksWritten": self.links_written,
            "linksDeleted": self.links_deleted,
            "candidatesWritten": self.candidates_written,
            "candidatesDeleted": self.candidates_deleted,
            "modelId": self.model_id,
            "trained": self.trained,
            **self.extra,
        }


def base_clusters(snapshot: Snapshot, rules: Rules) -> list[list[str]]:
    """The base partition of every unit (what deterministic evidence alone joins)."""
    if not snapshot.keys:
        return []
    labels = unit_labels(snapshot).tolist()
    members: dict[int, list[str]] = {}
    for key, label in zip(snapshot.keys, labels, strict=True):
        members.setdefault(label, []).append(key)
    links: dict[int, list[Link]] = {}
    for link in snapshot.links:
        la, lb = labels[snapshot.index[link.a]], labels[snapshot.index[link.b]]
        if la == lb:
            links.setdefault(la, []).append(link)
    clusters: list[list[str]] = []
    for label, keys in members.items():
        nodes = {k: snapshot.nodes[k] for k in keys}
        clusters.extend(resolve(nodes, links.get(label, []), rules).base)
    return clusters


async def _read_state_range(store: Store, after: str, upto: str | None) -> list[list[Any]]:
    rows: list[list[Any]] = []

    def page(start: str) -> Any:
        return store.query("all_match_state", after=start, upto=upto, limit=READ_PAGE)

    pending = asyncio.ensure_future(page(after))
    while True:
        found = (await pending)[0]
        if found["last"] is None:
            return rows
        pending = asyncio.ensure_future(page(found["last"]))  # a page ahead
        rows.extend(found["rows"])


async def read_match_state(store: Store, keys: Sequence[str] = ()) -> list[list[Any]]:
    """Traits and stored records of every identifier that has either, read in two key
    ranges at once, cut at the middle of ``keys`` (the job's read, in key order) or,
    without them, by counting the identifiers."""
    if keys:
        cut = keys[len(keys) // 2] if len(keys) > 2 * READ_PAGE else None
    else:
        total = int((await store.query("count_identifiers"))[0]["total"])
        cut = (await key_ranges(store, 2, total))[0][1] if total > 2 * READ_PAGE else None
    ranges = [("", cut), (cut, None)] if cut is not None else [("", None)]
    parts = await asyncio.gather(*(_read_state_range(store, a, b) for a, b in ranges))
    return [row for part in parts for row in part]


def _is_default(matcher: Matcher) -> bool:
    return matcher.model is not None and bool(matcher.model.training.get("default"))


async def store_model(store: Store, matcher: Matcher, records: int) -> str:
    assert matcher.model is not None
    model_id = f"model_{uuid.uuid4().hex[:16]}"
    await store.execute(
        "create_match_model",
        id=model_id,
        now=datetime.now(UTC),
        json=matcher.model.to_json(),
        records=records,
    )
    return model_id


async def train(
    store: Store, models: ModelCache, records: Sequence[MatchRecord], seed: int = 0
) -> str:
    """Train on these records and store the model: every later write scores with it."""
    matcher = Matcher(models.config)
    matcher.train(records, seed=seed)
    return await store_model(store, matcher, len(records))


def needs_graph(state: list[list[Any]]) -> bool:
    """Whether the matching step needs the job's read of the graph: only to build
    records, and there is none without traits."""
    return bool(split_stored(state)[0])


async def records_and_stored(
    store: Store, snapshot: Snapshot | None, rules: Rules, state: list[list[Any]] | None = None
) -> tuple[dict[str, list[str]], dict[str, StoredRecord], dict[str, tuple[str, list[str]]]]:
    """``state``: the match state read already (``read_match_state``), else read here.
    ``snapshot`` may be None only where ``needs_graph(state)`` is False."""
    if state is None:
        state = await read_match_state(store, snapshot.keys if snapshot else ())
    traits, stored = split_stored(state)
    if not traits:  # no record without traits: skip resolving every unit for nothing
        return traits, {}, stored
    if snapshot is None:
        raise ValueError("the graph's traits need the job's read to build records")
    records = build_records(base_clusters(snapshot, rules), snapshot.nodes, traits, rules)
    return traits, records, stored


def _chunks(rows: list[Any]) -> list[list[Any]]:
    return [rows[i : i + WRITE_ROWS] for i in range(0, len(rows), WRITE_ROWS)]


async def _write_in_chunks(
    store: Store, changes: Changes, records: list[dict[str, Any]], cleared: list[str]
) -> None:
    """Records first, then links and candidates, a bounded number of rows per transaction."""
    now = datetime.now(UTC)
    steps: list[tuple[str, dict[str, Any]]] = [
        *(("clear_match_records", {"keys": part}) for part in _chunks(cleared)),
        *(("set_match_records", {"rows": part}) for part in _chunks(records)),
        *(("delete_fuzzy_links", {"rows": part}) for part in _chunks(changes.delete_links)),
        *(("merge_fuzzy_links", {"rows": p, "now": now}) for p in _chunks(changes.upsert_links)),
        *(("delete_match_candidates", {"ids": p}) for p in _chunks(changes.delete_candidates)),
        *(
            ("merge_match_candidates", {"rows": p, "now": now})
            for p in _chunks(changes.upsert_candidates)
        ),
    ]
    for name, params in steps:
        await store.execute(name, **params)


async def _stored_fuzzy(
    store: Store, snapshot: Snapshot | None, scoring: bool
) -> tuple[set[tuple[str, str]], dict[tuple[str, str], float]]:
    """``_settled_and_fuzzy`` from the job's read; without one (nothing to score), the
    stored fuzzy links from the store."""
    if snapshot is not None:
        return _settled_and_fuzzy(snapshot, scoring)
    assert not scoring, "pairs to score come from records, which need the job's read"
    rows = (await store.query("all_fuzzy_links"))[0]["rows"]
    return set(), {(a, b) if a <= b else (b, a): float(w or 0.0) for a, b, w in rows}


def _settled_and_fuzzy(
    snapshot: Snapshot, scoring: bool
) -> tuple[set[tuple[str, str]], dict[tuple[str, str], float]]:
    """The pairs no score may link (rejected, or linked by other evidence), needed only
    when there are pairs to score, and the stored fuzzy links with their weights; from
    the link columns, with no ``Link`` per link (a million of them cost seconds)."""
    cols, keys = snapshot.cols, snapshot.keys
    ends_a, ends_b = cols.a.tolist(), cols.b.tolist()

    def pair(j: int) -> tuple[str, str]:
        x, y = keys[ends_a[j]], keys[ends_b[j]]
        return (x, y) if x <= y else (y, x)

    fuzzy = [r == FUZZY for r in cols.rule]
    links = {pair(j): cols.weight[j] for j, f in enumerate(fuzzy) if f and not cols.rejected[j]}
    settled: set[tuple[str, str]] = set()
    if scoring:
        settled = {pair(j) for j, f in enumerate(fuzzy) if cols.rejected[j] or not f}
    return settled, links


async def match_all(
    store: Store,
    snapshot: Snapshot | None,
    rules: Rules,
    models: ModelCache,
    job: JobStats,
    state: list[list[Any]] | None = None,
) -> bool:
    """Recompute every record and score; write what differs. True when links changed.
    ``state``: the match state, when read while the job read the graph; ``snapshot``,
    the job's read, may be None where ``needs_graph(state)`` is False."""
    stats = MatchStats()
    seconds: dict[str, float] = {}
    began = time.perf_counter()

    def lap(name: str) -> None:
        nonlocal began
        now = time.perf_counter()
        seconds[name] = round(now - began, 3)
        began = now

    _, records, stored = await records_and_stored(store, snapshot, rules, state)
    lap("records")
    stats.records = len(records)
    current = await store.read(models.current_with_id)
    starting = current is not None and _is_default(current[1])
    if current is None or (starting and len(records) >= MIN_TRAINING_RECORDS):
        if len(records) >= MIN_TRAINING_RECORDS:
            await train(store, models, [r.record for r in records.values()])
            stats.trained = True
        else:
            # Too few records to learn from: the round starting weights, stored like a
            # trained model so that writes score with them too, until a job that finds
            # enough records replaces them with a trained one.
            await store_model(store, Matcher(models.config, default_model(models.config)), 0)
            stats.extra["defaultModel"] = True
        current = await store.read(models.current_with_id)
        assert current is not None
    elif starting:
        stats.extra["defaultModel"] = True
    stats.model_id, matcher = current
    lap("train")
    pairs, blocking = matcher.candidates([r.record for r in records.values()])
    lap("score")
    stats.pairs_compared = blocking.pairs_compared
    stats.extra["pairsByRule"] = blocking.pairs_by_rule
    stats.extra["blocksSkipped"] = blocking.blocks_skipped
    # Settled: rejected by a reviewer, or already linked by deterministic evidence.
    settled, links = await _stored_fuzzy(store, snapshot, bool(pairs))
    candidate_rows = (await store.query("all_match_candidates"))[0]["rows"]
    settled |= {(a, b) for _, a, b, status, _ in candidate_rows if status == "rejected"}
    plan = plan_pairs(matcher, pairs, settled)
    stats.fuzzy_links, stats.candidates = len(plan.links), len(plan.candidates)
    candidates = {(a, b): (status, w) for _, a, b, status, w in candidate_rows}
    changes = diff(plan, links, candidates)
    changed, removed = stale_records(matcher, records, stored)
    rows = record_rows(matcher, changed.values())
    lap("plan")
    await _write_in_chunks(store, changes, rows, sorted(set(changed) | set(removed)))
    lap("write")
    stats.extra["seconds"] = seconds
    stats.records_written = len(changed)
    stats.extra["recordsCleared"] = len(removed)
    stats.links_written, stats.links_deleted = len(changes.upsert_links), len(changes.delete_links)
    stats.candidates_written = len(changes.upsert_candidates)
    stats.candidates_deleted = len(changes.delete_candidates)
    job.matching = stats.as_dict()
    return bool(changes.delete_links or changes.upsert_links)
