"""One async Neo4j driver, the schema, and the mapping of driver errors to ours."""

from __future__ import annotations

import asyncio
import random
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from contextvars import ContextVar
from typing import Any, TypeVar

import neo4j
from neo4j import AsyncGraphDatabase, AsyncManagedTransaction
from neo4j.exceptions import (
    AuthError,
    DriverError,
    IncompleteCommit,
    Neo4jError,
    ServiceUnavailable,
    SessionExpired,
    TransientError,
)

from graph_cdp.config import Settings
from graph_cdp.errors import (
    RequestTimeout,
    StoreAuthFailed,
    StoreBusy,
    StoreError,
    StoreUnavailable,
)
from graph_cdp.store.cypher import load, statements
from graph_cdp.store.shares import Lane, Shares

T = TypeVar("T")
# Neo.ClientError.Transaction.TransactionTimedOut and ...TimedOutClientConfiguration
_TIMED_OUT = "Neo.ClientError.Transaction.TransactionTimedOut"
# Whether this transaction writes the change log (store/changes.py); set by Store.write.
change_log_on: ContextVar[bool] = ContextVar("graph_cdp_change_log_on", default=True)
# The managed transactions' first back-off (the driver's default), doubled each retry.
_FIRST_RETRY_DELAY = 1.0
TxWork = Callable[[AsyncManagedTransaction], Awaitable[T]]


@asynccontextmanager
async def _mapped_errors() -> AsyncIterator[None]:
    try:
        yield
    except AuthError as exc:
        raise StoreAuthFailed(f"Neo4j refused the credentials: {exc.message}") from exc
    except IncompleteCommit as exc:  # the commit may or may not have happened: no retry hint
        raise StoreError(f"Neo4j went away during a commit; its outcome is unknown: {exc}") from exc
    except (ServiceUnavailable, SessionExpired, OSError) as exc:
        raise StoreUnavailable(f"Neo4j is unreachable: {exc}") from exc
    except TransientError as exc:  # the driver's retries are spent; the work was rolled back
        raise StoreBusy(f"Neo4j is busy ({exc.code}): {exc.message}") from exc
    except Neo4jError as exc:
        if exc.code and exc.code.startswith(_TIMED_OUT):
            raise RequestTimeout("The database ended the work: it ran out of time") from exc
        if exc.is_retryable():
            raise StoreBusy(f"Neo4j is busy ({exc.code}): {exc.message}") from exc
        raise StoreError(f"Neo4j error {exc.code}: {exc.message}") from exc


class Store:
    """The async driver and database every repository goes through.

    Managed transactions (``read``/``write``) are retried by the driver on transient
    errors (deadlocks, leader changes) with exponential back-off. Each takes a place in
    its lane's share of the pool first (:mod:`graph_cdp.store.shares`), and carries the
    current work's remaining time as its server-side timeout.
    """

    def __init__(
        self,
        driver: neo4j.AsyncDriver,
        database: str,
        shares: Shares | None = None,
        change_log: bool = True,
        retry_seconds: float = 30.0,
    ) -> None:
        self.driver = driver
        self.database = database
        self.shares = shares or Shares(pool_size=100, write_connections=20, per_caller=40)
        self.change_log = change_log
        self.retry_seconds = retry_seconds

    @classmethod
    def open(cls, settings: Settings) -> Store:
        driver = AsyncGraphDatabase.driver(
            settings.neo4j_uri,
            auth=(settings.neo4j_user, settings.neo4j_password),
            max_transaction_retry_time=settings.neo4j_retry_seconds,
            max_connection_pool_size=settings.neo4j_pool_size,
            # Schema-less hints ("label does not exist yet") are noise on a fresh graph.
            notifications_min_severity="OFF",
        )
        return cls(
            driver,
            settings.neo4j_database,
            Shares.from_settings(settings),
            change_log=settings.change_log,
            retry_seconds=settings.neo4j_retry_seconds,
        )

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
        token = change_log_on.set(self.change_log)
        try:
            return await self._run(Lane.WRITE, work)
        finally:
            change_log_on.reset(token)

    async def read(self, work: TxWork[T]) -> T:
        return await self._run(Lane.READ, work)

    async def query(self, name: str, **params: Any) -> list[dict[str, Any]]:
        """Run one named read statement and return its records as dicts.

        An auto-commit transaction: one round trip, where a managed one adds BEGIN and
        COMMIT (1.7x the lookups a second at 16 clients, docs/benchmarks.md). One
        statement that only reads has nothing to roll back, so it is retried here, as
        the driver retries managed transactions, while its error is retryable."""
        text = load(name)
        async with _mapped_errors(), self.shares.hold(Lane.READ) as bounds:
            give_up = asyncio.get_running_loop().time() + self.retry_seconds
            delay = _FIRST_RETRY_DELAY
            while True:
                query = neo4j.Query(text, timeout=bounds.remaining())
                try:
                    async with self.driver.session(
                        database=self.database, default_access_mode=neo4j.READ_ACCESS
                    ) as session:
                        result = await session.run(query, params)
                        return await _rows(name, result)
                except (Neo4jError, DriverError) as exc:
                    pause = delay * random.uniform(0.8, 1.2)
                    left = bounds.remaining()
                    if (
                        not exc.is_retryable()
                        or asyncio.get_running_loop().time() + pause > give_up
                        or (left is not None and left <= pause)
                    ):
                        raise
                await asyncio.sleep(pause)
                delay *= 2

    async def execute(self, name: str, **params: Any) -> list[dict[str, Any]]:
        """Run one named write statement in its own transaction."""

        async def work(tx: AsyncManagedTransaction) -> list[dict[str, Any]]:
            result = await tx.run(load(name), params)
            return [record.data() async for record in result]

        return await self.write(work)

    async def ping(self) -> None:
        """One auto-commit ``RETURN 1``: never retried, so an outage is seen at once."""
        async with _mapped_errors(), self.driver.session(database=self.database) as session:
            result = await session.run("RETURN 1")
            await result.consume()

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


# Statements whose records hold plain values only (maps, lists, scalars; no node,
# relationship or path), learned from the first record each gave in this process.
_PLAIN: dict[str, bool] = {}


async def _rows(name: str, result: neo4j.AsyncResult) -> list[dict[str, Any]]:
    """A result's records as dicts. ``Record.data()`` walks every nested value to turn
    graph types into dicts (2-3 ms of Python for a page of 50 profiles); a record of
    plain values is already that, so for a statement whose first record was plain, the
    record's own values are taken as they are."""
    records = [record async for record in result]
    if not records:
        return []
    plain = _PLAIN.get(name)
    if plain is None:
        first = records[0]
        plain = _PLAIN[name] = first.data() == dict(zip(first.keys(), first, strict=True))
    if not plain:
        return [record.data() for record in records]
    keys = records[0].keys()
    return [dict(zip(keys, record, strict=True)) for record in records]


async def collected(tx: AsyncManagedTransaction, name: str, **params: Any) -> list[Any]:
    """The ``rows`` of a statement that collects its rows into one record.

    Statements of the write path that touch many identifiers return so: the async driver
    spends about 0.1 ms of Python on each record it receives (as much as the server's
    work on a row of these statements), while one record's list of rows decodes
    natively, taken as it is (no ``Record.data()`` copy)."""
    result = await tx.run(load(name), params)
    record = await result.single(strict=True)
    rows: list[Any] = record["rows"]
    return rows
