"""`graph-cdp ...`: the command line. Each sub-command is a few lines over a service."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from rich.console import Console
from rich.text import Text

from graph_cdp.config import Settings, load_settings
from graph_cdp.errors import GraphCdpError
from graph_cdp.neo4j_local import LocalServer, ensure_neo4j
from graph_cdp.store import Store

# No emoji codes and no markup in what we print: a message like "name:secret:read+write"
# must reach the terminal as written (rich would draw ":secret:" as an emoji).
console = Console(highlight=False, emoji=False)
err = Console(stderr=True, highlight=False, emoji=False)

Handler = Callable[[argparse.Namespace, Settings], int]


def _neo4j_start(args: argparse.Namespace, settings: Settings) -> int:
    server = LocalServer(settings)
    if not server.layout.home.exists() or server.pid() is None:
        console.print("Preparing Neo4j Community (Maven Central, cached after the first run)...")
    started, seconds = server.start()
    verb = "started" if started else "was already running"
    console.print(f"Neo4j {verb} ({seconds:.1f} s).")
    if server.generated_password is not None:
        _print_generated_password(server, server.generated_password)
    console.print(f"  Bolt:    {server.bolt_uri}")
    console.print(f"  Browser: {server.browser_url}  (user {settings.neo4j_user})")
    return 0


def _print_generated_password(server: LocalServer, password: str) -> None:
    """Shown once, when the server's data is created without NEO4J_PASSWORD."""
    console.print(
        f"  Password: {password}  (generated; stored in {server.layout.password_file}, "
        f"mode 600, and read from there by graph-cdp when NEO4J_PASSWORD is unset)",
        markup=False,
    )


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
    if ensured.generated_password is not None:
        _print_generated_password(LocalServer(settings), ensured.generated_password)
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


def _ingest(args: argparse.Namespace, settings: Settings) -> int:
    from graph_cdp.commands import ingest_file, print_totals

    totals = ingest_file(
        settings,
        args.file,
        batch=args.batch,
        restart=args.restart,
        source_name=args.source,
        defer=args.defer_resolution,
    )
    print_totals("ingest", totals)
    return 0


def _resolve(args: argparse.Namespace, settings: Settings) -> int:
    from graph_cdp.commands import print_totals, resolve

    stats = resolve(settings, "full" if args.full else "incremental", args.engine)
    if args.json:
        # One JSON object on the last line, for scripts (bench/febrl reads it).
        print(json.dumps(stats, sort_keys=True, default=str))
    else:
        print_totals("resolution job", stats)
    return 0 if stats["status"] == "succeeded" else 1


def _check(args: argparse.Namespace, settings: Settings) -> int:
    from graph_cdp.commands import with_service

    report = with_service(settings, lambda service: service.check(args.examples))
    for line in report.lines():
        console.print(line, markup=False)
    return 0 if report.ok else 1


def _dead_letters(args: argparse.Namespace, settings: Settings) -> int:
    from graph_cdp.commands import print_totals, with_service

    if args.action == "replay":
        result = with_service(settings, lambda service: service.replay_dead_letters())
        print_totals(
            "replay",
            {
                "accepted": result.accepted,
                "duplicates": result.duplicates,
                "still rejected": len(result.rejected),
            },
        )
        return 0
    letters = with_service(settings, lambda service: service.dead_letters(args.first))
    for letter in letters:
        console.print(f"{letter.id}  {letter.at:%Y-%m-%d %H:%M:%S}  {'; '.join(letter.reasons)}")
    console.print(f"{len(letters)} dead letter(s) waiting for replay.")
    return 0


def _match_train(args: argparse.Namespace, settings: Settings) -> int:
    from graph_cdp.commands import print_totals, with_service

    trained = with_service(settings, lambda service: service.train_matching(args.seed))
    print_totals("match model trained", trained)
    console.print("Run `graph-cdp resolve --full` to score every record with it.")
    return 0


def _sample(args: argparse.Namespace, settings: Settings) -> int:
    from graph_cdp.sample import generate, write_jsonl

    data = generate(customers=args.customers, seed=args.seed)
    with Path(args.out).open("w", encoding="utf-8") as out:
        count = write_jsonl(data.events, out)
    console.print(f"{count} events of {args.customers} customers written to {args.out}.")
    return 0


def _serve(args: argparse.Namespace, settings: Settings) -> int:
    from api.serve import serve

    overrides = {k: v for k, v in (("host", args.host), ("port", args.port)) if v is not None}
    serve(settings.model_copy(update=overrides))
    return 0


def _webhooks_run(args: argparse.Namespace, settings: Settings) -> int:
    from graph_cdp.commands import with_service
    from graph_cdp.feed.delivery import run_until_signalled

    console.print("delivering webhooks until SIGINT or SIGTERM")
    with_service(settings, lambda service: run_until_signalled(service.store, settings))
    console.print("webhook worker stopped")
    return 0


