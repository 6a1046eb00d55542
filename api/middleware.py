"""ASGI middleware: the request body limit, and one log line plus metrics per request."""

from __future__ import annotations

import json
import logging
import time
from dataclasses import dataclass, field

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.errors import LIMIT_EXCEEDED, error_body
from api.logs import ACCESS_LOGGER
from api.metrics import Metrics

access_log = logging.getLogger(ACCESS_LOGGER)
RECORD_KEY = "graph_cdp.record"
_BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})


@dataclass
class RequestRecord:
    """What the GraphQL layer learns about a request, for its log line and metrics."""

    operation: str | None = None
    operation_type: str | None = None
    key: str | None = None
    error_codes: list[str] = field(default_factory=list)
    retry_after: int | None = None  # seconds, when an error of the response is retryable


def record_of(scope: Scope) -> RequestRecord:
    record = scope.get(RECORD_KEY)
    if not isinstance(record, RequestRecord):
        record = RequestRecord()
        scope[RECORD_KEY] = record
    return record


async def _send_json(
    send: Send, status: int, body: object, headers: list[tuple[bytes, bytes]]
) -> None:
    payload = json.dumps(body).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(payload)).encode()),
                *headers,
            ],
        }
    )
    await send({"type": "http.response.body", "body": payload})


class BodyLimit:
    """Refuse (413, LIMIT_EXCEEDED) a request body larger than ``max_bytes``.

    The body is read up to the limit before the app sees it, so a client that lies
    about Content-Length (or sends chunks) cannot get past it.
    """

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in _BODY_METHODS:
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_bytes:
            await self._refuse(scope, send)
            return
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_bytes:
                await self._refuse(scope, send)
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        sent = False

        async def replay() -> Message:
            nonlocal sent
            if not sent:
                sent = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)

    async def _refuse(self, scope: Scope, send: Send) -> None:
        record_of(scope).error_codes.append(LIMIT_EXCEEDED)
        message = f"The request body is larger than {self.max_bytes} bytes"
        await _send_json(send, 413, error_body(message, LIMIT_EXCEEDED), [])


class Observe:
    """Time every HTTP request; log it as one JSON line and count it in the metrics."""

    def __init__(self, app: ASGIApp, metrics: Metrics, paths: frozenset[str]) -> None:
        self.app = app
        self.metrics = metrics
        self.paths = paths

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        record = record_of(scope)
        status = 500
        started = time.perf_counter()

        async def observed_send(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, observed_send)
        finally:
            seconds = time.perf_counter() - started
            path = scope["path"]
            operation = record.operation or (path if path in self.paths else "other")
            self.metrics.observe_request(operation, status, seconds, record.error_codes)
            access_log.info(
                "request",
                extra={
                    "method": scope["method"],
                    "path": path,
                    "operation": record.operation,
                    "operation_type": record.operation_type,
                    "status": status,
                    "duration_ms": round(seconds * 1000, 3),
                    "key": record.key,
                    "error_codes": record.error_codes,
                },
            )
