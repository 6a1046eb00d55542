"""Activation: what the change log costs on ingest, and webhook latency on loopback.

Cost: the same events ingested (resolved on every write) with the change log on and
off (``Store(change_log=...)``, the setting ``GRAPH_CDP_CHANGE_LOG``), alternating
off/on twice and keeping each side's best, beside the raw-driver baseline of
bench/ingest.py, all in one run.

Latency: a webhook worker in this process (as in the API) delivers to an HTTP receiver
on loopback; one event at a time is ingested, and the latency is from the moment the
ingest call returns (its transaction committed) to the moment the receiver reads the
change. The worker polls the log every ``poll`` seconds, which bounds the median.
"""

from __future__ import annotations

import asyncio
import json
import statistics
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from bench.common import fresh, timer
from bench.ingest import BATCH, _raw_batches, _raw_write
from graph_cdp.config import Settings
from graph_cdp.feed.delivery import run_worker
from graph_cdp.sample import generate
from graph_cdp.services import CdpService
from graph_cdp.store import Store


async def _ingest_all(service: CdpService, events: list[dict[str, Any]]) -> None:
    for start in range(0, len(events), BATCH):
        await service.ingest_events(events[start : start + BATCH])


async def _cost(store: Store, settings: Settings, customers: int, seed: int) -> dict[str, Any]:
    events = generate(customers=customers, seed=seed).events
    on = CdpService(Store(store.driver, store.database, change_log=True), settings)
    off = CdpService(Store(store.driver, store.database, change_log=False), settings)
    runs: dict[str, list[float]] = {"log_off": [], "log_on": []}
    changes = 0
    for name, service in [("log_off", off), ("log_on", on)] * 2:
        await fresh(store)
        seconds: dict[str, float] = {}
        with timer(seconds, name):
            await _ingest_all(service, events)
        runs[name].append(seconds[name])
        if name == "log_on":
            changes = await on.changes.head()
    batches = _raw_batches(events, settings)
    await fresh(store)
    seconds = {}
    with timer(seconds, "raw_driver"):
        for batch in batches:
            await _raw_write(store, batch)
    best = {name: min(times) for name, times in runs.items()} | seconds
    rates = {name: len(events) / s for name, s in best.items()}
    return {
        "customers": customers,
        "events": len(events),
        "changes_written": changes,
        "seconds_each_run": runs,
        "events_per_second": rates,
        "log_on_vs_off": rates["log_on"] / rates["log_off"],
        "ratio_vs_raw": {
            "log_on": rates["log_on"] / rates["raw_driver"],
            "log_off": rates["log_off"] / rates["raw_driver"],
        },
    }


class _Receiver:
    """Hands (seq, arrival time) from its HTTP thread to the event loop."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.arrivals: asyncio.Queue[tuple[int, float]] = asyncio.Queue()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                arrival = (int(json.loads(body)["seq"]), time.perf_counter())
                loop.call_soon_threadsafe(receiver.arrivals.put_nowait, arrival)
                self.send_response(204)
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/hook"


async def _latency(
    store: Store, settings: Settings, deliveries: int, poll: float
) -> dict[str, Any]:
    await fresh(store)
    fast = settings.model_copy(update={"feed_poll_seconds": poll})
    service = CdpService(store, fast)
    receiver = _Receiver(asyncio.get_running_loop())
    await service.webhooks.register(receiver.url, secret="bench-secret-0123456789")
    stop = asyncio.Event()
    worker = asyncio.create_task(run_worker(store, fast, stop))
    latencies: list[float] = []
    try:
        for i in range(deliveries):
            event = {
                "messageId": f"lat-{i}",
                "type": "login",
                "identifiers": [{"kind": "email", "value": f"lat{i}@bench.io"}],
            }
            await service.ingest_events([event])
            committed = time.perf_counter()
            seq = await service.changes.head()
            while True:
                got, arrived = await receiver.arrivals.get()
                if got == seq:
                    break
            latencies.append((arrived - committed) * 1000)
    finally:
        stop.set()
        await worker
        receiver.server.shutdown()
    ordered = sorted(latencies)
    return {
        "deliveries": deliveries,
        "poll_seconds": poll,
        "latency_ms": {
            "p50": statistics.median(ordered),
            "p99": ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))],
            "max": ordered[-1],
        },
    }


async def bench_activation(
    store: Store, settings: Settings, customers: int, seed: int, deliveries: int
) -> dict[str, Any]:
    return {
        "cost": await _cost(store, settings, customers, seed),
        "webhook": await _latency(store, settings, deliveries, poll=0.05),
    }


def activation_lines(r: dict[str, Any]) -> list[str]:
    c, w = r["cost"], r["webhook"]
    rates = c["events_per_second"]
    lat = w["latency_ms"]
    vs_raw = c["ratio_vs_raw"]
    return [
        f"{c['events']} events of {c['customers']} customers, batches of {BATCH}, resolved on "
        f"every write; {c['changes_written']} changes written with the log on.",
        "",
        "| path | events/s | ratio vs raw driver |",
        "| --- | ---: | ---: |",
        f"| raw driver writes (baseline) | {rates['raw_driver']:.0f} | 1.00 |",
        f"| graph-cdp, change log off | {rates['log_off']:.0f} | {vs_raw['log_off']:.2f} |",
        f"| graph-cdp, change log on | {rates['log_on']:.0f} | {vs_raw['log_on']:.2f} |",
        "",
        f"Change log on / off: {c['log_on_vs_off']:.2f} (best of two alternating runs each; "
        f"seconds per run: `{json.dumps(c['seconds_each_run'])}`).",
        "",
        f"Webhook delivery on loopback, {w['deliveries']} changes one at a time, worker polling "
        f"every {w['poll_seconds']} s: p50 {lat['p50']:.1f} ms, p99 {lat['p99']:.1f} ms, "
        f"max {lat['max']:.1f} ms (from the ingest call's return to the receiver).",
    ]
