"""PNG screenshots for the docs, taken in headless Chromium.

    python -m scripts.screenshots --demo               # both PNGs of docs/img/, on demo data
    python -m scripts.screenshots                      # both, on the data already there
    python -m scripts.screenshots --only graphiql      # docs/img/graphiql.png alone
    python -m scripts.screenshots --seed-example       # add the small example graph first
    python -m scripts.screenshots --url http://127.0.0.1:8000/healthz --out page.png

Run from the repository root (``-m``: the script reuses the browser-test helpers in
``tests/``). Neo4j comes from the usual settings (NEO4J_URI, NEO4J_PASSWORD,
GRAPH_CDP_NEO4J_HTTP_PORT); nothing is wiped. ``--demo`` first ingests the demo sample
(``graph_cdp.sample.generate``, 300 customers, seed 7; idempotent) through
``CdpService.ingest_events``.

Both PNGs show one telling customer (unless ``--customer-id``): the one with the most
identifier kinds among those with a merge the rules refused, at most 14 identifiers.

* ``neo4j-browser.png``: Neo4j Browser, with the style applied, drawing that customer
  (the ``customer_graph`` saved query).
* ``graphiql.png``: GraphiQL, served by the API started in this process on a free
  loopback port, after running ``explainLink`` on that customer's refused merge (or
  ``profileByIdentifier`` when it has none).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from api.app import create_app
from graph_cdp.browser import saved_query, style_command
from graph_cdp.config import Settings, load_settings
from graph_cdp.sample import generate
from graph_cdp.services import CdpService
from graph_cdp.store import Store
from tests.api.conftest import LiveServer, free_port
from tests.browser.example_graph import ADA, write_example_graph
from tests.browser.harness import ChromiumMissing, launch_chromium
from tests.browser.neo4j_browser import BrowserError, Neo4jBrowser
from tests.browser.test_graphiql import GraphiQL, GraphiQLError, UnpkgMirror, launch_chromium_with

IMG = Path("docs/img")
BROWSER_OUT = IMG / "neo4j-browser.png"
GRAPHIQL_OUT = IMG / "graphiql.png"
DEMO_BATCH = 500
# Refusals that only say "junk value" or "hub": a showcase prefers one between people.
_PLAIN_REFUSALS = frozenset({"blocked", "hub"})


@dataclass(frozen=True)
class Showcase:
    """A customer worth a picture, and the merges the rules refused at its border."""

    customer_id: str
    keys: tuple[str, ...]
    refused: tuple[tuple[str, str, str], ...]  # (its identifier, the other's, refusedBy)

    @property
    def kinds(self) -> set[str]:
        return {key.partition(":")[0] for key in self.keys}

    def rank(self) -> tuple[int, int, int, int, int, str]:
        """Lower is better: many kinds, a refusal between people, small enough to read."""
        rules = {rule for _, _, rule in self.refused}
        return (
            -len(self.kinds),
            -int(bool(rules - _PLAIN_REFUSALS)),
            -len(rules),
            -len(self.refused),
            len(self.keys),
            min(self.keys, default=""),  # keys come from the data; customer ids are random
        )

    def refusal(self) -> tuple[str, str, str] | None:
        """The refused merge to explain: one between people if there is one."""
        ordered = sorted(self.refused, key=lambda r: (r[2] in _PLAIN_REFUSALS, r))
        return ordered[0] if ordered else None


async def _showcase_of(store: Store, customer_id: str, keys: Sequence[str]) -> Showcase:
    refused: set[tuple[str, str, str]] = set()
    for row in await store.query("customer_subgraph", id=customer_id):
        for link in row["links"]:
            if not link["active"] and link["otherCustomer"] not in (None, customer_id):
                refused.add((row["node"]["key"], link["other"], str(link["refusedBy"])))
    return Showcase(customer_id, tuple(sorted(keys)), tuple(sorted(refused)))


async def find_showcase(
    store: Store,
    *,
    customer_id: str | None = None,
    among: set[str] | None = None,
    max_identifiers: int = 14,
) -> Showcase | None:
    """``customer_id``'s showcase, or the best customer holding identifiers of ``among``."""
    members: dict[str, list[str]] = defaultdict(list)
    for row in await store.query("identifier_customers"):
        if among is None or row["key"] in among or row["customer"] == customer_id:
            members[row["customer"]].append(row["key"])
    if customer_id is not None:
        return await _showcase_of(store, customer_id, members.get(customer_id, []))
    candidates = sorted(
        (keys for keys in members.items() if 3 <= len(keys[1]) <= max_identifiers),
        key=lambda item: (-len({k.partition(":")[0] for k in item[1]}), min(item[1])),
    )[:500]  # a big database: the 500 with the most kinds are enough to choose from
    found = [await _showcase_of(store, customer, keys) for customer, keys in candidates]
    with_refusal = [s for s in found if s.refused] or found
    return min(with_refusal, key=Showcase.rank, default=None)


