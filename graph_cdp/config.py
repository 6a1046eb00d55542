"""Settings, read from the environment once into a frozen object and passed down."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from pydantic import AliasChoices, Field, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict


def _default_cache_dir() -> Path:
    return Path.home() / ".cache" / "graph-cdp"


def _env(name: str) -> AliasChoices:
    return AliasChoices(name)


class Settings(BaseSettings):
    """Everything graph-cdp can be told from outside; see the README's Configuration."""

    model_config = SettingsConfigDict(frozen=True, extra="ignore", populate_by_name=True)

    # --- Neo4j connection (any Neo4j 5.x: local, Docker, Aura, a cluster) ---
    neo4j_uri: str = Field("bolt://127.0.0.1:7687", validation_alias=_env("NEO4J_URI"))
    neo4j_user: str = Field("neo4j", validation_alias=_env("NEO4J_USER"))
    neo4j_password: str = Field("graph-cdp-local", validation_alias=_env("NEO4J_PASSWORD"))
    neo4j_database: str = Field("neo4j", validation_alias=_env("NEO4J_DATABASE"))

    # --- the local Neo4j Community server (graph-cdp neo4j start) ---
    neo4j_home: Path = Field(Path(".neo4j"), validation_alias=_env("GRAPH_CDP_NEO4J_HOME"))
    cache_dir: Path = Field(
        default_factory=_default_cache_dir, validation_alias=_env("GRAPH_CDP_CACHE_DIR")
    )
    neo4j_version: str = Field("5.26.29", validation_alias=_env("GRAPH_CDP_NEO4J_VERSION"))
    browser_version: str = Field("5.24.0", validation_alias=_env("GRAPH_CDP_BROWSER_VERSION"))
    neo4j_http_port: int = Field(7474, validation_alias=_env("GRAPH_CDP_NEO4J_HTTP_PORT"))
    neo4j_heap: str = Field("2g", validation_alias=_env("GRAPH_CDP_NEO4J_HEAP"))
    neo4j_pagecache: str = Field("2g", validation_alias=_env("GRAPH_CDP_NEO4J_PAGECACHE"))
    neo4j_start_timeout: float = Field(
        180.0, validation_alias=_env("GRAPH_CDP_NEO4J_START_TIMEOUT")
    )

    # --- identifiers ---
    default_region: str = Field("US", validation_alias=_env("GRAPH_CDP_DEFAULT_REGION"))
    extra_kinds: Annotated[tuple[str, ...], NoDecode] = Field(
        (), validation_alias=_env("GRAPH_CDP_EXTRA_KINDS")
    )
    blocked_values: Annotated[tuple[str, ...], NoDecode] = Field(
        (), validation_alias=_env("GRAPH_CDP_BLOCKED_VALUES")
    )
    blocked_patterns: Annotated[tuple[str, ...], NoDecode] = Field(
        (), validation_alias=_env("GRAPH_CDP_BLOCKED_PATTERNS")
    )

    # --- event limits ---
    max_identifiers_per_event: int = Field(
        50, validation_alias=_env("GRAPH_CDP_MAX_IDENTIFIERS_PER_EVENT")
    )
    max_event_bytes: int = Field(65536, validation_alias=_env("GRAPH_CDP_MAX_EVENT_BYTES"))
    max_batch_size: int = Field(1000, validation_alias=_env("GRAPH_CDP_MAX_BATCH_SIZE"))

    # --- resolution rules (a TOML file; the built-in defaults when unset) ---
    rules_file: Path | None = Field(None, validation_alias=_env("GRAPH_CDP_RULES_FILE"))

    # --- probabilistic matching (graph_cdp.matching; docs/resolution.md) ---
    matching: bool = Field(True, validation_alias=_env("GRAPH_CDP_MATCHING"))
    matching_file: Path | None = Field(None, validation_alias=_env("GRAPH_CDP_MATCHING_FILE"))
    match_merge_threshold: float | None = Field(
        None, validation_alias=_env("GRAPH_CDP_MATCH_MERGE_THRESHOLD")
    )
    match_review_threshold: float | None = Field(
        None, validation_alias=_env("GRAPH_CDP_MATCH_REVIEW_THRESHOLD")
    )

    # --- the API ---
    host: str = Field("127.0.0.1", validation_alias=_env("GRAPH_CDP_HOST"))
    port: int = Field(8000, validation_alias=_env("GRAPH_CDP_PORT"))
    api_keys: str = Field("", validation_alias=_env("GRAPH_CDP_API_KEYS"))
    max_query_depth: int = Field(12, validation_alias=_env("GRAPH_CDP_MAX_QUERY_DEPTH"))
    log_level: str = Field("INFO", validation_alias=_env("GRAPH_CDP_LOG_LEVEL"))

    @field_validator("extra_kinds", "blocked_values", "blocked_patterns", mode="before")
    @classmethod
    def _split(cls, value: object) -> object:
        """Lists come from the environment comma-separated."""
        if isinstance(value, str):
            return tuple(part.strip() for part in value.split(",") if part.strip())
        return value

    @property
    def neo4j_bolt_port(self) -> int:
        """The Bolt port of the local server: the port in NEO4J_URI, else 7687."""
        from urllib.parse import urlparse

        return urlparse(self.neo4j_uri).port or 7687


def load_settings() -> Settings:
    """Read the environment (once, at the edge of the program)."""
    return Settings()
