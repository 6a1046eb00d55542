"""A transient database error reaches the client as STORE_BUSY, retryable, with Retry-After.

The transient error is real: the test holds a write lock on an identifier in a
transaction of its own, and the test server gives up waiting for a lock after 2 s
(``db.lock.acquisition.timeout``, tests/server.py); the app's driver retries for 0.5 s
only. Nothing of the refused request is written, so sending it again is safe.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from neo4j import AsyncGraphDatabase

from graph_cdp.config import Settings
from graph_cdp.store import Store
from tests.api.conftest import ADMIN, LiveServer, api_settings, start_server

INGEST = """
mutation($events: [EventInput!]!) { ingestEvents(events: $events) { accepted duplicates } }
"""


def _event(message_id: str) -> dict[str, Any]:
    return {
        "messageId": message_id,
        "type": "login",
        "timestamp": "2026-01-01T00:00:00Z",
        "identifiers": [{"kind": "email", "value": "held@x.io"}],
    }


@pytest.fixture
async def impatient(settings: Settings, store: Store) -> AsyncIterator[LiveServer]:
    live = await asyncio.to_thread(start_server, api_settings(settings, neo4j_retry_seconds=0.5))
    yield live
    await asyncio.to_thread(live.stop)


async def _ingest(client: httpx.AsyncClient, message_id: str) -> httpx.Response:
    return await client.post(
        "/graphql",
        json={"query": INGEST, "variables": {"events": [_event(message_id)]}},
        headers={"Authorization": f"Bearer {ADMIN}"},
    )


async def test_a_held_lock_is_store_busy_and_the_retry_succeeds(
    impatient: LiveServer, settings: Settings, store: Store
) -> None:
    async with httpx.AsyncClient(base_url=impatient.url, timeout=60) as client:
        first = (await _ingest(client, "m-1")).json()
        assert first["data"]["ingestEvents"]["accepted"] == 1

        async with (
            AsyncGraphDatabase.driver(
                settings.neo4j_uri, auth=(settings.neo4j_user, settings.neo4j_password)
            ) as other,
            other.session(database=settings.neo4j_database) as session,
        ):
            holder = await session.begin_transaction()
            await holder.run("MATCH (i:Identifier {key: 'email:held@x.io'}) SET i.heldBy = 'test'")
            try:
                busy = await _ingest(client, "m-2")
            finally:
                await holder.rollback()

        assert busy.status_code == 200
        body = busy.json()
        assert body["data"] is None
        (error,) = body["errors"]
        assert error["extensions"] == {"code": "STORE_BUSY", "retryable": True, "retryAfter": 1}
        assert busy.headers["Retry-After"] == "1"

        again = (await _ingest(client, "m-2")).json()  # the same request, once the lock is gone
        assert again["data"]["ingestEvents"] == {"accepted": 1, "duplicates": 0}


async def test_an_error_that_is_not_transient_is_not_retryable(api: Any) -> None:
    status, body = await api.post("{ profiles(first: 0) { totalCount } }")
    assert status == 200
    assert body["errors"][0]["extensions"]["retryable"] is False
