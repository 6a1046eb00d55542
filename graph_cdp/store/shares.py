"""Bounded shares of the driver's connection pool, and the deadline of the work in hand.

The driver's pool is one resource for every caller. Without shares, one request that
fans out (50 aliases of a page of profiles, each loading its interactions) takes every
connection and everyone else waits for ``ConnectionAcquisitionTimeoutError``. So:

* writes and resolution jobs share ``write_connections`` connections, reads the rest;
* each caller (an API key) holds at most ``connections_per_key`` connections at once,
  reads and writes together; its transactions beyond that wait for its own earlier
  ones, not for the pool. Waiting is FIFO (asyncio semaphores).

The caller, and the deadline by which its work must end, travel in a context variable
(:func:`bounded`) so the layers between the API and the store need not pass them: the
store reads them when it opens a transaction, takes a place in the caller's share,
and gives Neo4j the remaining time as the transaction's timeout (Neo4j then ends the
work on its side too, instead of finishing a query nobody waits for).
"""

from __future__ import annotations

import asyncio
import contextvars
import enum
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from graph_cdp.config import Settings
from graph_cdp.errors import ConfigurationError, RequestTimeout


class Lane(enum.Enum):
    READ = "read"
    WRITE = "write"  # writes, and everything a resolution job does


@dataclass(frozen=True)
class Bounds:
    """Who the work is for and when it must end (``loop.time()``; None: no deadline)."""

    caller: str
    deadline: float | None = None
    lane: Lane | None = None  # forces every transaction of the work into one lane

    def remaining(self) -> float | None:
        """Seconds left; raises RequestTimeout when none are."""
        if self.deadline is None:
            return None
        left = self.deadline - asyncio.get_running_loop().time()
        if left <= 0:
            raise RequestTimeout("The request ran out of time")
        return left


ANYONE = Bounds(caller="")
_bounds: ContextVar[Bounds] = ContextVar("graph_cdp.bounds", default=ANYONE)


def current() -> Bounds:
    return _bounds.get()


@contextmanager
def bounded(bounds: Bounds) -> Iterator[None]:
    """Run the enclosed work (and the tasks it starts) for ``bounds``."""
    token = _bounds.set(bounds)
    try:
        yield
    finally:
        _bounds.reset(token)


def detached(bounds: Bounds) -> contextvars.Context:
    """A context for a task that outlives the request starting it (a background job)."""
    context = contextvars.copy_context()
    context.run(_bounds.set, bounds)
    return context


JOB = Bounds(caller="job", lane=Lane.WRITE)


class Shares:
    """The semaphores that bound each lane and each caller (one event loop's worth)."""

    def __init__(self, pool_size: int, write_connections: int, per_caller: int) -> None:
        if not 0 < write_connections < pool_size:
            raise ConfigurationError(
                "GRAPH_CDP_WRITE_CONNECTIONS must be at least 1 and below "
                f"GRAPH_CDP_NEO4J_POOL_SIZE ({pool_size}), got {write_connections}"
            )
        reads = pool_size - write_connections
        if not 0 < per_caller <= reads:
            raise ConfigurationError(
                "GRAPH_CDP_CONNECTIONS_PER_KEY must be at least 1 and at most the pool's "
                f"read share ({reads}), got {per_caller}"
            )
        self.pool_size = pool_size
        self.per_caller = per_caller
        self._reads = asyncio.Semaphore(reads)
        self._writes = asyncio.Semaphore(write_connections)
        self._callers: dict[str, asyncio.Semaphore] = {}

    @classmethod
    def from_settings(cls, settings: Settings) -> Shares:
        return cls(
            settings.neo4j_pool_size, settings.write_connections, settings.connections_per_key
        )

    def caller(self, name: str) -> asyncio.Semaphore:
        found = self._callers.get(name)
        if found is None:
            found = self._callers[name] = asyncio.Semaphore(self.per_caller)
        return found

    @asynccontextmanager
    async def hold(self, lane: Lane) -> AsyncIterator[Bounds]:
        """A place in the caller's share, then in ``lane`` (or the work's forced lane).

        Always in that order, so two holders never wait for each other crosswise."""
        bounds = current()
        pool = self._writes if (bounds.lane or lane) is Lane.WRITE else self._reads
        async with self.caller(bounds.caller), pool:
            yield bounds
