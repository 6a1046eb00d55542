"""The full resolution job: recompute every unit from the evidence, fix what differs.

Read everything once, find the units (connected components of candidate links and
current customers: scipy's ``connected_components`` on a sparse matrix), resolve each
in memory with the same rules as incremental resolution, and re-resolve, under locks,
only the units whose partition, link decisions or statuses differ. Each transaction
holds whole units, so a job killed half-way leaves every unit consistent, and running
it again finishes the rest.
"""

from __future__ import annotations

import json
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import numpy as np
from neo4j import AsyncManagedTransaction
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from graph_cdp.identifiers import IdentifierPolicy
from graph_cdp.resolution.clustering import OK, Link, Node, resolve
from graph_cdp.resolution.incremental import Outcome, resolve_seeds
from graph_cdp.resolution.rules import Rules
from graph_cdp.store import Store, run

Progress = Callable[[str, int, int], None]
UNITS_PER_TX_IDENTIFIERS = 2000
READ_PAGE = 50_000


@dataclass
class Snapshot:
    keys: list[str]
    index: dict[str, int]
    nodes: dict[str, Node]
    stored_status: dict[str, str]
    blocked: dict[str, str | None]
    customer: dict[str, str | None]
    links: list[Link]
    decisions: dict[tuple[str, str], tuple[bool, str | None]]


@dataclass
class JobStats:
    identifiers: int = 0
    links: int = 0
    units: int = 0
    units_changed: int = 0
    status_changes: int = 0
    customers_before: int = 0
    customers_after: int = 0
    outcome: Outcome = field(default_factory=Outcome)
    refused_by_rule: Counter[str] = field(default_factory=Counter)
    seconds: dict[str, float] = field(default_factory=dict)
    matching: dict[str, Any] = field(default_factory=dict)

    def as_properties(self) -> dict[str, Any]:
        return {
            "identifiers": self.identifiers,
            "links": self.links,
            "units": self.units,
            "unitsChanged": self.units_changed,
            "statusChanges": self.status_changes,
            "customersBefore": self.customers_before,
            "customersAfter": self.customers_after,
            "merges": self.outcome.merges,
            "splits": self.outcome.splits,
            "customersCreated": self.outcome.customers_created,
            "identifiersMoved": self.outcome.identifiers_moved,
            "refusedByRule": json.dumps(dict(sorted(self.refused_by_rule.items()))),
            "seconds": json.dumps({k: round(v, 3) for k, v in self.seconds.items()}),
            "matching": json.dumps(self.matching, sort_keys=True),
        }


async def read_snapshot(store: Store, policy: IdentifierPolicy, rules: Rules) -> Snapshot:
    """Everything the job needs, statuses recomputed under the current rules."""
    nodes: dict[str, Node] = {}
    stored: dict[str, str] = {}
    blocked: dict[str, str | None] = {}
    customer: dict[str, str | None] = {}
    degree: Counter[str] = Counter()
    links: list[Link] = []
    decisions: dict[tuple[str, str], tuple[bool, str | None]] = {}
    # Paged by key, one record of compact rows per page: decoding a million records
    # one by one costs several times more than a few large lists.
    after = ""
    while True:
        page = (await store.query("all_identifiers", after=after, limit=READ_PAGE))[0]["rows"]
        if not page:
            break
        for key, kind, value, first_seen, status, cust, names in page:
            nodes[key] = Node(key, kind, value, int(first_seen or 0), names=tuple(names))
            stored[key] = status or OK
            blocked[key] = policy.blocklist.reason(kind, value)
            customer[key] = cust
        after = page[-1][0]
    after = ""
    while True:
        records = await store.query("all_links", after=after, limit=READ_PAGE)
        if not records or records[0]["last"] is None:
            break
        for row in records[0]["rows"]:
            a, b, count, first_seen, active, refused_by, revoked, rule, weight, rejected = row
            if a not in nodes or b not in nodes:
                continue  # written after the identifiers were read: the next job sees it
            links.append(
                Link(a, b, int(count), int(first_seen or 0), bool(revoked), rule, weight, rejected)
            )
            degree[a] += 1
            degree[b] += 1
            decisions[(a, b)] = (bool(active), refused_by)
        after = records[0]["last"]
    for key, node in nodes.items():
        status = (
            "blocked"
            if blocked[key]
            else "hub"
            if degree[key] > rules.hub_threshold(node.kind)
            else OK
        )
        if status != OK:
            nodes[key] = Node(key, node.kind, node.value, node.first_seen, status, node.names)
    keys = sorted(nodes)
    return Snapshot(
        keys, {k: i for i, k in enumerate(keys)}, nodes, stored, blocked, customer, links, decisions
    )


