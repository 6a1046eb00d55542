"""/readyz answers within a probe's 1 s timeout whatever Neo4j does; /healthz never asks it.

The app talks to the real Neo4j through a TCP link the test cuts (a closed port) or
freezes (a server that accepts and never answers). The app gives up on Neo4j after
GRAPH_CDP_READY_TIMEOUT (0.5 s), inside Kubernetes' default probe timeout of 1 s; each
probe here is sent with a 2 s timeout (room for a loaded test machine, and still far
below the 30 s that an unbounded ping took), and one that gets no answer fails the test.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from urllib.parse import urlparse

import httpx
import pytest

from graph_cdp.config import Settings
from tests.api.conftest import LiveServer, api_settings, start_server
from tests.api.faulty_link import FaultyLink

PROBE_TIMEOUT = 2.0


@pytest.fixture
async def link(settings: Settings) -> AsyncIterator[FaultyLink]:
    faulty = FaultyLink(urlparse(settings.neo4j_uri).port or 7687)
    await faulty.start()
    yield faulty
    await faulty.close()


@pytest.fixture
async def app_via_link(settings: Settings, link: FaultyLink) -> AsyncIterator[LiveServer]:
    changed = api_settings(
        settings, neo4j_uri=f"bolt://127.0.0.1:{link.port}", neo4j_retry_seconds=0.5
    )
    live = await asyncio.to_thread(start_server, changed)
    yield live
    await asyncio.to_thread(live.stop)


async def _probe(client: httpx.AsyncClient, path: str) -> httpx.Response:
    return await client.get(path, timeout=PROBE_TIMEOUT)


async def _until_ready(client: httpx.AsyncClient, within: float = 30.0) -> httpx.Response:
    deadline = time.monotonic() + within
    while True:
        answer = await _probe(client, "/readyz")
        if answer.status_code == 200 or time.monotonic() > deadline:
            return answer
        await asyncio.sleep(0.2)


async def test_readyz_answers_in_time_when_the_port_closes(
    app_via_link: LiveServer, link: FaultyLink
) -> None:
    async with httpx.AsyncClient(base_url=app_via_link.url) as client:
        assert (await _probe(client, "/readyz")).status_code == 200
        await link.cut()
        await asyncio.sleep(1.2)  # past the cached answer
        for _ in range(3):
            answer = await _probe(client, "/readyz")
            assert answer.status_code == 503
            assert answer.json()["code"] == "STORE_UNAVAILABLE"
            health = await _probe(client, "/healthz")
            assert health.status_code == 200
            assert health.json() == {"status": "ok"}
        await link.restore()
        back = await _until_ready(client)
        assert back.status_code == 200
        assert back.json() == {"status": "ready"}


async def test_readyz_answers_in_time_when_the_database_hangs(
    app_via_link: LiveServer, link: FaultyLink
) -> None:
    async with httpx.AsyncClient(base_url=app_via_link.url) as client:
        assert (await _probe(client, "/readyz")).status_code == 200
        link.freeze()
        await asyncio.sleep(1.2)
        probes = await asyncio.gather(*(_probe(client, "/readyz") for _ in range(5)))
        assert {p.status_code for p in probes} == {503}
        assert (await _probe(client, "/healthz")).status_code == 200
        for _ in range(4):  # also once the first hung ping is abandoned
            assert (await _probe(client, "/readyz")).status_code == 503
            await asyncio.sleep(0.5)
        await link.restore()
        assert (await _until_ready(client)).status_code == 200


async def test_a_query_during_an_outage_is_retryable(
    app_via_link: LiveServer, link: FaultyLink
) -> None:
    await link.cut()
    async with httpx.AsyncClient(base_url=app_via_link.url, timeout=30) as client:
        response = await client.post(
            "/graphql",
            json={"query": "{ profiles(first: 1) { totalCount } }"},
            headers={"Authorization": "Bearer admin-secret-0123456789"},
        )
    (error,) = response.json()["errors"]
    assert error["extensions"] == {"code": "STORE_UNAVAILABLE", "retryable": True, "retryAfter": 5}
    assert response.headers["Retry-After"] == "5"
