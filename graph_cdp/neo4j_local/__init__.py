"""A real Neo4j Community server for machines without Docker, from Maven Central."""

from __future__ import annotations

from graph_cdp.neo4j_local.assemble import Distribution, assemble
from graph_cdp.neo4j_local.ensure import Ensured, ensure_neo4j
from graph_cdp.neo4j_local.server import LocalServer, ServerStatus, discovery, port_open

__all__ = [
    "Distribution",
    "Ensured",
    "LocalServer",
    "ServerStatus",
    "assemble",
    "discovery",
    "ensure_neo4j",
    "port_open",
]
