"""A real Neo4j for every integration test: wiped and given the schema per test."""

from __future__ import annotations

import pytest

from graph_cdp.config import Settings
from graph_cdp.services import CdpService
from graph_cdp.store import Store


@pytest.fixture
async def service(store: Store, settings: Settings) -> CdpService:
    """The service over the wiped store (the session's driver, default rules)."""
    return CdpService(store, settings)
