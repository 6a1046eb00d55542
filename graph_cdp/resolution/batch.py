"""The full resolution job: recompute every unit from the evidence, fix what differs.

Read everything once, find the units (connected components of candidate links and
current customers: scipy's ``connected_components`` on a sparse matrix), resolve each
in memory with the same rules as incremental resolution, and re-resolve, under locks,
only the units whose partition, link decisions or statuses differ. Each transaction
holds whole units, so a job killed half-way leaves every unit consistent, and running
it again finishes the rest.

The job reaches the graph only through ``JobStore`` (implemented by
``graph_cdp.resolve_units.JobUnits``): pages of typed rows in, whole units re-resolved
under locks out. It knows no Cypher.
"""

from __future__ import annotations

import json
import time
from collections import Counter
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from graph_cdp.graph_types import (
    OK,
    Decision,
    IdentifierRef,
    Link,
    Node,
    StatusInput,
    StoredIdentifier,
    StoredLink,
)
from graph_cdp.identifiers import IdentifierPolicy
from graph_cdp.resolution.incremental import Outcome
from graph_cdp.resolution.rules import Rules, identifier_status
from graph_cdp.resolution.unit_diff import cross_unit_refusal, unit_differs

Progress = Callable[[str, int, int], None]
UNITS_PER_TX_IDENTIFIERS = 2000
READ_PAGE = 50_000


class JobStore(Protocol):
    """What the job needs of the graph."""

    async def identifier_page(self, after: str, limit: int) -> list[StoredIdentifier]:
        """Identifiers in key order after ``after``; empty at the end."""
        ...

    async def link_page(self, after: str, limit: int) -> tuple[list[StoredLink], str | None]:
        """The links leaving a page of identifiers after ``after``, and the page's last key
        (None at the end)."""
        ...

    async def touched_since_last_job(self) -> list[IdentifierRef]:
        """Identifiers written since the last successful job, or without a customer."""
        ...

    async def count_customers(self) -> int: ...

    async def resolve(
        self, keys: Sequence[str], statuses: Sequence[StatusInput], job_id: str, progress: str
    ) -> Outcome:
        """In one transaction: refresh ``statuses``, re-resolve the units of ``keys``."""
        ...


@dataclass
class Snapshot:
    keys: list[str]
    index: dict[str, int]
    nodes: dict[str, Node]
    stored_status: dict[str, str]
    blocked: dict[str, str | None]
    customer: dict[str, str | None]
    links: list[Link]
    decisions: dict[tuple[str, str], Decision]


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


