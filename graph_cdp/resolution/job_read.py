"""The full job's read: every identifier and link, as columns, into a ``Snapshot``.

Paged by key, one record of compact rows per page, kept as columns: decoding a million
records one by one, or building an object per row, costs several times more than a few
large lists. ``READ_CONCURRENCY`` key ranges are read at once, each a page ahead (the
next page is asked for before the one in hand is kept), so the server works while
Python keeps a page. The work each page needs is done as it comes: the block reasons of
identifiers, the positions of links' ends. Identifiers first, every range, then links,
every range: a link's ends can be in any range, and their positions are known once
every identifier is. What the read keeps is left out of later garbage collections
(``collection.keep_out_of_collections``).
"""

from __future__ import annotations

import asyncio
from typing import Any, Protocol

import numpy as np

from graph_cdp.collection import keep_out_of_collections
from graph_cdp.graph_types import IdentifierColumns, LinkColumns
from graph_cdp.identifiers import IdentifierPolicy
from graph_cdp.resolution.rules import Rules
from graph_cdp.resolution.snapshot import (
    BlockReason,
    Ints,
    Snapshot,
    build_snapshot,
    identifier_index,
)

READ_PAGE = 50_000
READ_CONCURRENCY = 2


class PageReader(Protocol):
    """What the read needs of the graph."""

    async def key_ranges(self, parts: int) -> list[tuple[str, str | None]]:
        """``(after, upto]`` key ranges of about a ``parts``-th of the identifiers each."""
        ...

    async def identifier_columns(
        self, after: str, limit: int, upto: str | None = None
    ) -> IdentifierColumns:
        """Identifiers in key order after ``after`` (up to ``upto``), as columns; empty
        at the end."""
        ...

    async def link_columns(
        self, after: str, limit: int, upto: str | None = None
    ) -> tuple[LinkColumns, str | None]:
        """The links leaving a page of identifiers after ``after`` (up to ``upto``), as
        columns, and the page's last key (None at the end)."""
        ...


def extend(into: Any, page: Any) -> None:
    """Append each column of ``page`` to the same column of ``into``."""
    for name, column in vars(page).items():
        getattr(into, name).extend(column)


async def _identifiers(
    store: PageReader, after: str, upto: str | None, block_reason: BlockReason
) -> tuple[IdentifierColumns, dict[str, str]]:
    """One key range's identifiers, and the block reasons of those blocked."""
    ids = IdentifierColumns([], [], [], [], [], [], [])
    blocked: dict[str, str] = {}
    pending = asyncio.ensure_future(store.identifier_columns(after, READ_PAGE, upto))
    try:
        while (page := await pending).keys:
            pending = asyncio.ensure_future(
                store.identifier_columns(page.keys[-1], READ_PAGE, upto)
            )
            extend(ids, page)
            for key, kind, value in zip(page.keys, page.kinds, page.values, strict=True):
                reason = block_reason(kind, value)
                if reason:
                    blocked[key] = reason
            keep_out_of_collections()
    finally:
        pending.cancel()  # done already, unless the read failed or was cancelled
    return ids, blocked


async def _links(
    store: PageReader, after: str, upto: str | None, index: dict[str, int]
) -> tuple[LinkColumns, list[Ints], list[Ints]]:
    """One key range's links, and their ends' positions in ``index`` (-1: not read)."""
    links = LinkColumns([], [], [], [], [], [], [], [], [], [])
    ends_a: list[Ints] = []
    ends_b: list[Ints] = []
    get = index.get
    pending = asyncio.ensure_future(store.link_columns(after, READ_PAGE, upto))
    try:
        while True:
            page, last = await pending
            if last is None:
                return links, ends_a, ends_b
            pending = asyncio.ensure_future(store.link_columns(last, READ_PAGE, upto))
            extend(links, page)
            ends_a.append(np.fromiter((get(k, -1) for k in page.a), np.int64, len(page.a)))
            ends_b.append(np.fromiter((get(k, -1) for k in page.b), np.int64, len(page.b)))
            keep_out_of_collections()
    finally:
        pending.cancel()


async def read_snapshot(store: PageReader, policy: IdentifierPolicy, rules: Rules) -> Snapshot:
    """Everything the job needs, statuses recomputed under the current rules."""
    ranges = await store.key_ranges(READ_CONCURRENCY)
    reason = policy.blocklist.reason
    # Task groups: a range that fails cancels the others (gather would leave them running).
    async with asyncio.TaskGroup() as group:
        tasks = [group.create_task(_identifiers(store, a, b, reason)) for a, b in ranges]
    ids = IdentifierColumns([], [], [], [], [], [], [])
    blocked: dict[str, str] = {}
    for part_ids, part_blocked in (t.result() for t in tasks):
        extend(ids, part_ids)
        blocked.update(part_blocked)
    ids, index = identifier_index(ids)
    async with asyncio.TaskGroup() as group:
        link_tasks = [group.create_task(_links(store, a, b, index)) for a, b in ranges]
    links = LinkColumns([], [], [], [], [], [], [], [], [], [])
    ends_a: list[Ints] = []
    ends_b: list[Ints] = []
    for part_links, part_a, part_b in (t.result() for t in link_tasks):
        extend(links, part_links)
        ends_a.extend(part_a)
        ends_b.extend(part_b)
    ends = (_joined(ends_a), _joined(ends_b))
    return build_snapshot(ids, index, links, blocked, rules, ends=ends)


def _joined(arrays: list[Ints]) -> Ints:
    return np.concatenate(arrays) if arrays else np.zeros(0, np.int64)
