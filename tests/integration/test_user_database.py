"""The tests never touch a user's database: a second, non-test Neo4j holds data that must survive.

The second server is started here the way a user starts one (``graph-cdp neo4j start``,
without NEO4J_PASSWORD), on free ports in a temporary home; so this module also shows
that a fresh local server gets a generated password, stored with mode 600 and read back
by the CLI. Slow (a second server), hence one module.
"""

from __future__ import annotations

import asyncio
import os
import socket
import stat
import subprocess
import sys
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from graph_cdp.config import COMPOSE_PASSWORD, Settings, read_password_file
from graph_cdp.store import Store
from tests.server import NotATestDatabase, has_marker, wipe

ROOT = Path(__file__).resolve().parents[2]
CLI = [sys.executable, "-m", "graph_cdp.cli"]
PRECIOUS = "CREATE (:Customer {id: 'precious'}), (:Identifier {key: 'email:keep@me.io'})"
COUNT = (
    "MATCH (n) RETURN count(n) AS n, count(CASE WHEN n:GraphCdpTestMarker THEN 1 END) AS markers"
)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass(frozen=True)
class UserServer:
    uri: str
    home: Path
    env: dict[str, str]  # a user's shell: NEO4J_URI set, NEO4J_PASSWORD not
    started: str  # what `graph-cdp neo4j start` printed

    @property
    def password(self) -> str:
        password = read_password_file(self.home)
        assert password is not None
        return password

    def settings(self) -> Settings:
        return Settings(
            NEO4J_URI=self.uri, NEO4J_PASSWORD=self.password, GRAPH_CDP_NEO4J_HOME=self.home
        )


@pytest.fixture(scope="module")
def user_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[UserServer]:
    home = tmp_path_factory.mktemp("user-neo4j") / "home"
    uri = f"bolt://127.0.0.1:{_free_port()}"
    env = {
        **{k: v for k, v in os.environ.items() if k != "NEO4J_PASSWORD"},
        "NEO4J_URI": uri,
        "GRAPH_CDP_NEO4J_HOME": str(home),
        "GRAPH_CDP_NEO4J_HTTP_PORT": str(_free_port()),
        "GRAPH_CDP_NEO4J_HEAP": "512m",
        "GRAPH_CDP_NEO4J_PAGECACHE": "64m",
    }
    done = subprocess.run(
        [*CLI, "neo4j", "start"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, done.stdout + done.stderr
    server = UserServer(uri, home, env, done.stdout)
    try:
        yield server
    finally:
        subprocess.run([*CLI, "neo4j", "stop"], cwd=ROOT, env=env, timeout=120, check=False)


@pytest.fixture(scope="module")
async def user_store(user_server: UserServer) -> AsyncIterator[Store]:
    store = Store.open(user_server.settings())
    await store.driver.execute_query(PRECIOUS, database_=store.database)
    yield store
    await store.close()


async def _untouched(store: Store) -> None:
    records, _, _ = await store.driver.execute_query(COUNT, database_=store.database)
    assert records[0].data() == {"n": 2, "markers": 0}


def test_a_fresh_server_gets_a_generated_password(user_server: UserServer) -> None:
    password = user_server.password
    assert password != COMPOSE_PASSWORD
    assert len(password) >= 20
    assert user_server.started.count(password) == 1  # printed once, at creation
    assert stat.S_IMODE((user_server.home / "password").stat().st_mode) == 0o600
    status = subprocess.run(
        [*CLI, "neo4j", "status"], cwd=ROOT, env=user_server.env, capture_output=True, text=True
    )
    assert status.returncode == 0, status.stdout + status.stderr
    assert "answers:  yes" in status.stdout  # the CLI read the stored password
    assert password not in status.stdout


async def test_the_wipe_refuses_a_database_without_the_marker(
    user_server: UserServer, user_store: Store
) -> None:
    with pytest.raises(NotATestDatabase, match=f"Refusing to wipe the Neo4j at {user_server.uri}"):
        await wipe(user_store, user_server.uri)
    await _untouched(user_store)


async def test_the_test_database_carries_the_marker(session_store: Store) -> None:
    assert await has_marker(session_store)


def _pytest(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-x", "-p", "no:cacheprovider", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )


WRITING_TEST = "tests/integration/test_ingest.py::test_a_batch_over_the_limit_is_refused_whole"


async def test_tests_run_with_neo4j_uri_at_a_user_database_leave_it_alone(
    user_server: UserServer, user_store: Store
) -> None:
    env = {**user_server.env, "NEO4J_PASSWORD": user_server.password}
    done = _pytest(env, WRITING_TEST)
    assert done.returncode == 0, done.stdout + done.stderr  # it ran, on the test server
    await _untouched(user_store)


async def test_a_test_server_setting_naming_a_user_database_is_refused(
    user_server: UserServer, user_store: Store
) -> None:
    env = {
        **user_server.env,
        "GRAPH_CDP_TEST_NEO4J_URI": user_server.uri,
        "GRAPH_CDP_TEST_NEO4J_PASSWORD": user_server.password,
    }
    done = _pytest(env, WRITING_TEST)
    assert done.returncode != 0
    assert f"Refusing to wipe the Neo4j at {user_server.uri}" in done.stdout
    setup = await asyncio.to_thread(
        subprocess.run,
        [sys.executable, "-m", "tests.server", "start"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert setup.returncode == 2
    assert "holds no (:GraphCdpTestMarker) node" in setup.stderr
    await _untouched(user_store)  # and no marker was written into it
