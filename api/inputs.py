"""GraphQL input types, turned into the plain mappings graph_cdp validates."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import strawberry
from strawberry.scalars import JSON

from graph_cdp.errors import LimitExceeded


@strawberry.input
class IdentifierInput:
    kind: str = strawberry.field(description="email, phone, device_id, cookie, loyalty_id, ...")
    value: str = strawberry.field(description="the raw value; the server normalizes it")

    def to_mapping(self) -> dict[str, Any]:
        return {"kind": self.kind, "value": self.value}


@strawberry.input(description="One interaction; messageId makes a retry idempotent.")
class EventInput:
    message_id: str | None = None
    type: str
    channel: str | None = None
    timestamp: datetime | None = None
    identifiers: list[IdentifierInput]
    traits: JSON | None = None
    properties: JSON | None = None
    source: str | None = None
    context: JSON | None = strawberry.field(
        default=None, description="anything else the source knows (kept as sent)"
    )

    def to_mapping(self) -> dict[str, Any]:
        raw: dict[str, Any] = {
            "messageId": self.message_id,
            "type": self.type,
            "channel": self.channel,
            "timestamp": self.timestamp,
            "identifiers": [i.to_mapping() for i in self.identifiers],
            "traits": self.traits,
            "properties": self.properties,
            "source": self.source,
            "context": self.context,
        }
        return {k: v for k, v in raw.items() if v is not None}


def check_batch(size: int, maximum: int, what: str) -> None:
    if size > maximum:
        raise LimitExceeded(
            f"At most {maximum} {what} per request (got {size}); split the batch",
            limit=maximum,
            size=size,
        )
