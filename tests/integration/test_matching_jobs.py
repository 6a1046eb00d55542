"""Matching in every job against the real Neo4j: the starting model of a small graph, and
the incremental job scoring what deferred writes left unresolved."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from graph_cdp.matching.defaults import default_model
from graph_cdp.matching.model import LevelParameters
from graph_cdp.resolution.batch import JobStats
from graph_cdp.services import CdpService
from graph_cdp.store import Store
from tests.integration.helpers import customer_of, ev, link
from tests.integration.test_matching import KATE_STORE, KATE_WEB, STORE_KEY, TRAPS, WEB_KEY
from tests.matching_people import population, store_event, web_event


def _kate() -> list[dict[str, Any]]:
    return [
        web_event("kate-w", "kate.okafor@mailbox.io", "kate-ck", KATE_WEB),
        store_event("kate-s", "acme:9001", "+16172539999", KATE_STORE),
    ]


async def _models(store: Store) -> list[dict[str, Any]]:
    records, _, _ = await store.driver.execute_query(
        "MATCH (m:MatchModel) RETURN m.id AS id, m.json AS json ORDER BY m.trainedAt",
        database_=store.database,
    )
    return [dict(r) for r in records]


async def test_a_small_graph_matches_with_the_starting_model(
    service: CdpService, store: Store
) -> None:
    # Kate's two sides and a pair of twins: far fewer records than training needs.
    await service.ingest_events(_kate() + TRAPS["twins"])
    assert await customer_of(store, WEB_KEY) != await customer_of(store, STORE_KEY)
    job = await service.run_resolution("full")
    assert job.status == "succeeded", job.error
    matching = job.stats["matching"]
    assert matching["defaultModel"] is True
    assert matching["trained"] is False
    assert matching["fuzzyLinks"] == 1
    assert await customer_of(store, WEB_KEY) == await customer_of(store, STORE_KEY)
    assert (await link(store, WEB_KEY, STORE_KEY))["rule"] == "fuzzy"
    # The twins agree on surname, birth date and address, but not on the first name.
    assert await customer_of(store, "email:trap.a@mailbox.io") != await customer_of(
        store, "loyalty_id:acme:7001"
    )
    [stored] = await _models(store)
    assert '"default": true' in stored["json"]
    # Writes score with the stored starting model too, and the job agrees with them.
    await service.ingest_events(
        [
            web_event("ann-w", "ann.osei@mailbox.io", "ann-ck", {**KATE_WEB, "firstName": "Ann"}),
            store_event("ann-s", "acme:9002", "+16172538899", {**KATE_STORE, "first_name": "Ann"}),
        ]
    )
    assert await customer_of(store, "email:ann.osei@mailbox.io") == await customer_of(
        store, "loyalty_id:acme:9002"
    )
    again = await service.run_resolution("full")
    assert again.stats["unitsChanged"] == 0
    assert again.stats["matching"]["linksWritten"] == 0
    assert again.stats["matching"]["modelId"] == matching["modelId"]
    assert (await service.check()).ok


async def test_a_graph_grown_past_the_minimum_replaces_the_starting_model(
    service: CdpService, store: Store
) -> None:
    await service.ingest_events(_kate())
    first = await service.run_resolution("full")
    assert first.stats["matching"]["defaultModel"] is True
    events = population()
    for start in range(0, len(events), 200):
        await service.ingest_events(events[start : start + 200])
    grown = await service.run_resolution("full")
    assert grown.status == "succeeded", grown.error
    assert grown.stats["matching"]["trained"] is True
    assert "defaultModel" not in grown.stats["matching"]
    assert grown.stats["matching"]["modelId"] != first.stats["matching"]["modelId"]
    assert len(await _models(store)) == 2
    assert await customer_of(store, WEB_KEY) == await customer_of(store, STORE_KEY)


async def test_an_incremental_job_scores_what_deferred_writes_left(
    service: CdpService, store: Store
) -> None:
    events = population()
    for start in range(0, len(events), 200):
        await service.ingest_events(events[start : start + 200])
    trained = await service.run_resolution("full")
    assert trained.stats["matching"]["trained"] is True
    # A backfill that defers resolution, then the incremental job.
    await service.ingest_events(_kate(), resolve=False)
    job = await service.run_resolution("incremental")
    assert job.status == "succeeded", job.error
    assert await customer_of(store, WEB_KEY) == await customer_of(store, STORE_KEY)
    fuzzy = await link(store, WEB_KEY, STORE_KEY)
    assert fuzzy["rule"] == "fuzzy"
    assert fuzzy["active"] is True
    # The full job recomputes every score and finds what the incremental one wrote.
    full = await service.run_resolution("full")
    assert full.stats["unitsChanged"] == 0
    assert full.stats["matching"]["linksWritten"] == 0
    assert full.stats["matching"]["linksDeleted"] == 0
    assert full.stats["matching"]["recordsWritten"] == 0
    assert (await service.check()).ok


async def test_a_model_of_an_earlier_version_is_set_aside_until_a_job_trains_one(
    service: CdpService, store: Store
) -> None:
    # A model stored before the birth date comparison gained its decade level.
    old = default_model()
    old.comparisons["birth_date"] = [
        LevelParameters(level, 0.2, 0.2)
        for level in ("exact", "day_month_swapped", "one_digit", "year_month", "else")
    ]
    await store.execute(
        "create_match_model", id="model_old", now=datetime.now(UTC), json=old.to_json(), records=0
    )
    # Writes keep resolving identity and score nothing with it: no error, no fuzzy link.
    await service.ingest_events(_kate())
    assert await customer_of(store, WEB_KEY) != await customer_of(store, STORE_KEY)
    assert await customer_of(store, WEB_KEY) is not None
    # The next full job stores a model that fits, and matches with it.
    job = await service.run_resolution("full")
    assert job.status == "succeeded", job.error
    assert job.stats["matching"]["modelId"] != "model_old"
    assert job.stats["matching"]["fuzzyLinks"] == 1
    assert await customer_of(store, WEB_KEY) == await customer_of(store, STORE_KEY)
    assert len(await _models(store)) == 2  # the old one is kept, not used


async def test_the_matching_step_needs_no_read_of_a_graph_without_traits(
    service: CdpService, store: Store
) -> None:
    """A graph whose identifiers hold no traits has no record to build: the step reads
    none of the graph (the Spark engine then skips its read on the driver), and still
    retires a stored fuzzy link that nothing supports any more, as with the read."""
    await service.ingest_events(
        [ev("a", ("email", "ada@shop.io")), ev("b", ("email", "ada.l@shop.io"))]
    )
    await store.driver.execute_query(
        "MATCH (a:Identifier {key: 'email:ada.l@shop.io'}), (b:Identifier {key: 'email:ada@shop.io'}) "
        "CREATE (a)-[:LINKED {rule: 'fuzzy', weight: 9.5, count: 1, explicit: 0, active: true,"
        " firstSeen: datetime(), lastSeen: datetime(), sources: []}]->(b)",
        database_=store.database,
    )
    step = service.jobs.before_resolve
    assert step is not None
    state = await step.prefetch()
    assert not step.needs_graph(state)
    assert await step(None, JobStats(), state)  # links changed: the fuzzy one is gone
    rows, _, _ = await store.driver.execute_query(
        "MATCH ()-[l:LINKED {rule: 'fuzzy'}]->() RETURN count(l) AS n", database_=store.database
    )
    assert rows[0]["n"] == 0
