"""What graph_cdp.browser hands to people: no Chromium or Neo4j needed."""

from __future__ import annotations

import threading
import urllib.request
from collections.abc import Iterator
from http.server import ThreadingHTTPServer

import pytest

from graph_cdp.browser import (
    SAVED_QUERIES,
    browser_command,
    connect_url,
    cypher_literal,
    guide_text,
    guide_url,
    open_guide_server,
    saved_queries,
    saved_query,
    style_colors,
    style_text,
)
from graph_cdp.config import Settings
from graph_cdp.identifiers import BUILTIN_KINDS
from graph_cdp.store.cypher import all_names

PARAMS = {
    "largest_customers": (),
    "customer_graph": ("customerId",),
    "evidence_path": ("a", "b"),
    "refused_merges": (),
    "fuzzy_matches": (),
    "hubs_and_blocked": (),
    "last_job_changes": (),
}


def test_every_browser_file_is_a_saved_query() -> None:
    on_disk = {name.removeprefix("browser/") for name in all_names() if name.startswith("browser/")}
    assert on_disk == set(SAVED_QUERIES) == set(PARAMS)


@pytest.mark.parametrize("name", SAVED_QUERIES)
def test_saved_query_describes_itself(name: str) -> None:
    query = saved_query(name)
    assert query.params == PARAMS[name]
    assert query.title
    assert query.summary
    assert query.details
    # Browser names a favorite after the first line and the editor wraps long lines.
    assert len(query.cypher.splitlines()[0]) <= 90
    code = [line for line in query.cypher.splitlines() if not line.lstrip().startswith("//")]
    assert not any(";" in line for line in code)  # one statement, as the EXPLAIN test runs it


@pytest.mark.parametrize(
    ("value", "literal"),
    [
        ("cus-1", "'cus-1'"),
        ("O'Brien", "'O\\'Brien'"),
        ("back\\slash", "'back\\\\slash'"),
        (3, "3"),
        (True, "true"),
        (None, "null"),
    ],
)
def test_param_values_become_cypher_literals(value: object, literal: str) -> None:
    assert cypher_literal(value) == literal


def test_param_lines_use_given_values_and_placeholders() -> None:
    query = saved_query("evidence_path")
    assert query.param_lines({"a": "email:a@b.io"}) == [
        ":param a => 'email:a@b.io'",
        ":param b => 'phone:<an E.164 phone>'",
    ]


def test_style_colours_each_identifier_kind_distinctly() -> None:
    colors = style_colors()
    kinds = list(BUILTIN_KINDS.values())
    assert len({colors[label] for label in kinds}) == len(kinds)
    assert colors["Customer"] not in {colors[label] for label in kinds}
    assert colors["Interaction"] not in {colors[label] for label in kinds}
    assert "/*" not in style_text()  # Browser's GraSS parser knows no comments


def test_browser_command_points_at_this_server(settings: Settings) -> None:
    text = browser_command(settings)
    assert connect_url(settings) in text
    assert f":{settings.neo4j_http_port}/browser/" in text
    assert "style.grass" in text
    assert ":style" in text
    for query in saved_queries():
        assert f"{query.name}.cypher" in text
        for line in query.param_lines():
            assert line in text


def test_connect_url_fills_in_the_bolt_address() -> None:
    settings = Settings(neo4j_uri="neo4j://db.example:7999", neo4j_http_port=8474)
    assert connect_url(settings) == (
        "http://127.0.0.1:8474/browser/?connectURL=neo4j://neo4j@db.example:7999"
    )


def test_guide_holds_every_saved_query() -> None:
    text = guide_text()
    assert "<!-- query:" not in text
    assert text.count("<slide") == 1 + len(SAVED_QUERIES)
    for query in saved_queries():
        assert query.title in text
        assert query.cypher.splitlines()[-1].strip().replace(">", "&gt;") in text


@pytest.fixture
def guide_server() -> Iterator[ThreadingHTTPServer]:
    server = open_guide_server()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()
    thread.join(timeout=10)


def test_guide_server_answers_browser_cross_origin(guide_server: ThreadingHTTPServer) -> None:
    url = guide_url(guide_server).replace("localhost", "127.0.0.1")
    preflight = urllib.request.Request(
        url,
        method="OPTIONS",
        headers={
            "Origin": "http://127.0.0.1:7474",
            "Access-Control-Request-Method": "GET",
            "Access-Control-Request-Headers": "pragma,cache-control,sentry-trace,baggage",
        },
    )
    with urllib.request.urlopen(preflight, timeout=10) as response:
        assert response.status == 204
        assert response.headers["Access-Control-Allow-Origin"] == "*"
        assert "sentry-trace" in response.headers["Access-Control-Allow-Headers"]
    with urllib.request.urlopen(url, timeout=10) as response:
        assert response.headers["Access-Control-Allow-Origin"] == "*"
        assert response.read().decode("utf-8") == guide_text()
    missing = url.replace("guide.html", "nope")
    with pytest.raises(urllib.error.HTTPError, match="404"):
        urllib.request.urlopen(missing, timeout=10)
