"""API latency under concurrent load, as ratios against baselines measured in the same run.

    python -m bench.api_latency [--profiles 200] [--requests 400] [--concurrency 16]

Starts the real app (uvicorn, in a thread, on a free loopback port) against the Neo4j of
the environment (NEO4J_URI), seeds profiles under a fresh run prefix (nothing is
wiped), then, for each operation, sends ``--requests`` GraphQL requests from
``--concurrency`` concurrent clients and records every latency. Two baselines run
under the same load: ``/healthz`` (the HTTP stack alone) and the same read called on
``CdpService`` directly (Neo4j alone, no HTTP or GraphQL). Machines here are noisy, so
the report gives ratios to those baselines next to the raw milliseconds, and asserts
nothing. The report goes to bench/reports/api_latency.json and .md.
"""

from __future__ import annotations

import argparse
import asyncio
import socket
import statistics
import threading
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import asdict, dataclass
from typing import Any

import httpx
import uvicorn

from api.app import create_app
from bench.common import write_report
from graph_cdp.config import Settings
from graph_cdp.services import CdpService

Call = Callable[[int], Awaitable[None]]

PROFILE_BY_IDENTIFIER = """query($value: String!) {
  profileByIdentifier(kind: "email", value: $value) { id identifiers { kind value } } }"""
PROFILE_FULL = """query($value: String!) { profileByIdentifier(kind: "email", value: $value) {
  id firstSeen lastSeen identifiers { kind value status } traits { name value }
  countsByType { key count } interactions(first: 10) { totalCount edges { node { id at } } } } }"""
PROFILES_PAGE = """{ profiles(first: 50) { totalCount edges { node {
  id traits { name value } countsByType { key count } } } } }"""
INGEST = """mutation($events: [EventInput!]!) { ingestEvents(events: $events) { accepted } }"""


@dataclass(frozen=True)
class Result:
    name: str
    requests: int
    errors: int
    seconds: float
    p50_ms: float
    p90_ms: float
    p99_ms: float
    max_ms: float
    per_second: float
    baseline: str | None = None
    p50_ratio: float | None = None
    p99_ratio: float | None = None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _percentile(sorted_ms: list[float], q: float) -> float:
    if not sorted_ms:
        return 0.0
    return sorted_ms[min(len(sorted_ms) - 1, round(q * (len(sorted_ms) - 1)))]


async def measure(name: str, call: Call, requests: int, concurrency: int) -> Result:
    """Run ``call(i)`` for i in range(requests) from ``concurrency`` workers."""
    latencies: list[float] = []
    errors = 0
    queue: asyncio.Queue[int] = asyncio.Queue()
    for i in range(requests):
        queue.put_nowait(i)

    async def worker() -> None:
        nonlocal errors
        while not queue.empty():
            i = queue.get_nowait()
            started = time.perf_counter()
            try:
                await call(i)
            except Exception:
                errors += 1
            latencies.append((time.perf_counter() - started) * 1000)

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    seconds = time.perf_counter() - started
    ms = sorted(latencies)
    return Result(
        name=name,
        requests=requests,
        errors=errors,
        seconds=round(seconds, 3),
        p50_ms=round(statistics.median(ms), 3) if ms else 0.0,
        p90_ms=round(_percentile(ms, 0.90), 3),
        p99_ms=round(_percentile(ms, 0.99), 3),
        max_ms=round(ms[-1], 3) if ms else 0.0,
        per_second=round(requests / seconds, 1) if seconds else 0.0,
    )


def relative(result: Result, baseline: Result) -> Result:
    def ratio(a: float, b: float) -> float | None:
        return round(a / b, 2) if b else None

    return Result(
        **{
            **asdict(result),
            "baseline": baseline.name,
            "p50_ratio": ratio(result.p50_ms, baseline.p50_ms),
            "p99_ratio": ratio(result.p99_ms, baseline.p99_ms),
        }
    )


class _Server:
    def __init__(self, settings: Settings) -> None:
        config = uvicorn.Config(
            create_app(settings),
            host=settings.host,
            port=settings.port,
            log_level="warning",
            access_log=False,
            ws="none",
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> _Server:
        self.thread.start()
        while not self.server.started:
            if not self.thread.is_alive():
                raise SystemExit("the API server did not start (is Neo4j running?)")
            time.sleep(0.05)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=30)


