"""`graph-cdp serve`: the API under uvicorn (also `python -m api.serve`)."""

from __future__ import annotations

import uvicorn
from starlette.applications import Starlette

from api.app import create_app
from api.logs import configure_logging
from graph_cdp.config import Settings, load_settings


def app_from_environment() -> Starlette:
    """The app of one worker process (``GRAPH_CDP_WORKERS`` > 1): settings from the environment."""
    settings = load_settings()
    configure_logging(settings.log_level)
    return create_app(settings)


def serve(settings: Settings) -> None:
    """Run the API on settings.host:settings.port until interrupted (JSON logs on stderr).

    With ``settings.workers`` above 1, uvicorn runs that many processes on one socket;
    each reads its settings from the environment and holds its own driver pool, shares,
    and key budgets (so a key's budget is per worker)."""
    app = create_app(settings)  # refuses bad keys, or no keys off loopback, before binding
    configure_logging(settings.log_level)
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
