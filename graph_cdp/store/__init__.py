"""Everything that talks to Neo4j."""

from __future__ import annotations

from graph_cdp.store.driver import Store, collected, run

__all__ = ["Store", "collected", "run"]
