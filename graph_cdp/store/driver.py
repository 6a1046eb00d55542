"""One async Neo4j driver, the schema, and the mapping of driver errors to ours."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any, TypeVar

import neo4j
from neo4j import AsyncGraphDatabase, AsyncManagedTransaction
from neo4j.exceptions import AuthError, Neo4jError, ServiceUnavailable, SessionExpired

from graph_cdp.config import Settings
from graph_cdp.errors import RequestTimeout, StoreError, StoreUnavailable
from graph_cdp.store.cypher import load, statements
from graph_cdp.store.shares import Lane, Shares

T = TypeVar("T")
# Neo.ClientError.Transaction.TransactionTimedOut and ...TimedOutClientConfiguration
_TIMED_OUT = "Neo.ClientError.Transaction.TransactionTimedOut"
TxWork = Callable[[AsyncManagedTransaction], Awaitable[T]]


@asynccontextmanager
async def _mapped_errors() -> AsyncIterator[None]:
    try:
        yield
    except AuthError as exc:
        raise StoreUnavailable(f"Neo4j refused the credentials: {exc.message}") from exc
    except (ServiceUnavailable, SessionExpired, OSError) as exc:
        raise StoreUnavailable(f"Neo4j is unreachable: {exc}") from exc
    except Neo4jError as exc:
        if exc.code and exc.code.startswith(_TIMED_OUT):
            raise RequestTimeout("The database ended the work: it ran out of time") from exc
        raise StoreError(f"Neo4j error {exc.code}: {exc.message}") from exc


class Store:
    """The async driver and database every repository goes through.

    Managed transactions (``read``/``write``) are retried by the driver on transient
    errors (deadlocks, leader changes) with exponential back-off. Each takes a place in
    its lane's share of the pool first (:mod:`graph_cdp.store.shares`), and carries the
    current work's remaining time as its server-side timeout.
    """

    def __init__(
        self, driver: neo4j.AsyncDriver, database: str, shares: Shares | None = None
    ) -> None:
        self.driver = driver
        self.database = database
        self.shares = shares or Shares(pool_size=100, write_connections=20, per_caller=40)

    @classmethod
    def open(cls, settings: Settings) -> Store:
        driver = AsyncGraphDatabase.driver(
            settings.neo4j_uri,
            auth=(settings.neo4j_user, settings.neo4j_password),
            max_transaction_retry_time=30.0,
            max_connection_pool_size=settings.neo4j_pool_size,
            # Schema-less hints ("label does not exist yet") are noise on a fresh graph.
            notifications_min_severity="OFF",
        )
        return cls(driver, settings.neo4j_database, Shares.from_settings(settings))

    async def close(self) -> None:
        await self.driver.close()

    async def _run(self, lane: Lane, work: TxWork[T]) -> T:
        async with _mapped_errors(), self.shares.hold(lane) as bounds:
            timeout = bounds.remaining()
            if timeout is not None:
                work = neo4j.unit_of_work(timeout=timeout)(work)
            async with self.driver.session(database=self.database) as session:
                if lane is Lane.WRITE:
                    return await session.execute_write(work)
                return await session.execute_read(work)

    async def write(self, work: TxWork[T]) -> T:
        return await self._run(Lane.WRITE, work)

    async def read(self, work: TxWork[T]) -> T:
        return await self._run(Lane.READ, work)

    async def query(self, name: str, **params: Any) -> list[dict[str, Any]]:
        """Run one named read statement and return its records as dicts."""

        async def work(tx: AsyncManagedTransaction) -> list[dict[str, Any]]:
            result = await tx.run(load(name), params)
            return [record.data() async for record in result]

        return await self.read(work)

    async def execute(self, name: str, **params: Any) -> list[dict[str, Any]]:
        """Run one named write statement in its own transaction."""

        async def work(tx: AsyncManagedTransaction) -> list[dict[str, Any]]:
            result = await tx.run(load(name), params)
            return [record.data() async for record in result]

        return await self.write(work)

    async def ping(self) -> None:
        async with _mapped_errors():
            await self.driver.execute_query("RETURN 1", database_=self.database)

    async def delete_everything(self) -> None:
        """Empty the database, in batches (tests and benchmarks; never called by the service)."""
        while (await self.execute("delete_everything_batch"))[0]["deleted"]:
            pass

    async def apply_schema(self) -> int:
        """Create the constraints and indexes (idempotent); return how many statements ran."""
        async with _mapped_errors():
            for statement in statements("schema"):
                await self.driver.execute_query(statement, database_=self.database)
            await self.driver.execute_query("CALL db.awaitIndexes(120)", database_=self.database)
        return len(statements("schema"))


async def run(tx: AsyncManagedTransaction, name: str, **params: Any) -> list[dict[str, Any]]:
    """Run a named statement inside a caller's transaction."""
    result = await tx.run(load(name), params)
    return [record.data() async for record in result]
