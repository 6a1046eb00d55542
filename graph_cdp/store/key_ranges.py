"""Cutting the identifiers into key ranges that readers page through in parallel (the
local full job's concurrent read, and Spark's read tasks)."""

from __future__ import annotations

from graph_cdp.store.driver import Store


async def key_ranges(store: Store, parts: int, total: int) -> list[tuple[str, str | None]]:
    """``(after, upto]`` ranges of about ``total / parts`` identifiers each, in key order."""
    step = max(1, -(-total // max(1, parts)))
    bounds: list[str] = []
    after = ""
    while len(bounds) < parts - 1:
        rows = await store.query("identifier_key_boundaries", after=after, step=step - 1)
        if not rows:
            break
        after = str(rows[0]["key"])
        bounds.append(after)
    starts = ["", *bounds]
    ends: list[str | None] = [*bounds, None]
    return list(zip(starts, ends, strict=True))
