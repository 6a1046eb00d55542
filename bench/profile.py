"""Where the time of a read goes: cProfile over the service and over the whole API.

    python -m bench.profile [--profiles 200] [--requests 300] [--concurrency 16] [--top 12]

Seeds ``--profiles`` customers (as bench.api_latency does; nothing is wiped), then, in
this one process, runs each operation ``--requests`` times from ``--concurrency``
concurrent tasks under cProfile:

* ``CdpService.profile_by_identifier`` (the library alone);
* GraphQL ``profileByIdentifier``, the full profile and ``profiles(first: 50)`` with
  traits and counts, through the real ASGI app (middleware, strawberry, JSON) over
  httpx's in-process transport, so the HTTP parsing of a socket is the one thing left out.

The report (bench/reports/profile.md) gives, per operation, the functions with the most
time of their own (``tottime``) and the calls of the layers that matter (cumulative).
Profiling slows Python code, not Neo4j: read the tables for shares, not milliseconds.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import io
import pstats
import re
import uuid
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import httpx

from api.app import create_app
from bench.api_latency import (
    INGEST,
    PROFILE_BY_IDENTIFIER,
    PROFILE_FULL,
    PROFILES_PAGE,
    _seed_events,
)
from bench.common import write_report
from graph_cdp.config import Settings
from graph_cdp.services import CdpService

Call = Callable[[int], Awaitable[None]]
REPO = Path(__file__).resolve().parents[1]

# Cumulative rows worth showing even when their own time is small: the layers.
LAYERS = (
    "driver.py:.*(_run|query)",
    "schema.py:.*execute",
    "validation",
    "parser.py:.*parse",
    "json.*(dumps|encode)",
    "middleware.py",
    "profiles.py",
)


async def _drive(call: Call, requests: int, concurrency: int) -> None:
    queue: asyncio.Queue[int] = asyncio.Queue()
    for i in range(requests):
        queue.put_nowait(i)

    async def worker() -> None:
        while not queue.empty():
            await call(queue.get_nowait())

    await asyncio.gather(*(worker() for _ in range(concurrency)))


def _table(stats: pstats.Stats, sort: str, top: int, restrict: tuple[str | int, ...] = ()) -> str:
    out = io.StringIO()
    stats.stream = out  # type: ignore[attr-defined]
    stats.sort_stats(sort)
    stats.print_stats(*(restrict or (top,)))
    lines = out.getvalue().splitlines()
    start = next((i for i, line in enumerate(lines) if "ncalls" in line), 0)
    return "\n".join(_short(line) for line in lines[start:] if line.strip())


def _short(line: str) -> str:
    """File names relative to the repository or to site-packages / the standard library."""
    line = line.replace(f"{REPO}/", "")
    line = re.sub(r"\S*/site-packages/", "", line)
    return re.sub(r"\S*/lib/python3\.\d+/", "", line)


async def profile_reads(
    settings: Settings, profiles: int, requests: int, concurrency: int, top: int
) -> dict[str, Any]:
    prefix = f"prof-{uuid.uuid4().hex[:8]}"
    emails = [f"{prefix}-{i}@bench.graph-cdp.dev" for i in range(profiles)]
    service = CdpService.open(settings)
    app = create_app(settings)
    runtime = app.state.runtime
    await service.prepare()
    runtime.live = service
    tables: dict[str, dict[str, str]] = {}
    try:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:

            async def graphql(query: str, variables: dict[str, Any]) -> None:
                response = await client.post(
                    "/graphql", json={"query": query, "variables": variables}
                )
                body = response.json()
                if body.get("errors"):
                    raise RuntimeError(str(body["errors"])[:300])

            events = _seed_events(prefix, profiles)
            for start in range(0, len(events), settings.max_batch_size):
                await graphql(INGEST, {"events": events[start : start + settings.max_batch_size]})

            async def by_service(i: int) -> None:
                await service.profile_by_identifier("email", emails[i % profiles])

            async def by_api(i: int) -> None:
                await graphql(PROFILE_BY_IDENTIFIER, {"value": emails[i % profiles]})

            async def full(i: int) -> None:
                await graphql(PROFILE_FULL, {"value": emails[i % profiles]})

            async def page(i: int) -> None:
                await graphql(PROFILES_PAGE, {})

            plan: list[tuple[str, Call, int]] = [
                ("CdpService.profile_by_identifier", by_service, requests),
                ("profileByIdentifier (API)", by_api, requests),
                ("full profile (API)", full, requests),
                ("profiles(first: 50) (API)", page, max(1, requests // 10)),
            ]
            for name, call, count in plan:
                await _drive(call, min(count, 2 * concurrency), concurrency)  # warm-up
                profiler = cProfile.Profile()
                profiler.enable()
                await _drive(call, count, concurrency)
                profiler.disable()
                stats = pstats.Stats(profiler)
                tables[name] = {
                    "requests": str(count),
                    "tottime": _table(stats, "tottime", top),
                    "layers": _table(stats, "cumulative", top, ("|".join(LAYERS), top)),
                }
    finally:
        runtime.live = None
        await service.close()
    return {"profiles": profiles, "concurrency": concurrency, "tables": tables}


def profile_lines(report: dict[str, Any]) -> list[str]:
    lines = [
        f"cProfile, {report['profiles']} seeded profiles, {report['concurrency']} concurrent "
        "tasks in one process (the ASGI app over httpx's in-process transport).",
    ]
    for name, t in report["tables"].items():
        lines += [
            "",
            f"## {name} ({t['requests']} requests)",
            "",
            "Most time of their own:",
            "",
            "```",
            t["tottime"],
            "```",
            "",
            "The layers (cumulative):",
            "",
            "```",
            t["layers"],
            "```",
        ]
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.profile", description=__doc__)
    parser.add_argument("--profiles", type=int, default=200)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--top", type=int, default=12)
    args = parser.parse_args()
    settings = Settings().model_copy(update={"api_keys": ""})
    report = asyncio.run(
        profile_reads(settings, args.profiles, args.requests, args.concurrency, args.top)
    )
    print(write_report("profile", report, profile_lines(report)).read_text())


if __name__ == "__main__":
    main()
