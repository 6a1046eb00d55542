"""`graph-cdp serve`: the API under uvicorn (also `python -m api.serve`)."""

from __future__ import annotations

import uvicorn

from api.app import create_app
from api.logs import configure_logging
from graph_cdp.config import Settings, load_settings


def serve(settings: Settings) -> None:
    """Run the API on settings.host:settings.port until interrupted (JSON logs on stderr)."""
    app = create_app(settings)  # refuses bad keys, or no keys off loopback, before binding
    configure_logging(settings.log_level)
    uvicorn.run(
        app,
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
