"""Where the time of a write goes: every Cypher statement of the ingest path, timed.

    python -m bench.profile_writes [--customers 500] [--seed 42]

Ingests the generator's sample in batches of 500 (resolved on every write, matching as
the settings say) on a wiped database, and times each named statement the write path
runs (``graph_cdp.store.driver.run``, wrapped for the run and put back after), then
the raw driver's batched writes of the same data (bench.ingest's baseline) in the same
process. The report (bench/reports/profile_writes.md) gives each statement's seconds,
calls and share, beside the raw writes: the statements, not Python, are the write
path's cost when their total is close to the wall time.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from neo4j import AsyncManagedTransaction

import graph_cdp.store.driver as driver
from bench.common import fresh, write_report
from bench.ingest import BATCH, _raw_batches, _raw_write
from graph_cdp.config import Settings
from graph_cdp.sample import generate
from graph_cdp.services import CdpService
from graph_cdp.store import Store


def _timing(original: Any, seconds: dict[str, float], calls: Counter[str]) -> Any:
    async def timed(tx: AsyncManagedTransaction, name: str, **params: Any) -> Any:
        started = time.perf_counter()
        try:
            return await original(tx, name, **params)
        finally:
            seconds[name] = seconds.get(name, 0.0) + time.perf_counter() - started
            calls[name] += 1

    return timed


@contextmanager
def timed_statements(seconds: dict[str, float], calls: Counter[str]) -> Iterator[None]:
    """Time ``run`` and ``collected`` wherever graph_cdp's modules imported them."""
    patched: list[tuple[Any, str, Any]] = []
    for attr in ("run", "collected"):
        original = getattr(driver, attr)
        timed = _timing(original, seconds, calls)
        for module in list(sys.modules.values()):
            if getattr(module, "__name__", "").startswith("graph_cdp") and (
                getattr(module, attr, None) is original
            ):
                patched.append((module, attr, original))
                setattr(module, attr, timed)
    try:
        yield
    finally:
        for module, attr, original in patched:
            setattr(module, attr, original)


async def profile_writes(settings: Settings, customers: int, seed: int) -> dict[str, Any]:
    events = generate(customers=customers, seed=seed).events
    store = Store.open(settings)
    seconds: dict[str, float] = {}
    calls: Counter[str] = Counter()
    try:
        service = CdpService(store, settings)
        await fresh(store)
        with timed_statements(seconds, calls):
            started = time.perf_counter()
            for start in range(0, len(events), BATCH):
                await service.ingest_events(events[start : start + BATCH])
            wall = time.perf_counter() - started
        batches = _raw_batches(events, settings)
        await fresh(store)
        started = time.perf_counter()
        for batch in batches:
            await _raw_write(store, batch)
        raw = time.perf_counter() - started
    finally:
        await store.close()
    return {
        "customers": customers,
        "events": len(events),
        "seconds": {"graph_cdp": round(wall, 2), "raw_driver": round(raw, 2)},
        "statements": [
            {"name": name, "seconds": round(s, 3), "calls": calls[name]}
            for name, s in sorted(seconds.items(), key=lambda item: -item[1])
        ],
    }


def profile_writes_lines(r: dict[str, Any]) -> list[str]:
    wall, raw = r["seconds"]["graph_cdp"], r["seconds"]["raw_driver"]
    total = sum(s["seconds"] for s in r["statements"])
    lines = [
        f"{r['events']} events of {r['customers']} customers, batches of {BATCH}, resolved on "
        f"every write: {wall:.1f} s ({r['events'] / wall:.0f} events/s); the raw driver's "
        f"batched writes of the same data {raw:.1f} s ({r['events'] / raw:.0f} events/s), "
        f"ratio {raw / wall:.2f}. Time inside the statements: {total:.1f} s of {wall:.1f} s.",
        "",
        "| statement | seconds | calls | share of the write path |",
        "| --- | ---: | ---: | ---: |",
    ]
    for s in r["statements"]:
        lines.append(
            f"| `{s['name']}` | {s['seconds']:.2f} | {s['calls']} | {s['seconds'] / wall:.1%} |"
        )
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.profile_writes", description=__doc__)
    parser.add_argument("--customers", type=int, default=500)
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args()
    report = asyncio.run(profile_writes(Settings(), args.customers, args.seed))
    path = write_report("profile_writes", report, profile_writes_lines(report))
    print(path.read_text())


if __name__ == "__main__":
    main()
