"""Webhooks end to end: the live API delivers to a real HTTP receiver on loopback, which
checks every signature; through a receiver outage and an API restart nothing is lost."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import os
import signal
import sys
import threading
import time
from collections.abc import Awaitable, Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import pytest

from graph_cdp.config import Settings
from graph_cdp.services import CdpService
from graph_cdp.store import Store
from tests.api.conftest import ADMIN, READER, Api, LiveServer, api_settings, free_port, start_server
from tests.api.helpers import INGEST, event

pytestmark = pytest.mark.api

SECRET = "whsec-test-0123456789abcdef"
REGISTER = """
mutation Register($url: String!, $types: [String!], $secret: String) {
  registerWebhook(url: $url, types: $types, secret: $secret) {
    secret webhook { id url types status cursor }
  }
}
"""
HOOKS = "{ webhooks { id status consecutiveFailures lastError } }"
DELIVERIES = """
query Deliveries($id: ID!) {
  webhookDeliveries(webhookId: $id, first: 100) { seq type attempt ok httpStatus error }
}
"""
CHANGES = "{ changes(first: 1000) { edges { node { seq type profileIds } } } }"


def verify(secret: str, body: bytes, header: str, tolerance: int = 300) -> bool:
    """The receiver's check, as docs/activation.md gives it."""
    parts = dict(item.split("=", 1) for item in header.split(","))
    timestamp = int(parts["t"])
    signed = f"{timestamp}.".encode() + body
    expected = hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    fresh = abs(time.time() - timestamp) <= tolerance
    return fresh and hmac.compare_digest(expected, parts["v1"])


