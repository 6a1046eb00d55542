"""Identifier statuses and the links they refuse, inside a caller's transaction.

The store only runs the statements: the hub thresholds and the refusal precedence come
from the caller (the rules live in ``resolution/rules.py``).
"""

from __future__ import annotations

from collections.abc import Sequence

from neo4j import AsyncManagedTransaction

from graph_cdp.graph_types import StatusChange, StatusInput
from graph_cdp.store.driver import collected, run
from graph_cdp.store.records import status_change, status_input


async def read_status_inputs(tx: AsyncManagedTransaction, keys: Sequence[str]) -> list[StatusInput]:
    """Kind and stored block reason of each identifier that still exists."""
    return [status_input(r) for r in await collected(tx, "identifier_statuses", keys=list(keys))]


async def update_statuses(
    tx: AsyncManagedTransaction, rows: Sequence[tuple[StatusInput, int]]
) -> list[StatusChange]:
    """Recount degrees and set statuses; ``rows`` pair each input with its hub threshold."""
    params = [{"key": s.key, "blocked": s.blocked, "threshold": t} for s, t in rows]
    changed = await collected(tx, "update_identifier_status", rows=params)
    return [status_change(r) for r in changed]


async def refuse_links_of_inactive(
    tx: AsyncManagedTransaction, keys: Sequence[str], precedence: Sequence[str]
) -> None:
    """Mark every link touching these identifiers refused, named by ``precedence``."""
    if keys:
        await run(tx, "refuse_links_of_inactive", keys=list(keys), precedence=list(precedence))