def unit_labels(snapshot: Snapshot) -> Any:
    """Connected components over candidate links and shared customers (scipy).

    A link counts when each end is ``ok`` under the stored status or the new one: the
    locked walk in the database follows stored statuses until the job updates them, so
    a unit must hold everything that walk can reach, or two transactions could resolve
    overlapping parts with different views of a hub.
    """
    index, nodes, stored = snapshot.index, snapshot.nodes, snapshot.stored_status
    rows: list[int] = []
    cols: list[int] = []
    for link in snapshot.links:
        if (nodes[link.a].status == OK or stored[link.a] == OK) and (
            nodes[link.b].status == OK or stored[link.b] == OK
        ):
            rows.append(index[link.a])
            cols.append(index[link.b])
    first_member: dict[str, int] = {}
    for key, cust in snapshot.customer.items():
        if cust is not None:
            rows.append(first_member.setdefault(cust, index[key]))
            cols.append(index[key])
    n = len(snapshot.keys)
    data = np.ones(len(rows), dtype=np.int8)
    matrix = coo_matrix((data, (np.array(rows, np.int64), np.array(cols, np.int64))), (n, n))
    _, labels = connected_components(matrix, directed=False)
    return labels


def changed_units(
    snapshot: Snapshot, labels: Any, rules: Rules, stats: JobStats
) -> list[list[str]]:
    """Resolve every unit in memory; return those whose stored state differs."""
    members: dict[int, list[str]] = {}
    for key, label in zip(snapshot.keys, labels.tolist(), strict=True):
        members.setdefault(label, []).append(key)
    unit_links: dict[int, list[Link]] = {}
    dirty: set[int] = set()
    for link in snapshot.links:
        la, lb = labels[snapshot.index[link.a]], labels[snapshot.index[link.b]]
        if la == lb:
            unit_links.setdefault(int(la), []).append(link)
        else:
            # Across units only links touching a blocked or hub identifier: always refused.
            bad = [snapshot.nodes[k].status for k in (link.a, link.b)]
            rule = "revoked" if link.revoked else "blocked" if "blocked" in bad else "hub"
            stats.refused_by_rule[rule] += 1
            if snapshot.decisions[(link.a, link.b)] != (False, rule):
                dirty.update((int(la), int(lb)))
    for key, node in snapshot.nodes.items():
        if node.status != snapshot.stored_status[key] or snapshot.customer[key] is None:
            dirty.add(int(labels[snapshot.index[key]]))
    stats.units = len(members)
    for label, keys in members.items():
        nodes = {k: snapshot.nodes[k] for k in keys}
        links = unit_links.get(label, [])
        resolution = resolve(nodes, links, rules)
        stats.refused_by_rule.update(resolution.refused.values())
        if label in dirty:
            continue
        for link in links:
            refused_by = resolution.refused.get(link.pair)
            if snapshot.decisions[(link.a, link.b)] != (refused_by is None, refused_by):
                dirty.add(label)
                break
        else:
            for cluster in resolution.clusters:
                owners = {snapshot.customer[k] for k in cluster}
                if len(owners) != 1:
                    dirty.add(label)
                    break
            if label not in dirty and len(resolution.clusters) != len(
                {snapshot.customer[k] for k in keys}
            ):
                dirty.add(label)
    stats.units_changed = len(dirty)
    return [members[label] for label in sorted(dirty)]


async def apply_units(
    store: Store,
    snapshot: Snapshot,
    units: list[list[str]],
    rules: Rules,
    job_id: str,
    stats: JobStats,
    progress: Progress | None,
) -> None:
    """Re-resolve the changed units under locks, whole units per transaction."""
    batches: list[list[list[str]]] = [[]]
    size = 0
    for unit in units:
        if size and size + len(unit) > UNITS_PER_TX_IDENTIFIERS:
            batches.append([])
            size = 0
        batches[-1].append(unit)
        size += len(unit)
    done = 0
    for batch in batches:
        if not batch:
            continue
        keys = [k for unit in batch for k in unit]
        status_rows = [
            {
                "key": k,
                "blocked": snapshot.blocked[k],
                "threshold": rules.hub_threshold(snapshot.nodes[k].kind),
            }
            for k in keys
        ]
        stats.outcome.add(
            await _resolve_batch(store, keys, status_rows, rules, job_id, f"{done}/{len(units)}")
        )
        done += len(batch)
        if progress is not None:
            progress("apply", done, len(units))