class Receiver:
    """An HTTP endpoint on loopback that records what it is sent; it can fail or go away."""

    def __init__(self) -> None:
        self.port = free_port()
        self.received: list[dict[str, Any]] = []
        self.bad_signatures = 0
        self.status = 200
        self._server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hooks/cdp"

    def start(self) -> None:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                if not verify(SECRET, body, self.headers["GraphCdp-Signature"]):
                    receiver.bad_signatures += 1
                    self.send_response(400)
                elif receiver.status == 200:
                    receiver.received.append(json.loads(body))
                    self.send_response(200)
                else:
                    self.send_response(receiver.status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def seqs(self) -> list[int]:
        return [int(c["seq"]) for c in self.received]


async def until(check: Callable[[], Awaitable[bool]], within: float = 90.0) -> None:
    """Wait for a condition (a bound so a broken build fails instead of hanging)."""
    deadline = time.monotonic() + within
    while not await check():
        assert time.monotonic() < deadline, "the condition did not come true"
        await asyncio.sleep(0.05)


def fast(settings: Settings, **changes: Any) -> Settings:
    quick: dict[str, Any] = {
        "webhooks_enabled": True,
        "feed_poll_seconds": 0.05,
        "webhook_backoff_seconds": 0.05,
        "webhook_backoff_max_seconds": 0.4,
        "webhook_max_failures": 100_000,
        "webhook_timeout_seconds": 5.0,
    }
    return api_settings(settings, **{**quick, **changes})


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    r = Receiver()
    r.start()
    yield r
    r.stop()


async def ingest(api: Api, *events: dict[str, Any]) -> None:
    assert (await api.data(INGEST, {"events": list(events)}))["ingestEvents"]["accepted"]


async def test_every_change_arrives_in_order_through_an_outage_and_a_restart(
    settings: Settings, store: Store, receiver: Receiver
) -> None:
    first = start_server(fast(settings))
    try:
        async with httpx.AsyncClient(base_url=first.url, timeout=60) as http:
            api = Api(http, ADMIN)
            hook = await api.data(REGISTER, {"url": receiver.url, "secret": SECRET})
            hook_id = hook["registerWebhook"]["webhook"]["id"]
            await ingest(api, event("m-1", ("email", "ann@northwind.io")))
            await ingest(api, event("m-2", ("phone", "+12123551188")))
            await ingest(
                api, event("m-3", ("email", "ann@northwind.io"), ("phone", "+12123551188"))
            )

            async def three() -> bool:
                return len(receiver.received) >= 3

            await until(three)
            merged = receiver.received[2]
            assert merged["type"] == "profile.merged"
            created = [c["profileIds"][0] for c in receiver.received[:2]]
            assert merged["profileIds"] == created
            assert merged["data"] == {"survivor": created[0], "merged": [created[1]]}

            receiver.stop()  # the receiver goes away; changes keep coming
            await ingest(api, event("m-4", ("email", "cy@northwind.io")))
            await ingest(api, event("m-5", ("email", "cy@northwind.io"), ("device_id", "DEV-0009")))
            await api.data(
                "mutation($id: ID!) { deleteProfile(id: $id) { deleted } }", {"id": created[0]}
            )

            async def failing() -> bool:
                log = (await api.data(DELIVERIES, {"id": hook_id}))["webhookDeliveries"]
                return any(not d["ok"] for d in log)

            await until(failing)
            log = (await api.data(DELIVERIES, {"id": hook_id}))["webhookDeliveries"]
            assert any("Connect" in (d["error"] or "") for d in log if not d["ok"])
    finally:
        first.stop()  # the API restarts while the receiver is still down

    second = start_server(fast(settings))
    try:
        receiver.start()
        async with httpx.AsyncClient(base_url=second.url, timeout=60) as http:
            api = Api(http, ADMIN)
            log = [e["node"] for e in (await api.data(CHANGES))["changes"]["edges"]]
            expected = [c["seq"] for c in log]
            assert [c["type"] for c in log][-3:] == [
                "profile.created",
                "profile.updated",
                "profile.deleted",
            ]

            async def everything() -> bool:
                return set(expected) <= set(receiver.seqs())

            await until(everything)
            hooks = (await api.data(HOOKS))["webhooks"]
    finally:
        second.stop()

    assert receiver.bad_signatures == 0
    first_seen = list(dict.fromkeys(receiver.seqs()))
    assert first_seen == expected  # in order, each at least once
    by_seq = {c["seq"]: c for c in log}
    for change in receiver.received:
        assert change["type"] == by_seq[change["seq"]]["type"]
        assert change["profileIds"] == by_seq[change["seq"]]["profileIds"]
    deleted = receiver.received[-1]
    assert deleted["type"] == "profile.deleted"
    assert "ann@northwind.io" not in json.dumps(receiver.received)
    assert {"kind": "email", "sha256": hashlib.sha256(b"ann@northwind.io").hexdigest()} in (
        deleted["data"]["identifiers"]
    )
    assert hooks == [
        {"id": hook_id, "status": "active", "consecutiveFailures": 0, "lastError": None}
    ]


async def test_repeated_failure_pauses_a_webhook_until_it_is_resumed(
    settings: Settings, store: Store, receiver: Receiver
) -> None:
    live = start_server(fast(settings, webhook_max_failures=2))
    try:
        async with httpx.AsyncClient(base_url=live.url, timeout=60) as http:
            api = Api(http, ADMIN)
            receiver.status = 500
            types = ["profile.created"]
            hook = await api.data(REGISTER, {"url": receiver.url, "types": types, "secret": SECRET})
            hook_id = hook["registerWebhook"]["webhook"]["id"]
            await ingest(api, event("m-1", ("email", "ann@northwind.io")))

            async def paused() -> bool:
                status: str = (await api.data(HOOKS))["webhooks"][0]["status"]
                return status == "paused"

            await until(paused)
            hooks = (await api.data(HOOKS))["webhooks"]
            assert hooks[0]["consecutiveFailures"] == 2
            assert hooks[0]["lastError"] == "HTTP 500"
            log = (await api.data(DELIVERIES, {"id": hook_id}))["webhookDeliveries"]
            assert [(d["attempt"], d["ok"], d["httpStatus"]) for d in log] == [
                (2, False, 500),
                (1, False, 500),
            ]

            receiver.status = 200
            resumed = await api.data(
                "mutation($id: ID!) { resumeWebhook(id: $id) { status } }", {"id": hook_id}
            )
            assert resumed["resumeWebhook"]["status"] == "active"

            async def recorded() -> bool:  # the receiver answers before the log is written
                log = (await api.data(DELIVERIES, {"id": hook_id}))["webhookDeliveries"]
                return bool(log[0]["ok"])

            await until(recorded)
            assert [c["type"] for c in receiver.received] == ["profile.created"]
            log = (await api.data(DELIVERIES, {"id": hook_id}))["webhookDeliveries"]
            assert (log[0]["attempt"], log[0]["ok"], log[0]["httpStatus"]) == (1, True, 200)
            gone = await api.data("mutation($id: ID!) { deleteWebhook(id: $id) }", {"id": hook_id})
            assert gone["deleteWebhook"] is True
            assert (await api.data(HOOKS))["webhooks"] == []
    finally:
        live.stop()


@pytest.mark.parametrize(
    ("variables", "code"),
    [
        ({"url": "ftp://127.0.0.1/x"}, "INVALID_WEBHOOK"),
        ({"url": "http:///nohost"}, "INVALID_WEBHOOK"),
        ({"url": "http://127.0.0.1/x", "secret": "short"}, "INVALID_WEBHOOK"),
        ({"url": "http://127.0.0.1/x", "types": ["profile.nope"]}, "BAD_INPUT"),
    ],
)
async def test_a_bad_registration_gets_a_code(
    api: Api, variables: dict[str, Any], code: str
) -> None:
    assert await api.error_code(REGISTER, variables) == code


async def test_webhooks_need_the_write_scope_and_an_existing_id(
    api: Api, server: LiveServer
) -> None:
    async with httpx.AsyncClient(base_url=server.url) as http:
        reader = Api(http, READER)
        assert await reader.error_code(REGISTER, {"url": "http://127.0.0.1/x"}) == "FORBIDDEN"
    missing = {"id": "wh_missing"}
    assert await api.error_code(DELIVERIES, missing) == "WEBHOOK_NOT_FOUND"
    resume = "mutation($id: ID!) { resumeWebhook(id: $id) { id } }"
    assert await api.error_code(resume, missing) == "WEBHOOK_NOT_FOUND"
    registered = await api.data(REGISTER, {"url": "https://hooks.example.com/cdp"})
    assert len(registered["registerWebhook"]["secret"]) >= 32  # generated when omitted


async def test_a_separate_worker_process_delivers_and_stops_on_sigterm(
    settings: Settings, store: Store, receiver: Receiver
) -> None:
    service = CdpService(store, settings)
    await service.webhooks.register(receiver.url, secret=SECRET)
    env = {
        **os.environ,
        "NEO4J_URI": settings.neo4j_uri,
        "GRAPH_CDP_FEED_POLL_SECONDS": "0.05",
        "GRAPH_CDP_WEBHOOK_BACKOFF_SECONDS": "0.05",
    }
    worker = await asyncio.create_subprocess_exec(
        sys.executable,
        *["-m", "graph_cdp.cli", "webhooks", "run"],
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    try:
        await service.ingest_events([event("m-1", ("email", "ann@northwind.io"))])

        async def delivered() -> bool:
            return len(receiver.received) >= 1

        await until(delivered)
        assert receiver.received[0]["type"] == "profile.created"
    finally:
        worker.send_signal(signal.SIGTERM)
        out, _ = await asyncio.wait_for(worker.communicate(), 60)
    assert worker.returncode == 0, out.decode()
    assert b"webhook worker stopped" in out


async def test_a_filtered_webhook_moves_past_what_it_does_not_want(
    settings: Settings, store: Store, receiver: Receiver
) -> None:
    live = start_server(fast(settings))
    try:
        async with httpx.AsyncClient(base_url=live.url, timeout=60) as http:
            api = Api(http, ADMIN)
            variables = {"url": receiver.url, "types": ["profile.merged"], "secret": SECRET}
            await api.data(REGISTER, variables)
            await ingest(api, event("m-1", ("email", "ann@northwind.io")))
            await ingest(api, event("m-2", ("phone", "+12123551188")))
            head = "{ changes(first: 1000) { pageInfo { endCursor } } }"
            end = (await api.data(head))["changes"]["pageInfo"]["endCursor"]

            async def skipped() -> bool:
                hooks = (await api.data("{ webhooks { cursor } }"))["webhooks"]
                return bool(hooks[0]["cursor"] == end)

            await until(skipped)
            assert receiver.received == []
            await ingest(
                api, event("m-3", ("email", "ann@northwind.io"), ("phone", "+12123551188"))
            )

            async def merged() -> bool:
                return len(receiver.received) == 1

            await until(merged)
            assert receiver.received[0]["type"] == "profile.merged"
            assert receiver.received[0]["seq"] == 3
    finally:
        live.stop()
