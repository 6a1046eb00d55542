"""Accuracy against ground truth: graph-cdp beside naive connected components.

One sample (the grown generator: nicknames, nameless events, personal mailboxes,
cross-channel persons, the four traps) is ingested once as evidence; then full jobs
resolve the same graph under each form of the shared-device rule (``strict``, the
earlier rule, then ``evidence``, the default), and each result is scored:

- against the deterministic oracle (graph_cdp.sample.truth): true pairs are the owned
  identifiers a perfect resolver could join from identifiers alone; shared devices,
  public computers, the call-centre phone and junk emails connect nothing;
- against the persons (graph_cdp.sample.metrics): every identifier of a customer, store
  side and web side, is one true cluster; precision here counts a correct
  cross-channel join as correct;
- cross-channel persons joined, trap pairs merged (per kind; must be 0), and the
  customers whose identifiers meet only through their own device or cookie.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from bench.common import fresh, timer
from bench.naive import naive_components
from graph_cdp.config import Settings
from graph_cdp.identifiers import IdentifierPolicy
from graph_cdp.resolution.rules import SHARED_DEVICE_RULES, Rules
from graph_cdp.sample import GroundTruth, generate, pairwise_scores
from graph_cdp.sample.metrics import (
    cross_channel_joined,
    person_scores,
    trap_pairs_merged,
    weak_only_joined,
)
from graph_cdp.services import CdpService
from graph_cdp.store import Store

BATCH = 1000


def score(predicted: dict[str, Any], truth: GroundTruth) -> dict[str, Any]:
    """Every accuracy figure of one clustering (identifier key -> entity)."""
    traps = trap_pairs_merged(predicted, truth)
    return {
        "oracle": asdict(pairwise_scores(predicted, truth)),
        "persons": asdict(person_scores(predicted, truth)),
        "cross_channel_joined": asdict(cross_channel_joined(predicted, truth)),
        "trap_pairs_merged": {kind: asdict(share) for kind, share in traps.items()},
        "trap_pairs_merged_total": sum(share.hit for share in traps.values()),
        "weak_only_joined": asdict(weak_only_joined(predicted, truth)),
        "two_mailboxes_joined": asdict(weak_only_joined(predicted, truth, same_kind=True)),
    }


async def bench_accuracy(
    store: Store, settings: Settings, customers: int, seed: int, incremental: bool
) -> dict[str, Any]:
    data = generate(customers=customers, seed=seed)
    seconds: dict[str, float] = {}
    await fresh(store)
    default = CdpService(store, settings, rules=Rules())
    with timer(seconds, "ingest"):
        for start in range(0, len(data.events), BATCH):
            await default.ingest_events(data.events[start : start + BATCH], resolve=incremental)
    rules: dict[str, Any] = {}
    # The default rule last, so the graph left behind (and its check) is the default's.
    for name in sorted(SHARED_DEVICE_RULES, key=lambda r: r == Rules().shared_device):
        service = CdpService(store, settings, rules=Rules(shared_device=name))
        with timer(seconds, f"full_job_{name}"):
            job = await service.run_resolution("full")
        rows = await store.query("identifier_customers")
        rules[name] = {
            **score({r["key"]: r["customer"] for r in rows}, data.truth),
            "job": job.stats,
        }
    with timer(seconds, "naive"):
        naive = naive_components(data.events, IdentifierPolicy.from_settings(settings))
    report = await default.check()
    return {
        "customers": customers,
        "events": len(data.events),
        "mode": "incremental" if incremental else "deferred + full job",
        "cases": {
            "cross_channel_persons": len(data.truth.cross_channel),
            "trap_pairs": len(data.truth.traps),
            "personal_mailboxes": sum(len(c.personal_emails) for c in data.customers),
        },
        "graph_cdp": rules,
        "naive_components": score(naive, data.truth),
        "invariants_ok": report.ok,
        "seconds": seconds,
    }
