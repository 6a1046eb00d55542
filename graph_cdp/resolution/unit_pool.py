"""The units the array scan cannot settle, checked one at a time, in several processes.

A full job checks each unit that ``unit_scan`` cannot settle with arrays (``resolve``
for a unit none of whose members has a customer, ``unit_differs`` for any other), and
builds the fenced write's view of each known unit. Units are independent and the work
is pure Python, so the units are cut into contiguous slices, one per process: forked
workers read the job's snapshot as it is in memory (copy on write: nothing is sent to
them but the slice's bounds) and send back their slices' results, while the job's own
process checks the first slice. Forked, not spawned: a spawned worker would need the
snapshot pickled to it, seconds on a million identifiers. Where ``fork`` is missing, or
the units are few (a process costs more than it saves), they are checked in process.
The results are the same either way, in the same order (``tests/unit/test_unit_pool.py``).
"""

from __future__ import annotations

import itertools
import multiprocessing
import signal
import warnings
from collections import Counter
from collections.abc import Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from graph_cdp.graph_types import OK, KnownUnit
from graph_cdp.resolution.clustering import resolve
from graph_cdp.resolution.rules import Rules
from graph_cdp.resolution.snapshot import Snapshot
from graph_cdp.resolution.unit_diff import unit_differs

Ints = np.ndarray[Any, np.dtype[np.int64]]

# Below this many units to check, one process does it all.
MIN_UNITS_PER_PROCESS = 20_000


@dataclass
class UnitTable:
    """Where each unit's members and links are in the snapshot (members and links
    sorted by unit, with each unit's bounds), and which units have no customer yet."""

    snapshot: Snapshot
    rules: Rules
    members: Ints
    bounds: Ints
    link_order: Ints
    link_bounds: Ints
    fresh: np.ndarray[Any, np.dtype[np.bool_]]


@dataclass
class Checked:
    """What checking some units gave: the known units (those the odd units gave, then the
    plain ones, each in the order checked), the units found to differ, those known from
    the read instead (``clean``), and what was refused."""

    odd_known: list[KnownUnit] = field(default_factory=list)
    plain_known: list[KnownUnit] = field(default_factory=list)
    differ: list[int] = field(default_factory=list)
    clean: list[int] = field(default_factory=list)
    refused: Counter[str] = field(default_factory=Counter)
    processes: int = 1  # how many processes the units were checked in

    @property
    def known(self) -> list[KnownUnit]:
        return self.odd_known + self.plain_known

    def add(self, other: Checked) -> None:
        self.odd_known.extend(other.odd_known)
        self.plain_known.extend(other.plain_known)
        self.differ.extend(other.differ)
        self.clean.extend(other.clean)
        self.refused.update(other.refused)
        self.processes += other.processes


class _View:
    """Builds the fenced write's view of a unit from the snapshot's columns."""

    def __init__(self, snapshot: Snapshot, rules: Rules) -> None:
        self.snapshot = snapshot
        ids, cols = snapshot.ids, snapshot.cols
        self.ends = cols.ends.tolist()
        self.observed_ends = cols.observed_ends.tolist()
        self.ends_a, self.ends_b = cols.a.tolist(), cols.b.tolist()
        self.thresholds = {kind: rules.hub_threshold(kind) for kind in set(ids.kinds)}

    def unit(
        self,
        at: list[int],
        js: list[int],
        clusters: list[list[str]],
        refused: dict[tuple[str, str], str],
    ) -> KnownUnit:
        s = self.snapshot
        ids, cols, keys = s.ids, s.cols, s.ids.keys
        decisions = []
        status = s.status
        for j in js:
            ia, ib = self.ends_a[j], self.ends_b[j]
            a, b = keys[ia], keys[ib]
            rule = refused.get((a, b) if a <= b else (b, a))
            # A link of an inactive identifier is written whatever was stored: the write
            # refuses every such link by precedence first, and the resolver's rule is last.
            inactive = status[ia] != OK or status[ib] != OK
            if inactive or (cols.active[j], cols.refused_by[j]) != (rule is None, rule):
                decisions.append((a, b, rule is None, rule))
        return KnownUnit(
            keys=[keys[i] for i in at],
            degrees=[self.observed_ends[i] for i in at],
            links=[self.ends[i] for i in at],
            thresholds=[self.thresholds[ids.kinds[i]] for i in at],
            statuses=[s.status[i] for i in at],
            blocked=[s.blocked_at[i] for i in at],
            customer=ids.customer[at[0]],
            clusters=clusters,
            decisions=decisions,
        )


