"""The GraphQL API: a thin translation of GraphQL to graph_cdp's service and back."""

from __future__ import annotations

from api.app import create_app
from api.schema import build_schema
from api.serve import serve

__all__ = ["build_schema", "create_app", "serve"]
