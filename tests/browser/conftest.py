"""Browser tests: a headless Chromium per test, and the example graph in Neo4j.

``browser`` is all a browser test needs (the GraphiQL test uses it too); the Neo4j
Browser tests add ``example_graph`` (a wiped database holding tests/browser/
example_graph.py) and drive the page through :class:`Neo4jBrowser`.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest
from selenium.webdriver.chrome.webdriver import WebDriver

from graph_cdp.config import Settings
from graph_cdp.errors import StoreUnavailable
from graph_cdp.store import Store
from tests.browser.example_graph import write_example_graph
from tests.browser.harness import ChromiumMissing, find_chromium, launch_chromium
from tests.conftest import wipe


@pytest.fixture(scope="session")
def chromium() -> tuple[str, str]:
    """Chromium and chromedriver, or a failure that says what to install."""
    try:
        return find_chromium()
    except ChromiumMissing as exc:
        pytest.fail(str(exc))


@pytest.fixture
def browser(
    chromium: tuple[str, str], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[WebDriver]:
    """A fresh headless Chromium (its own empty profile), quit after the test."""
    driver = launch_chromium(tmp_path_factory.mktemp("chromium-profile"))
    try:
        yield driver
    finally:
        driver.quit()


@pytest.fixture(scope="module")
async def example_graph(settings: Settings) -> AsyncIterator[Store]:
    """The Neo4j of the settings, wiped, with the schema and the example graph."""
    store = Store.open(settings)
    try:
        await store.ping()
    except StoreUnavailable as exc:
        await store.close()
        pytest.fail(
            f"Browser tests need a real Neo4j at {settings.neo4j_uri}: run `make test` "
            f"or `graph-cdp neo4j start`. ({exc.message})"
        )
    await wipe(store)
    await store.apply_schema()
    await write_example_graph(store)
    yield store
    await store.close()
