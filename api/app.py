"""The ASGI app: ``create_app(settings)`` builds it; its lifespan opens the one service."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

from cross_web import HTTPException
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route, WebSocketRoute
from starlette.types import Receive, Scope, Send
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.exceptions import ConnectionRejectionError
from strawberry.http import GraphQLHTTPResponse
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL
from strawberry.types import ExecutionResult
from strawberry.types.unset import UnsetType

from api import jsonbody
from api.auth import NOBODY, KeyRing, Principal, require_safe_host, warn_if_open
from api.context import Context
from api.errors import Unauthenticated, coded, error_body, retry_after_of
from api.metrics import CONTENT_TYPE, Metrics
from api.middleware import BodyLimit, Observe, RequestRecord, record_of
from api.readiness import Readiness
from api.schema import build_schema
from api.segment import PATHS as SEGMENT_PATHS
from api.segment import WriteKeys, segment_routes
from graph_cdp.config import Settings
from graph_cdp.errors import StoreUnavailable
from graph_cdp.feed.delivery import run_worker
from graph_cdp.services import CdpService

logger = logging.getLogger("graph_cdp.api")

GRAPHQL_PATH = "/graphql"
PATHS = frozenset({GRAPHQL_PATH, "/healthz", "/readyz", "/metrics"}) | SEGMENT_PATHS
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
    readiness: Readiness | None = None

    @property
    def service(self) -> CdpService:
        if self.live is None:
            raise StoreUnavailable("The service is not started (the app's lifespan has not run)")
        return self.live


class CodedHTTPException(HTTPException):
    """A request refused before GraphQL runs, with a code more specific than its status."""

    def __init__(self, status_code: int, reason: str, code: str) -> None:
        super().__init__(status_code, reason)
        self.code = code


class GraphQLView(GraphQL[Context, None]):
    """Authenticates before GraphQL runs; codes every error on the way out."""

    def decode_json(self, data: str | bytes) -> object:
        # json.loads recurses: a body nested past the interpreter's limit (variables
        # 100,000 levels deep) escaped as a bare 500; see api.jsonbody.
        try:
            return jsonbody.loads(data)
        except jsonbody.UnreadableJson:
            reason = "Unable to parse request body as JSON"
            raise CodedHTTPException(400, reason, "BAD_REQUEST") from None

    def __init__(self, runtime: Runtime) -> None:
        super().__init__(
            build_schema(runtime.settings),
            graphql_ide="graphiql",
            subscription_protocols=(GRAPHQL_TRANSPORT_WS_PROTOCOL,),
        )
        self.runtime = runtime

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await super().__call__(scope, receive, send)
            return
        request = Request(scope, receive)
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
            record.key = principal.name
            scope[_PRINCIPAL_KEY] = principal
        try:
            response = await self.run(request)
        except HTTPException as exc:  # not GraphQL at all: still JSON, still a code
            code = getattr(exc, "code", None) or _HTTP_CODES.get(exc.status_code, "BAD_REQUEST")
            record_of(scope).error_codes.append(code)
            response = JSONResponse(error_body(exc.reason, code), status_code=exc.status_code)
        retry_after = record_of(scope).retry_after
        if retry_after is not None:  # a transient failure: when the same request may come again
            response.headers["Retry-After"] = str(retry_after)
        await response(scope, receive, send)

    async def get_context(
        self, request: Request | WebSocket, response: Response | WebSocket
    ) -> Context:
        principal = request.scope.get(_PRINCIPAL_KEY)
        if not isinstance(principal, Principal):  # the GraphiQL page: no operation runs
            principal = NOBODY
        if isinstance(request, WebSocket):
            return Context(
                service=self.runtime.service,
                settings=self.runtime.settings,
                metrics=self.runtime.metrics,
                principal=NOBODY,  # until connection_init authenticates (on_ws_connect)
                record=RequestRecord(),
                response=None,
                socket_authorization=request.headers.get("authorization"),
            )
        return Context(
            service=self.runtime.service,
            settings=self.runtime.settings,
            metrics=self.runtime.metrics,
            principal=principal,
            record=record_of(request.scope),
            response=response if isinstance(response, Response) else None,
        )

    async def on_ws_connect(self, context: Context) -> UnsetType | dict[str, object] | None:
        """A socket's key: the upgrade request's Authorization header, else connection_init's
        ``Authorization`` (browsers cannot set headers on a WebSocket). 4403 when wrong."""
        params = context.connection_params or {}
        sent = params.get("Authorization", params.get("authorization"))
        header = sent if isinstance(sent, str) else context.socket_authorization
        try:
            context.principal = self.runtime.keys.authenticate(header)
        except Unauthenticated as exc:
            logger.info("websocket refused: %s", exc.message)
            raise ConnectionRejectionError({"code": exc.code, "message": exc.message}) from None
        return await super().on_ws_connect(context)

    async def process_result(
        self, request: Request, result: ExecutionResult
    ) -> GraphQLHTTPResponse:
        if result.errors:
            # Errors raised by extensions skip ErrorCodes' hook; code them here too (idempotent).
            result.errors = [coded(e) for e in result.errors]
            record = record_of(request.scope)
            record.error_codes += [str((e.extensions or {}).get("code")) for e in result.errors]
            record.retry_after = retry_after_of(result.errors)
        return await super().process_result(request, result)


def create_app(settings: Settings, *, max_body_bytes: int | None = None) -> Starlette:
    """The whole API. Raises ConfigurationError for bad keys, or no keys off loopback."""
    keys = KeyRing.parse(settings.api_keys)
    write_keys = WriteKeys.parse(settings.write_keys, keys)
    require_safe_host(settings, keys)
    runtime = Runtime(settings=settings, keys=keys)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        warn_if_open(settings, keys)
        service = CdpService.open(settings)
        stop = asyncio.Event()
        worker: asyncio.Task[None] | None = None
        try:
            await service.prepare()
            runtime.live = service
            runtime.readiness = Readiness(
                service.ping,
                timeout=settings.ready_timeout,
                ttl=settings.ready_cache_seconds,
            )
            if settings.webhooks_enabled:
                worker = asyncio.create_task(run_worker(service.store, settings, stop))
            logger.info("ready", extra={"neo4j_uri": settings.neo4j_uri})
            yield
        finally:
            stop.set()
            if worker is not None:
                await worker
            runtime.live = None
            if runtime.readiness is not None:
                await runtime.readiness.close()
            await service.close()

    async def healthz(request: Request) -> Response:
        """The process runs: never asks the database."""
        return JSONResponse({"status": "ok"})

    async def readyz(request: Request) -> Response:
        if runtime.readiness is None:
            body = {"status": "unavailable", "code": "STORE_UNAVAILABLE", "detail": "starting"}
            return JSONResponse(body, status_code=503)
        answer = await runtime.readiness.check()
        return JSONResponse(answer.body(), status_code=200 if answer.ready else 503)

    async def metrics(request: Request) -> Response:
        return Response(runtime.metrics.exposition(), media_type=CONTENT_TYPE)

    view = GraphQLView(runtime)
    app = Starlette(
        routes=[
            Route(GRAPHQL_PATH, view, methods=["GET", "POST"]),
            WebSocketRoute(GRAPHQL_PATH, view),
            Route("/healthz", healthz, methods=["GET"]),
            Route("/readyz", readyz, methods=["GET"]),
            Route("/metrics", metrics, methods=["GET"]),
            *segment_routes(lambda: runtime.service, write_keys, settings.max_batch_size),
        ],
        middleware=[
            Middleware(Observe, metrics=runtime.metrics, paths=PATHS),
            Middleware(BodyLimit, max_bytes=max_body_bytes or default_max_body_bytes(settings)),
        ],
        lifespan=lifespan,
    )
    app.state.runtime = runtime
    return app
