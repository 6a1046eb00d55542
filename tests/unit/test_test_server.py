"""The test server's settings come from GRAPH_CDP_TEST_* only, and collide with nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from graph_cdp.config import Settings
from tests.server import DEFAULT_HOME, DEFAULT_URI, SettingsForTests


def test_neo4j_uri_never_reaches_the_tests(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEO4J_URI", "bolt://precious.example:7687")
    monkeypatch.setenv("NEO4J_PASSWORD", "the-users-password")
    monkeypatch.setenv("GRAPH_CDP_NEO4J_HOME", "/srv/neo4j")
    for name in ("URI", "PASSWORD", "HOME", "HTTP_PORT"):
        monkeypatch.delenv(f"GRAPH_CDP_TEST_NEO4J_{name}", raising=False)
    settings = SettingsForTests()
    assert settings.neo4j_uri == DEFAULT_URI
    assert settings.neo4j_home == DEFAULT_HOME
    assert settings.neo4j_password != "the-users-password"


def test_the_test_server_is_overridable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GRAPH_CDP_TEST_NEO4J_URI", "bolt://127.0.0.1:7801")
    monkeypatch.setenv("GRAPH_CDP_TEST_NEO4J_HTTP_PORT", "7802")
    monkeypatch.setenv("GRAPH_CDP_TEST_NEO4J_HOME", "elsewhere")
    settings = SettingsForTests()
    assert (settings.neo4j_bolt_port, settings.neo4j_http_port) == (7801, 7802)
    assert settings.neo4j_home == Path("elsewhere")


def test_the_defaults_collide_with_neither_the_demo_nor_the_benchmarks(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name in ("NEO4J_URI", "GRAPH_CDP_NEO4J_HTTP_PORT", "GRAPH_CDP_NEO4J_HOME"):
        monkeypatch.delenv(name, raising=False)
    for name in ("URI", "HOME", "HTTP_PORT"):
        monkeypatch.delenv(f"GRAPH_CDP_TEST_NEO4J_{name}", raising=False)
    demo, tests = Settings(), SettingsForTests()
    bench_ports = {7690, 7477}  # the Makefile's BENCH_ENV
    test_ports = {tests.neo4j_bolt_port, tests.neo4j_http_port}
    assert not test_ports & {demo.neo4j_bolt_port, demo.neo4j_http_port}
    assert not test_ports & bench_ports
    assert tests.neo4j_home not in {demo.neo4j_home, Path(".neo4j-bench")}
