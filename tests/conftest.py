"""Every test that needs Neo4j gets the test server (tests/server.py), never NEO4J_URI.

Before anything else runs, the NEO4J_* variables of this process are replaced by the
test server's, so ``Settings()`` here and in every child process names the test server.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator

import pytest

from graph_cdp.config import Settings
from graph_cdp.errors import StoreUnavailable
from graph_cdp.store import Store
from tests.server import SettingsForTests, neo4j_environ
from tests.server import wipe as wipe


def pytest_configure(config: pytest.Config) -> None:
    os.environ.update(neo4j_environ(SettingsForTests()))


@pytest.fixture(scope="session")
def settings() -> Settings:
    """The test server's settings (GRAPH_CDP_TEST_*), whatever NEO4J_URI says."""
    return SettingsForTests()


@pytest.fixture(scope="session")
async def session_store(settings: Settings) -> AsyncIterator[Store]:
    store = Store.open(settings)
    try:
        await store.ping()
    except StoreUnavailable as exc:
        pytest.fail(
            f"These tests need the test Neo4j at {settings.neo4j_uri}: run `make test` "
            f"(it starts one) or `python -m tests.server start`. ({exc.message})"
        )
    yield store
    await store.close()


@pytest.fixture
async def store(session_store: Store, settings: Settings) -> Store:
    """The test server, wiped (it must hold the test marker) and given the schema."""
    await wipe(session_store, settings.neo4j_uri)
    await session_store.apply_schema()
    return session_store
