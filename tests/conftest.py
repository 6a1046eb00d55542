from __future__ import annotations

import pytest

from graph_cdp.config import Settings


@pytest.fixture(scope="session")
def settings() -> Settings:
    """The environment's settings: the same Neo4j `make test` ensured."""
    return Settings()
