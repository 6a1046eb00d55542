"""Store.query: one auto-commit round trip, retried while its error is retryable.

A loopback relay stands between the driver and the test server, so a connection can
really be cut (the server and the driver are the real ones)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from urllib.parse import urlparse

import neo4j
import pytest

from graph_cdp.config import Settings
from graph_cdp.errors import StoreError, StoreUnavailable
from graph_cdp.store import Store
from graph_cdp.store.shares import Shares


class Relay:
    """Forwards loopback connections to the server; cuts the first ``cut`` of them."""

    def __init__(self, target: tuple[str, int], cut: int) -> None:
        self.target = target
        self.cut = cut
        self.accepted = 0

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.accepted += 1
        if self.accepted <= self.cut:
            await reader.read(64)  # the driver's handshake has started: cut it mid-way
            writer.transport.abort()
            return
        up_reader, up_writer = await asyncio.open_connection(*self.target)

        async def pipe(src: asyncio.StreamReader, dst: asyncio.StreamWriter) -> None:
            try:
                while data := await src.read(65536):
                    dst.write(data)
                    await dst.drain()
            except ConnectionError:
                pass
            finally:
                dst.close()

        await asyncio.gather(pipe(reader, up_writer), pipe(up_reader, writer))


@asynccontextmanager
async def relayed_store(
    settings: Settings, cut: int, retry_seconds: float
) -> AsyncIterator[tuple[Store, Relay]]:
    url = urlparse(settings.neo4j_uri)
    relay = Relay((url.hostname or "127.0.0.1", url.port or 7687), cut)
    server = await asyncio.start_server(relay.handle, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    driver = neo4j.AsyncGraphDatabase.driver(
        f"bolt://127.0.0.1:{port}", auth=(settings.neo4j_user, settings.neo4j_password)
    )
    store = Store(
        driver,
        settings.neo4j_database,
        Shares(pool_size=4, write_connections=1, per_caller=3),
        retry_seconds=retry_seconds,
    )
    try:
        yield store, relay
    finally:
        await store.close()
        server.close()


async def test_a_read_cut_off_by_the_network_is_retried_and_answers(
    store: Store, settings: Settings
) -> None:
    async with relayed_store(settings, cut=1, retry_seconds=30) as (relayed, relay):
        rows = await relayed.query("count_customers")
    assert relay.accepted >= 2  # the first connection was cut; the retry got through
    assert rows == [{"total": 0}]


async def test_a_read_gives_up_when_its_retry_time_is_spent(settings: Settings) -> None:
    async with relayed_store(settings, cut=1000, retry_seconds=0.5) as (relayed, relay):
        with pytest.raises(StoreUnavailable):
            await relayed.query("count_customers")
    assert relay.accepted >= 1


async def test_a_statement_error_is_not_retried(store: Store, settings: Settings) -> None:
    async with relayed_store(settings, cut=0, retry_seconds=30) as (relayed, relay):
        with pytest.raises(StoreError, match="Neo4j error"):
            # A wrong parameter type is the statement's fault: retrying cannot help.
            await relayed.query(
                "get_profile_page",
                after=None,
                limit="ten",
                withTotal=False,
                traits=False,
                counts=False,
                perProfile=1,
            )
    assert relay.accepted == 1


async def test_records_of_graph_types_still_become_dicts(store: Store) -> None:
    """Records of plain values are taken as they are; a statement that returns a node
    learns so from its first record and gets ``Record.data()``'s dicts, every time."""
    from graph_cdp.store import driver

    plain = "RETURN {a: [1, {b: 'x'}]} AS m, 'y' AS s"
    nodes = "CREATE (n:Scratch {p: 1}) RETURN n, [n] AS ns, {n: n} AS m"
    async with store.driver.session(database=store.database) as session:
        first = await driver._rows("test/plain", await session.run(plain))
        again = await driver._rows("test/plain", await session.run(plain))
        made = await driver._rows("test/nodes", await session.run(nodes))
        more = await driver._rows("test/nodes", await session.run(nodes))
    assert first == again == [{"m": {"a": [1, {"b": "x"}]}, "s": "y"}]
    assert driver._PLAIN["test/plain"] is True
    assert driver._PLAIN["test/nodes"] is False
    for rows in (made, more):
        assert rows == [{"n": {"p": 1}, "ns": [{"p": 1}], "m": {"n": {"p": 1}}}]
        assert type(rows[0]["n"]) is dict
