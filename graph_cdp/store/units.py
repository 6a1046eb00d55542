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

from graph_cdp.resolution.clustering import Link, Node
from graph_cdp.store.driver import run
from graph_cdp.store.values import native


@dataclass
class Unit:
    nodes: dict[str, Node]
    links: list[Link]
    current: dict[str, str | None]  # identifier key -> customer id
    created_at: dict[str, datetime]  # customer id -> createdAt
    decisions: dict[tuple[str, str], tuple[bool, str | None]]  # stored (active, refusedBy)


async def walk_locked(tx: AsyncManagedTransaction, seeds: Iterable[str], now: datetime) -> set[str]:
    """Lock the seeds and everything they reach; return the closed unit."""
    start = sorted(set(seeds))
    locked = await run(tx, "lock_identifiers", keys=start, now=now)
    seen = {r["key"] for r in locked}
    frontier = sorted(seen)
    while frontier:
        found = await run(tx, "expand_component", keys=frontier, seen=sorted(seen), now=now)
        new = {r["key"] for r in found} - seen
        seen |= new
        frontier = sorted(new)
    return seen


async def load_unit(tx: AsyncManagedTransaction, keys: set[str]) -> Unit:
    ordered = sorted(keys)
    nodes: dict[str, Node] = {}
    current: dict[str, str | None] = {}
    created_at: dict[str, datetime] = {}
    for r in await run(tx, "load_unit_nodes", keys=ordered):
        nodes[r["key"]] = Node(
            r["key"], r["kind"], r["value"], native(r["firstSeen"]), r["status"] or "ok"
        )
        current[r["key"]] = r["customer"]
        if r["customer"] is not None:
            created_at[r["customer"]] = native(r["customerCreatedAt"])
    links: list[Link] = []
    decisions: dict[tuple[str, str], tuple[bool, str | None]] = {}
    for r in await run(tx, "load_unit_links", keys=ordered):
        if r["b"] in nodes:
            link = Link(r["a"], r["b"], int(r["count"]), native(r["firstSeen"]), bool(r["revoked"]))
            links.append(link)
            decisions[(r["a"], r["b"])] = (bool(r["active"]), r["refusedBy"])
    return Unit(nodes, links, current, created_at, decisions)


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
