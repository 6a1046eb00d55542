"""Ingest throughput: graph-cdp (validate, write, resolve) beside raw batched writes.

The baseline writes the same identifier nodes, interaction nodes, OBSERVED and LINKED
edges with the plain driver (UNWIND batches, no validation, no resolution), with the
rows prepared before the clock starts. The ratio says what identity resolution on
every write costs over merely storing the data.
"""

from __future__ import annotations

import itertools
import json
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

    await fresh(store)
    service = CdpService(store, settings)
    accepted = 0
    with timer(seconds, "graph_cdp"):
        for start in range(0, len(events), BATCH):
            accepted += (await service.ingest_events(events[start : start + BATCH])).accepted

    await fresh(store)
    with timer(seconds, "graph_cdp_deferred"):
        for start in range(0, len(events), BATCH):
            await service.ingest_events(events[start : start + BATCH], resolve=False)
        await service.run_resolution("full")

    batches = _raw_batches(events, settings)
    await fresh(store)
    with timer(seconds, "raw_driver"):
        for batch in batches:
            await _raw_write(store, batch)

    rates = {name: len(events) / s for name, s in seconds.items()}
    return {
        "customers": customers,
        "events": len(events),
        "accepted": accepted,
        "seconds": seconds,
        "events_per_second": rates,
        "ratio_vs_raw": {
            "graph_cdp": rates["graph_cdp"] / rates["raw_driver"],
            "graph_cdp_deferred": rates["graph_cdp_deferred"] / rates["raw_driver"],
        },
    }
