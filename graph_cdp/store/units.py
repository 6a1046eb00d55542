"""Reading and writing resolution units inside a caller's transaction.

A resolution unit is the closure of some identifiers under active-candidate links
(both ends ``ok``) and shared customers. Walking it takes each identifier's write lock
first, so a concurrent writer that wants to link into the unit waits for this
transaction, and one that holds part of it first makes Neo4j detect a deadlock, which
the driver retries.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from neo4j import AsyncManagedTransaction

from graph_cdp.resolution.clustering import OK, Link, Node
from graph_cdp.store.driver import run


@dataclass
class Unit:
    nodes: dict[str, Node]
    links: list[Link]
    current: dict[str, str | None]  # identifier key -> customer id
    created_at: dict[str, int]  # customer id -> createdAt, epoch milliseconds
    decisions: dict[tuple[str, str], tuple[bool, str | None]]  # stored (active, refusedBy)


def _take(unit: Unit, row: list[Any]) -> None:
    key, kind, value, first_seen, status, customer, created, names = row
    unit.nodes[key] = Node(key, kind, value, int(first_seen or 0), status or OK, tuple(names))
    unit.current[key] = customer
    if customer is not None:
        unit.created_at[customer] = int(created or 0)


async def walk_locked(tx: AsyncManagedTransaction, seeds: Iterable[str], now: datetime) -> Unit:
    """Lock the seeds and everything they reach, reading each identifier under its lock."""
    unit = Unit({}, [], {}, {}, {})
    for r in await run(tx, "lock_identifiers", keys=sorted(set(seeds)), now=now):
        _take(unit, r["row"])
    frontier = sorted(unit.nodes)
    while frontier:
        found = await run(tx, "expand_component", keys=frontier, seen=sorted(unit.nodes), now=now)
        new = [r["row"] for r in found if r["row"][0] not in unit.nodes]
        for row in new:
            _take(unit, row)
        frontier = sorted(row[0] for row in new)
    return unit


async def load_links(tx: AsyncManagedTransaction, unit: Unit) -> None:
    """The links inside a locked unit, and what was last decided for each."""
    rows = await run(tx, "load_unit_links", keys=sorted(unit.nodes))
    for a, b, count, first_seen, active, refused_by, revoked, rule, weight, rejected in (
        rows[0]["rows"] if rows else []
    ):
        if b in unit.nodes:
            unit.links.append(
                Link(a, b, int(count), int(first_seen or 0), bool(revoked), rule, weight, rejected)
            )
            unit.decisions[(a, b)] = (bool(active), refused_by)


async def write_changes(
    tx: AsyncManagedTransaction,
    *,
    created: list[tuple[str, str | None]],
    assign: dict[str, str],
    merges: list[tuple[str, str]],
    decisions: list[dict[str, Any]],
    now: datetime,
    reason: str,
    job_id: str | None,
) -> None:
    if created:
        rows = [{"id": cid, "splitFrom": old} for cid, old in created]
        await run(tx, "create_customers", rows=rows, now=now, reason=reason, jobId=job_id)
    if assign:
        rows = [{"key": k, "customer": c} for k, c in sorted(assign.items())]
        await run(tx, "assign_identifiers", rows=rows, now=now)
    if merges:
        rows = [{"merged": m, "survivor": s} for m, s in merges]
        await run(tx, "merge_customers", rows=rows, now=now, reason=reason, jobId=job_id)
    if decisions:
        await run(tx, "set_link_decisions", rows=decisions, now=now)
