"""The full resolution job: recompute every unit from the evidence, fix what differs.

Read everything once, find the units (connected components of candidate links and
current customers: scipy's ``connected_components`` on a sparse matrix), resolve each
in memory with the same rules as incremental resolution, and re-resolve, under locks,
only the units whose partition, link decisions or statuses differ. Each transaction
holds whole units, so a job killed half-way leaves every unit consistent, and running
it again finishes the rest.

The job reaches the graph only through ``JobStore`` (implemented by
``graph_cdp.resolve_units.JobUnits``): pages of columns in (``snapshot``), whole units
re-resolved under locks out. It knows no Cypher.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections import Counter
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar

import numpy as np

from graph_cdp.graph_types import (
    IdentifierRef,
    KnownUnit,
    StatusInput,
)
from graph_cdp.identifiers import IdentifierPolicy
from graph_cdp.resolution.incremental import Outcome
from graph_cdp.resolution.job_read import PageReader, read_snapshot
from graph_cdp.resolution.rules import Rules
from graph_cdp.resolution.snapshot import Snapshot
from graph_cdp.resolution.unit_scan import Scan, unit_labels
from graph_cdp.resolution.unit_scan import changed_units as scan_changed

__all__ = [
    "JobStats",
    "JobStore",
    "Snapshot",
    "read_snapshot",
    "run_full",
    "run_incremental",
    "unit_labels",
]

Progress = Callable[[str, int, int], None]
U = TypeVar("U")
UNITS_PER_TX_IDENTIFIERS = 2000
KNOWN_TX_IDENTIFIERS = 10_000
APPLY_CONCURRENCY = 3


class JobStore(PageReader, Protocol):
    """What the job needs of the graph: the read's pages (``job_read.PageReader``), and
    these."""

    async def touched_since_last_job(self) -> list[IdentifierRef]:
        """Identifiers written since the last successful job, or without a customer."""
        ...

    async def count_customers(self) -> int: ...

    async def resolve(
        self, keys: Sequence[str], statuses: Sequence[StatusInput], job_id: str, progress: str
    ) -> Outcome:
        """In one transaction: refresh ``statuses``, re-resolve the units of ``keys``."""
        ...

    async def write_known(
        self, units: Sequence[KnownUnit], job_id: str, progress: str
    ) -> tuple[Outcome, list[int]]:
        """In one transaction: lock every member of ``units``; write each unit whose
        members the store still holds as read (same links counted, same customer or
        none) as the unit says (statuses, decisions, a new customer per cluster where
        it had none); return what it changed and the positions of the units it did
        not write."""
        ...


@dataclass
class JobStats:
    identifiers: int = 0
    links: int = 0
    units: int = 0
    units_changed: int = 0
    processes: int = 1  # that checked the units (unit_pool)
    known_units: int = 0  # of the changed units, those written from the read (fenced)
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
            "processes": self.processes,
            "knownUnits": self.known_units,
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


def changed_units(
    snapshot: Snapshot, labels: Any, rules: Rules, stats: JobStats, processes: int = 1
) -> Scan:
    """Resolve every unit (``unit_scan``); return those whose stored state differs."""
    scan = scan_changed(snapshot, labels, rules, stats.refused_by_rule, processes)
    stats.units = scan.n_units
    stats.units_changed = len(scan.units) + len(scan.known)
    stats.processes = scan.processes
    return scan


def tx_batches(units: Sequence[U], limit: int, size_of: Callable[[U], int]) -> list[list[U]]:
    """Whole units per transaction, about ``limit`` identifiers each."""
    batches: list[list[U]] = [[]]
    size = 0
    for unit in units:
        n = size_of(unit)
        if size and size + n > limit:
            batches.append([])
            size = 0
        batches[-1].append(unit)
        size += n
    return [batch for batch in batches if batch]


def status_inputs(snapshot: Snapshot, units: list[list[str]]) -> dict[str, StatusInput]:
    """What each identifier of ``units`` has its status refreshed from when its unit is
    rewritten."""
    ids, index = snapshot.ids, snapshot.index
    return {
        k: StatusInput(k, ids.kinds[index[k]], snapshot.blocked_at[index[k]])
        for unit in units
        for k in unit
    }


async def _bounded(jobs: Iterable[Callable[[], Awaitable[None]]], limit: int) -> None:
    """Run ``jobs`` with at most ``limit`` at a time; the first failure cancels the rest
    (their transactions roll back) and is raised."""
    running: set[asyncio.Task[None]] = set()
    try:
        for job in jobs:
            if len(running) >= limit:
                done, running = await asyncio.wait(running, return_when=asyncio.FIRST_COMPLETED)
                for task in done:
                    task.result()
            running.add(asyncio.ensure_future(job()))
        while running:
            done, running = await asyncio.wait(running, return_when=asyncio.FIRST_COMPLETED)
            for task in done:
                task.result()
    finally:
        for task in running:
            task.cancel()
        await asyncio.gather(*running, return_exceptions=True)


async def apply_known(
    store: JobStore,
    units: list[KnownUnit],
    job_id: str,
    stats: JobStats,
    progress: Progress | None,
    total: int,
) -> list[list[str]]:
    """Write the changed units whose outcome the read gives (``unit_scan``: plain units
    with one customer or none, units with no customer yet) from the snapshot, fenced,
    whole units per transaction; return the units the fence turned away (a writer
    changed them since the read: they are re-resolved under locks like any other).

    The fence: every member is locked before it is compared with the read, so what is
    compared is what stays until the commit. A unit passes when each member still
    exists, counts the links the job read (so has the status the job computed) and has
    the customer the job read (or none); a writer that linked into the unit or resolved
    it since the read fails it. What is written is then what ``resolve()`` gave from
    the read, with no unit walk, no link read and no resolver in the transaction."""
    stale: list[list[str]] = []
    done = 0

    def job(batch: list[KnownUnit]) -> Callable[[], Awaitable[None]]:
        async def run() -> None:
            nonlocal done
            outcome, turned = await store.write_known(batch, job_id, f"{done}/{total}")
            stats.outcome.add(outcome)
            stale.extend(batch[i].keys for i in turned)
            done += len(batch)
            if progress is not None:
                progress("apply", done, total)

        return run

    batches = tx_batches(units, KNOWN_TX_IDENTIFIERS, lambda u: len(u.keys))
    await _bounded((job(b) for b in batches), APPLY_CONCURRENCY)
    return stale


async def apply_units(
    store: JobStore,
    inputs: Mapping[str, StatusInput],
    units: list[list[str]],
    job_id: str,
    stats: JobStats,
    progress: Progress | None,
    offset: int = 0,
) -> None:
    """Re-resolve the changed units under locks, whole units per transaction.

    ``APPLY_CONCURRENCY`` transactions at a time: their units are disjoint, so they
    take disjoint locks (a unit that a concurrent writer joined to another since the
    read makes two of them meet: Neo4j detects the deadlock and the driver retries),
    and while one transaction plans in Python another one works in the database."""
    done = 0

    def job(batch: list[list[str]]) -> Callable[[], Awaitable[None]]:
        async def run() -> None:
            nonlocal done
            keys = [k for unit in batch for k in unit]
            statuses = [inputs[k] for k in keys]
            total = offset + len(units)
            stats.outcome.add(
                await store.resolve(keys, statuses, job_id, f"{offset + done}/{total}")
            )
            done += len(batch)
            if progress is not None:
                progress("apply", offset + done, total)

        return run

    await _bounded(
        (job(batch) for batch in tx_batches(units, UNITS_PER_TX_IDENTIFIERS, len)),
        APPLY_CONCURRENCY,
    )


class SnapshotStep(Protocol):
    """A step that may rewrite evidence before the job resolves (probabilistic matching)."""

    async def prefetch(self) -> Any:
        """What the step reads of the store apart from the graph: read while the job
        reads the graph, and handed to the step."""
        ...

    def needs_graph(self, prefetched: Any) -> bool:
        """Whether the step needs the job's read of the graph, given what ``prefetch``
        read (an engine that does not read the graph on the driver skips it if not)."""
        ...

    async def __call__(
        self, snapshot: Snapshot | None, stats: JobStats, prefetched: Any = None
    ) -> bool:
        """Run on the job's read (None only where ``needs_graph`` said so); True when
        links changed (the job then reads the evidence again). ``prefetched``: what
        ``prefetch`` gave, or None."""
        ...


async def run_full(
    store: JobStore,
    policy: IdentifierPolicy,
    rules: Rules,
    job_id: str,
    progress: Progress | None = None,
    before_resolve: SnapshotStep | None = None,
    *,
    processes: int = 1,
) -> JobStats:
    """Recompute every unit; rewrite those whose stored state differs. ``processes``:
    how many processes check the units the arrays cannot settle."""
    stats = JobStats()
    began = time.perf_counter()
    ahead = asyncio.ensure_future(before_resolve.prefetch()) if before_resolve else None
    try:
        snapshot = await read_snapshot(store, policy, rules)
    except BaseException:
        if ahead is not None:
            ahead.cancel()
        raise
    stats.seconds["read"] = time.perf_counter() - began
    if before_resolve is not None and ahead is not None:
        t = time.perf_counter()
        if await before_resolve(snapshot, stats, await ahead):
            stats.seconds["match"] = time.perf_counter() - t
            snapshot = await read_snapshot(store, policy, rules)  # with the new fuzzy links
            stats.seconds["reread"] = time.perf_counter() - t - stats.seconds["match"]
        else:
            stats.seconds["match"] = time.perf_counter() - t
    stats.identifiers = len(snapshot.keys)
    stats.links = len(snapshot.cols)
    stats.customers_before = len(set(snapshot.ids.customer) - {None})
    stats.status_changes = sum(
        1 for s, t in zip(snapshot.status, snapshot.ids.stored, strict=True) if s != t
    )
    if progress is not None:
        progress("read", stats.identifiers, stats.identifiers)

    t = time.perf_counter()
    labels = unit_labels(snapshot) if snapshot.keys else np.zeros(0, dtype=np.int64)
    stats.seconds["components"] = time.perf_counter() - t

    t = time.perf_counter()
    scan = changed_units(snapshot, labels, rules, stats, processes)
    stats.seconds["resolve"] = time.perf_counter() - t

    t = time.perf_counter()
    total = len(scan.known) + len(scan.units)
    stale = await apply_known(store, scan.known, job_id, stats, progress, total)
    stats.known_units = len(scan.known) - len(stale)
    stats.seconds["apply_known"] = time.perf_counter() - t
    units = scan.units + stale
    inputs = status_inputs(snapshot, units)
    await apply_units(store, inputs, units, job_id, stats, progress, offset=stats.known_units)
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
