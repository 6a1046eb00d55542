"""What probabilistic matching costs on the write path: ingest events/s, matching on vs off.

``python -m bench.matching_cost [--customers N]``, against the benchmark Neo4j (it is
wiped). The same generated events are ingested twice in one run, in batches of 500:
once with matching off (``GRAPH_CDP_MATCHING=false``: identity resolution only), once
with a stored model, so that every write also rebuilds the touched records, finds their
blocking neighbours and scores them. The model is trained on the first pass's records
(``graph-cdp match train``) and stored before the second pass starts.
"""

from __future__ import annotations

import argparse
import asyncio
import time
from datetime import UTC, datetime
from typing import Any

from bench.common import fresh, write_report
from graph_cdp.config import Settings
from graph_cdp.sample import generate
from graph_cdp.services import CdpService
from graph_cdp.store import Store

BATCH = 500


async def _ingest(service: CdpService, events: list[dict[str, Any]]) -> float:
    began = time.perf_counter()
    for start in range(0, len(events), BATCH):
        await service.ingest_events(events[start : start + BATCH])
    return time.perf_counter() - began


async def bench_matching_cost(store: Store, settings: Settings, customers: int, seed: int) -> Any:
    events = generate(customers=customers, seed=seed).events
    await fresh(store)
    off = CdpService(store, settings.model_copy(update={"matching": False}))
    seconds_off = await _ingest(off, events)
    trained = await CdpService(store, settings).train_matching()
    rows = await store.query("get_match_model", id=trained["modelId"])
    model_json = rows[0]["json"]

    await fresh(store)
    await store.execute(
        "create_match_model", id="bench", now=datetime.now(UTC), json=model_json, records=0
    )
    on = CdpService(store, settings)
    seconds_on = await _ingest(on, events)
    counts = await store.query("bench/count_fuzzy_evidence")
    return {
        "customers": customers,
        "events": len(events),
        "records_trained_on": trained["records"],
        "seconds": {"matching_off": seconds_off, "matching_on": seconds_on},
        "events_per_second": {
            "matching_off": len(events) / seconds_off,
            "matching_on": len(events) / seconds_on,
        },
        "ratio_on_vs_off": seconds_off / seconds_on,
        "fuzzy_links": int(counts[0]["links"]),
        "candidates": int(counts[0]["candidates"]),
    }


def lines(r: dict[str, Any]) -> list[str]:
    rates = r["events_per_second"]
    return [
        f"{r['events']} events of {r['customers']} generated customers, batches of {BATCH}, "
        f"one run; model trained on {r['records_trained_on']} records.",
        "",
        "| write path | events/s | ratio vs off |",
        "| --- | ---: | ---: |",
        f"| matching off | {rates['matching_off']:.0f} | 1.00 |",
        f"| matching on (stored model) | {rates['matching_on']:.0f} | {r['ratio_on_vs_off']:.2f} |",
        "",
        f"Fuzzy links written on the way: {r['fuzzy_links']}; review candidates: "
        f"{r['candidates']}.",
    ]


async def main(args: argparse.Namespace) -> None:
    settings = Settings()
    store = Store.open(settings)
    try:
        await store.ping()
        r = await bench_matching_cost(store, settings, args.customers, args.seed)
        print(write_report("matching_cost", r, lines(r)).read_text())
    finally:
        await store.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(prog="python -m bench.matching_cost", description=__doc__)
    parser.add_argument("--customers", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=42)
    asyncio.run(main(parser.parse_args()))
