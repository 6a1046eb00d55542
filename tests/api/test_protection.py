"""Cost, time and connection bounds over real HTTP: no request starves the others.

Work is held deterministically, never timed: a test transaction takes the write lock of
an identifier (``cypher/lock_identifiers.cypher``, as the unit walk does) and keeps it
open, so every ingest touching that identifier waits for it inside Neo4j.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager

import httpx
import neo4j
import pytest
from graphql import parse

from api.cost import query_cost
from api.schema import build_schema
from graph_cdp.config import Settings
from graph_cdp.store import Store
from graph_cdp.store.cypher import load
from tests.api.conftest import ADMIN, READER, WRITER, Api, LiveServer, api_settings, start_server
from tests.api.helpers import INGEST, event

pytestmark = pytest.mark.api

ONE = (
    "profiles(first: 100) { edges { node { id identifiers { kind value } weakPoints { a b } "
    "interactions(first: 100) { edges { node { id at } } } } } }"
)
HEAVY = "{ " + " ".join(f"a{i}: {ONE}" for i in range(50)) + " }"
SMALL = "{ profiles(first: 1) { totalCount } }"
ANN = ("email", "ann@northwind.io")
TIME_LIMIT = 10.0  # long enough for a write on a busy machine; the held lock is longer
KEY_BUDGET = 60


@pytest.fixture(scope="module")
def timed(settings: Settings) -> Iterator[LiveServer]:
    """A short time limit and one write connection."""
    live = start_server(
        api_settings(
            settings,
            request_timeout=TIME_LIMIT,
            neo4j_pool_size=6,
            write_connections=1,
            connections_per_key=2,
        )
    )
    yield live
    live.stop()


@pytest.fixture(scope="module")
def budgeted(settings: Settings) -> Iterator[LiveServer]:
    """A small per-minute cost budget per key, and the default depth limit (12)."""
    live = start_server(api_settings(settings, key_cost_per_minute=KEY_BUDGET, max_query_depth=12))
    yield live
    live.stop()


@pytest.fixture(scope="module")
def shared(settings: Settings) -> Iterator[LiveServer]:
    """A pool of 6 connections, 3 for writes, at most 2 per key; a generous time limit."""
    live = start_server(
        api_settings(
            settings,
            request_timeout=60.0,
            neo4j_pool_size=6,
            write_connections=3,
            connections_per_key=2,
            max_query_depth=12,
        )
    )
    yield live
    live.stop()


@asynccontextmanager
async def client(server: LiveServer, key: str) -> AsyncIterator[Api]:
    async with httpx.AsyncClient(base_url=server.url, timeout=120) as http:
        yield Api(http, key)


async def blocked_transactions(settings: Settings, at_least: int) -> None:
    """Wait until Neo4j shows ``at_least`` transactions waiting for a lock."""
    query = "SHOW TRANSACTIONS YIELD status WHERE status STARTS WITH 'Blocked' RETURN count(*) AS n"
    driver = neo4j.AsyncGraphDatabase.driver(
        settings.neo4j_uri, auth=(settings.neo4j_user, settings.neo4j_password)
    )
    try:
        for _ in range(600):
            records, _, _ = await driver.execute_query(query, database_=settings.neo4j_database)
            if records[0]["n"] >= at_least:
                return
            await asyncio.sleep(0.1)
        raise AssertionError(f"fewer than {at_least} transactions ever waited for the lock")
    finally:
        await driver.close()


@asynccontextmanager
async def locked(settings: Settings, key: str) -> AsyncIterator[None]:
    """Hold the write lock of identifier ``key`` in an open transaction until exit."""
    driver = neo4j.AsyncGraphDatabase.driver(
        settings.neo4j_uri, auth=(settings.neo4j_user, settings.neo4j_password)
    )
    try:
        async with driver.session(database=settings.neo4j_database) as session:
            tx = await session.begin_transaction()
            result = await tx.run(load("lock_identifiers"), keys=[key])
            assert [row[0] for row in (await result.single(strict=True))["rows"]] == [key]
            try:
                yield
            finally:
                await tx.rollback()
    finally:
        await driver.close()


async def test_the_heavy_query_is_refused_by_its_cost_before_it_runs(
    budgeted: LiveServer, store: Store, settings: Settings
) -> None:
    server = budgeted
    async with client(server, ADMIN) as api:
        status, body = await api.post(HEAVY)
    assert status == 200
    assert body["data"] is None
    [error] = body["errors"]
    assert error["extensions"]["code"] == "LIMIT_EXCEEDED"
    assert error["extensions"]["budget"] == server.settings.max_query_cost
    expected = query_cost(build_schema(settings)._schema, parse(HEAVY))
    assert error["extensions"]["cost"] == expected > server.settings.max_query_cost
    assert "path" not in error or error["path"] is None  # refused whole, no resolver ran


async def test_a_query_within_the_budget_runs(api: Api) -> None:
    data = await api.data("{ profiles(first: 100) { totalCount edges { node { id } } } }")
    assert data["profiles"] == {"totalCount": 0, "edges": []}


async def test_the_cost_follows_the_variables_of_one_document(
    shared: LiveServer, store: Store
) -> None:
    document = """query($n: Int) { profiles(first: 100) { edges { node {
      interactions(first: $n) { edges { node { id } } } } } } }"""
    async with client(shared, READER) as reader:
        assert (await reader.data(document, {"n": 20}))["profiles"]["edges"] == []
        _, body = await reader.post(document, {"n": 100})
        assert body["errors"][0]["extensions"]["code"] == "LIMIT_EXCEEDED"
        assert body["errors"][0]["extensions"]["cost"] == 1 + 100 * 3 + 2 * 100 * 100
        assert (await reader.data(document, {"n": 20}))["profiles"]["edges"] == []


async def test_a_key_that_spent_its_budget_waits_and_other_keys_do_not(
    budgeted: LiveServer, store: Store
) -> None:
    costly = "{ profiles(first: 49) { totalCount edges { cursor } } }"  # costs 50
    async with client(budgeted, READER) as reader, client(budgeted, ADMIN) as admin:
        assert (await reader.data(costly))["profiles"]["totalCount"] == 0
        _, body = await reader.post(costly)
        error = body["errors"][0]
        assert error["extensions"]["code"] == "LIMIT_EXCEEDED"
        assert error["extensions"]["cost"] == 50
        assert error["extensions"]["budget"] == KEY_BUDGET
        assert error["extensions"]["retryAfterSeconds"] > 0
        assert (await admin.data(costly))["profiles"]["totalCount"] == 0


async def test_a_request_over_the_time_limit_answers_timeout_and_frees_its_connection(
    timed: LiveServer, api: Api, settings: Settings
) -> None:
    first = await api.data(INGEST, {"events": [event("m-1", ANN)]})  # the usual server
    assert first["ingestEvents"]["accepted"] == 1
    async with client(timed, ADMIN) as admin:
        async with locked(settings, "email:ann@northwind.io"):
            blocked = [event("m-2", ANN, ("cookie_id", "ck-2"))]
            status, body = await admin.post(INGEST, {"events": blocked})
            assert status == 200
            [error] = body["errors"]
            assert error["extensions"]["code"] == "TIMEOUT"
            assert error["extensions"]["limitSeconds"] == TIME_LIMIT
            # The lock is still held: the server answers others, reads and writes. The
            # write lane has one connection, so this write proves the first one was freed.
            assert (await admin.data(SMALL))["profiles"]["totalCount"] == 1
            other = await admin.data(INGEST, {"events": [event("m-3", ("email", "bo@x.io"))]})
            assert other["ingestEvents"]["accepted"] == 1
        # Writes are idempotent by messageId: the client retries what timed out.
        retried = await admin.data(INGEST, {"events": blocked})
        assert retried["ingestEvents"]["accepted"] + retried["ingestEvents"]["duplicates"] == 1


async def test_a_second_client_is_served_while_the_first_saturates_its_share(
    shared: LiveServer, store: Store, settings: Settings
) -> None:
    per_key = shared.settings.connections_per_key
    async with (
        client(shared, WRITER) as writer,
        client(shared, READER) as reader,
        client(shared, ADMIN) as admin,
    ):
        seeded = await writer.post(INGEST, {"events": [event("m-1", ANN)]})
        assert seeded[1]["data"]["ingestEvents"]["accepted"] == 1
        async with locked(settings, "email:ann@northwind.io"):
            # More waiting writes than the whole pool: without shares they would take
            # every connection, and everyone else would wait for the lock too.
            flood = [
                asyncio.create_task(
                    writer.post(INGEST, {"events": [event(f"f-{i}", ANN, ("cookie_id", f"c{i}"))]})
                )
                for i in range(2 * shared.settings.neo4j_pool_size)
            ]
            await blocked_transactions(settings, at_least=per_key)  # the writer's share is full
            # Another client reads, and another key writes (the write lane has room left).
            assert (await reader.data(SMALL))["profiles"]["totalCount"] == 1
            other = await admin.data(INGEST, {"events": [event("m-2", ("email", "bo@x.io"))]})
            assert other["ingestEvents"]["accepted"] == 1
            assert not any(task.done() for task in flood)  # the lock still holds them all
        answers = await asyncio.gather(*flood)
    for status, body in answers:
        assert status == 200
        assert "errors" not in body, body["errors"]
        assert body["data"]["ingestEvents"]["accepted"] == 1
