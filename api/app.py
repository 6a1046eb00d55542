"""The ASGI app: ``create_app(settings)`` builds it; its lifespan opens the one service."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

from cross_web import HTTPException
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.types import Receive, Scope, Send
from strawberry.asgi import GraphQL
from strawberry.http import GraphQLHTTPResponse
from strawberry.types import ExecutionResult

from api.auth import NOBODY, KeyRing, Principal, require_safe_host, warn_if_open
from api.context import Context
from api.errors import Unauthenticated, coded, error_body
from api.metrics import CONTENT_TYPE, Metrics
from api.middleware import BodyLimit, Observe, record_of
from api.schema import build_schema
from api.timeouts import within_limit
from graph_cdp.config import Settings
from graph_cdp.errors import GraphCdpError, StoreUnavailable
from graph_cdp.services import CdpService

logger = logging.getLogger("graph_cdp.api")

GRAPHQL_PATH = "/graphql"
PATHS = frozenset({GRAPHQL_PATH, "/healthz", "/readyz", "/metrics"})
_PRINCIPAL_KEY = "graph_cdp.principal"
_MIB = 1024 * 1024
_HTTP_CODES = {400: "BAD_REQUEST", 404: "NOT_FOUND", 405: "METHOD_NOT_ALLOWED"}


def default_max_body_bytes(settings: Settings) -> int:
    """Room for a full batch of the largest events, between 1 and 32 MiB."""
    return max(_MIB, min(settings.max_batch_size * settings.max_event_bytes, 32 * _MIB))


@dataclass
class Runtime:
    """What the app holds between requests; ``service`` exists while the lifespan runs."""

    settings: Settings
    keys: KeyRing
    metrics: Metrics = field(default_factory=Metrics)
    live: CdpService | None = None

    @property
    def service(self) -> CdpService:
        if self.live is None:
            raise StoreUnavailable("The service is not started (the app's lifespan has not run)")
        return self.live


class GraphQLView(GraphQL[Context, None]):
    """Authenticates before GraphQL runs; codes every error on the way out."""

    def __init__(self, runtime: Runtime) -> None:
        super().__init__(build_schema(runtime.settings), graphql_ide="graphiql")
        self.runtime = runtime

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await super().__call__(scope, receive, send)
            return
        request = Request(scope, receive)
        caller = ""
        if request.method != "GET" or "query" in request.query_params:  # not the GraphiQL page
            record = record_of(scope)
            try:
                principal = self.runtime.keys.authenticate(request.headers.get("authorization"))
            except Unauthenticated as exc:
                record.error_codes.append(exc.code)
                headers = {"WWW-Authenticate": 'Bearer realm="graph-cdp"'}
                body = error_body(exc.message, exc.code)
                await JSONResponse(body, status_code=401, headers=headers)(scope, receive, send)
                return
            record.key = caller = principal.name
            scope[_PRINCIPAL_KEY] = principal
        try:
            limit = self.runtime.settings.request_timeout
            response = await within_limit(scope, caller, limit, self.run(request))
        except HTTPException as exc:  # not GraphQL at all: still JSON, still a code
            code = _HTTP_CODES.get(exc.status_code, "BAD_REQUEST")
            record_of(scope).error_codes.append(code)
            response = JSONResponse(error_body(exc.reason, code), status_code=exc.status_code)
        await response(scope, receive, send)

    async def get_context(self, request: Request, response: Response) -> Context:  # type: ignore[override]
        principal = request.scope.get(_PRINCIPAL_KEY)
        if not isinstance(principal, Principal):  # the GraphiQL page: no operation runs
            principal = NOBODY
        return Context(
            service=self.runtime.service,
            settings=self.runtime.settings,
            metrics=self.runtime.metrics,
            principal=principal,
            record=record_of(request.scope),
            response=response,
        )

    async def process_result(
        self, request: Request, result: ExecutionResult
    ) -> GraphQLHTTPResponse:
        if result.errors:
            # Errors raised by extensions skip ErrorCodes' hook; code them here too (idempotent).
            result.errors = [coded(e) for e in result.errors]
            record = record_of(request.scope)
            record.error_codes += [str((e.extensions or {}).get("code")) for e in result.errors]
        return await super().process_result(request, result)


def create_app(settings: Settings, *, max_body_bytes: int | None = None) -> Starlette:
    """The whole API. Raises ConfigurationError for bad keys, or no keys off loopback."""
    keys = KeyRing.parse(settings.api_keys)
    require_safe_host(settings, keys)
    runtime = Runtime(settings=settings, keys=keys)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        warn_if_open(settings, keys)
        service = CdpService.open(settings)
        try:
            await service.prepare()
            runtime.live = service
            logger.info("ready", extra={"neo4j_uri": settings.neo4j_uri})
            yield
        finally:
            runtime.live = None
            await service.close()

    async def healthz(request: Request) -> Response:
        return JSONResponse({"status": "ok"})

    async def readyz(request: Request) -> Response:
        try:
            await runtime.service.ping()
        except GraphCdpError as exc:
            return JSONResponse({"status": "unavailable", "code": exc.code}, status_code=503)
        return JSONResponse({"status": "ready"})

    async def metrics(request: Request) -> Response:
        return Response(runtime.metrics.exposition(), media_type=CONTENT_TYPE)

    app = Starlette(
        routes=[
            Route(GRAPHQL_PATH, GraphQLView(runtime), methods=["GET", "POST"]),
            Route("/healthz", healthz, methods=["GET"]),
            Route("/readyz", readyz, methods=["GET"]),
            Route("/metrics", metrics, methods=["GET"]),
        ],
        middleware=[
            Middleware(Observe, metrics=runtime.metrics, paths=PATHS),
            Middleware(BodyLimit, max_bytes=max_body_bytes or default_max_body_bytes(settings)),
        ],
        lifespan=lifespan,
    )
    app.state.runtime = runtime
    return app
