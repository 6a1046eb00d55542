"""The Neo4j the tests run on: a local server of their own, marked as created for tests.

``make test`` runs ``python -m tests.server run [pytest args]``: start the test server
(own Bolt and HTTP ports, own home), make sure it holds the marker node, run pytest, and
stop the server again if it started it. ``NEO4J_URI`` and the other ``NEO4J_*``
variables are never read here: the test server is configured by ``GRAPH_CDP_TEST_*``
variables only (see the README), so a user's database is never the one the tests wipe.

The marker ``(:GraphCdpTestMarker {created, home})`` is written only into a database
that this module has just created (a fresh home, started by this call); :func:`wipe`
refuses any database without it. A test home whose first start did not finish has no
marker: remove it, and the next ``make test`` creates it afresh.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from pydantic import AliasChoices, Field
from pydantic_settings import SettingsConfigDict

from graph_cdp.config import Settings
from graph_cdp.errors import GraphCdpError, LocalServerError, StoreUnavailable
from graph_cdp.neo4j_local import LocalServer, port_open
from graph_cdp.store import Store

DEFAULT_URI = "bolt://127.0.0.1:7691"
DEFAULT_HTTP_PORT = 7478
DEFAULT_HOME = Path(".neo4j-test")
# A lock wait that outlives this is a transient error (the STORE_BUSY tests rely on it);
# without it a stuck lock would hang a test instead of failing it.
EXTRA_CONF = ("db.lock.acquisition.timeout=2s",)


def _env(name: str) -> AliasChoices:
    return AliasChoices(name)


class SettingsForTests(Settings):
    """Settings whose Neo4j part comes from GRAPH_CDP_TEST_* only, never NEO4J_*."""

    __test__ = False  # not a test class, whatever pytest thinks of the name
    # Only the aliases: by its field name, neo4j_uri would read NEO4J_URI again.
    model_config = SettingsConfigDict(frozen=True, extra="ignore", populate_by_name=False)

    neo4j_uri: str = Field(DEFAULT_URI, validation_alias=_env("GRAPH_CDP_TEST_NEO4J_URI"))
    neo4j_user: str = Field("neo4j", validation_alias=_env("GRAPH_CDP_TEST_NEO4J_USER"))
    neo4j_password: str = Field("", validation_alias=_env("GRAPH_CDP_TEST_NEO4J_PASSWORD"))
    neo4j_database: str = Field("neo4j", validation_alias=_env("GRAPH_CDP_TEST_NEO4J_DATABASE"))
    neo4j_home: Path = Field(DEFAULT_HOME, validation_alias=_env("GRAPH_CDP_TEST_NEO4J_HOME"))
    neo4j_http_port: int = Field(
        DEFAULT_HTTP_PORT, validation_alias=_env("GRAPH_CDP_TEST_NEO4J_HTTP_PORT")
    )
    neo4j_heap: str = Field("1g", validation_alias=_env("GRAPH_CDP_TEST_NEO4J_HEAP"))
    neo4j_pagecache: str = Field("512m", validation_alias=_env("GRAPH_CDP_TEST_NEO4J_PAGECACHE"))


def neo4j_environ(settings: Settings) -> dict[str, str]:
    """The NEO4J_* variables that make Settings() (in this process or a child) name ``settings``."""
    return {
        "NEO4J_URI": settings.neo4j_uri,
        "NEO4J_USER": settings.neo4j_user,
        "NEO4J_PASSWORD": settings.neo4j_password,
        "NEO4J_DATABASE": settings.neo4j_database,
        "GRAPH_CDP_NEO4J_HOME": str(settings.neo4j_home),
        "GRAPH_CDP_NEO4J_HTTP_PORT": str(settings.neo4j_http_port),
    }


class NotATestDatabase(GraphCdpError):
    """A wipe was asked of a database that the test setup did not create."""

    code = "NOT_A_TEST_DATABASE"


def _refusal(uri: str | None) -> NotATestDatabase:
    where = f" at {uri}" if uri else ""
    return NotATestDatabase(
        f"Refusing to wipe the Neo4j{where}: it holds no (:GraphCdpTestMarker) node, so "
        f"it was not created for the tests and may hold data that matters. The tests run "
        f"on a server of their own, started by `make test` (GRAPH_CDP_TEST_NEO4J_URI, "
        f"default {DEFAULT_URI}; home GRAPH_CDP_TEST_NEO4J_HOME, default {DEFAULT_HOME}; "
        f"a test home whose first start failed lacks the marker too: remove it). "
        f"If this database is really disposable, run "
        f"`CREATE (:GraphCdpTestMarker {{created: datetime()}})` on it yourself."
    )


async def has_marker(store: Store) -> bool:
    return bool(await store.query("tests/find_test_marker"))


async def wipe(store: Store, uri: str | None = None) -> None:
    """Empty a test database (keeping its marker); refuse any other database."""
    if not await has_marker(store):
        raise _refusal(uri)
    while (await store.execute("tests/delete_test_data_batch"))[0]["deleted"]:
        pass


async def _mark(settings: Settings, created_for_tests: bool) -> None:
    store = Store.open(settings)
    try:
        if await has_marker(store):
            return
        if not created_for_tests:
            raise _refusal(settings.neo4j_uri)
        await store.execute(
            "tests/merge_test_marker", now=datetime.now(UTC), home=str(settings.neo4j_home)
        )
    finally:
        await store.close()


def start(settings: Settings) -> tuple[LocalServer, bool]:
    """Start (or find) the test server and make sure it is marked; (server, started now)."""
    server = LocalServer(settings, extra_conf=EXTRA_CONF)
    home = server.layout.home
    if server.pid() is None and port_open(server.bolt_port):
        # Another server answers on the test port: used only if it already is a test database.
        try:
            asyncio.run(_mark(settings, created_for_tests=False))
        except StoreUnavailable as exc:
            raise LocalServerError(
                f"Port {server.bolt_port} is taken, but not by this checkout's test server "
                f"(home {home}): another checkout's tests, or another Neo4j ({exc.message}). "
                f"Give this checkout other ports: GRAPH_CDP_TEST_NEO4J_URI and "
                f"GRAPH_CDP_TEST_NEO4J_HTTP_PORT."
            ) from exc
        return server, False
    fresh = not server.layout.initialized
    started, seconds = server.start()
    try:
        # Only a database this very call created gets the marker; any other must have it.
        asyncio.run(_mark(server.settings, created_for_tests=fresh and started))
    except GraphCdpError:
        if started:  # not a test database: leave it as it was found
            server.stop()
        raise
    verb = "started" if started else "already running"
    print(
        f"Test Neo4j {verb} at {server.bolt_uri} (home {home}, {seconds:.1f} s); marked for tests.",
        flush=True,
    )
    return server, started


def run(pytest_args: Sequence[str]) -> int:
    """Start the test server, run pytest, stop the server if this call started it."""
    server, started = start(SettingsForTests())
    try:
        return subprocess.call([sys.executable, "-m", "pytest", *pytest_args])
    finally:
        if started and os.environ.get("GRAPH_CDP_TEST_KEEP_SERVER") != "1":
            server.stop()
            print("Test Neo4j stopped.", flush=True)


def main(argv: Sequence[str]) -> int:
    command, rest = (argv[0], argv[1:]) if argv else ("run", [])
    try:
        if command == "run":
            return run(rest)
        if command == "start":
            start(SettingsForTests())
            return 0
        if command == "stop":
            stopped = LocalServer(SettingsForTests()).stop()
            print("Test Neo4j stopped." if stopped else "Test Neo4j was not running.")
            return 0
    except GraphCdpError as exc:
        print(f"error: {exc.message}", file=sys.stderr)
        return 2
    print("usage: python -m tests.server [run [pytest args] | start | stop]", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
