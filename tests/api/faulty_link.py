"""A TCP link between the app and the real Neo4j that a test can cut or freeze.

The database stays real; only the network in between misbehaves, as it does in an
outage: ``cut`` closes the port (connections are refused), ``freeze`` keeps every
connection open and silent (a hung server), ``restore`` forwards again.
"""

from __future__ import annotations

import asyncio
import contextlib


class FaultyLink:
    def __init__(self, target_port: int) -> None:
        self.target_port = target_port
        self.port = 0
        self.frozen = False
        self._server: asyncio.Server | None = None
        self._pipes: set[asyncio.Task[None]] = set()
        self._writers: set[asyncio.StreamWriter] = set()

    async def start(self) -> int:
        self._server = await asyncio.start_server(self._accept, "127.0.0.1", self.port)
        self.port = int(self._server.sockets[0].getsockname()[1])
        return self.port

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self._writers.add(writer)
        if self.frozen:
            return  # accepted, and never answered
        try:
            up_reader, up_writer = await asyncio.open_connection("127.0.0.1", self.target_port)
        except OSError:
            writer.close()
            return
        self._writers.add(up_writer)
        for source, sink in ((reader, up_writer), (up_reader, writer)):
            task = asyncio.create_task(self._pipe(source, sink))
            self._pipes.add(task)
            task.add_done_callback(self._pipes.discard)

    async def _pipe(self, source: asyncio.StreamReader, sink: asyncio.StreamWriter) -> None:
        with contextlib.suppress(ConnectionError, asyncio.CancelledError):
            while data := await source.read(65536):
                sink.write(data)
                await sink.drain()
        if not self.frozen:
            sink.close()

    def freeze(self) -> None:
        """Every connection stays open and goes silent; new ones are accepted, never served."""
        self.frozen = True
        for task in list(self._pipes):
            task.cancel()

    async def cut(self) -> None:
        """The port closes: existing connections drop, new ones are refused."""
        self.freeze()
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
            self._server = None
        for writer in list(self._writers):
            writer.close()
        self._writers.clear()

    async def restore(self) -> None:
        await self.cut()  # drop the frozen connections too: the server "came back"
        self.frozen = False
        await self.start()

    async def close(self) -> None:
        await self.cut()