async def bench_api_latency(
    settings: Settings,
    profiles: int = 200,
    requests: int = 400,
    concurrency: int = 16,
    key: str | None = None,
) -> dict[str, Any]:
    """The measurements (for bench.common.write_report); see the module docstring."""
    settings = settings.model_copy(update={"host": "127.0.0.1", "port": _free_port()})
    if settings.api_keys and not key:
        raise SystemExit("GRAPH_CDP_API_KEYS is set: pass --key <a read+write secret>")
    prefix = f"bench-{uuid.uuid4().hex[:8]}"
    emails = [f"{prefix}-{i}@bench.graph-cdp.dev" for i in range(profiles)]
    headers = {"Authorization": f"Bearer {key}"} if key else {}
    limits = httpx.Limits(max_connections=concurrency)
    url = f"http://{settings.host}:{settings.port}"
    with _Server(settings):
        async with httpx.AsyncClient(
            base_url=url, headers=headers, limits=limits, timeout=120
        ) as client:

            async def graphql(query: str, variables: dict[str, Any]) -> None:
                response = await client.post(
                    "/graphql", json={"query": query, "variables": variables}
                )
                body = response.json()
                if response.status_code != 200 or body.get("errors"):
                    raise RuntimeError(str(body.get("errors")))

            batch = settings.max_batch_size
            for start in range(0, len(emails), batch):
                events = [
                    {
                        "messageId": f"{prefix}-seed-{i}",
                        "type": "page_view",
                        "channel": "web",
                        "identifiers": [{"kind": "email", "value": emails[i]}],
                        "traits": {"plan": "bench", "n": i},
                    }
                    for i in range(start, min(start + batch, len(emails)))
                ]
                await graphql(INGEST, {"events": events})

            async def healthz(i: int) -> None:
                (await client.get("/healthz")).raise_for_status()

            async def by_identifier(i: int) -> None:
                await graphql(PROFILE_BY_IDENTIFIER, {"value": emails[i % len(emails)]})

            async def full_profile(i: int) -> None:
                await graphql(PROFILE_FULL, {"value": emails[i % len(emails)]})

            async def page(i: int) -> None:
                await graphql(PROFILES_PAGE, {})

            async def ingest(i: int) -> None:
                event = {
                    "messageId": f"{prefix}-load-{i}",
                    "type": "login",
                    "identifiers": [{"kind": "email", "value": emails[i % len(emails)]}],
                }
                await graphql(INGEST, {"events": [event]})

            service = CdpService.open(settings)
            try:

                async def direct(i: int) -> None:
                    await service.profile_by_identifier("email", emails[i % len(emails)])

                n, c = requests, concurrency
                http_floor = await measure("GET /healthz", healthz, n, c)
                neo4j_floor = await measure("CdpService.profile_by_identifier", direct, n, c)
                results = [http_floor, neo4j_floor]
                for name, call, count in [
                    ("profileByIdentifier", by_identifier, n),
                    ("profile, full", full_profile, n),
                    ("profiles(first: 50)", page, n // 4 or 1),
                    ("ingestEvents, 1 event", ingest, n),
                ]:
                    results.append(relative(await measure(name, call, count, c), neo4j_floor))
            finally:
                await service.close()
    return {
        "profiles": profiles,
        "requests": requests,
        "concurrency": concurrency,
        "results": [asdict(r) for r in results],
    }


def api_latency_lines(report: dict[str, Any]) -> list[str]:
    """The Markdown table of the report."""
    lines = [
        f"{report['requests']} requests per operation from {report['concurrency']} concurrent "
        f"clients; {report['profiles']} seeded profiles. Ratios (x) are against "
        "`CdpService.profile_by_identifier` called directly under the same load.",
        "",
        "| operation | p50 ms | p90 ms | p99 ms | req/s | p50 x | p99 x | errors |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in report["results"]:
        p50x = "" if r["p50_ratio"] is None else f"{r['p50_ratio']:.2f}"
        p99x = "" if r["p99_ratio"] is None else f"{r['p99_ratio']:.2f}"
        lines.append(
            f"| {r['name']} | {r['p50_ms']:.1f} | {r['p90_ms']:.1f} | {r['p99_ms']:.1f} "
            f"| {r['per_second']:.1f} | {p50x} | {p99x} | {r['errors']} |"
        )
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.api_latency", description=__doc__)
    parser.add_argument("--profiles", type=int, default=200)
    parser.add_argument("--requests", type=int, default=400)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--key", help="an API key with read+write (when keys are configured)")
    args = parser.parse_args()
    report = asyncio.run(
        bench_api_latency(Settings(), args.profiles, args.requests, args.concurrency, args.key)
    )
    print(write_report("api_latency", report, api_latency_lines(report)).read_text())


if __name__ == "__main__":
    main()
