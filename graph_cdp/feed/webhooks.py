"""Webhook endpoints: registering, listing, pausing and resuming them, and their log.

An endpoint's state lives in Neo4j (``(:Webhook)``, ``(:WebhookDelivery)``), so the
worker that delivers to it (feed/delivery.py) can stop and start again anywhere.
The secret is kept in the graph because each request is signed with it; it is shown
once, when the endpoint is registered.
"""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from graph_cdp.errors import InvalidWebhook, WebhookNotFound
from graph_cdp.feed.log import ChangeLog, check_types, decode_cursor, encode_cursor
from graph_cdp.store import Store
from graph_cdp.store.values import maybe_native, native

MIN_SECRET_LENGTH = 16
MAX_URL_LENGTH = 2048
ACTIVE = "active"
PAUSED = "paused"


@dataclass(frozen=True)
class Webhook:
    id: str
    url: str
    types: list[str] | None  # None: every type
    status: str
    cursor: str
    seq: int
    failures: int
    created_at: datetime
    next_attempt_at: datetime | None
    last_success_at: datetime | None
    last_error: str | None
    secret: str  # never shown after registration; the worker signs with it


@dataclass(frozen=True)
class Delivery:
    id: str
    webhook_id: str
    seq: int
    type: str
    attempt: int
    ok: bool
    http_status: int | None
    error: str | None
    at: datetime
    duration_ms: float


def webhook_from_row(w: dict[str, Any]) -> Webhook:
    return Webhook(
        id=str(w["id"]),
        url=str(w["url"]),
        types=list(w["types"]) if w.get("types") is not None else None,
        status=str(w["status"]),
        cursor=encode_cursor(int(w["cursor"])),
        seq=int(w["cursor"]),
        failures=int(w.get("failures") or 0),
        created_at=native(w.get("createdAt")),
        next_attempt_at=maybe_native(w.get("nextAttemptAt")),
        last_success_at=maybe_native(w.get("lastSuccessAt")),
        last_error=w.get("lastError"),
        secret=str(w["secret"]),
    )


def _delivery(d: dict[str, Any]) -> Delivery:
    return Delivery(
        id=str(d["id"]),
        webhook_id=str(d["webhookId"]),
        seq=int(d["seq"]),
        type=str(d["type"]),
        attempt=int(d["attempt"]),
        ok=bool(d["ok"]),
        http_status=d.get("httpStatus"),
        error=d.get("error"),
        at=native(d["at"]),
        duration_ms=float(d.get("durationMs") or 0.0),
    )


def check_url(url: str) -> str:
    """http or https with a host. Where it may point is the deployment's business:
    production should restrict targets (an egress proxy or allow-list), see
    docs/activation.md."""
    if len(url) > MAX_URL_LENGTH:
        raise InvalidWebhook(f"the URL is longer than {MAX_URL_LENGTH} characters", url=url[:64])
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https"):
        raise InvalidWebhook(f"the URL must be http or https (got {parts.scheme!r})", url=url)
    if not parts.hostname:
        raise InvalidWebhook("the URL has no host", url=url)
    if parts.username or parts.password:
        raise InvalidWebhook("the URL must not carry credentials; use the secret", url=url)
    return url.strip()


class Webhooks:
    def __init__(self, store: Store, log: ChangeLog) -> None:
        self.store = store
        self.log = log

    async def register(
        self,
        url: str,
        types: Sequence[str] | None = None,
        secret: str | None = None,
        after: str | None = None,
    ) -> Webhook:
        """A new endpoint; it receives the changes after ``after`` (default: from now)."""
        url = check_url(url)
        wanted = check_types(types)
        if secret is None:
            secret = secrets.token_urlsafe(32)
        elif len(secret) < MIN_SECRET_LENGTH:
            raise InvalidWebhook(f"the secret must be at least {MIN_SECRET_LENGTH} characters")
        cursor = decode_cursor(after) if after is not None else await self.log.head()
        rows = await self.store.execute(
            "create_webhook",
            id=f"wh_{uuid.uuid4().hex[:20]}",
            url=url,
            types=wanted,
            secret=secret,
            cursor=cursor,
            now=datetime.now(UTC),
        )
        return webhook_from_row(rows[0]["webhook"])

    async def delete(self, webhook_id: str) -> bool:
        rows = await self.store.execute("delete_webhook", id=webhook_id)
        return bool(rows and rows[0]["deleted"])

    async def all(self) -> list[Webhook]:
        rows = await self.store.query("list_webhooks", id=None)
        return [webhook_from_row(r["webhook"]) for r in rows]

    async def get(self, webhook_id: str) -> Webhook:
        rows = await self.store.query("list_webhooks", id=webhook_id)
        if not rows:
            raise WebhookNotFound(f"no webhook with id {webhook_id!r}", id=webhook_id)
        return webhook_from_row(rows[0]["webhook"])

    async def resume(self, webhook_id: str) -> Webhook:
        rows = await self.store.execute("resume_webhook", id=webhook_id, now=datetime.now(UTC))
        if not rows:
            raise WebhookNotFound(f"no webhook with id {webhook_id!r}", id=webhook_id)
        return webhook_from_row(rows[0]["webhook"])

    async def deliveries(self, webhook_id: str, first: int) -> list[Delivery]:
        await self.get(webhook_id)
        rows = await self.store.query("list_webhook_deliveries", webhookId=webhook_id, first=first)
        return [_delivery(r["delivery"]) for r in rows]
