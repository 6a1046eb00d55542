"""``/readyz``: whether Neo4j answers, known within a second whatever the database does.

A probe must get an answer before its own timeout (Kubernetes' default is 1 s), also
while Neo4j hangs or is gone. So the ping runs as a task of its own: the probe waits
for it at most ``timeout`` seconds, and a ping that hangs is abandoned after
``abandon_after`` seconds (a new one starts on the next probe). The answer is kept for
``ttl`` seconds, so that a storm of probes costs one ping, and at most one ping is in
flight at a time.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from graph_cdp.errors import GraphCdpError

UNAVAILABLE = "STORE_UNAVAILABLE"


@dataclass(frozen=True)
class Answer:
    ready: bool
    code: str | None = None
    detail: str | None = None

    def body(self) -> dict[str, str]:
        if self.ready:
            return {"status": "ready"}
        return {
            "status": "unavailable",
            "code": self.code or UNAVAILABLE,
            "detail": self.detail or "",
        }


class Readiness:
    def __init__(
        self,
        ping: Callable[[], Awaitable[None]],
        *,
        timeout: float,
        ttl: float,
        abandon_after: float = 2.0,
    ) -> None:
        self._ping = ping
        self.timeout = timeout
        self.ttl = ttl
        self.abandon_after = max(abandon_after, timeout)
        self._lock = asyncio.Lock()
        self._inflight: asyncio.Task[Answer] | None = None
        self._answer: Answer | None = None
        self._at = 0.0

    def _fresh(self) -> Answer | None:
        if self._answer is not None and time.monotonic() - self._at < self.ttl:
            return self._answer
        return None

    async def _bounded_ping(self) -> Answer:
        try:
            await asyncio.wait_for(self._ping(), self.abandon_after)
        except TimeoutError:
            return Answer(False, UNAVAILABLE, f"no answer within {self.abandon_after:g} s")
        except GraphCdpError as exc:
            return Answer(False, exc.code, exc.message)
        return Answer(True)

    async def check(self) -> Answer:
        answer = self._fresh()
        if answer is not None:
            return answer
        async with self._lock:
            answer = self._fresh()
            if answer is not None:
                return answer
            if self._inflight is None or self._inflight.done():
                self._inflight = asyncio.create_task(self._bounded_ping(), name="readyz-ping")
            done, _ = await asyncio.wait({self._inflight}, timeout=self.timeout)
            if done:
                answer = self._inflight.result()
            else:
                answer = Answer(False, UNAVAILABLE, f"no answer within {self.timeout:g} s")
            self._answer, self._at = answer, time.monotonic()
            return answer

    async def close(self) -> None:
        if self._inflight is not None and not self._inflight.done():
            self._inflight.cancel()
            await asyncio.gather(self._inflight, return_exceptions=True)