async def ingest_demo(settings: Settings, customers: int, seed: int) -> set[str]:
    """The demo sample through the service (idempotent by messageId); its identifier keys."""
    data = generate(customers=customers, seed=seed)
    service = CdpService.open(settings)
    try:
        await service.prepare()
        for start in range(0, len(data.events), DEMO_BATCH):
            await service.ingest_events(data.events[start : start + DEMO_BATCH], source="demo")
    finally:
        await service.close()
    return set(data.truth.owner)


def _identifier(key: str) -> dict[str, str]:
    kind, _, value = key.partition(":")
    return {"kind": kind, "value": value}


EXPLAIN = """# Why are these two identifiers not one customer?
query WhyNotOneCustomer(
  $a: IdentifierInput!
  $b: IdentifierInput!
) {
  explainLink(a: $a, b: $b) {
    sameCustomer
    customerA
    customerB
    reason
    path { a b rule active refusedBy count }
  }
}
"""
PROFILE = """# One unified profile, found by any of its identifiers
query Profile($kind: String!, $value: String!) {
  profileByIdentifier(kind: $kind, value: $value) {
    id
    identifiersByKind { kind identifiers { value status } }
    traits { name value source }
    countsByType { key count }
  }
}
"""
PROFILES = """{ profiles(first: 5) { totalCount edges { node { id identifiers { kind value } } } } }
"""


def _variables_text(variables: dict[str, Any]) -> str:
    """One line per variable, so that the small Variables pane shows them all."""
    if not variables:
        return ""
    lines = [f"  {json.dumps(name)}: {json.dumps(value)}" for name, value in variables.items()]
    return "{\n" + ",\n".join(lines) + "\n}"


def graphiql_example(showcase: Showcase | None) -> tuple[str, dict[str, Any]]:
    """The query and variables the GraphiQL screenshot runs."""
    if showcase is None:
        return PROFILES, {}
    refusal = showcase.refusal()
    if refusal is not None:
        mine, other, _ = refusal
        return EXPLAIN, {"a": _identifier(mine), "b": _identifier(other)}
    return PROFILE, _identifier(showcase.keys[0])


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


# Every drawn node lies inside the graph's svg, left of the Overview panel, with a margin.
_ALL_NODES_INSIDE = """
const nodes = Array.from(arguments[0].querySelectorAll('svg g.node'));
if (nodes.length === 0) { return false; }
const box = nodes[0].closest('svg').getBoundingClientRect();
const panel = arguments[0].querySelector('[data-testid=vizInspector]');
const right = panel ? Math.min(box.right, panel.getBoundingClientRect().left) : box.right;
return nodes.every(node => {
  const r = node.getBoundingClientRect();
  return r.left >= box.left + 8 && r.right <= right - 8
      && r.top >= box.top + 8 && r.bottom <= box.bottom - 8;
});
"""


def screenshot_neo4j_browser(
    settings: Settings,
    out: Path = BROWSER_OUT,
    customer_id: str | None = None,
    *,
    max_zoom_steps: int = 3,
    width: int = 1400,
    height: int = 1000,
) -> Path:
    """Neo4j Browser with the style applied, drawing one customer's identity graph.

    Zoomed in step by step while every node stays inside the drawing."""
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
                    raise BrowserError("No customers in Neo4j: pass --demo or --seed-example.")
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
            zoom_out = frame.element.find_element(By.CSS_SELECTOR, "button[aria-label=zoom-out]")
            for _ in range(max_zoom_steps):
                zoom_in.click()
                time.sleep(0.5)  # the zoom is animated
                if not driver.execute_script(_ALL_NODES_INSIDE, frame.element):
                    zoom_out.click()
                    break
            time.sleep(1)
            if not driver.save_screenshot(str(out)):
                raise BrowserError(f"Chromium could not write {out}.")
        finally:
            driver.quit()
    return out