def _check(table: UnitTable, odd: Sequence[int], plain_known: Sequence[int]) -> Checked:
    """``odd``: units the array scan could not settle; ``plain_known``: changed plain units
    whose outcome the read gives (one cluster)."""
    snapshot, rules = table.snapshot, table.rules
    keys, stored, customer = snapshot.keys, snapshot.ids.stored, snapshot.ids.customer
    members, bounds = table.members, table.bounds
    link_order, link_bounds = table.link_order, table.link_bounds
    views: list[_View] = []  # made when a known unit needs it (a job with nothing to change: never)

    def view() -> _View:
        if not views:
            views.append(_View(snapshot, rules))
        return views[0]

    out = Checked()
    for unit in odd:
        at = members[bounds[unit] : bounds[unit + 1]].tolist()
        js = link_order[link_bounds[unit] : link_bounds[unit + 1]].tolist()
        links = [snapshot.link(j) for j in js]
        nodes = {keys[i]: snapshot.node(i) for i in at}
        if table.fresh[unit]:
            resolution = resolve(nodes, links, rules)
            out.refused.update(resolution.refused.values())
            out.clean.append(unit)
            out.odd_known.append(view().unit(at, js, resolution.clusters, resolution.refused))
            continue
        differs, counts = unit_differs(
            nodes,
            links,
            {keys[i]: stored[i] for i in at},
            {keys[i]: customer[i] for i in at},
            {(ln.a, ln.b): snapshot.decision(j) for ln, j in zip(links, js, strict=True)},
            rules,
        )
        out.refused.update(counts)
        if differs:
            out.differ.append(unit)
    for unit in plain_known:
        at = members[bounds[unit] : bounds[unit + 1]].tolist()
        js = link_order[link_bounds[unit] : link_bounds[unit + 1]].tolist()
        out.plain_known.append(view().unit(at, js, [[keys[i] for i in at]], {}))
    return out


# What a forked worker checks slices of (the table, the odd and the plain known units):
# set in the job's process just before the workers are forked, so each inherits it.
_WORK: tuple[UnitTable, list[int], list[int]] | None = None


def _quiet_worker() -> None:
    """A worker leaves signals to the job's process (an API worker's handlers write to
    its event loop's wake-up pipe, which the fork shares)."""
    signal.set_wakeup_fd(-1)
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


def _check_slice(odd: tuple[int, int], plain: tuple[int, int]) -> Checked:
    assert _WORK is not None, "a worker forked without the job's units"
    table, odd_units, plain_units = _WORK
    return _check(table, odd_units[odd[0] : odd[1]], plain_units[plain[0] : plain[1]])


def _bounds(n: int, parts: int) -> list[tuple[int, int]]:
    cuts = [n * p // parts for p in range(parts + 1)]
    return list(itertools.pairwise(cuts))


def check_units(
    table: UnitTable,
    odd: list[int],
    plain_known: list[int],
    processes: int,
    *,
    min_units: int | None = None,
) -> Checked:
    """Check ``odd`` and ``plain_known`` (see ``_check``) in up to ``processes``
    processes, each given at least ``min_units`` units (``MIN_UNITS_PER_PROCESS``)."""
    global _WORK
    least = MIN_UNITS_PER_PROCESS if min_units is None else max(min_units, 1)
    parts = max(1, min(processes, (len(odd) + len(plain_known)) // least))
    if parts == 1 or "fork" not in multiprocessing.get_all_start_methods():
        return _check(table, odd, plain_known)
    slices = list(zip(_bounds(len(odd), parts), _bounds(len(plain_known), parts), strict=True))
    _WORK = (table, odd, plain_known)
    try:
        with (
            ProcessPoolExecutor(
                max_workers=parts - 1,
                mp_context=multiprocessing.get_context("fork"),
                initializer=_quiet_worker,
            ) as pool,
            warnings.catch_warnings(),
        ):
            # Python 3.12+ warns when a process with threads forks (a lock another thread
            # holds stays held in the child); the workers run only the pure checks above.
            warnings.filterwarnings("ignore", ".*multi-threaded.*", DeprecationWarning)
            futures: list[Future[Checked]] = [
                pool.submit(_check_slice, o, p) for o, p in slices[1:]
            ]
            first_odd, first_plain = slices[0]
            out = _check(
                table,
                odd[first_odd[0] : first_odd[1]],
                plain_known[first_plain[0] : first_plain[1]],
            )
            for future in futures:
                out.add(future.result())
    finally:
        _WORK = None
    return out
