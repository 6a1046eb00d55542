"""Neo4j Browser end to end: headless Chromium connects to the test server, applies the
style and runs every saved query of cypher/browser/ on the example graph."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from neo4j import AsyncManagedTransaction
from selenium.webdriver.chrome.webdriver import WebDriver
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from graph_cdp.browser import (
    SAVED_QUERIES,
    browser_url,
    guide_url,
    open_guide_server,
    saved_query,
    style_colors,
    style_command,
    style_path,
    style_text,
)
from graph_cdp.config import Settings
from graph_cdp.store import Store
from tests.browser import example_graph as ex
from tests.browser.harness import launch_chromium
from tests.browser.neo4j_browser import Neo4jBrowser

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def neo4j_browser(
    chromium: tuple[str, str],
    example_graph: Store,
    settings: Settings,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Neo4jBrowser]:
    """One connected Browser tab for the module (each test reads only its own frames)."""
    driver = launch_chromium(tmp_path_factory.mktemp("chromium-profile"))
    try:
        page = Neo4jBrowser(driver, settings)
        page.open_and_connect()
        yield page
    finally:
        driver.quit()


def test_browser_connects_to_the_test_server_not_the_default(
    neo4j_browser: Neo4jBrowser, settings: Settings
) -> None:
    frame = neo4j_browser.run("CALL dbms.components() YIELD edition RETURN edition")
    assert frame.table() == [{"edition": "community"}]
    # The example graph is only on the test server: finding it proves which one answered.
    rows = neo4j_browser.run(f"MATCH (c:Customer {{id: '{ex.ADA}'}}) RETURN c.id AS id").table()
    assert rows == [{"id": ex.ADA}]


# (saved query, parameters, number of rows, what the first row holds)
CASES: list[tuple[str, dict[str, str], int, dict[str, Any]]] = [
    (
        "largest_customers",
        {},
        5,  # every customer but the one merged away
        {"customer": ex.ADA, "identifiers": len(ex.identifiers_of(ex.ADA)), "mergedFrom": 1},
    ),
    (
        "customer_graph",
        {"customerId": ex.BO},
        1,
        {"customer": {"id": ex.BO}},
    ),
    (
        "evidence_path",
        {"a": "email:ada@example.com", "b": "email:bo@example.com"},
        1,
        {"hops": 2, "mergeable": False, "customerA": ex.ADA, "customerB": ex.BO},
    ),
    (
        "refused_merges",
        {},
        sum(1 for link in ex.LINKS if link[3] is not None),
        {"refusedBy": "blocked", "a": "email:test@test.com", "customerB": ex.BO},
    ),
    (
        "fuzzy_matches",
        {},
        1,
        {
            "a": "email:bo@example.com",
            "probability": ex.FUZZY_PROBABILITY,
            "merged": False,
            "refusedBy": "rejected",
            "waterfall": ["first_name else -12.5", "last_name exact 9.25", "birth_date null 0.0"],
        },
    ),
    (
        "hubs_and_blocked",
        {},
        2,
        {"status": "hub", "key": "device_id:store-kiosk-7", "links": 2, "activeLinks": 0},
    ),
    (
        "last_job_changes",
        {},
        1,
        {"job": ex.LATEST_JOB, "merges": 1, "splits": 1},
    ),
]


def test_the_cases_cover_every_saved_query() -> None:
    assert sorted(name for name, *_ in CASES) == sorted(SAVED_QUERIES)


def _contains(actual: object, expected: object) -> bool:
    """``expected`` is a sub-structure of ``actual`` (dicts may hold more keys)."""
    if isinstance(expected, dict):
        return isinstance(actual, dict) and all(
            _contains(actual.get(k), v)
            or (
                isinstance(actual.get("properties"), dict)
                and _contains(actual["properties"], {k: v})
            )
            for k, v in expected.items()
        )
    return actual == expected


@pytest.mark.parametrize(("name", "params", "count", "first"), CASES, ids=[c[0] for c in CASES])
def test_saved_query_runs_in_browser(
    neo4j_browser: Neo4jBrowser,
    name: str,
    params: dict[str, str],
    count: int,
    first: dict[str, Any],
) -> None:
    query = saved_query(name)
    assert set(query.params) == set(params)
    for line in query.param_lines(params):
        neo4j_browser.run(line)
    rows = neo4j_browser.run(query.cypher).table()
    assert len(rows) == count, rows
    assert _contains(rows[0], first), rows[0]


def test_customer_graph_is_drawn_with_the_style(neo4j_browser: Neo4jBrowser) -> None:
    """The style colours by kind and sizes customers; the graph holds what the model says."""
    styled = neo4j_browser.run(style_command())
    assert "node.Customer" in styled.text
    query = saved_query("customer_graph")
    for line in query.param_lines({"customerId": ex.ADA}):
        neo4j_browser.run(line)
    frame = neo4j_browser.run(query.cypher)

    drawn = frame.graph()
    colors = style_colors()
    by_caption = {node.caption: node for node in drawn}
    assert by_caption[ex.ADA].fill == colors["Customer"]
    assert by_caption[ex.ADA_OLD].fill == colors["Customer"]  # merged into Ada: history
    assert by_caption["CRM-1"].fill == colors["CustomerId"]
    kiosk = next(n for n in drawn if n.caption.startswith("store-kio"))
    assert kiosk.fill == colors["Device"]  # the refused hub link is shown, not merged

    interactions = [n for n in drawn if n.fill == colors["Interaction"]]
    observed = {key for *_, keys in ex.INTERACTIONS for key in keys}
    ada = set(ex.identifiers_of(ex.ADA))
    assert len(interactions) == sum(1 for *_, keys in ex.INTERACTIONS if set(keys) & ada)
    assert observed & ada
    assert by_caption[ex.ADA].radius > kiosk.radius > interactions[0].radius

    # Ada, her merged-away profile, her identifiers, the kiosk, and her interactions.
    expected_nodes = 2 + len(ada) + 1 + len(interactions)
    assert frame.graph_summary().startswith(f"Displaying {expected_nodes} nodes")


async def test_example_graph_follows_the_model(example_graph: Store) -> None:
    """Links are stored once, smaller key first, and every identifier has one customer."""

    async def check(tx: AsyncManagedTransaction) -> list[dict[str, Any]]:
        result = await tx.run(
            "MATCH (a:Identifier)-[:LINKED]->(b:Identifier) WITH count(*) AS links, "
            "sum(CASE WHEN a.key < b.key THEN 1 ELSE 0 END) AS ordered "
            "RETURN links, ordered, "
            "COUNT { MATCH (i:Identifier) WHERE COUNT { (i)-[:BELONGS_TO]->() } <> 1 "
            "RETURN i } AS orphans"
        )
        return [record.data() async for record in result]

    [row] = await example_graph.read(check)
    assert row == {"links": len(ex.LINKS), "ordered": len(ex.LINKS), "orphans": 0}


@pytest.fixture
def guide_server() -> Iterator[ThreadingHTTPServer]:
    server = open_guide_server()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


def test_guide_plays_and_puts_a_saved_query_in_the_editor(
    neo4j_browser: Neo4jBrowser, guide_server: ThreadingHTTPServer
) -> None:
    frame = neo4j_browser.run(f":play {guide_url(guide_server)}")
    carousel = WebDriverWait(neo4j_browser.driver, 20).until(
        lambda _: frame.element.find_element(By.CSS_SELECTOR, "[data-testid=carousel]")
    )
    assert f"1 / {1 + len(SAVED_QUERIES)}" in carousel.text
    carousel.find_element(By.CSS_SELECTOR, "[data-testid=nextSlide]").click()
    first = saved_query(SAVED_QUERIES[0])
    assert first.title in carousel.text
    carousel.find_element(By.CSS_SELECTOR, "pre.runnable").click()
    WebDriverWait(neo4j_browser.driver, 10).until(lambda _: neo4j_browser.editor_text())
    assert neo4j_browser.editor_text().splitlines()[0] == first.cypher.splitlines()[0]


DROP_FILE = """
const [name, text] = arguments;
const data = new DataTransfer();
data.items.add(new File([text], name, {type: 'text/plain'}));
const target = document.querySelector('[data-testid=stream]');
for (const type of ['dragenter', 'dragover', 'drop']) {
  target.dispatchEvent(new DragEvent(type, {dataTransfer: data, bubbles: true, cancelable: true}));
}
"""


def test_dropping_the_style_file_and_a_saved_query_file(neo4j_browser: Neo4jBrowser) -> None:
    """What docs/browser.md tells people to drag: the style file and the .cypher files."""
    driver = neo4j_browser.driver
    driver.execute_script("localStorage.removeItem('neo4j.grass')")
    driver.execute_script(DROP_FILE, Path(style_path()).name, style_text())
    WebDriverWait(driver, 10).until(
        lambda d: "node.Customer" in (d.execute_script("return localStorage['neo4j.grass']") or "")
    )
    stored = json.loads(driver.execute_script("return localStorage['neo4j.grass']"))
    assert stored["node.Customer"]["color"] == style_colors()["Customer"]

    query = saved_query("refused_merges")
    driver.execute_script(DROP_FILE, f"{query.name}.cypher", query.cypher)
    WebDriverWait(driver, 10).until(
        lambda d: d.find_elements(By.CSS_SELECTOR, ".filedrop-save-to-favorites")
    )[0].click()

    def favorites(d: Any) -> list[str]:
        stored = json.loads(d.execute_script("return localStorage['neo4j.documents']") or "[]")
        return [doc.get("content", "") for doc in stored]

    WebDriverWait(driver, 10).until(lambda d: query.cypher in favorites(d))
    # Browser names a favorite by its first line: the file's "Title: summary".
    drawer = driver.find_element(By.CSS_SELECTOR, "[data-testid=navigationFavorites]")
    drawer.click()
    assert f"{query.title}: {query.summary}"[:20] in driver.find_element(By.TAG_NAME, "body").text
    drawer.click()


def test_browser_fixture_gives_a_fresh_chromium(browser: WebDriver, settings: Settings) -> None:
    """The plain fixture other browser tests (GraphiQL) use: a page loads, nothing remembered."""
    browser.get(browser_url(settings))
    WebDriverWait(browser, 30).until(lambda d: d.title == "Neo4j Browser")
    # Neo4j Browser persists its settings as JSON on start-up: no style is absent or null.
    stored = browser.execute_script("return localStorage.getItem('neo4j.grass')")
    assert stored is None or json.loads(stored) is None