def screenshot_graphiql(
    settings: Settings,
    query: str,
    variables: dict[str, Any],
    out: Path = GRAPHIQL_OUT,
    *,
    width: int = 1400,
    height: int = 900,
) -> Path:
    """GraphiQL of the API (started here, open, on a free loopback port) after ``query``."""
    out.parent.mkdir(parents=True, exist_ok=True)
    api = settings.model_copy(update={"host": "127.0.0.1", "port": free_port(), "api_keys": ""})
    live = LiveServer(create_app(api), api)
    live.start()
    try:
        page_html = httpx.get(
            f"{live.url}/graphql", headers={"Accept": "text/html"}, timeout=30
        ).text
        mirror = UnpkgMirror(page_html, settings.cache_dir / "unpkg")
        try:
            with tempfile.TemporaryDirectory(prefix="chromium-") as profile:
                driver = launch_chromium_with(Path(profile), mirror.chromium_flags, width, height)
                try:
                    page = GraphiQL(driver, f"{live.url}/graphql")
                    page.open()
                    page.paste_query(query)
                    page.paste_variables(_variables_text(variables))
                    result = page.run(with_keyboard=False)
                    if result.get("errors"):
                        raise GraphiQLError(f"the example query failed: {result['errors']}")
                    time.sleep(1)  # the result pane's syntax colouring
                    if not driver.save_screenshot(str(out)):
                        raise BrowserError(f"Chromium could not write {out}.")
                finally:
                    driver.quit()
        finally:
            mirror.close()
    finally:
        live.stop()
    return out


async def _prepare(settings: Settings, args: argparse.Namespace) -> Showcase | None:
    """Load what was asked for; choose the customer both screenshots show."""
    among = await ingest_demo(settings, args.demo_customers, 7) if args.demo else None
    store = Store.open(settings)
    try:
        customer = args.customer_id
        if args.seed_example:
            await write_example_graph(store)
            customer = customer or ADA
        return await find_showcase(store, customer_id=customer, among=among)
    finally:
        await store.close()


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m scripts.screenshots",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--only", choices=["browser", "graphiql"], help="one of the two PNGs")
    parser.add_argument("--out", type=Path, help="with --only or --url: the PNG to write")
    parser.add_argument("--url", help="screenshot this page instead")
    parser.add_argument("--wait-for", help="with --url: a CSS selector to wait for")
    parser.add_argument("--customer-id", help="the customer to show (default: a telling one)")
    parser.add_argument("--demo", action="store_true", help="first ingest the demo sample")
    parser.add_argument("--demo-customers", type=int, default=300, help="its size (seed 7)")
    parser.add_argument(
        "--seed-example",
        action="store_true",
        help="first MERGE the small example graph of the browser tests (wipes nothing)",
    )
    args = parser.parse_args(argv)
    written: list[Path] = []
    try:
        if args.url:
            out = args.out or Path("screenshot.png")
            written.append(screenshot_url(args.url, out, wait_for_css=args.wait_for))
        else:
            settings = load_settings()
            showcase = asyncio.run(_prepare(settings, args))
            if showcase is not None:
                rules = sorted({rule for _, _, rule in showcase.refused})
                print(
                    f"customer {showcase.customer_id}: {len(showcase.keys)} identifiers of "
                    f"{len(showcase.kinds)} kinds; refused merges: {', '.join(rules) or 'none'}"
                )
            customer = showcase.customer_id if showcase else None
            if args.only in (None, "browser"):
                out = (args.out if args.only else None) or BROWSER_OUT
                written.append(screenshot_neo4j_browser(settings, out, customer))
            if args.only in (None, "graphiql"):
                out = (args.out if args.only else None) or GRAPHIQL_OUT
                query, variables = graphiql_example(showcase)
                written.append(screenshot_graphiql(settings, query, variables, out))
    except (ChromiumMissing, BrowserError, GraphiQLError, WebDriverException) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    for path in written:
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
