"""Activation over GraphQL: the change log (pull and subscription) and webhooks.

The root types here are mixed into api/schema.py's Query and Mutation; ``Subscription``
is the schema's subscription root. See docs/activation.md for the contract.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, AsyncIterator, Callable
from datetime import datetime
from typing import Any, cast

import strawberry
from strawberry.scalars import JSON

from api.auth import Scope
from api.context import Info
from api.pagination import check_count
from api.types import F, PageInfo, field, mutation
from graph_cdp.feed.log import Change
from graph_cdp.feed.webhooks import Delivery, Webhook

DEFAULT_CHANGES = 100
MAX_CHANGES = 1000
MAX_DELIVERIES = 1000


@strawberry.type(name="ProfileChange", description="One entry of the change log.")
class ProfileChange:
    seq: int = strawberry.field(description="Position in the log: commit order, no gaps")
    cursor: str = strawberry.field(description="Resume after this change with after: cursor")
    type: str = strawberry.field(description="profile.created|updated|merged|split|deleted")
    profile_ids: list[strawberry.ID]
    data: Any = strawberry.field(graphql_type=JSON, description="The type's payload")
    cause: str = strawberry.field(description="ingest | push | revoke | forget | job")
    job_id: strawberry.ID | None
    at: datetime

    @classmethod
    def from_domain(cls, c: Change) -> ProfileChange:
        return cls(
            seq=c.seq,
            cursor=c.cursor,
            type=c.type,
            profile_ids=[strawberry.ID(p) for p in c.profile_ids],
            data=c.data,
            cause=c.cause,
            job_id=strawberry.ID(c.job_id) if c.job_id else None,
            at=c.at,
        )


@strawberry.type
class ChangeEdge:
    cursor: str
    node: ProfileChange


@strawberry.type
class ChangeConnection:
    edges: list[ChangeEdge]
    page_info: PageInfo = strawberry.field(
        description="endCursor is where to resume, even when no change matched the types"
    )


@strawberry.type(name="Webhook", description="An endpoint that receives the change log.")
class WebhookType:
    id: strawberry.ID
    url: str
    types: list[str] | None = strawberry.field(description="null: every change type")
    status: str = strawberry.field(description="active | paused")
    cursor: str = strawberry.field(description="The last change it acknowledged")
    consecutive_failures: int
    created_at: datetime
    next_attempt_at: datetime | None
    last_success_at: datetime | None
    last_error: str | None

    @classmethod
    def from_domain(cls, w: Webhook) -> WebhookType:
        return cls(
            id=strawberry.ID(w.id),
            url=w.url,
            types=w.types,
            status=w.status,
            cursor=w.cursor,
            consecutive_failures=w.failures,
            created_at=w.created_at,
            next_attempt_at=w.next_attempt_at,
            last_success_at=w.last_success_at,
            last_error=w.last_error,
        )


@strawberry.type
class RegisteredWebhook:
    webhook: WebhookType
    secret: str = strawberry.field(description="Signs every request; shown only here")


@strawberry.type
class WebhookDelivery:
    id: strawberry.ID
    webhook_id: strawberry.ID
    seq: int
    type: str
    attempt: int
    ok: bool
    http_status: int | None
    error: str | None
    at: datetime
    duration_ms: float

    @classmethod
    def from_domain(cls, d: Delivery) -> WebhookDelivery:
        return cls(
            id=strawberry.ID(d.id),
            webhook_id=strawberry.ID(d.webhook_id),
            seq=d.seq,
            type=d.type,
            attempt=d.attempt,
            ok=d.ok,
            http_status=d.http_status,
            error=d.error,
            at=d.at,
            duration_ms=d.duration_ms,
        )


@strawberry.type
class FeedQuery:
    @field("Profile changes after a cursor, in commit order; resume from pageInfo.endCursor.")
    async def changes(
        self,
        info: Info,
        after: str | None = None,
        first: int | None = DEFAULT_CHANGES,
        types: list[str] | None = None,
    ) -> ChangeConnection:
        first = DEFAULT_CHANGES if first is None else first
        check_count(first, MAX_CHANGES)
        page = await info.context.service.change_page(after, first, types)
        return ChangeConnection(
            edges=[
                ChangeEdge(cursor=c.cursor, node=ProfileChange.from_domain(c)) for c in page.items
            ],
            page_info=PageInfo(has_next_page=page.has_next_page, end_cursor=page.end_cursor),
        )

    @field("Every registered webhook endpoint.")
    async def webhooks(self, info: Info) -> list[WebhookType]:
        return [WebhookType.from_domain(w) for w in await info.context.service.webhooks.all()]

    @field("A webhook's delivery attempts, newest first.")
    async def webhook_deliveries(
        self, info: Info, webhook_id: strawberry.ID, first: int | None = 100
    ) -> list[WebhookDelivery]:
        first = 100 if first is None else first
        check_count(first, MAX_DELIVERIES)
        found = await info.context.service.webhooks.deliveries(str(webhook_id), first)
        return [WebhookDelivery.from_domain(d) for d in found]


@strawberry.type
class FeedMutation:
    @mutation("Deliver changes to a URL, signed with the secret (generated when omitted).")
    async def register_webhook(
        self,
        info: Info,
        url: str,
        types: list[str] | None = None,
        secret: str | None = None,
        after: str | None = None,
    ) -> RegisteredWebhook:
        hook = await info.context.service.webhooks.register(url, types, secret, after)
        return RegisteredWebhook(webhook=WebhookType.from_domain(hook), secret=hook.secret)

    @mutation("Stop delivering to a webhook and forget its delivery log.")
    async def delete_webhook(self, info: Info, id: strawberry.ID) -> bool:
        return await info.context.service.webhooks.delete(str(id))

    @mutation("Deliver again to a paused webhook, from where it stopped.")
    async def resume_webhook(self, info: Info, id: strawberry.ID) -> WebhookType:
        return WebhookType.from_domain(await info.context.service.webhooks.resume(str(id)))


def _subscription(description: str) -> Callable[[F], F]:
    return cast("Callable[[F], F]", strawberry.subscription(description=description))


@strawberry.type
class Subscription:
    @_subscription("Every change after the cursor, then each new one as it commits.")
    async def profile_changes(
        self, info: Info, after: str | None = None, types: list[str] | None = None
    ) -> AsyncGenerator[ProfileChange, None]:
        # Strawberry's streams skip the result Guard sets in on_execute: check here too.
        # Errors raised before the stream starts keep their code (those inside it do not).
        info.context.principal.require(Scope.READ)
        return _stream(info.context.service.changes.follow(after, types))


async def _stream(changes: AsyncIterator[Change]) -> AsyncGenerator[ProfileChange, None]:
    async for change in changes:
        yield ProfileChange.from_domain(change)
