"""Resolve the units some identifiers belong to, inside the caller's write transaction.

Every write (ingest, push, delete, revoke) and the batch job end here, so incremental
and batch resolution are the same computation on the same evidence.
"""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from neo4j import AsyncManagedTransaction

from graph_cdp.resolution.assignment import plan_assignment
from graph_cdp.resolution.change_log import cause_of, plan_records
from graph_cdp.resolution.clustering import resolve
from graph_cdp.resolution.rules import Rules
from graph_cdp.store.changes import append_changes, change_log_on
from graph_cdp.store.units import load_links, walk_locked, write_changes


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


async def resolve_seeds(
    tx: AsyncManagedTransaction,
    seeds: Iterable[str],
    rules: Rules,
    now: datetime,
    *,
    reason: str,
    job_id: str | None = None,
    new_id: Callable[[], str] = new_customer_id,
    traits: Mapping[str, Sequence[str]] | None = None,
) -> Outcome:
    """Lock the units of ``seeds``, resolve them from scratch, write what changed and
    its change records (``traits``: identifier key -> trait names written with it)."""
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
    if change_log_on.get():
        records = plan_records(
            current=unit.current,
            assign=plan.assign,
            created=plan.created,
            merges=plan.merges,
            traits=traits,
        )
        rows = [r.row() for r in records]
        await append_changes(tx, rows, cause=cause_of(reason), job_id=job_id, now=now)
    return Outcome(
        unit_size=len(unit.nodes),
        customers_created=len(plan.created),
        splits=len(plan.splits),
        merges=len(plan.merges),
        identifiers_moved=len(plan.assign),
        refused=Counter(resolution.refused.values()),
        merged_pairs=list(plan.merges),
    )
