"""The write path's statements read what a unit reaches, never the whole graph.

Cypher's planner picks a plan from the graph's statistics, so a statement that is right
can still be planned to scan: these tests PROFILE the statements on a graph that holds
many identifiers besides a small unit, and bound the database hits by the unit's size.
"""

from __future__ import annotations

from typing import Any

from neo4j import AsyncManagedTransaction

from graph_cdp.services import CdpService
from graph_cdp.store import Store
from graph_cdp.store.cypher import load
from tests.integration.helpers import ev

# Identifiers outside the unit: enough that a plan scanning them costs far more hits
# than the unit's own reads.
STRANGERS = 1500


def _hits(profile: dict[str, Any]) -> int:
    return int(profile.get("dbHits", 0)) + sum(_hits(c) for c in profile.get("children", []))


async def _profiled_hits(store: Store, name: str, **params: Any) -> int:
    async def work(tx: AsyncManagedTransaction) -> int:
        result = await tx.run("PROFILE " + load(name), params)
        summary = await result.consume()
        assert summary.profile is not None
        return _hits(summary.profile)

    return await store.write(work)


async def test_a_step_of_the_locked_walk_reads_the_unit_not_every_ok_identifier(
    service: CdpService, store: Store
) -> None:
    strangers = [
        ev(f"s{n}", ("cookie", f"stranger-{n}"), ("device", f"{n:08d}-0000-4000-8000-000000000000"))
        for n in range(STRANGERS)
    ]
    for start in range(0, len(strangers), 500):
        await service.ingest_events(strangers[start : start + 500], resolve=False)
    unit = [
        ev("u1", ("email", "ada@shop.io"), ("cookie", "ada-laptop")),
        ev("u2", ("email", "ada@shop.io"), ("phone", "+14155550100")),
        ev("u3", ("cookie", "ada-laptop"), ("loyalty_id", "L-100")),
    ]
    await service.ingest_events(unit)
    keys = ["email:ada@shop.io", "cookie:ada-laptop"]
    hits = await _profiled_hits(store, "expand_component", keys=keys, seen=keys)
    # The unit holds 4 identifiers and one customer: a few dozen hits. A plan that seeks
    # every 'ok' identifier through the status index and tests each for a link reads
    # thousands (it did: 660,000 rows for a step of 816 keys).
    assert hits < 400, hits
