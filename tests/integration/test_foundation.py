"""The foundation against the real server: schema, every Cypher file, Browser, status."""

from __future__ import annotations

import json
import socket
import urllib.request

import pytest

from graph_cdp.config import Settings
from graph_cdp.errors import LocalServerError
from graph_cdp.neo4j_local import LocalServer, discovery
from graph_cdp.store import Store
from graph_cdp.store.cypher import all_names, load, statements


async def test_schema_is_idempotent_and_creates_the_constraints(store: Store) -> None:
    await store.apply_schema()
    await store.apply_schema()
    records, _, _ = await store.driver.execute_query(
        "SHOW CONSTRAINTS YIELD name RETURN collect(name) AS names", database_=store.database
    )
    names = set(records[0]["names"])
    assert {"identifier_key", "interaction_id", "customer_id", "resolution_job_id"} <= names


async def test_unique_identifier_key_is_enforced(store: Store) -> None:
    await store.driver.execute_query(
        "CREATE (:Identifier {key: 'email:a@b.io'})", database_=store.database
    )
    with pytest.raises(Exception, match="already exists"):
        await store.driver.execute_query(
            "CREATE (:Identifier {key: 'email:a@b.io'})", database_=store.database
        )


@pytest.mark.parametrize("name", all_names())
async def test_every_cypher_file_compiles(store: Store, name: str) -> None:
    """EXPLAIN plans the statement without running it: syntax, labels and params check."""
    _records, summary, _ = await store.driver.execute_query(
        "EXPLAIN " + load(name), database_=store.database
    )
    assert summary.plan is not None, name


def test_schema_file_has_only_idempotent_statements() -> None:
    for statement in statements("schema"):
        assert "IF NOT EXISTS" in statement, statement


def test_browser_is_served(settings: Settings) -> None:
    url = f"http://127.0.0.1:{settings.neo4j_http_port}/browser/"
    with urllib.request.urlopen(url, timeout=10) as response:
        body = response.read().decode("utf-8")
    assert response.status == 200
    assert "<title>Neo4j Browser</title>" in body


def test_discovery_reports_a_526_community_server(settings: Settings) -> None:
    info = discovery(settings.neo4j_http_port)
    assert info is not None
    assert info["neo4j_version"].startswith("5.")
    assert info["neo4j_edition"] == "community"


def test_status_reports_version_and_answers(settings: Settings) -> None:
    status = LocalServer(settings).status()
    assert status.answers, status.detail
    assert status.version is not None
    assert status.version.startswith("5.26")
    assert status.edition == "community"


def test_start_refuses_a_taken_port(settings: Settings, tmp_path: object) -> None:
    """Another process on the Bolt port: a clear error, not a hung start."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        port = sock.getsockname()[1]
        other = Settings(
            NEO4J_URI=f"bolt://127.0.0.1:{port}",
            GRAPH_CDP_NEO4J_HOME=str(tmp_path),
        )
        with pytest.raises(LocalServerError, match=f"Port {port}"):
            LocalServer(other).start()


def test_wrong_password_is_reported(settings: Settings) -> None:
    wrong = Settings(
        NEO4J_URI=settings.neo4j_uri, NEO4J_PASSWORD="definitely-not-it", NEO4J_USER="neo4j"
    )
    ok, detail = LocalServer(wrong).answers()
    assert not ok
    assert "authentication failed" in detail


def test_http_discovery_is_json(settings: Settings) -> None:
    request = urllib.request.Request(
        f"http://127.0.0.1:{settings.neo4j_http_port}/", headers={"Accept": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        assert "bolt_direct" in json.loads(response.read())
