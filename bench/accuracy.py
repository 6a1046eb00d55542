"""Accuracy against ground truth: graph-cdp beside naive connected components.

The oracle (graph_cdp.sample.truth) counts as true pairs only the owned identifiers a
perfect resolver could join from each customer's own events; shared devices, public
computers, the call-centre phone and junk emails connect nothing in the truth.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from bench.common import fresh, timer
from bench.naive import naive_components
from graph_cdp.config import Settings
from graph_cdp.identifiers import IdentifierPolicy
from graph_cdp.sample import generate, pairwise_scores
from graph_cdp.services import CdpService
from graph_cdp.store import Store

BATCH = 1000


async def bench_accuracy(
    store: Store, settings: Settings, customers: int, seed: int, incremental: bool
) -> dict[str, Any]:
    data = generate(customers=customers, seed=seed)
    seconds: dict[str, float] = {}
    await fresh(store)
    service = CdpService(store, settings)
    with timer(seconds, "ingest"):
        for start in range(0, len(data.events), BATCH):
            await service.ingest_events(data.events[start : start + BATCH], resolve=incremental)
    with timer(seconds, "full_job"):
        job = await service.run_resolution("full")
    rows = await store.query("identifier_customers")
    ours = pairwise_scores({r["key"]: r["customer"] for r in rows}, data.truth)
    with timer(seconds, "naive"):
        naive = pairwise_scores(
            naive_components(data.events, IdentifierPolicy.from_settings(settings)), data.truth
        )
    report = await service.check()
    return {
        "customers": customers,
        "events": len(data.events),
        "mode": "incremental" if incremental else "deferred + full job",
        "graph_cdp": asdict(ours),
        "naive_components": asdict(naive),
        "job": job.stats,
        "invariants_ok": report.ok,
        "seconds": seconds,
    }
