"""The per-request time limit, and the caller's place in the connection shares.

Every GraphQL request runs inside ``asyncio.timeout(GRAPH_CDP_REQUEST_TIMEOUT)`` and
inside :func:`graph_cdp.store.shares.bounded` for its key: the store takes the key's
share of the pool for each read and gives each transaction the request's remaining
time as its server-side timeout. When the time is up, the request's task is cancelled
(the driver closes the connections it was using, so they return to the pool) and the
client gets ``TIMEOUT``; Neo4j ends any transaction still running at the same deadline.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable

from starlette.responses import JSONResponse, Response
from starlette.types import Scope

from api.errors import error_body
from api.middleware import record_of
from graph_cdp.errors import RequestTimeout
from graph_cdp.store.shares import Bounds, bounded

TIMEOUT = RequestTimeout.code


def timed_out_body(seconds: float) -> dict[str, object]:
    body = error_body(
        f"The request took longer than its limit of {seconds:g} s and was ended", TIMEOUT
    )
    body["errors"][0]["extensions"]["limitSeconds"] = seconds
    return body


async def within_limit(
    scope: Scope, caller: str, seconds: float, work: Awaitable[Response]
) -> Response:
    """``work``'s response, or a TIMEOUT response once ``seconds`` have passed."""
    deadline = asyncio.get_running_loop().time() + seconds
    try:
        with bounded(Bounds(caller=caller, deadline=deadline)):
            async with asyncio.timeout_at(deadline):
                return await work
    except TimeoutError:
        record_of(scope).error_codes.append(TIMEOUT)
        return JSONResponse(timed_out_body(seconds), status_code=200)
