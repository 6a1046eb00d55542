"""Settings, read from the environment once into a frozen object and passed down."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

from pydantic import AliasChoices, Field, PrivateAttr, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

# What a resolution job may be asked to do (fixed by the code, not the environment).
RESOLUTION_MODES = ("full", "incremental")
# What docker-compose.yml uses when NEO4J_PASSWORD is unset; the local server never does.
COMPOSE_PASSWORD = "graph-cdp-local"
# Where a local server's generated password lives, under its home (mode 600).
PASSWORD_FILE = "password"


def read_password_file(home: Path) -> str | None:
    """The password ``graph-cdp neo4j start`` generated for the server in ``home``."""
    try:
        return (home / PASSWORD_FILE).read_text(encoding="utf-8").strip() or None
    except OSError:
        return None


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
    # Unset: the local server's generated password (see password_given), else compose's.
    neo4j_password: str = Field("", validation_alias=_env("NEO4J_PASSWORD"))
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
    # How long the driver retries a transaction on transient errors (deadlocks, lock
    # timeouts) before the caller gets STORE_BUSY.
    neo4j_retry_seconds: float = Field(30.0, validation_alias=_env("GRAPH_CDP_NEO4J_RETRY_SECONDS"))

    # --- resolution jobs ---
    job_heartbeat_seconds: float = Field(
        5.0, validation_alias=_env("GRAPH_CDP_JOB_HEARTBEAT_SECONDS")
    )
    # A running job of another host with no heartbeat for this long is marked failed.
    job_stale_after_seconds: float = Field(
        60.0, validation_alias=_env("GRAPH_CDP_JOB_STALE_AFTER_SECONDS")
    )
    # Processes a local full job checks units in (0: one per core).
    job_processes: int = Field(0, ge=0, validation_alias=_env("GRAPH_CDP_JOB_PROCESSES"))

    @property
    def job_process_count(self) -> int:
        """``job_processes``, or the cores this process may run on (its CPU affinity,
        which a container's cpuset narrows), else the machine's."""
        if self.job_processes:
            return self.job_processes
        if hasattr(os, "sched_getaffinity"):
            return len(os.sched_getaffinity(0)) or 1
        return os.cpu_count() or 1

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
    max_json_depth: int = Field(32, validation_alias=_env("GRAPH_CDP_MAX_JSON_DEPTH"))
    max_text_length: int = Field(256, validation_alias=_env("GRAPH_CDP_MAX_TEXT_LENGTH"))
    max_dead_letter_bytes: int = Field(
        16384, validation_alias=_env("GRAPH_CDP_MAX_DEAD_LETTER_BYTES")
    )

    # --- read limits ---
    # A client page holds at most max_page_size items; the service itself serves up to
    # twice that (a page plus the rows before a mid-page cursor, see api/pagination.py).
    max_page_size: int = Field(100, validation_alias=_env("GRAPH_CDP_MAX_PAGE_SIZE"))
    max_graph_nodes: int = Field(2000, validation_alias=_env("GRAPH_CDP_MAX_GRAPH_NODES"))

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

    # --- activation: the change log and webhooks (docs/activation.md) ---
    change_log: bool = Field(True, validation_alias=_env("GRAPH_CDP_CHANGE_LOG"))
    feed_poll_seconds: float = Field(0.2, validation_alias=_env("GRAPH_CDP_FEED_POLL_SECONDS"))
    webhooks_enabled: bool = Field(True, validation_alias=_env("GRAPH_CDP_WEBHOOKS"))
    webhook_timeout_seconds: float = Field(
        10.0, validation_alias=_env("GRAPH_CDP_WEBHOOK_TIMEOUT_SECONDS")
    )
    webhook_backoff_seconds: float = Field(
        1.0, validation_alias=_env("GRAPH_CDP_WEBHOOK_BACKOFF_SECONDS")
    )
    webhook_backoff_max_seconds: float = Field(
        300.0, validation_alias=_env("GRAPH_CDP_WEBHOOK_BACKOFF_MAX_SECONDS")
    )
    webhook_max_failures: int = Field(20, validation_alias=_env("GRAPH_CDP_WEBHOOK_MAX_FAILURES"))

    # --- where a full job runs: "local" (scipy, one process) or "spark" ---
    engine: str = Field("local", validation_alias=_env("GRAPH_CDP_ENGINE"))
    spark_master: str = Field("local[2]", validation_alias=_env("GRAPH_CDP_SPARK_MASTER"))
    spark_partitions: int = Field(8, validation_alias=_env("GRAPH_CDP_SPARK_PARTITIONS"))
    spark_conf: Annotated[tuple[str, ...], NoDecode] = Field(
        (), validation_alias=_env("GRAPH_CDP_SPARK_CONF")
    )

    # --- the API ---
    host: str = Field("127.0.0.1", validation_alias=_env("GRAPH_CDP_HOST"))
    port: int = Field(8000, validation_alias=_env("GRAPH_CDP_PORT"))
    api_keys: str = Field("", validation_alias=_env("GRAPH_CDP_API_KEYS"))
    write_keys: str = Field("", validation_alias=_env("GRAPH_CDP_WRITE_KEYS"))
    max_query_depth: int = Field(12, validation_alias=_env("GRAPH_CDP_MAX_QUERY_DEPTH"))
    # Cost, time and connection bounds: docs/api.md#cost-time-and-connections.
    max_query_cost: int = Field(10_000, validation_alias=_env("GRAPH_CDP_MAX_QUERY_COST"))
    key_cost_per_minute: int = Field(
        1_000_000, validation_alias=_env("GRAPH_CDP_KEY_COST_PER_MINUTE")
    )
    request_timeout: float = Field(30.0, validation_alias=_env("GRAPH_CDP_REQUEST_TIMEOUT"))
    neo4j_pool_size: int = Field(100, validation_alias=_env("GRAPH_CDP_NEO4J_POOL_SIZE"))
    write_connections: int = Field(20, validation_alias=_env("GRAPH_CDP_WRITE_CONNECTIONS"))
    connections_per_key: int = Field(20, validation_alias=_env("GRAPH_CDP_CONNECTIONS_PER_KEY"))
    workers: int = Field(1, validation_alias=_env("GRAPH_CDP_WORKERS"))
    # uvicorn's supervisor kills a worker that does not answer its ping within this
    # many seconds; its default (5) kills workers still importing on a busy machine.
    worker_healthcheck_seconds: int = Field(
        60, validation_alias=_env("GRAPH_CDP_WORKER_HEALTHCHECK_SECONDS")
    )
    introspection: bool = Field(True, validation_alias=_env("GRAPH_CDP_INTROSPECTION"))
    ready_timeout: float = Field(0.5, validation_alias=_env("GRAPH_CDP_READY_TIMEOUT"))
    ready_cache_seconds: float = Field(1.0, validation_alias=_env("GRAPH_CDP_READY_CACHE_SECONDS"))
    log_level: str = Field("INFO", validation_alias=_env("GRAPH_CDP_LOG_LEVEL"))

    @field_validator(
        "extra_kinds", "blocked_values", "blocked_patterns", "spark_conf", mode="before"
    )
    @classmethod
    def _split(cls, value: object) -> object:
        """Lists come from the environment comma-separated."""
        if isinstance(value, str):
            return tuple(part.strip() for part in value.split(",") if part.strip())
        return value

    _derived_password: str | None = PrivateAttr(default=None)

    @model_validator(mode="after")
    def _stored_password(self) -> Settings:
        """Without NEO4J_PASSWORD: the local server's stored password, else compose's default."""
        if not self.neo4j_password:
            derived = read_password_file(self.neo4j_home) or COMPOSE_PASSWORD
            # A frozen model: set once, here, while it is being built.
            object.__setattr__(self, "neo4j_password", derived)
            self._derived_password = derived
        return self

    @property
    def password_given(self) -> bool:
        """True when NEO4J_PASSWORD (or the caller) chose the password."""
        return self.neo4j_password != self._derived_password

    @field_validator("change_log", "webhooks_enabled", mode="before")
    @classmethod
    def _on_off(cls, value: object) -> object:
        """``on``/``off`` as well as pydantic's true/false, 1/0."""
        if isinstance(value, str) and value.strip().lower() in ("on", "off"):
            return value.strip().lower() == "on"
        return value

    @property
    def max_service_page(self) -> int:
        """The most items one service read returns (see ``max_page_size``)."""
        return 2 * self.max_page_size

    @property
    def neo4j_bolt_port(self) -> int:
        """The Bolt port of the local server: the port in NEO4J_URI, else 7687."""
        from urllib.parse import urlparse

        return urlparse(self.neo4j_uri).port or 7687


def load_settings() -> Settings:
    """Read the environment (once, at the edge of the program)."""
    return Settings()
