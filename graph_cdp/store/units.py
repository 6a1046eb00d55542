"""Reading and writing resolution units inside a caller's transaction.

A resolution unit is the closure of some identifiers under active-candidate links
(both ends ``ok``) and shared customers. Walking it takes each identifier's write lock
first, so a concurrent writer that wants to link into the unit waits for this
transaction, and one that holds part of it first makes Neo4j detect a deadlock, which
the driver retries.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime

from neo4j import AsyncManagedTransaction

from graph_cdp.graph_types import KnownUnit, Unit, UnitChanges, UnitMember
from graph_cdp.store.driver import collected, run
from graph_cdp.store.records import stored_links, unit_member


def _take(unit: Unit, member: UnitMember) -> None:
    key = member.node.key
    unit.nodes[key] = member.node
    unit.current[key] = member.customer
    if member.customer is not None:
        unit.created_at[member.customer] = member.customer_created


async def walk_locked(tx: AsyncManagedTransaction, seeds: Iterable[str]) -> Unit:
    """Lock the seeds and everything they reach, reading each identifier under its lock."""
    unit = Unit({}, [], {}, {}, {})
    await _walk(tx, unit, sorted(set(seeds)))
    return unit


async def grow_locked(tx: AsyncManagedTransaction, unit: Unit, seeds: Iterable[str]) -> Unit:
    """``unit`` (locked, read and its links loaded in this transaction) with the units of
    ``seeds`` added: what it did not hold is locked and read as ``walk_locked`` does.
    Links are read again only where something changed since ``unit`` was loaded: those
    of the seeds (this transaction wrote theirs: fuzzy links) and of the identifiers
    added; every other link of ``unit`` is as it was, since its ends are locked."""
    seeds = set(seeds)
    grown = Unit(dict(unit.nodes), [], dict(unit.current), dict(unit.created_at), {})
    await _walk(tx, grown, sorted(seeds - set(unit.nodes)))
    touched = (set(grown.nodes) - set(unit.nodes)) | (seeds & set(grown.nodes))
    for link in unit.links:
        if link.a not in touched and link.b not in touched:
            grown.links.append(link)
            grown.decisions[(link.a, link.b)] = unit.decisions[(link.a, link.b)]
    rows = await collected(tx, "load_links_touching", keys=sorted(touched))
    for stored in stored_links(rows):
        link = stored.link
        if link.a in grown.nodes and link.b in grown.nodes:
            grown.links.append(link)
            grown.decisions[(link.a, link.b)] = stored.decision
    return grown


async def _walk(tx: AsyncManagedTransaction, unit: Unit, seeds: list[str]) -> None:
    if not seeds:
        return
    held = set(unit.nodes)
    for row in await collected(tx, "lock_identifiers", keys=seeds):
        _take(unit, unit_member(row))
    frontier = sorted(set(unit.nodes) - held)
    while frontier:
        found = await collected(tx, "expand_component", keys=frontier, seen=sorted(unit.nodes))
        new = [m for m in map(unit_member, found) if m.node.key not in unit.nodes]
        for member in new:
            _take(unit, member)
        frontier = sorted(m.node.key for m in new)


async def load_links(tx: AsyncManagedTransaction, unit: Unit) -> None:
    """The links inside a locked unit, and what was last decided for each."""
    for stored in stored_links(await collected(tx, "load_unit_links", keys=sorted(unit.nodes))):
        link = stored.link
        if link.b in unit.nodes:
            unit.links.append(link)
            unit.decisions[(link.a, link.b)] = stored.decision


async def write_changes(
    tx: AsyncManagedTransaction,
    changes: UnitChanges,
    *,
    now: datetime,
    reason: str,
    job_id: str | None,
) -> None:
    if changes.created:
        rows = [{"id": cid, "splitFrom": old} for cid, old in changes.created]
        await run(tx, "create_customers", rows=rows, now=now, reason=reason, jobId=job_id)
    if changes.assign:
        rows = [{"key": k, "customer": c} for k, c in sorted(changes.assign.items())]
        await run(tx, "assign_identifiers", rows=rows, now=now)
    if changes.merges:
        rows = [{"merged": m, "survivor": s} for m, s in changes.merges]
        await run(tx, "merge_customers", rows=rows, now=now, reason=reason, jobId=job_id)
    if changes.decisions:
        decided = [
            {"a": a, "b": b, "active": active, "refusedBy": refused_by}
            for a, b, active, refused_by in changes.decisions
        ]
        await run(tx, "set_link_decisions", rows=decided, now=now)


async def fence_known(
    tx: AsyncManagedTransaction,
    units: Sequence[KnownUnit],
    new_customers: Sequence[Mapping[str, str]],
    now: datetime,
) -> set[int]:
    """Lock every member of ``units``; for each unit the store still holds as the job read
    it, write its statuses and, where it had no customer, create ``new_customers`` (one
    per unit: identifier key -> new customer id) with their members. Return the positions
    of the other units (see ``fence_known_units.cypher``)."""
    rows = [
        {
            "unit": n,
            "key": k,
            "degree": d,
            "links": ln,
            "threshold": t,
            "status": st,
            "blocked": b,
            "customer": u.customer,
            "newCustomer": made.get(k),
        }
        for n, (u, made) in enumerate(zip(units, new_customers, strict=True))
        for k, d, ln, t, st, b in zip(
            u.keys, u.degrees, u.links, u.thresholds, u.statuses, u.blocked, strict=True
        )
    ]
    return set(await collected(tx, "fence_known_units", rows=rows, now=now))
