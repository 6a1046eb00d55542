"""Ingestion against the real Neo4j: nothing lost, nothing duplicated."""

from __future__ import annotations

import asyncio
import json
import multiprocessing
import os
from typing import Any

import pytest

from graph_cdp.config import Settings
from graph_cdp.errors import LimitExceeded
from graph_cdp.sample import generate
from graph_cdp.services import CdpService
from graph_cdp.store import Store
from tests.integration.helpers import counts, customer_of, ev, link, partition


async def test_ingesting_the_same_events_twice_changes_nothing(service: CdpService) -> None:
    events = generate(customers=40, seed=7).events
    first = await service.ingest_events(events)
    before = await counts(service.store)
    second = await service.ingest_events(events)
    assert await counts(service.store) == before
    assert second.accepted == 0
    assert second.duplicates == first.accepted + first.duplicates
    assert first.accepted > 0


async def test_result_says_accepted_duplicate_and_rejected(service: CdpService) -> None:
    result = await service.ingest_events(
        [
            ev("m1", ("email", "ann@shop.io"), ("cookie_id", "k-1")),
            ev("m1", ("email", "ann@shop.io"), ("cookie_id", "k-1")),
            ev("m2", ("email", "not-an-email")),
            ev("m3", ("phone", "12")),
        ]
    )
    assert result.accepted == 1
    assert result.duplicates == 1
    assert [r.index for r in result.rejected] == [2, 3]
    assert "email" in result.rejected[0].reasons[0]
    assert all(r.dead_letter_id for r in result.rejected)


async def test_rejected_events_are_kept_with_reasons_and_replayed_after_a_rule_change(
    store: Store, settings: Settings
) -> None:
    strict = CdpService(store, settings.model_copy(update={"max_identifiers_per_event": 2}))
    wide = ev("wide", ("email", "a@b.io"), ("phone", "+12125550123"), ("cookie_id", "k"))
    result = await strict.ingest_events([wide])
    assert result.accepted == 0
    letters = await strict.dead_letters()
    assert len(letters) == 1
    assert "identifiers" in letters[0].reasons[0]
    assert letters[0].payload["messageId"] == "wide"

    relaxed = CdpService(store, settings)
    replay = await relaxed.replay_dead_letters()
    assert replay.accepted == 1
    assert await relaxed.dead_letters() == []
    assert await relaxed.profile_by_identifier("email", "a@b.io") is not None


async def test_blocked_values_are_stored_as_evidence_but_never_merge(
    service: CdpService,
) -> None:
    await service.ingest_events(
        [
            ev("s1", ("email", "test@test.com"), ("loyalty_id", "acme:1")),
            ev("s2", ("email", "TEST@test.com "), ("loyalty_id", "acme:2")),
        ]
    )
    a = await customer_of(service.store, "loyalty_id:acme:1")
    b = await customer_of(service.store, "loyalty_id:acme:2")
    assert a != b
    junk = await link(service.store, "email:test@test.com", "loyalty_id:acme:1")
    assert junk["active"] is False
    assert junk["refusedBy"] == "blocked"


async def test_link_evidence_counts_first_and_last_seen(service: CdpService) -> None:
    await service.ingest_events(
        [
            ev("e1", ("email", "a@b.io"), ("cookie_id", "k"), timestamp="2026-01-02T00:00:00Z"),
            ev("e2", ("email", "a@b.io"), ("cookie_id", "k"), timestamp="2026-01-01T00:00:00Z"),
        ],
        source="web",
    )
    evidence = await link(service.store, "email:a@b.io", "cookie_id:k")
    assert evidence["count"] == 2
    assert evidence["rule"] == "co_occurrence"
    assert evidence["sources"] == ["web"]
    assert evidence["firstSeen"].iso_format().startswith("2026-01-01")
    assert evidence["lastSeen"].iso_format().startswith("2026-01-02")


async def test_a_batch_over_the_limit_is_refused_whole(service: CdpService) -> None:
    too_many = [ev(f"x{i}", ("cookie_id", f"k{i}")) for i in range(1001)]
    with pytest.raises(LimitExceeded):
        await service.ingest_events(too_many)
    assert (await counts(service.store))["interactions"] == 0


def _ingest_in_process(events: list[dict[str, Any]], env: dict[str, str]) -> None:
    os.environ.update(env)

    async def go() -> None:
        svc = CdpService.open(Settings())
        try:
            for start in range(0, len(events), 50):
                await svc.ingest_events(events[start : start + 50])
        finally:
            await svc.close()

    asyncio.run(go())


async def test_concurrent_overlapping_ingest_from_processes_loses_and_duplicates_nothing(
    store: Store, settings: Settings
) -> None:
    events = generate(customers=120, seed=11).events
    env = {k: v for k, v in os.environ.items() if k.startswith(("NEO4J_", "GRAPH_CDP_"))}
    # Three processes; each sends two thirds of the stream, in different orders.
    n = len(events)
    shares = [
        events[: 2 * n // 3],
        events[n // 3 :] + events[: n // 3 // 2],
        list(reversed(events[: n // 3])) + events[2 * n // 3 :],
    ]
    ctx = multiprocessing.get_context("spawn")
    procs = [ctx.Process(target=_ingest_in_process, args=(s, env)) for s in shares]
    for p in procs:
        p.start()
    await asyncio.gather(*(asyncio.to_thread(p.join, 300) for p in procs))
    assert [p.exitcode for p in procs] == [0, 0, 0]
    concurrent = await counts(store)
    concurrent_partition = await partition(store)
    report = await CdpService(store, settings).check()
    assert report.ok, report.lines()

    # The same events ingested once, by one writer, give the same graph.
    from tests.conftest import wipe

    await wipe(store)
    await store.apply_schema()
    single = CdpService(store, settings)
    for start in range(0, n, 200):
        await single.ingest_events(events[start : start + 200])
    assert await counts(store) == concurrent
    assert await partition(store) == concurrent_partition


async def test_interactions_keep_their_traits_and_properties(service: CdpService) -> None:
    await service.ingest_events(
        [
            ev(
                "p1",
                ("email", "a@b.io"),
                type="purchase",
                channel="web",
                traits={"firstName": "Ann"},
                properties={"total": 12.5},
            )
        ]
    )
    records, _, _ = await service.store.driver.execute_query(
        "MATCH (e:Interaction {id: 'p1'}) RETURN e.traits AS t, e.properties AS p, e.type AS type"
    )
    assert json.loads(records[0]["t"]) == {"firstName": "Ann"}
    assert json.loads(records[0]["p"]) == {"total": 12.5}
    assert records[0]["type"] == "purchase"
