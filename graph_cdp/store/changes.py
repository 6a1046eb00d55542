"""Writing change records to the log, inside the transaction of the change they record.

Whether the log is written is the store's setting (``GRAPH_CDP_CHANGE_LOG``): ``Store.write``
puts it in ``change_log_on`` for the transaction it runs, so code deep inside a
transaction learns it without every caller passing it down.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from neo4j import AsyncManagedTransaction

from graph_cdp.store.driver import change_log_on, run

__all__ = ["append_changes", "change_log_on"]


async def append_changes(
    tx: AsyncManagedTransaction,
    rows: Sequence[dict[str, Any]],
    *,
    cause: str,
    job_id: str | None,
    now: datetime,
) -> None:
    """Append ``rows`` (type, profileIds, data) with the next sequence numbers, in order."""
    if rows:
        await run(tx, "append_changes", rows=list(rows), cause=cause, jobId=job_id, now=now)
