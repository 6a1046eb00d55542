"""Reading the change log: pages after a cursor, and a stream that follows the head.

The cursor is the sequence number of the last change a consumer has seen. Sequence
order is commit order (cypher/append_changes.cypher serialises writers of changes on one
counter node), so a reader that has seen ``n`` has seen everything committed before it,
and a change that commits later always gets a larger number: resuming after ``n`` never
skips one. Each read goes only up to the head it read first, so nothing in flight is
half seen.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from graph_cdp import cursors
from graph_cdp.errors import InvalidInput
from graph_cdp.resolution.change_log import TYPES
from graph_cdp.store import Store
from graph_cdp.store.values import native


@dataclass(frozen=True)
class Change:
    seq: int
    type: str
    profile_ids: list[str]
    data: dict[str, Any]
    cause: str
    job_id: str | None
    at: datetime

    @property
    def cursor(self) -> str:
        return encode_cursor(self.seq)

    def payload(self) -> dict[str, Any]:
        """The change as consumers receive it (webhook bodies, docs/activation.md)."""
        return {
            "id": f"chg_{self.seq}",
            "seq": self.seq,
            "cursor": self.cursor,
            "type": self.type,
            "profileIds": self.profile_ids,
            "data": self.data,
            "cause": self.cause,
            "jobId": self.job_id,
            "at": self.at.isoformat(),
        }


@dataclass(frozen=True)
class ChangePage:
    items: list[Change]
    end_cursor: str
    has_next_page: bool


def encode_cursor(seq: int) -> str:
    return cursors.encode("chg", seq)


def decode_cursor(cursor: str | None) -> int:
    """The sequence number after which to read (0: from the beginning)."""
    if cursor is None or cursor == "":
        return 0
    tag, seq = cursors.decode(cursor, 2)
    if tag != "chg" or not isinstance(seq, int) or seq < 0:
        raise InvalidInput(f"malformed cursor {cursor!r}", argument="after")
    return seq


def check_types(types: Sequence[str] | None) -> list[str] | None:
    if types is None:
        return None
    unknown = sorted(set(types) - set(TYPES))
    if unknown:
        raise InvalidInput(
            f"unknown change type(s) {', '.join(unknown)}; known: {', '.join(TYPES)}",
            argument="types",
            unknown=unknown,
        )
    return sorted(set(types))


def _change(r: dict[str, Any]) -> Change:
    return Change(
        seq=int(r["seq"]),
        type=str(r["type"]),
        profile_ids=list(r["profileIds"]),
        data=json.loads(r["data"]) if r["data"] else {},
        cause=str(r["cause"]),
        job_id=r["jobId"],
        at=native(r["at"]),
    )


class ChangeLog:
    def __init__(self, store: Store, poll_seconds: float = 0.2) -> None:
        self.store = store
        self.poll_seconds = poll_seconds

    async def head(self) -> int:
        rows = await self.store.query("change_head")
        return int(rows[0]["head"]) if rows else 0

    async def read(self, after: int, first: int, types: Sequence[str] | None) -> ChangePage:
        """Up to ``first`` changes after ``after``; the end cursor passes filtered ones."""
        head = await self.head()
        rows = await self.store.query(
            "list_changes", after=after, head=head, first=first + 1, types=types
        )
        items = [_change(r) for r in rows[:first]]
        more = len(rows) > first
        # A full page ends at its last change; a short one has read all up to the head.
        end = items[-1].seq if more else max(head, after)
        return ChangePage(items=items, end_cursor=encode_cursor(end), has_next_page=more)

    async def page(
        self, after: str | None, first: int, types: Sequence[str] | None = None
    ) -> ChangePage:
        return await self.read(decode_cursor(after), first, check_types(types))

    def follow(
        self, after: str | None, types: Sequence[str] | None = None, batch: int = 100
    ) -> AsyncIterator[Change]:
        """Every change after the cursor, then each new one as it commits (polling).
        Bad arguments raise here, before the first change is awaited."""
        return self._follow(decode_cursor(after), check_types(types), batch)

    async def _follow(
        self, seq: int, wanted: list[str] | None, batch: int
    ) -> AsyncIterator[Change]:
        while True:
            page = await self.read(seq, batch, wanted)
            for change in page.items:
                yield change
            seq = decode_cursor(page.end_cursor)
            if not page.has_next_page:
                await asyncio.sleep(self.poll_seconds)
