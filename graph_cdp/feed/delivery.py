"""The webhook worker: deliver each endpoint's changes, in sequence order, at least once.

Per endpoint, one change at a time: POST it, signed (feed/signature.py); a 2xx moves the
endpoint's cursor past it, anything else (an error status, a timeout, a refused
connection) is retried after an exponential back-off with jitter, and the endpoint is
paused after ``webhook_max_failures`` failures in a row. The cursor and the failure
count are in Neo4j and written after each attempt, so a worker that dies resends at most
the change it was sending (at least once), and never one out of order.

Several workers (API processes, ``graph-cdp webhooks run``) can run at once: each takes
a lease on the endpoints it serves, renewed while it runs, so one endpoint has one sender.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import random
import signal
import time
import uuid
from datetime import UTC, datetime, timedelta

import httpx

from graph_cdp.config import Settings
from graph_cdp.feed.log import Change, ChangeLog, decode_cursor
from graph_cdp.feed.signature import HEADER, sign
from graph_cdp.feed.webhooks import Webhook, webhook_from_row
from graph_cdp.store import Store

logger = logging.getLogger("graph_cdp.feed.delivery")

BATCH = 50
USER_AGENT = "graph-cdp-webhooks/0.1"


def backoff_seconds(failures: int, base: float, cap: float, rng: random.Random) -> float:
    """Exponential back-off with "equal jitter": half fixed, half random, capped."""
    delay = min(cap, base * 2.0 ** max(0, failures - 1))
    return delay / 2 + rng.uniform(0, delay / 2)


class WebhookWorker:
    def __init__(
        self,
        store: Store,
        log: ChangeLog,
        settings: Settings,
        client: httpx.AsyncClient | None = None,
        rng: random.Random | None = None,
    ) -> None:
        self.store = store
        self.log = log
        self.settings = settings
        self.owner = f"worker-{uuid.uuid4().hex[:12]}"
        self.client = client
        self.rng = rng or random.Random()
        self.lease = timedelta(seconds=max(30.0, 3 * settings.webhook_timeout_seconds))

    async def run(self, stop: asyncio.Event) -> None:
        """Deliver until ``stop`` is set; store errors are logged and retried."""
        own_client = self.client is None
        client = self.client or httpx.AsyncClient(
            timeout=self.settings.webhook_timeout_seconds,
            headers={"User-Agent": USER_AGENT},
            follow_redirects=False,
        )
        try:
            while not stop.is_set():
                try:
                    await self.tick(client)
                except Exception:  # a worker must outlive a database hiccup
                    logger.exception("webhook delivery round failed")
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), self.settings.feed_poll_seconds)
        finally:
            try:
                await self.store.execute("release_webhooks", owner=self.owner)
            except Exception:  # the leases expire on their own
                logger.warning("could not release the webhook leases of %s", self.owner)
            if own_client:
                await client.aclose()

    async def tick(self, client: httpx.AsyncClient) -> int:
        """One round: lease the due endpoints, send each what it has not received."""
        now = datetime.now(UTC)
        rows = await self.store.execute(
            "claim_webhooks", owner=self.owner, now=now, until=now + self.lease
        )
        hooks = [webhook_from_row(r["webhook"]) for r in rows]
        if not hooks:
            return 0
        sent = await asyncio.gather(*(self._serve(client, h) for h in hooks))
        return sum(sent)

    async def _serve(self, client: httpx.AsyncClient, hook: Webhook) -> int:
        sent = 0
        failures = hook.failures
        page = await self.log.read(hook.seq, BATCH, hook.types)
        for change in page.items:
            ok = await self._attempt(client, hook, change, failures + 1)
            if not ok:
                return sent
            failures = 0
            sent += 1
        end = decode_cursor(page.end_cursor)
        if hook.types is not None and end > hook.seq:  # skip what it does not subscribe to
            await self.store.execute(
                "advance_webhook_cursor", webhookId=hook.id, owner=self.owner, seq=end
            )
        return sent

    async def _attempt(
        self, client: httpx.AsyncClient, hook: Webhook, change: Change, attempt: int
    ) -> bool:
        body = json.dumps(change.payload(), separators=(",", ":")).encode()
        delivery_id = f"dlv_{uuid.uuid4().hex[:20]}"
        headers = {
            "Content-Type": "application/json",
            HEADER: sign(hook.secret, body),
            "GraphCdp-Delivery": delivery_id,
            "GraphCdp-Change": f"chg_{change.seq}",
        }
        status: int | None = None
        error: str | None = None
        began = time.perf_counter()
        try:
            response = await client.post(hook.url, content=body, headers=headers)
            status = response.status_code
            if not 200 <= status < 300:
                error = f"HTTP {status}"
        except httpx.HTTPError as exc:
            error = f"{type(exc).__name__}: {exc}"[:500]
        duration_ms = (time.perf_counter() - began) * 1000
        ok = error is None
        now = datetime.now(UTC)
        wait = backoff_seconds(
            attempt,
            self.settings.webhook_backoff_seconds,
            self.settings.webhook_backoff_max_seconds,
            self.rng,
        )
        rows = await self.store.execute(
            "record_delivery",
            id=delivery_id,
            webhookId=hook.id,
            owner=self.owner,
            seq=change.seq,
            type=change.type,
            attempt=attempt,
            ok=ok,
            httpStatus=status,
            error=error,
            now=now,
            nextAttemptAt=now + timedelta(seconds=wait),
            maxFailures=self.settings.webhook_max_failures,
            durationMs=duration_ms,
        )
        if not ok:
            paused = bool(rows) and rows[0]["status"] == "paused"
            logger.warning(
                "webhook %s: change %s failed (attempt %s, %s)%s",
                hook.id,
                change.seq,
                attempt,
                error,
                "; paused" if paused else "",
            )
        # No row: the endpoint was deleted or its lease lost meanwhile; stop sending.
        return ok and bool(rows)


async def run_until_signalled(store: Store, settings: Settings) -> None:
    """``graph-cdp webhooks run``: deliver until SIGINT or SIGTERM, then give leases back."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    await run_worker(store, settings, stop)


async def run_worker(store: Store, settings: Settings, stop: asyncio.Event) -> None:
    """The worker over a store, until ``stop`` (the API lifespan, ``graph-cdp webhooks run``)."""
    log = ChangeLog(store, settings.feed_poll_seconds)
    await WebhookWorker(store, log, settings).run(stop)
