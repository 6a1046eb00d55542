"""What an event carries besides identity evidence: invalid values and accounts.

Both are written in the event's own transaction, after its interaction and identifiers
exist. Neither touches LINKED or BELONGS_TO, so resolution never sees them.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from neo4j import AsyncManagedTransaction

from graph_cdp.events import Event
from graph_cdp.store.driver import run
from graph_cdp.store.values import wire

ACCOUNT_FIELD = "groupId"  # context.groupId names the event's account (Segment's group)
GROUP_TYPE = "group"
_MAX_ACCOUNT_ID = 256


def account_of(event: Event) -> str | None:
    """The account an event is for: ``context.groupId`` when it is a short text."""
    value = event.context.get(ACCOUNT_FIELD)
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if isinstance(value, str) and 0 < len(value.strip()) <= _MAX_ACCOUNT_ID:
        return value.strip()
    return None


async def write_kept(tx: AsyncManagedTransaction, fresh: Sequence[Event]) -> None:
    """Invalid identifiers (observed, never linked) and account memberships."""
    invalid: dict[str, dict[str, Any]] = {}
    observed: list[dict[str, Any]] = []
    for e in fresh:
        for v in e.invalid:
            row = invalid.setdefault(
                v.key, {**v.row(), "firstSeen": e.timestamp, "lastSeen": e.timestamp}
            )
            row["firstSeen"] = min(row["firstSeen"], e.timestamp)
            row["lastSeen"] = max(row["lastSeen"], e.timestamp)
        if e.invalid:
            observed.append({"id": e.message_id, "keys": [v.key for v in e.invalid]})
    if invalid:
        rows = [
            {
                **invalid[k],
                "firstSeen": wire(invalid[k]["firstSeen"]),
                "lastSeen": wire(invalid[k]["lastSeen"]),
            }
            for k in sorted(invalid)
        ]
        await run(tx, "merge_invalid_identifiers", rows=rows)
        await run(tx, "create_observed", rows=observed)
    accounts = [
        {
            "id": e.message_id,
            "account": account,
            "at": wire(e.timestamp),
            # A group call's properties are the account's traits (see docs/ingest.md).
            "traits": json.dumps(e.properties, sort_keys=True) if e.type == GROUP_TYPE else None,
        }
        for e in fresh
        if (account := account_of(e)) is not None
    ]
    if accounts:
        await run(tx, "merge_accounts", rows=accounts)