async def _resolve_batch(
    store: Store,
    keys: list[str],
    status_rows: list[dict[str, Any]],
    rules: Rules,
    job_id: str,
    progress_text: str,
) -> Outcome:
    async def work(tx: AsyncManagedTransaction) -> Outcome:
        now = datetime.now(UTC)
        statuses = await run(tx, "update_identifier_status", rows=status_rows)
        inactive = sorted(r["key"] for r in statuses if r["status"] != OK)
        if inactive:
            await run(tx, "refuse_links_of_inactive", keys=inactive)
        await run(tx, "touch_job", id=job_id, now=now, progress=progress_text)
        return await resolve_seeds(tx, keys, rules, now, reason="full resolution", job_id=job_id)

    return await store.write(work)


# A step that may rewrite evidence before the job resolves (probabilistic matching); it
# returns True when links changed, and the job then reads the evidence again.
SnapshotStep = Callable[[Snapshot, JobStats], Awaitable[bool]]


async def run_full(
    store: Store,
    policy: IdentifierPolicy,
    rules: Rules,
    job_id: str,
    progress: Progress | None = None,
    before_resolve: SnapshotStep | None = None,
) -> JobStats:
    stats = JobStats()
    began = time.perf_counter()
    snapshot = await read_snapshot(store, policy, rules)
    stats.seconds["read"] = time.perf_counter() - began
    if before_resolve is not None:
        t = time.perf_counter()
        if await before_resolve(snapshot, stats):
            snapshot = await read_snapshot(store, policy, rules)
        stats.seconds["match"] = time.perf_counter() - t
    stats.identifiers = len(snapshot.keys)
    stats.links = len(snapshot.links)
    stats.customers_before = len({c for c in snapshot.customer.values() if c is not None})
    stats.status_changes = sum(
        1 for k, n in snapshot.nodes.items() if n.status != snapshot.stored_status[k]
    )
    if progress is not None:
        progress("read", stats.identifiers, stats.identifiers)

    t = time.perf_counter()
    labels = unit_labels(snapshot) if snapshot.keys else np.zeros(0, dtype=np.int64)
    stats.seconds["components"] = time.perf_counter() - t

    t = time.perf_counter()
    units = changed_units(snapshot, labels, rules, stats)
    stats.seconds["resolve"] = time.perf_counter() - t

    t = time.perf_counter()
    await apply_units(store, snapshot, units, rules, job_id, stats, progress)
    stats.seconds["apply"] = time.perf_counter() - t

    rows = await store.query("count_customers")
    stats.customers_after = int(rows[0]["total"])
    stats.seconds["total"] = time.perf_counter() - began
    return stats


async def run_incremental(
    store: Store,
    policy: IdentifierPolicy,
    rules: Rules,
    job_id: str,
    progress: Progress | None = None,
) -> JobStats:
    """Re-resolve only the units touched since the last successful job."""
    stats = JobStats()
    began = time.perf_counter()
    last = await store.query("last_successful_job")
    since = last[0]["startedAt"] if last else datetime(1970, 1, 1, tzinfo=UTC)
    rows = await store.query("recently_touched_identifiers", since=since)
    stats.identifiers = len(rows)
    stats.customers_before = int((await store.query("count_customers"))[0]["total"])
    keys = [r["key"] for r in rows]
    for start in range(0, len(keys), UNITS_PER_TX_IDENTIFIERS):
        chunk = rows[start : start + UNITS_PER_TX_IDENTIFIERS]
        status_rows = [
            {
                "key": r["key"],
                "blocked": policy.blocklist.reason(r["kind"], r["value"]),
                "threshold": rules.hub_threshold(r["kind"]),
            }
            for r in chunk
        ]
        outcome = await _resolve_batch(
            store, [r["key"] for r in chunk], status_rows, rules, job_id, f"{start}/{len(keys)}"
        )
        stats.outcome.add(outcome)
        stats.refused_by_rule.update(outcome.refused)
        if progress is not None:
            progress("apply", min(start + UNITS_PER_TX_IDENTIFIERS, len(keys)), len(keys))
    stats.customers_after = int((await store.query("count_customers"))[0]["total"])
    stats.seconds["total"] = time.perf_counter() - began
    return stats
