"""Ingest throughput: graph-cdp (validate, write, resolve) beside raw batched writes.

The baseline writes the same identifier nodes, interaction nodes, OBSERVED and LINKED
edges with the plain driver (UNWIND batches, no validation, no resolution), with the
rows prepared before the clock starts. The ratio says what identity resolution on
every write costs over merely storing the data.

Resolved on every write runs twice: on an empty database with no match model (as a
new install runs until its first full job), and again with the model the deferred
pass's full job trained on the same events stored first, so that every write also
rebuilds the touched match records, looks up their blocking neighbours and scores
them (matching as it runs once a model exists).
"""

from __future__ import annotations

import itertools
import json
import statistics
from collections import Counter
from datetime import UTC, datetime
from typing import Any

from neo4j import AsyncManagedTransaction

from bench.common import fresh, timer
from graph_cdp.config import Settings
from graph_cdp.errors import InvalidInput
from graph_cdp.events import EventLimits, validate_event
from graph_cdp.identifiers import IdentifierPolicy
from graph_cdp.sample import generate
from graph_cdp.services import CdpService
from graph_cdp.store import Store, run
from graph_cdp.store.values import wire

BATCH = 500
WARM_UP = BATCH  # events of each write path before any clock starts
RAW_ROUNDS = 3


def _raw_batches(events: list[dict[str, Any]], settings: Settings) -> list[dict[str, Any]]:
    policy = IdentifierPolicy.from_settings(settings)
    limits = EventLimits.from_settings(settings)
    now = datetime.now(UTC)
    seen_ids: set[str] = set()
    batches = []
    for start in range(0, len(events), BATCH):
        identifiers: dict[str, dict[str, Any]] = {}
        interactions = []
        links: Counter[tuple[str, str]] = Counter()
        for raw in events[start : start + BATCH]:
            try:
                event = validate_event(raw, policy, limits, now)
            except InvalidInput:
                continue
            if event.message_id in seen_ids:
                continue
            seen_ids.add(event.message_id)
            for n in event.identifiers:
                identifiers[n.key] = {
                    "key": n.key,
                    "kind": n.kind,
                    "value": n.value,
                    "label": n.label,
                }
            interactions.append(
                {
                    "id": event.message_id,
                    "type": event.type,
                    "at": wire(event.timestamp),
                    "properties": json.dumps(event.properties),
                    "keys": list(event.identifier_keys),
                }
            )
            links.update(itertools.combinations(sorted(event.identifier_keys), 2))
        batches.append(
            {
                "identifiers": sorted(identifiers.values(), key=lambda r: r["key"]),
                "interactions": interactions,
                "links": [{"a": a, "b": b, "count": c} for (a, b), c in sorted(links.items())],
            }
        )
    return batches


async def _raw_write(store: Store, batch: dict[str, Any]) -> None:
    async def work(tx: AsyncManagedTransaction) -> None:
        await run(tx, "bench/raw_identifiers", rows=batch["identifiers"])
        await run(tx, "bench/raw_interactions", rows=batch["interactions"])
        await run(tx, "bench/raw_links", rows=batch["links"])

    await store.write(work)


async def bench_ingest(
    store: Store, settings: Settings, customers: int, seed: int
) -> dict[str, Any]:
    events = generate(customers=customers, seed=seed).events
    seconds: dict[str, float] = {}

    service = CdpService(store, settings)
    # A warm-up on a wiped database: the first path timed must not also pay for a
    # freshly started server (its JIT and plan cache; the first run after a start went
    # at half the rate of the next). The raw baseline warms itself in its rounds.
    await fresh(store)
    await service.ingest_events(events[:WARM_UP])
    await service.ingest_events(events[WARM_UP : 2 * WARM_UP], resolve=False)
    await fresh(store)
    accepted = 0
    with timer(seconds, "graph_cdp"):
        for start in range(0, len(events), BATCH):
            accepted += (await service.ingest_events(events[start : start + BATCH])).accepted

    await fresh(store)
    with timer(seconds, "graph_cdp_deferred"):
        # The evidence alone (validated, normalized, stored and linked; no customer
        # yet) is timed too: what the write path costs before any resolution.
        with timer(seconds, "graph_cdp_evidence_only"):
            for start in range(0, len(events), BATCH):
                await service.ingest_events(events[start : start + BATCH], resolve=False)
        await service.run_resolution("full")

    trained = await store.query("current_match_model")
    model = await store.query("get_match_model", id=trained[0]["id"]) if trained else []
    await fresh(store)
    if model:
        now = datetime.now(UTC)
        await store.execute(
            "create_match_model", id="bench", now=now, json=model[0]["json"], records=0
        )
        with timer(seconds, "graph_cdp_matching"):
            for start in range(0, len(events), BATCH):
                await service.ingest_events(events[start : start + BATCH])

    # The baseline is short (a few seconds) and moved 2-3x between runs of this bench on
    # one server (the first of them plans and warms its statements): the median of
    # RAW_ROUNDS timed runs on a wiped database, each run's time reported.
    batches = _raw_batches(events, settings)
    raw_rounds: list[float] = []
    for _ in range(RAW_ROUNDS):
        await fresh(store)
        with timer(seconds, "raw_driver"):
            for batch in batches:
                await _raw_write(store, batch)
        raw_rounds.append(seconds["raw_driver"])
    seconds["raw_driver"] = statistics.median(raw_rounds)

    rates = {name: len(events) / s for name, s in seconds.items()}
    return {
        "customers": customers,
        "events": len(events),
        "accepted": accepted,
        "seconds": seconds,
        "raw_rounds": raw_rounds,
        "events_per_second": rates,
        "ratio_vs_raw": {name: rate / rates["raw_driver"] for name, rate in rates.items()},
    }
