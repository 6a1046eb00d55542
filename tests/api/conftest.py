"""The real app under uvicorn on a free port, against the real Neo4j, wiped per test."""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pytest
import uvicorn
from starlette.applications import Starlette

from api.app import create_app
from graph_cdp.config import Settings
from graph_cdp.store import Store

ADMIN = "admin-secret-0123456789"
READER = "reader-secret-0123456789"
WRITER = "writer-secret-0123456789"
KEYS = f"admin:{ADMIN}:read+write;reader:{READER}:read;writer:{WRITER}:write"
MAX_BATCH = 10
MAX_DEPTH = 5


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class LiveServer:
    """uvicorn.Server running the app in a thread with its own event loop."""

    def __init__(self, app: Starlette, settings: Settings) -> None:
        self.app = app
        self.settings = settings
        config = uvicorn.Config(
            app,
            host=settings.host,
            port=settings.port,
            log_config=None,
            access_log=False,
            ws="websockets-sansio",
            lifespan="on",
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    @property
    def url(self) -> str:
        return f"http://{self.settings.host}:{self.settings.port}"

    def start(self, timeout: float = 60.0) -> None:
        self.thread.start()
        deadline = time.monotonic() + timeout
        while not self.server.started:
            if not self.thread.is_alive():
                raise RuntimeError("the API server exited during start-up (see the log)")
            if time.monotonic() > deadline:
                raise RuntimeError("the API server did not start in time")
            time.sleep(0.02)

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=30)


def api_settings(settings: Settings, **changes: Any) -> Settings:
    base: dict[str, Any] = {
        "host": "127.0.0.1",
        "port": free_port(),
        "api_keys": KEYS,
        "max_batch_size": MAX_BATCH,
        "max_query_depth": MAX_DEPTH,
        # Tests that deliver webhooks start a server of their own with fast retries.
        "webhooks_enabled": False,
    }
    return settings.model_copy(update={**base, **changes})


def start_server(settings: Settings) -> LiveServer:
    live = LiveServer(create_app(settings), settings)
    live.start()
    return live


@pytest.fixture(scope="session")
def server(settings: Settings) -> Iterator[LiveServer]:
    """The app with API keys (admin read+write, reader read, writer write)."""
    live = start_server(api_settings(settings))
    yield live
    live.stop()


@pytest.fixture(scope="session")
def open_server(settings: Settings) -> Iterator[LiveServer]:
    """The app without keys: open, which is allowed on loopback only."""
    live = start_server(api_settings(settings, api_keys=""))
    yield live
    live.stop()


class Api:
    """GraphQL over HTTP with httpx: returns the status and the decoded body."""

    def __init__(self, client: httpx.AsyncClient, key: str | None) -> None:
        self.client = client
        self.key = key

    def headers(self, key: str | None) -> dict[str, str]:
        return {"Authorization": f"Bearer {key}"} if key else {}

    async def post(
        self,
        query: str,
        variables: dict[str, Any] | None = None,
        *,
        key: str | None = "default",
    ) -> tuple[int, dict[str, Any]]:
        used = self.key if key == "default" else key
        body: dict[str, Any] = {"query": query, "variables": variables or {}}
        response = await self.client.post("/graphql", json=body, headers=self.headers(used))
        return response.status_code, response.json()

    async def data(self, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        """The data of a query that must succeed."""
        status, body = await self.post(query, variables)
        assert "errors" not in body, body["errors"]
        assert status == 200
        data: dict[str, Any] = body["data"]
        return data

    async def error_code(self, query: str, variables: dict[str, Any] | None = None) -> str:
        """The code of the first error of a query that must fail."""
        _, body = await self.post(query, variables)
        assert body.get("errors"), body
        code: str = body["errors"][0]["extensions"]["code"]
        return code

    async def wait_for_job(self, job_id: str, within: float = 60.0) -> dict[str, Any]:
        query = "query($id: ID!) { resolutionJob(id: $id) { id status mode stats error } }"
        deadline = time.monotonic() + within
        while True:
            job: dict[str, Any] = (await self.data(query, {"id": job_id}))["resolutionJob"]
            if job["status"] in ("succeeded", "failed") or time.monotonic() > deadline:
                return job
            await asyncio.sleep(0.1)


@pytest.fixture
async def http(server: LiveServer) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=server.url, timeout=60) as client:
        yield client


@pytest.fixture
async def api(http: httpx.AsyncClient, store: Store) -> Api:
    """The keyed server as the admin (read+write), on a wiped database."""
    return Api(http, ADMIN)
