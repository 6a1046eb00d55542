"""Resolve the units some identifiers belong to, inside the caller's write transaction.

Every write (ingest, push, delete, revoke) and the batch job end here, so incremental
and batch resolution are the same computation on the same evidence.
"""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from neo4j import AsyncManagedTransaction

from graph_cdp.resolution.assignment import plan_assignment
from graph_cdp.resolution.clustering import Resolution, resolve
from graph_cdp.resolution.rules import Rules
from graph_cdp.store.units import Unit, load_links, walk_locked, write_changes


def new_customer_id() -> str:
    return f"cus_{uuid.uuid4().hex[:20]}"


@dataclass
class Outcome:
    """What one resolution pass changed."""

    unit_size: int = 0
    customers_created: int = 0
    splits: int = 0
    merges: int = 0
    identifiers_moved: int = 0
    refused: Counter[str] = field(default_factory=Counter)
    merged_pairs: list[tuple[str, str]] = field(default_factory=list)

    def add(self, other: Outcome) -> None:
        self.unit_size += other.unit_size
        self.customers_created += other.customers_created
        self.splits += other.splits
        self.merges += other.merges
        self.identifiers_moved += other.identifiers_moved
        self.refused.update(other.refused)
        self.merged_pairs.extend(other.merged_pairs)


# Called after a unit is resolved, in its transaction (probabilistic matching keeps its
# records and fuzzy links current here); what it changed is added to the outcome.
UnitHook = Callable[
    [AsyncManagedTransaction, Unit, Resolution, datetime], Awaitable["Outcome | None"]
]


async def resolve_seeds(
    tx: AsyncManagedTransaction,
    seeds: Iterable[str],
    rules: Rules,
    now: datetime,
    *,
    reason: str,
    job_id: str | None = None,
    new_id: Callable[[], str] = new_customer_id,
    after: UnitHook | None = None,
) -> Outcome:
    """Lock the units of ``seeds``, resolve them from scratch, write what changed."""
    unit = await walk_locked(tx, seeds, now)
    if not unit.nodes:
        return Outcome()
    await load_links(tx, unit)
    resolution = resolve(unit.nodes, unit.links, rules)
    first_seen = {k: n.first_seen for k, n in unit.nodes.items()}
    plan = plan_assignment(resolution.clusters, unit.current, first_seen, unit.created_at, new_id)
    decisions: list[dict[str, Any]] = []
    for link in unit.links:
        refused_by = resolution.refused.get(link.pair)
        wanted = (refused_by is None, refused_by)
        if unit.decisions.get((link.a, link.b)) != wanted:
            decisions.append(
                {"a": link.a, "b": link.b, "active": wanted[0], "refusedBy": refused_by}
            )
    await write_changes(
        tx,
        created=plan.created,
        assign=plan.assign,
        merges=plan.merges,
        decisions=decisions,
        now=now,
        reason=reason,
        job_id=job_id,
    )
    outcome = Outcome(
        unit_size=len(unit.nodes),
        customers_created=len(plan.created),
        splits=len(plan.splits),
        merges=len(plan.merges),
        identifiers_moved=len(plan.assign),
        refused=Counter(resolution.refused.values()),
        merged_pairs=list(plan.merges),
    )
    if after is not None:
        more = await after(tx, unit, resolution, now)
        if more is not None:
            outcome.add(more)
    return outcome
