"""PNG screenshots for the docs, taken in headless Chromium.

    python -m scripts.screenshots                      # docs/img/neo4j-browser.png
    python -m scripts.screenshots --seed-example       # add the small example graph first
    python -m scripts.screenshots --url http://127.0.0.1:8000/graphql --out docs/img/graphiql.png

Run from the repository root (``-m``: the script reuses the browser-test harness in
``tests/browser/``). Neo4j comes from the usual settings (NEO4J_URI, NEO4J_PASSWORD,
GRAPH_CDP_NEO4J_HTTP_PORT). Without ``--customer-id`` the largest customer is drawn.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from selenium.common.exceptions import WebDriverException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from graph_cdp.browser import saved_query, style_command
from graph_cdp.config import Settings, load_settings
from graph_cdp.store import Store
from tests.browser.example_graph import ADA, write_example_graph
from tests.browser.harness import ChromiumMissing, launch_chromium
from tests.browser.neo4j_browser import BrowserError, Neo4jBrowser

DEFAULT_OUT = Path("docs/img/neo4j-browser.png")


def screenshot_url(
    url: str,
    out: Path,
    *,
    wait_for_css: str | None = None,
    settle_seconds: float = 1.0,
    width: int = 1400,
    height: int = 900,
) -> Path:
    """Open ``url`` in a fresh headless Chromium and save the window as a PNG."""
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="chromium-") as profile:
        driver = launch_chromium(Path(profile), width, height)
        try:
            driver.get(url)
            if wait_for_css:
                WebDriverWait(driver, 30).until(
                    lambda d: d.find_elements(By.CSS_SELECTOR, wait_for_css)
                )
            time.sleep(settle_seconds)
            if not driver.save_screenshot(str(out)):
                raise BrowserError(f"Chromium could not write {out}.")
        finally:
            driver.quit()
    return out


def screenshot_neo4j_browser(
    settings: Settings,
    out: Path = DEFAULT_OUT,
    customer_id: str | None = None,
    *,
    zoom_steps: int = 1,
    width: int = 1400,
    height: int = 1000,
) -> Path:
    """Neo4j Browser with the style applied, drawing one customer's identity graph."""
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="chromium-") as profile:
        driver = launch_chromium(Path(profile), width, height)
        try:
            page = Neo4jBrowser(driver, settings)
            page.open_and_connect()
            page.dismiss_banners()
            if customer_id is None:
                rows = page.run(saved_query("largest_customers").cypher).table()
                if not rows:
                    raise BrowserError("No customers in Neo4j: load data or pass --seed-example.")
                customer_id = str(rows[0]["customer"])
            page.run(style_command())
            query = saved_query("customer_graph")
            for line in query.param_lines({"customerId": customer_id}):
                page.run(line)
            page.clear_stream()
            frame = page.run(query.cypher)
            frame.graph()  # waits until the nodes are drawn
            frame.element.find_element(By.CSS_SELECTOR, "button[title=Fullscreen]").click()
            time.sleep(3)  # let the force layout settle
            zoom_in = frame.element.find_element(By.CSS_SELECTOR, "button[aria-label=zoom-in]")
            for _ in range(zoom_steps):
                zoom_in.click()
            time.sleep(1)
            if not driver.save_screenshot(str(out)):
                raise BrowserError(f"Chromium could not write {out}.")
        finally:
            driver.quit()
    return out


async def _seed(settings: Settings) -> None:
    store = Store.open(settings)
    try:
        await write_example_graph(store)
    finally:
        await store.close()


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m scripts.screenshots", description=__doc__)
    parser.add_argument("--out", type=Path, help=f"the PNG to write (default {DEFAULT_OUT})")
    parser.add_argument("--url", help="screenshot this page instead of Neo4j Browser")
    parser.add_argument("--wait-for", help="with --url: a CSS selector to wait for")
    parser.add_argument("--customer-id", help="the customer to draw (default: the largest)")
    parser.add_argument(
        "--seed-example",
        action="store_true",
        help="first MERGE the small example graph of the browser tests (wipes nothing)",
    )
    args = parser.parse_args(argv)
    try:
        if args.url:
            out = screenshot_url(
                args.url, args.out or Path("screenshot.png"), wait_for_css=args.wait_for
            )
        else:
            settings = load_settings()
            customer = args.customer_id
            if args.seed_example:
                asyncio.run(_seed(settings))
                customer = customer or ADA
            out = screenshot_neo4j_browser(settings, args.out or DEFAULT_OUT, customer)
    except (ChromiumMissing, BrowserError, WebDriverException) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
