"""`make demo`: sample data in, resolved, scored, explained, served."""

from __future__ import annotations

import json
import time
from typing import Any

from rich.console import Console
from rich.panel import Panel

from graph_cdp.commands import _progress, with_service
from graph_cdp.config import Settings
from graph_cdp.sample import generate, pairwise_scores
from graph_cdp.services import CdpService

console = Console(highlight=False)
# Commands are printed unwrapped so they can be copied as they are.
commands = Console(highlight=False, soft_wrap=True)
BATCH = 500


def _graphql(query: str, variables: dict[str, Any]) -> str:
    return json.dumps({"query": " ".join(query.split()), "variables": variables})


async def load_and_resolve(service: CdpService, customers: int, seed: int) -> dict[str, Any]:
    data = generate(customers=customers, seed=seed)
    began = time.perf_counter()
    totals = {"accepted": 0, "duplicates": 0, "rejected": 0}
    with _progress() as bar:
        task = bar.add_task("ingesting sample events", total=len(data.events))
        for start in range(0, len(data.events), BATCH):
            chunk = data.events[start : start + BATCH]
            result = await service.ingest_events(chunk, source="demo")
            totals["accepted"] += result.accepted
            totals["duplicates"] += result.duplicates
            totals["rejected"] += len(result.rejected)
            bar.advance(task, len(chunk))
    ingest_seconds = time.perf_counter() - began
    job = await service.run_resolution("full")
    rows = await service.store.query("identifier_customers")
    scores = pairwise_scores({r["key"]: r["customer"] for r in rows}, data.truth)
    examples = {}
    for rule in ("limit:customer_id", "shared_identifier", "limit:email"):
        found = await service.store.query("find_refused_example", rule=rule)
        if found:
            examples[rule] = found[0]
    return {
        "events": len(data.events),
        **totals,
        "ingest_seconds": ingest_seconds,
        "job": job,
        "scores": scores,
        "examples": examples,
    }


def _print_tour(settings: Settings, outcome: dict[str, Any]) -> None:
    scores = outcome["scores"]
    job = outcome["job"]
    console.print(
        Panel.fit(
            f"{outcome['events']} events: {outcome['accepted']} accepted, "
            f"{outcome['duplicates']} duplicates, {outcome['rejected']} rejected "
            f"(kept as dead letters) in {outcome['ingest_seconds']:.1f} s\n"
            f"resolution job {job.id}: {job.stats.get('customersAfter')} customers, "
            f"{job.stats.get('unitsChanged')} units changed by the full job\n"
            f"refused links by rule: {job.stats.get('refusedByRule')}\n"
            f"accuracy vs ground truth: precision {scores.precision:.4f}, "
            f"recall {scores.recall:.4f}, F1 {scores.f1:.4f}, "
            f"over-merged profiles {scores.over_merged}, largest profile {scores.largest_entity}",
            title="graph-cdp demo",
        )
    )
    url = f"http://{settings.host}:{settings.port}/graphql"
    console.print(f"\n[bold]GraphQL[/bold] (GraphiQL in a browser): {url}")
    example = outcome["examples"].get("limit:customer_id") or next(
        iter(outcome["examples"].values()), None
    )
    if example is not None:
        a = {"kind": example["kindA"], "value": example["valueA"]}
        b = {"kind": example["kindB"], "value": example["valueB"]}
        console.print(f"\nA refused merge ({example['rule']}): why are these two not one customer?")
        query = """query Why($a: IdentifierInput!, $b: IdentifierInput!) {
          explainLink(a: $a, b: $b) { sameCustomer reason
            path { a b rule active refusedBy count } } }"""
        commands.print(
            f"  curl -s {url} -H 'Content-Type: application/json' \\\n"
            f"    -d '{_graphql(query, {'a': a, 'b': b})}'"
        )
        query = """query P($kind: String!, $value: String!) {
          profileByIdentifier(kind: $kind, value: $value) { id
            identifiers { kind value } traits { name value source }
            weakPoints { a b rule } } }"""
        console.print("\nThe unified profile of one side:")
        commands.print(
            f"  curl -s {url} -H 'Content-Type: application/json' \\\n    -d '{_graphql(query, a)}'"
        )
        console.print("\nIts identity graph in Neo4j Browser (:param, then the saved query):")
        console.print(f"  :param customerId => '{example['customerA']}'")
        console.print("  cypher/browser/customer_graph.cypher")
    console.print(
        f"\n[bold]Neo4j Browser[/bold]: http://127.0.0.1:{settings.neo4j_http_port}/browser/"
        f"  (user {settings.neo4j_user}; `graph-cdp browser` prints the style and queries)"
    )


def run_demo(settings: Settings, *, customers: int, seed: int, serve: bool) -> int:
    # Ingestion is idempotent: running the demo again reports the events as duplicates.
    async def work(service: CdpService) -> dict[str, Any]:
        return await load_and_resolve(service, customers, seed)

    outcome = with_service(settings, work)
    _print_tour(settings, outcome)
    if serve:
        from api.serve import serve as serve_api

        console.print(
            f"\nServing the API on http://{settings.host}:{settings.port} (Ctrl-C stops)."
        )
        serve_api(settings)
    return 0
