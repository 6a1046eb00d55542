"""`graph-cdp ...`: the command line. Each sub-command is a few lines over a service."""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Callable, Sequence

from rich.console import Console

from graph_cdp.config import Settings, load_settings
from graph_cdp.errors import GraphCdpError
from graph_cdp.neo4j_local import LocalServer, ensure_neo4j
from graph_cdp.store import Store

console = Console(highlight=False)
err = Console(stderr=True, highlight=False)

Handler = Callable[[argparse.Namespace, Settings], int]


def _neo4j_start(args: argparse.Namespace, settings: Settings) -> int:
    server = LocalServer(settings)
    if not server.layout.home.exists() or server.pid() is None:
        console.print("Preparing Neo4j Community (Maven Central, cached after the first run)...")
    started, seconds = server.start()
    verb = "started" if started else "was already running"
    console.print(f"Neo4j {verb} ({seconds:.1f} s).")
    console.print(f"  Bolt:    {server.bolt_uri}")
    console.print(f"  Browser: {server.browser_url}  (user {settings.neo4j_user})")
    return 0


def _neo4j_stop(args: argparse.Namespace, settings: Settings) -> int:
    stopped = LocalServer(settings).stop()
    console.print("Neo4j stopped." if stopped else "Neo4j was not running (nothing to stop).")
    return 0


def _neo4j_status(args: argparse.Namespace, settings: Settings) -> int:
    st = LocalServer(settings).status()
    console.print(f"process:  {'running, pid ' + str(st.pid) if st.running else 'not running'}")
    console.print(f"version:  {st.version or 'unknown'}")
    console.print(f"edition:  {st.edition or 'unknown'}")
    console.print(f"bolt:     {st.bolt_uri}")
    console.print(f"browser:  {st.browser_url}")
    console.print(f"answers:  {'yes' if st.answers else 'no (' + st.detail + ')'}")
    return 0 if st.answers else 1


def _neo4j_ensure(args: argparse.Namespace, settings: Settings) -> int:
    ensured = ensure_neo4j(settings, allow_docker=not args.no_docker)
    console.print(
        f"Neo4j answers at {settings.neo4j_uri} ({ensured.how}"
        f"{', started now' if ensured.started_now else ''}, {ensured.seconds:.1f} s)."
    )
    return 0


def _schema_apply(args: argparse.Namespace, settings: Settings) -> int:
    async def go() -> int:
        store = Store.open(settings)
        try:
            return await store.apply_schema()
        finally:
            await store.close()

    count = asyncio.run(go())
    console.print(f"Schema applied ({count} constraints and indexes, all IF NOT EXISTS).")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="graph-cdp", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    neo = sub.add_parser("neo4j", help="the local Neo4j Community server").add_subparsers(
        dest="action", required=True
    )
    neo.add_parser("start", help="provision (once) and start; waits until it answers")
    neo.add_parser("stop", help="stop cleanly")
    neo.add_parser("status", help="version, edition, URIs and whether it answers")
    ensure = neo.add_parser("ensure", help="use NEO4J_URI, else Docker, else start locally")
    ensure.add_argument("--no-docker", action="store_true")

    schema = sub.add_parser("schema", help="constraints and indexes").add_subparsers(
        dest="action", required=True
    )
    schema.add_parser("apply", help="create them (idempotent)")
    return parser


HANDLERS: dict[tuple[str, str | None], Handler] = {
    ("neo4j", "start"): _neo4j_start,
    ("neo4j", "stop"): _neo4j_stop,
    ("neo4j", "status"): _neo4j_status,
    ("neo4j", "ensure"): _neo4j_ensure,
    ("schema", "apply"): _schema_apply,
}


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    handler = HANDLERS[(args.command, getattr(args, "action", None))]
    try:
        return handler(args, load_settings())
    except GraphCdpError as exc:
        err.print(f"[red]error:[/red] {exc.message}")
        return 2
    except KeyboardInterrupt:
        err.print("interrupted")
        return 130


if __name__ == "__main__":
    sys.exit(main())
