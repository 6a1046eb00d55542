"""The full job's fenced write of plain units, against the real Neo4j: a unit that a
writer changed between the job's read and its write is turned away by the fence and
re-resolved under locks, so the job ends as if it had read the graph after the write."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from neo4j import AsyncManagedTransaction

from graph_cdp.graph_types import KnownUnit
from graph_cdp.resolution.batch import run_full
from graph_cdp.resolution.incremental import Outcome
from graph_cdp.resolve_units import JobUnits, write_known_units
from graph_cdp.services import CdpService
from graph_cdp.store import Store
from tests.integration.helpers import ev, partition


class WriterBetween(JobUnits):
    """The job's store, with a concurrent writer that runs after the job read the graph
    and before its first fenced write."""

    def __init__(self, service: CdpService, events: list[dict[str, object]]) -> None:
        super().__init__(service.store, service.rules)
        self.service = service
        self.events = events
        self.turned: list[int] = []

    async def write_known(
        self, units: Sequence[KnownUnit], job_id: str, progress: str
    ) -> tuple[Outcome, list[int]]:
        if self.events:
            await self.service.ingest_events(self.events)  # resolved on write
            self.events = []
        outcome, turned = await super().write_known(units, job_id, progress)
        self.turned.extend(turned)
        return outcome, turned


async def _load(service: CdpService) -> None:
    events = [
        ev("a", ("email", "ann@mail.io"), ("cookie_id", "k-ann")),
        ev("b", ("email", "bob@mail.io"), ("phone", "+12123551000")),
        ev("c", ("email", "cy@mail.io")),
    ]
    await service.ingest_events(events, resolve=False)  # evidence only: no customer yet


async def test_a_unit_written_since_the_read_is_re_resolved_under_locks(
    service: CdpService, store: Store
) -> None:
    await _load(service)
    # Ann's email is seen with a phone, resolved on write, after the job's read.
    units = WriterBetween(service, [ev("d", ("email", "ann@mail.io"), ("phone", "+12123559999"))])
    stats = await run_full(units, service.policy, service.rules, "job-fence")

    assert stats.units_changed == 3
    assert len(units.turned) == 1  # Ann's unit: her email counts one more link
    assert stats.known_units == 2  # Bob's and Cy's, written from the read
    assert await partition(store) == {
        frozenset({"email:ann@mail.io", "cookie_id:k-ann", "phone:+12123559999"}),
        frozenset({"email:bob@mail.io", "phone:+12123551000"}),
        frozenset({"email:cy@mail.io"}),
    }
    assert (await service.check()).ok
    again = await service.run_resolution("full")
    assert again.stats["unitsChanged"] == 0


async def test_the_fence_turns_away_a_unit_that_gained_a_customer_or_a_link(
    service: CdpService, store: Store
) -> None:
    await _load(service)
    await service.ingest_events([ev("e", ("email", "cy@mail.io"))])  # Cy is resolved now

    def read(keys: list[str], degrees: list[int], accept: list[tuple[str, str]]) -> KnownUnit:
        return KnownUnit(
            keys=keys,
            degrees=degrees,
            links=degrees,
            thresholds=[25] * len(keys),
            statuses=["ok"] * len(keys),
            blocked=[None] * len(keys),
            customer=None,
            clusters=[keys],
            decisions=[(a, b, True, None) for a, b in accept],
        )

    units = [
        read(
            ["cookie_id:k-ann", "email:ann@mail.io"],
            [1, 1],
            [("cookie_id:k-ann", "email:ann@mail.io")],
        ),
        read(["email:bob@mail.io", "phone:+12123551000"], [1, 2], []),
        read(["email:cy@mail.io"], [0], []),
    ]

    async def work(tx: AsyncManagedTransaction) -> tuple[Outcome, list[int]]:
        return await write_known_units(tx, units, datetime.now(UTC), job_id="job-fence")

    outcome, turned = await store.write(work)
    # Bob's phone was read with a link it does not have; Cy has a customer now.
    assert turned == [1, 2]
    assert await partition(store) == {
        frozenset({"cookie_id:k-ann", "email:ann@mail.io"}),
        frozenset({"email:cy@mail.io"}),
    }
    statuses, _, _ = await store.driver.execute_query(
        "MATCH (i:Identifier) RETURN i.key AS key, i.status AS status, i.degree AS degree",
        database_=store.database,
    )
    ann = {r["key"]: (r["status"], r["degree"]) for r in statuses if "ann" in r["key"]}
    assert ann == {"cookie_id:k-ann": ("ok", 1), "email:ann@mail.io": ("ok", 1)}
    decided, _, _ = await store.driver.execute_query(
        "MATCH (:Identifier {key: 'cookie_id:k-ann'})-[l:LINKED]-() RETURN l.active AS active",
        database_=store.database,
    )
    assert [r["active"] for r in decided] == [True]
    assert (outcome.customers_created, outcome.identifiers_moved) == (1, 2)
