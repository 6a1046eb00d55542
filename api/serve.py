"""`graph-cdp serve`: the API under uvicorn (also `python -m api.serve`)."""

from __future__ import annotations

import gc

import uvicorn
from starlette.applications import Starlette

from api.app import create_app
from api.logs import configure_logging
from graph_cdp.config import Settings, load_settings


def app_from_environment() -> Starlette:
    """The app of one worker process (``GRAPH_CDP_WORKERS`` > 1): settings from the environment."""
    settings = load_settings()
    configure_logging(settings.log_level)
    return long_lived(create_app(settings))


def long_lived(app: Starlette) -> Starlette:
    """Leave what start-up made (modules, the schema: about 150,000 objects) out of every
    later garbage collection; it lives as long as the process.

    Each full collection otherwise walked all of it while every request in the worker
    waited: 200 ms every 1-2 s at 16 clients (40-70 ms after), so p99 of
    ``profileByIdentifier`` 306 -> 131 ms in one process (docs/benchmarks.md)."""
    gc.collect()
    gc.freeze()
    return app


def serve(settings: Settings) -> None:
    """Run the API on settings.host:settings.port until interrupted (JSON logs on stderr).

    With ``settings.workers`` above 1, uvicorn runs that many processes on one socket;
    each reads its settings from the environment and holds its own driver pool, shares,
    and key budgets (so a key's budget is per worker)."""
    app = create_app(settings)  # refuses bad keys, or no keys off loopback, before binding
    configure_logging(settings.log_level)
    if settings.workers <= 1:
        long_lived(app)  # else each worker process does, in app_from_environment
    target: Starlette | str = app
    if settings.workers > 1:
        target = "api.serve:app_from_environment"
    uvicorn.run(
        target,
        factory=settings.workers > 1,
        workers=settings.workers if settings.workers > 1 else None,
        timeout_worker_healthcheck=settings.worker_healthcheck_seconds,
        host=settings.host,
        port=settings.port,
        log_config=None,
        access_log=False,  # api.middleware.Observe logs one line per request instead
        proxy_headers=False,
        server_header=False,
        ws="websockets-sansio",  # subscriptions: graphql-transport-ws (docs/activation.md)
    )


def main() -> None:
    """An entry point that keeps graph_cdp free of imports from api."""
    serve(load_settings())


if __name__ == "__main__":
    main()
