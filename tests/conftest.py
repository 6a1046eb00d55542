from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from graph_cdp.config import Settings
from graph_cdp.errors import StoreUnavailable
from graph_cdp.store import Store


async def wipe(store: Store) -> None:
    """An empty database (integration, API and browser tests own theirs)."""
    await store.delete_everything()


@pytest.fixture(scope="session")
def settings() -> Settings:
    """The environment's settings: the same Neo4j `make test` ensured."""
    return Settings()


@pytest.fixture(scope="session")
async def session_store(settings: Settings) -> AsyncIterator[Store]:
    store = Store.open(settings)
    try:
        await store.ping()
    except StoreUnavailable as exc:
        pytest.fail(
            f"These tests need a real Neo4j at {settings.neo4j_uri}: run `make test` "
            f"(it starts one) or `graph-cdp neo4j start`. ({exc.message})"
        )
    yield store
    await store.close()


@pytest.fixture
async def store(session_store: Store) -> Store:
    """The real Neo4j, wiped and given the schema for this test."""
    await wipe(session_store)
    await session_store.apply_schema()
    return session_store
