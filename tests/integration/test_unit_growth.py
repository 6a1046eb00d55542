"""A locked unit grown by the units of some seeds reads what a fresh walk of both reads.

When matching adds or removes fuzzy links on a write, ``resolve_seeds`` grows the unit
it holds (``store.units.grow_locked``) instead of walking it again; resolving the grown
unit must see exactly the identifiers, customers, links and stored decisions that
walking the union from scratch would.
"""

from __future__ import annotations

from neo4j import AsyncManagedTransaction

from graph_cdp.graph_types import Unit
from graph_cdp.services import CdpService
from graph_cdp.store import Store
from graph_cdp.store.units import grow_locked, load_links, walk_locked
from tests.integration.helpers import ev


def _view(unit: Unit) -> tuple[object, ...]:
    return (
        unit.nodes,
        unit.current,
        unit.created_at,
        sorted(unit.links, key=lambda ln: ln.pair),
        unit.decisions,
    )


async def _grown_and_fresh(store: Store, first: list[str], more: list[str]) -> tuple[Unit, Unit]:
    async def work(tx: AsyncManagedTransaction) -> tuple[Unit, Unit]:
        unit = await walk_locked(tx, first)
        await load_links(tx, unit)
        grown = await grow_locked(tx, unit, more)
        fresh = await walk_locked(tx, first + more)
        await load_links(tx, fresh)
        return grown, fresh

    return await store.write(work)


async def test_a_grown_unit_reads_what_a_fresh_walk_of_both_reads(
    service: CdpService, store: Store
) -> None:
    await service.ingest_events(
        [
            ev("1", ("email", "ann@x.io"), ("cookie_id", "ck-ann")),
            ev("2", ("email", "bob@x.io"), ("phone", "+12123551188")),
            ev("3", ("phone", "+12123551188"), ("device_id", "DEV-BOB")),
            # A junk address typed for both: blocked, its links to each side refused, so
            # no walk, fresh or growing, crosses from one part to the other through it.
            ev("4", ("email", "test@test.com"), ("cookie_id", "ck-ann")),
            ev("5", ("email", "test@test.com"), ("device_id", "DEV-BOB")),
        ]
    )
    grown, fresh = await _grown_and_fresh(store, ["email:ann@x.io"], ["email:bob@x.io"])
    assert set(grown.nodes) == {
        "email:ann@x.io",
        "cookie_id:ck-ann",
        "email:bob@x.io",
        "phone:+12123551188",
        "device_id:dev-bob",
    }
    assert _view(grown) == _view(fresh)
    # Growing by what the unit holds already reads nothing new and keeps every link.
    same, again = await _grown_and_fresh(store, ["email:ann@x.io"], ["cookie_id:ck-ann"])
    assert _view(same) == _view(again)


async def test_growing_reads_again_the_links_this_transaction_wrote(
    service: CdpService, store: Store
) -> None:
    await service.ingest_events(
        [ev("1", ("email", "ann@x.io"), ("cookie_id", "ck-ann")), ev("2", ("email", "bob@x.io"))]
    )

    async def work(tx: AsyncManagedTransaction) -> tuple[Unit, Unit]:
        unit = await walk_locked(tx, ["email:ann@x.io"])
        await load_links(tx, unit)
        # As matching does: a link written after the unit was loaded, between two seeds.
        await tx.run(
            "MATCH (a:Identifier {key: 'email:ann@x.io'}), (b:Identifier {key: 'email:bob@x.io'}) "
            "CREATE (a)-[:LINKED {count: 0, firstSeen: datetime(), rule: 'fuzzy', "
            "weight: 12.0, rejected: false}]->(b)"
        )
        grown = await grow_locked(tx, unit, ["email:ann@x.io", "email:bob@x.io"])
        fresh = await walk_locked(tx, ["email:ann@x.io"])
        await load_links(tx, fresh)
        return grown, fresh

    grown, fresh = await store.write(work)
    assert any(link.fuzzy for link in grown.links)
    assert _view(grown) == _view(fresh)