def _browser(args: argparse.Namespace, settings: Settings) -> int:
    from graph_cdp.browser import browser_command, guide_url, open_guide_server

    console.print(browser_command(settings), markup=False)
    if args.guide is not None:
        server = open_guide_server(args.guide)
        console.print(
            f"\nRun in Browser:  :play {guide_url(server)}   (Ctrl-C stops)", markup=False
        )
        try:
            server.serve_forever()
        finally:
            server.server_close()
    return 0


def _demo(args: argparse.Namespace, settings: Settings) -> int:
    from graph_cdp.demo import run_demo

    return run_demo(settings, customers=args.customers, seed=args.seed, serve=not args.no_serve)


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

    ingest = sub.add_parser("ingest", help="ingest events from JSON lines (a file or -)")
    ingest.add_argument("file", help="a .jsonl file of events, or - for stdin")
    ingest.add_argument("--batch", type=int, default=500, help="events per request")
    ingest.add_argument("--source", help="the source to record on events without one")
    ingest.add_argument("--restart", action="store_true", help="ignore a saved checkpoint")
    ingest.add_argument(
        "--defer-resolution",
        action="store_true",
        help="bulk backfill: write evidence only, then run one full resolution job",
    )

    resolve = sub.add_parser("resolve", help="run a resolution job")
    resolve.add_argument("--full", action="store_true", help="recompute everything")
    resolve.add_argument(
        "--engine",
        choices=("local", "spark"),
        default=None,
        help="where a full job runs (default: GRAPH_CDP_ENGINE, else local)",
    )
    resolve.add_argument("--json", action="store_true", help="print the job's stats as JSON")

    check = sub.add_parser("check", help="verify the invariants; non-zero exit when one breaks")
    check.add_argument(
        "--examples", type=int, default=10, help="offenders shown per broken invariant"
    )

    dead = sub.add_parser("dead-letters", help="rejected events").add_subparsers(
        dest="action", required=True
    )
    listing = dead.add_parser("list", help="those waiting for replay")
    listing.add_argument("--first", type=int, default=100)
    dead.add_parser("replay", help="validate again (after a rule change) and ingest")

    match = sub.add_parser("match", help="probabilistic matching").add_subparsers(
        dest="action", required=True
    )
    train = match.add_parser("train", help="train a match model on the graph's records")
    train.add_argument("--seed", type=int, default=0, help="seed of the random u sample")

    sample = sub.add_parser("sample", help="write synthetic events with ground truth")
    sample.add_argument("out", help="the .jsonl file to write")
    sample.add_argument("--customers", type=int, default=2000)
    sample.add_argument("--seed", type=int, default=7)

    serve = sub.add_parser("serve", help="serve the GraphQL API (uvicorn)")
    serve.add_argument("--host")
    serve.add_argument("--port", type=int)

    hooks = sub.add_parser("webhooks", help="webhook delivery").add_subparsers(
        dest="action", required=True
    )
    hooks.add_parser("run", help="deliver in this process (the API also does, in its own)")

    browser = sub.add_parser("browser", help="the Neo4j Browser URL, style and saved queries")
    browser.add_argument(
        "--guide",
        type=int,
        nargs="?",
        const=8001,
        default=None,
        metavar="PORT",
        help="serve the :play guide on localhost until Ctrl-C",
    )

    demo = sub.add_parser("demo", help="the tour: sample data, resolution, API, Browser")
    demo.add_argument("--customers", type=int, default=2000)
    demo.add_argument("--seed", type=int, default=7)
    demo.add_argument("--no-serve", action="store_true", help="stop before serving the API")
    return parser


HANDLERS: dict[tuple[str, str | None], Handler] = {
    ("neo4j", "start"): _neo4j_start,
    ("neo4j", "stop"): _neo4j_stop,
    ("neo4j", "status"): _neo4j_status,
    ("neo4j", "ensure"): _neo4j_ensure,
    ("schema", "apply"): _schema_apply,
    ("ingest", None): _ingest,
    ("resolve", None): _resolve,
    ("check", None): _check,
    ("dead-letters", "list"): _dead_letters,
    ("dead-letters", "replay"): _dead_letters,
    ("match", "train"): _match_train,
    ("sample", None): _sample,
    ("serve", None): _serve,
    ("webhooks", "run"): _webhooks_run,
    ("browser", None): _browser,
    ("demo", None): _demo,
}


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    handler = HANDLERS[(args.command, getattr(args, "action", None))]
    try:
        return handler(args, load_settings())
    except GraphCdpError as exc:
        err.print(Text("error: ", style="red") + Text(exc.message))
        return 2
    except KeyboardInterrupt:
        err.print("interrupted")
        return 130


if __name__ == "__main__":
    sys.exit(main())