async def read_snapshot(store: JobStore, policy: IdentifierPolicy, rules: Rules) -> Snapshot:
    """Everything the job needs, statuses recomputed under the current rules."""
    nodes: dict[str, Node] = {}
    stored: dict[str, str] = {}
    blocked: dict[str, str | None] = {}
    customer: dict[str, str | None] = {}
    degree: Counter[str] = Counter()
    links: list[Link] = []
    decisions: dict[tuple[str, str], Decision] = {}
    # Paged by key, one record of compact rows per page: decoding a million records
    # one by one costs several times more than a few large lists.
    after = ""
    while page := await store.identifier_page(after, READ_PAGE):
        for ident in page:
            node = ident.node  # carries the stored status; the snapshot's starts at ok
            if node.status != OK:
                node = Node(node.key, node.kind, node.value, node.first_seen, OK, node.names)
            nodes[node.key] = node
            stored[node.key] = ident.node.status
            blocked[node.key] = policy.blocklist.reason(node.kind, node.value)
            customer[node.key] = ident.customer
        after = page[-1].node.key
    after = ""
    while True:
        page_links, last = await store.link_page(after, READ_PAGE)
        if last is None:
            break
        for row in page_links:
            link = row.link
            if link.a not in nodes or link.b not in nodes:
                continue  # written after the identifiers were read: the next job sees it
            links.append(link)
            degree[link.a] += 1
            degree[link.b] += 1
            decisions[(link.a, link.b)] = row.decision
        after = last
    for key, node in nodes.items():
        status = identifier_status(
            blocked[key] or None, degree[key], rules.hub_threshold(node.kind)
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
            rule = cross_unit_refusal(
                link, snapshot.nodes[link.a].status, snapshot.nodes[link.b].status
            )
            stats.refused_by_rule[rule] += 1
            if snapshot.decisions[(link.a, link.b)] != (False, rule):
                dirty.update((int(la), int(lb)))
    stats.units = len(members)
    for label, keys in members.items():
        differs, refused = unit_differs(
            {k: snapshot.nodes[k] for k in keys},
            unit_links.get(label, []),
            snapshot.stored_status,
            snapshot.customer,
            snapshot.decisions,
            rules,
        )
        stats.refused_by_rule.update(refused)
        if differs:
            dirty.add(label)
    stats.units_changed = len(dirty)
    return [members[label] for label in sorted(dirty)]


def tx_batches(units: list[list[str]]) -> list[list[list[str]]]:
    """Whole units per transaction, about ``UNITS_PER_TX_IDENTIFIERS`` identifiers each."""
    batches: list[list[list[str]]] = [[]]
    size = 0
    for unit in units:
        if size and size + len(unit) > UNITS_PER_TX_IDENTIFIERS:
            batches.append([])
            size = 0
        batches[-1].append(unit)
        size += len(unit)
    return [batch for batch in batches if batch]


def status_inputs(snapshot: Snapshot) -> dict[str, StatusInput]:
    """What each identifier's status is refreshed from when its unit is rewritten."""
    return {k: StatusInput(k, n.kind, snapshot.blocked[k]) for k, n in snapshot.nodes.items()}


async def apply_units(
    store: JobStore,
    inputs: Mapping[str, StatusInput],
    units: list[list[str]],
    job_id: str,
    stats: JobStats,
    progress: Progress | None,
) -> None:
    """Re-resolve the changed units under locks, whole units per transaction."""
    done = 0
    for batch in tx_batches(units):
        keys = [k for unit in batch for k in unit]
        statuses = [inputs[k] for k in keys]
        stats.outcome.add(await store.resolve(keys, statuses, job_id, f"{done}/{len(units)}"))
        done += len(batch)
        if progress is not None:
            progress("apply", done, len(units))


# A step that may rewrite evidence before the job resolves (probabilistic matching); it
# returns True when links changed, and the job then reads the evidence again.
SnapshotStep = Callable[[Snapshot, JobStats], Awaitable[bool]]


async def run_full(
    store: JobStore,
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
    await apply_units(store, status_inputs(snapshot), units, job_id, stats, progress)
    stats.seconds["apply"] = time.perf_counter() - t

    stats.customers_after = await store.count_customers()
    stats.seconds["total"] = time.perf_counter() - began
    return stats


async def run_incremental(
    store: JobStore,
    policy: IdentifierPolicy,
    rules: Rules,
    job_id: str,
    progress: Progress | None = None,
) -> JobStats:
    """Re-resolve only the units touched since the last successful job."""
    stats = JobStats()
    began = time.perf_counter()
    touched = await store.touched_since_last_job()
    stats.identifiers = len(touched)
    stats.customers_before = await store.count_customers()
    for start in range(0, len(touched), UNITS_PER_TX_IDENTIFIERS):
        chunk = touched[start : start + UNITS_PER_TX_IDENTIFIERS]
        statuses = [
            StatusInput(r.key, r.kind, policy.blocklist.reason(r.kind, r.value)) for r in chunk
        ]
        outcome = await store.resolve(
            [r.key for r in chunk], statuses, job_id, f"{start}/{len(touched)}"
        )
        stats.outcome.add(outcome)
        stats.refused_by_rule.update(outcome.refused)
        if progress is not None:
            progress("apply", min(start + UNITS_PER_TX_IDENTIFIERS, len(touched)), len(touched))
    stats.customers_after = await store.count_customers()
    stats.seconds["total"] = time.perf_counter() - began
    return stats
