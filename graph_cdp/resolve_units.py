"""Resolving units inside a write transaction: the store's reads and writes around the
pure resolver.

Every write (ingest, push, forget, revoke) and the batch job go through here, in this
order: refresh the statuses of the identifiers whose links changed (refusing the links
of inactive ones), lock and read their units, resolve them (``resolution/``), write
what changed. ``JobUnits`` gives the batch job the same steps behind the small
interface it is written against (``resolution.batch.JobStore``).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Collection, Iterable, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from neo4j import AsyncManagedTransaction

from graph_cdp.graph_types import (
    OK,
    IdentifierColumns,
    IdentifierRef,
    KnownUnit,
    LinkColumns,
    StatusChange,
    StatusInput,
    Unit,
    UnitChanges,
)
from graph_cdp.resolution.change_log import cause_of, plan_records
from graph_cdp.resolution.clustering import Resolution
from graph_cdp.resolution.incremental import Outcome, new_customer_id, plan_unit
from graph_cdp.resolution.rules import REFUSAL_PRECEDENCE, Rules
from graph_cdp.store import Store
from graph_cdp.store.changes import append_changes, change_log_on
from graph_cdp.store.cypher import load
from graph_cdp.store.key_ranges import key_ranges
from graph_cdp.store.records import identifier_columns, identifier_ref, link_columns
from graph_cdp.store.statuses import refuse_links_of_inactive, update_statuses
from graph_cdp.store.units import (
    fence_known,
    grow_locked,
    load_links,
    walk_locked,
    write_changes,
)
from graph_cdp.store.values import EPOCH, native


async def refresh_statuses(
    tx: AsyncManagedTransaction, identifiers: Sequence[StatusInput], rules: Rules
) -> list[StatusChange]:
    """Recount degrees, set statuses (blocked > hub > ok), and refuse every link of every
    inactive identifier among them.

    Every inactive one, not only those whose status just changed: that makes the refresh
    a repair too (a full job after a rule change or a crash fixes stale decisions even
    where no status moved), and it costs only reads where decisions are already right.
    """
    if not identifiers:
        return []
    changes = await update_statuses(tx, [(s, rules.hub_threshold(s.kind)) for s in identifiers])
    inactive = sorted(c.key for c in changes if c.status != OK)
    await refuse_links_of_inactive(tx, inactive, REFUSAL_PRECEDENCE)
    return changes


# Called once a unit is resolved and before what changed is written, in its transaction:
# probabilistic matching keeps its records and fuzzy links current here (from the
# resolution's base partition, which fuzzy links do not change). It returns the
# identifiers whose fuzzy links it added or removed (None: none); their units are then
# resolved with this one, in one plan and one write.
UnitHook = Callable[
    [AsyncManagedTransaction, Unit, Resolution, datetime], Awaitable["Collection[str] | None"]
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
    traits: Mapping[str, Sequence[str]] | None = None,
    after: UnitHook | None = None,
) -> Outcome:
    """Lock the units of ``seeds``, resolve them from scratch, run ``after`` on the unit
    (matching), and write what changed and its change records (``traits``: identifier
    key -> trait names written with it). When ``after`` added or removed fuzzy links,
    the units they reach are locked too and everything is resolved again with them
    before anything is written: one plan, one write, one set of change records (a new
    identifier a fuzzy link joins to a profile is an update of that profile, not a
    profile created and merged away)."""
    unit = await walk_locked(tx, seeds)
    if not unit.nodes:
        return Outcome()
    await load_links(tx, unit)
    resolution, changes, outcome = plan_unit(unit, rules, new_id)
    if after is not None:
        fuzzy = await after(tx, unit, resolution, now)
        if fuzzy:
            unit = await grow_locked(tx, unit, fuzzy)
            resolution, changes, outcome = plan_unit(unit, rules, new_id)
    await write_changes(tx, changes, now=now, reason=reason, job_id=job_id)
    if change_log_on.get():
        records = plan_records(
            current=unit.current,
            assign=changes.assign,
            created=changes.created,
            merges=changes.merges,
            traits=traits,
        )
        rows = [r.row() for r in records]
        await append_changes(tx, rows, cause=cause_of(reason), job_id=job_id, now=now)
    return outcome


async def write_known_units(
    tx: AsyncManagedTransaction,
    units: Sequence[KnownUnit],
    now: datetime,
    *,
    job_id: str,
    new_id: Callable[[], str] = new_customer_id,
) -> tuple[Outcome, list[int]]:
    """The full job's fenced write of units it resolved from its read (see
    ``resolution.batch.apply_known``): lock and compare every member, then write each
    unit that passed: statuses, the links of its inactive identifiers refused, one new
    customer per cluster where it had none, its link decisions, and the change records
    the locked re-resolve would write. Returns what changed and the positions of the
    units that failed the fence."""
    # One new customer per cluster of each unit without one, made before the fence, which
    # creates them for the units it keeps (the ids of a unit turned away go unused).
    new_customers: list[dict[str, str]] = []
    for unit in units:
        mine: dict[str, str] = {}
        if unit.customer is None:
            for cluster in unit.clusters:
                mine.update(dict.fromkeys(cluster, new_id()))
        new_customers.append(mine)
    turned = await fence_known(tx, units, new_customers, now)
    kept = [(u, new_customers[n]) for n, u in enumerate(units) if n not in turned]
    inactive = sorted(
        k for u, _ in kept for k, st in zip(u.keys, u.statuses, strict=True) if st != OK
    )
    await refuse_links_of_inactive(tx, inactive, REFUSAL_PRECEDENCE)
    decisions: list[tuple[str, str, bool, str | None]] = []
    rows: list[dict[str, Any]] = []
    outcome = Outcome()
    for unit, mine in kept:
        outcome.unit_size += len(unit.keys)
        decisions.extend(unit.decisions)
        if unit.customer is not None:
            continue
        made = [(mine[cluster[0]], None) for cluster in unit.clusters]
        outcome.customers_created += len(made)
        outcome.identifiers_moved += len(mine)
        records = plan_records(
            current=dict.fromkeys(unit.keys), assign=mine, created=made, merges=[]
        )
        rows.extend(r.row() for r in records)
    reason = "full resolution"
    changes = UnitChanges(created=[], assign={}, merges=[], decisions=decisions)
    await write_changes(tx, changes, now=now, reason=reason, job_id=job_id)
    if change_log_on.get():
        await append_changes(tx, rows, cause=cause_of(reason), job_id=job_id, now=now)
    return outcome, sorted(turned)


# A write is marked with its transaction's start; one that began before the last job and
# committed after that job read its evidence is found by the next incremental job, which
# looks this far back (re-resolving what is already resolved changes nothing). It also
# covers clocks of the API's and the database's hosts this far apart.
WRITE_OVERLAP = timedelta(minutes=10)


class JobUnits:
    """The store as the batch job sees it (implements ``resolution.batch.JobStore``)."""

    def __init__(self, store: Store, rules: Rules, after: UnitHook | None = None) -> None:
        self.store = store
        self.rules = rules
        self.after = after  # matching on each re-resolved unit (incremental jobs)

    async def _page(self, name: str, **params: Any) -> tuple[Any, ...]:
        """The one record of a page query, its values as decoded: ``Store.query`` turns
        every record into a dict, walking each nested value, which costs more than the
        transfer on pages of 50,000 rows."""

        async def work(tx: AsyncManagedTransaction) -> tuple[Any, ...]:
            result = await tx.run(load(name), params)
            return tuple((await result.single(strict=True)).values())

        return await self.store.read(work)

    async def key_ranges(self, parts: int) -> list[tuple[str, str | None]]:
        total = int((await self.store.query("count_identifiers"))[0]["total"])
        return await key_ranges(self.store, parts, total)

    async def identifier_columns(
        self, after: str, limit: int, upto: str | None = None
    ) -> IdentifierColumns:
        (rows,) = await self._page("all_identifiers", after=after, upto=upto, limit=limit)
        return identifier_columns(rows)

    async def link_columns(
        self, after: str, limit: int, upto: str | None = None
    ) -> tuple[LinkColumns, str | None]:
        rows, last = await self._page("all_links", after=after, upto=upto, limit=limit)
        return (link_columns(rows), last) if last is not None else (link_columns([]), None)

    async def touched_since_last_job(self) -> list[IdentifierRef]:
        last = await self.store.query("last_successful_job")
        since = native(last[0]["startedAt"]) - WRITE_OVERLAP if last else EPOCH
        return [
            identifier_ref(r)
            for r in await self.store.query("recently_touched_identifiers", since=since)
        ]

    async def count_customers(self) -> int:
        return int((await self.store.query("count_customers"))[0]["total"])

    async def resolve(
        self, keys: Sequence[str], statuses: Sequence[StatusInput], job_id: str, progress: str
    ) -> Outcome:
        """Refresh statuses and re-resolve the units of ``keys`` in one transaction."""

        async def work(tx: AsyncManagedTransaction) -> Outcome:
            now = datetime.now(UTC)
            await refresh_statuses(tx, statuses, self.rules)
            return await resolve_seeds(
                tx, keys, self.rules, now, reason="full resolution", job_id=job_id, after=self.after
            )

        outcome = await self.store.write(work)
        await self._touch(job_id, progress)
        return outcome

    async def write_known(
        self, units: Sequence[KnownUnit], job_id: str, progress: str
    ) -> tuple[Outcome, list[int]]:
        async def work(tx: AsyncManagedTransaction) -> tuple[Outcome, list[int]]:
            return await write_known_units(tx, units, datetime.now(UTC), job_id=job_id)

        result = await self.store.write(work)
        await self._touch(job_id, progress)
        return result

    async def _touch(self, job_id: str, progress: str) -> None:
        # Apart from the units' transaction: the job node's lock, held to its commit,
        # would serialise the job's concurrent transactions (and its heartbeat).
        await self.store.execute("touch_job", id=job_id, now=datetime.now(UTC), progress=progress)
