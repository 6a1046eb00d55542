"""A real Neo4j for every integration test: wiped and given the schema per test."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from graph_cdp.config import Settings
from graph_cdp.errors import StoreUnavailable
from graph_cdp.services import CdpService
from graph_cdp.store import Store


async def wipe(store: Store) -> None:
    """Delete everything, in batches so a large test graph does not need a huge transaction."""
    while True:
        records, _, _ = await store.driver.execute_query(
            "MATCH (n) WITH n LIMIT 20000 DETACH DELETE n RETURN count(*) AS n",
            database_=store.database,
        )
        if records[0]["n"] == 0:
            return


@pytest.fixture(scope="session")
async def session_store(settings: Settings) -> AsyncIterator[Store]:
    store = Store.open(settings)
    try:
        await store.ping()
    except StoreUnavailable as exc:
        pytest.fail(
            f"Integration tests need a real Neo4j at {settings.neo4j_uri}: run `make test` "
            f"(it starts one) or `graph-cdp neo4j start`. ({exc.message})"
        )
    yield store
    await store.close()


@pytest.fixture
async def store(session_store: Store) -> Store:
    await wipe(session_store)
    await session_store.apply_schema()
    return session_store


@pytest.fixture
async def service(store: Store, settings: Settings) -> CdpService:
    """The service over the wiped store (the session's driver, default rules)."""
    return CdpService(store, settings)
