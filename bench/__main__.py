"""`make bench`: ingest, accuracy, batch, API latency, FEBRL, partial acceptance and
activation benchmarks; reports in bench/reports/.

Runs against the Neo4j in the environment (the Makefile starts a separate local
server for benchmarks, so they never wipe your data).
"""

from __future__ import annotations

import argparse
import asyncio
import json
from typing import Any

from rich.console import Console

from bench.accuracy import MATCHING, bench_accuracy
from bench.activation import activation_lines, bench_activation
from bench.api_latency import api_latency_lines, bench_api_latency
from bench.batch import bench_batch
from bench.common import write_report
from bench.febrl import bench_febrl, febrl_lines
from bench.ingest import bench_ingest
from bench.partial import bench_partial, partial_lines
from graph_cdp.config import Settings
from graph_cdp.resolution.rules import SHARED_DEVICE_RULES
from graph_cdp.store import Store

console = Console(highlight=False)


def _ingest_lines(r: dict[str, Any]) -> list[str]:
    rates = r["events_per_second"]
    return [
        f"{r['events']} events of {r['customers']} customers, batches of 500, same process, "
        "after a warm-up batch of each write path on a wiped database. "
        "The raw baseline is the median of "
        f"{len(r.get('raw_rounds', [0]))} runs ("
        + ", ".join(f"{r['events'] / s:.0f}" for s in r.get("raw_rounds", []))
        + " events/s).",
        "",
        "| path | events/s | ratio vs raw driver |",
        "| --- | ---: | ---: |",
        f"| raw driver writes (baseline) | {rates['raw_driver']:.0f} | 1.00 |",
        f"| graph-cdp, resolved on every write | {rates['graph_cdp']:.0f} | "
        f"{r['ratio_vs_raw']['graph_cdp']:.2f} |",
        f"| graph-cdp, deferred + one full job | {rates['graph_cdp_deferred']:.0f} | "
        f"{r['ratio_vs_raw']['graph_cdp_deferred']:.2f} |",
        *(
            [
                f"| graph-cdp, the evidence alone (resolution deferred, before that job) | "
                f"{rates['graph_cdp_evidence_only']:.0f} | "
                f"{r['ratio_vs_raw']['graph_cdp_evidence_only']:.2f} |"
            ]
            if "graph_cdp_evidence_only" in rates
            else []
        ),
        *(
            [
                f"| graph-cdp, resolved on every write, matching with a stored model | "
                f"{rates['graph_cdp_matching']:.0f} | "
                f"{r['ratio_vs_raw']['graph_cdp_matching']:.2f} |"
            ]
            if "graph_cdp_matching" in rates
            else []
        ),
    ]


def _share(share: dict[str, int]) -> str:
    return f"{share['hit']} / {share['total']}"


def _matching_cell(key: str) -> Any:
    def cell(s: dict[str, Any]) -> str:
        matching = s.get("job", {}).get("matching") or {}
        return str(matching[key]) if key in matching else "-"

    return cell


def _accuracy_lines(r: dict[str, Any]) -> list[str]:
    columns = {
        (
            f"graph-cdp, `{name}` rule"
            if name in SHARED_DEVICE_RULES
            else f"graph-cdp, `{MATCHING}`"
        ): v
        for name, v in r["graph_cdp"].items()
    }
    columns["naive components"] = r["naive_components"]
    rows: list[tuple[str, Any]] = [
        ("oracle precision", lambda s: f"{s['oracle']['precision']:.4f}"),
        ("oracle recall", lambda s: f"{s['oracle']['recall']:.4f}"),
        ("oracle F1", lambda s: f"{s['oracle']['f1']:.4f}"),
        ("person precision", lambda s: f"{s['persons']['precision']:.4f}"),
        ("person recall", lambda s: f"{s['persons']['recall']:.4f}"),
        ("person F1", lambda s: f"{s['persons']['f1']:.4f}"),
        ("over-merged profiles", lambda s: str(s["oracle"]["over_merged"])),
        ("largest profile", lambda s: str(s["oracle"]["largest_entity"])),
        ("cross-channel persons joined", lambda s: _share(s["cross_channel_joined"])),
        ("trap pairs merged", lambda s: str(s["trap_pairs_merged_total"])),
        ("joined only through own device: whole", lambda s: _share(s["weak_only_joined"])),
        ("two mailboxes on own device: whole", lambda s: _share(s["two_mailboxes_joined"])),
        ("match records", _matching_cell("records")),
        ("candidate pairs compared", _matching_cell("pairsCompared")),
        (
            "fuzzy links / review candidates",
            lambda s: (
                f"{s['job']['matching']['fuzzyLinks']} / {s['job']['matching']['candidates']}"
                if "fuzzyLinks" in (s.get("job", {}).get("matching") or {})
                else "-"
            ),
        ),
    ]
    lines = [
        f"{r['customers']} customers, {r['events']} events ({r['mode']}); "
        f"cases: `{json.dumps(r['cases'])}`; cross-channel persons with evidence beyond "
        f"a name and a city: {_share(r['cross_channel_evidenced'])}; "
        f"invariants hold: {r['invariants_ok']}.",
        "",
        "| metric | " + " | ".join(columns) + " |",
        "| --- |" + " ---: |" * len(columns),
    ]
    for label, cell in rows:
        lines.append(f"| {label} | " + " | ".join(cell(s) for s in columns.values()) + " |")
    for name, v in r["graph_cdp"].items():
        traps = {k: t["hit"] for k, t in v["trap_pairs_merged"].items()}
        lines += [
            "",
            f"`{name}`: refused links by rule `{json.dumps(v['job'].get('refusedByRule'))}`; "
            f"trap pairs merged by kind `{json.dumps(traps)}`; job seconds "
            f"`{json.dumps(v['job'].get('seconds'))}`.",
        ]
    matching = r["graph_cdp"].get(MATCHING)
    if matching is not None:
        m = matching["job"].get("matching") or {}
        lines += [
            "",
            f"Matching: pairs by blocking rule `{json.dumps(m.get('pairsByRule'))}`, "
            f"blocks skipped {m.get('blocksSkipped')}; targets `{json.dumps(r['targets'])}`, "
            f"met `{json.dumps(matching.get('targets_met'))}`.",
        ]
    lines += _miss_lines(r)
    lines += ["", f"Seconds: `{json.dumps({k: round(v, 1) for k, v in r['seconds'].items()})}`"]
    return lines


def _miss_lines(r: dict[str, Any]) -> list[str]:
    misses = (r["graph_cdp"].get(MATCHING) or {}).get("cross_channel_misses")
    slips = r.get("mailbox_slips")
    if misses is None or slips is None:
        return []
    pairs, one = slips["pairs"], slips["one_neighbour"]
    return [
        "",
        f"Cross-channel persons left apart by `{MATCHING}`, by cause: `{json.dumps(misses)}`.",
        "",
        f"Mailboxes one slip apart (`mailboxes.mistyped`) among the sample's "
        f"{slips['mailboxes']} mailboxes: a slip in the local part, "
        f"{pairs.get('local_same_person', 0)} pairs of one person and "
        f"{pairs.get('local_different_person', 0)} of two; the same local part at a mistyped "
        f"domain, {pairs.get('domain_same_person', 0)} of one and "
        f"{pairs.get('domain_different_person', 0)} of two. Mailboxes with exactly one such "
        f"neighbour: it is their owner's for {one.get('same_person', 0)}, a stranger's for "
        f"{one.get('different_person', 0)}. A slip alone says little: a mailbox with nothing "
        f"else known about it is not joined on one.",
    ]


def _batch_lines(r: dict[str, Any]) -> list[str]:
    first, second = r["first_job"], r["second_job"]
    return [
        f"{r['identifiers']} identifiers, {r['links']} links written directly.",
        "",
        "| | seconds |",
        "| --- | ---: |",
        f"| first full job (assigns every identifier) | {r['seconds']['first_full_job']:.1f} |",
        f"| second full job (nothing to change) | {r['seconds']['second_full_job']:.1f} |",
        f"| components step in the job (best of two) | "
        f"{min(first['seconds']['components'], second['seconds']['components']):.3f} |",
        f"| scipy connected_components alone, identifiers in key order (as the job numbers "
        f"them) | {r['seconds']['scipy_components_alone']:.3f} |",
        f"| the same, identifiers in the order they were made (a person's side by side) | "
        f"{r['seconds'].get('scipy_components_made_order', float('nan')):.3f} |",
        "",
        f"Components step / scipy alone: {r['components_step_vs_scipy']:.2f}x. "
        f"First job stages: `{json.dumps(first['seconds'])}`; "
        f"second: `{json.dumps(second['seconds'])}`.",
        f"Customers after: {first['customersAfter']}; refused by rule: "
        f"`{json.dumps(first['refusedByRule'])}`.",
        *_peak_lines(r),
        *_spark_lines(r),
    ]


def _peak_lines(r: dict[str, Any]) -> list[str]:
    peak = r.get("peak_rss_mb")
    if not peak:
        return []
    return [
        f"Peak memory of the bench process after the local jobs (the synthesized graph, "
        f"the baseline's edges and the jobs): {peak['after_local_jobs']:,} MB.",
    ]


def _spark_lines(r: dict[str, Any]) -> list[str]:
    spark = r.get("spark_job")
    if not spark:
        return []
    if "error" in spark:
        return ["", f"Spark engine on the resolved graph: failed, `{spark['error']}`."]
    return [
        "",
        f"Spark engine on the resolved graph: {r['seconds']['spark_full_job']:.1f} s, "
        f"units changed {spark['unitsChanged']} of {spark['units']} (0: it agrees with the "
        f"local job on every unit); stages `{json.dumps(spark['seconds'])}`.",
    ]


async def main(args: argparse.Namespace) -> None:
    settings = Settings()
    store = Store.open(settings)
    try:
        await store.ping()
        if "ingest" in args.only:
            r = await bench_ingest(store, settings, args.ingest_customers, args.seed)
            console.print(write_report("ingest", r, _ingest_lines(r)).read_text())
        if "accuracy" in args.only:
            r = await bench_accuracy(
                store, settings, args.accuracy_customers, args.seed, args.incremental
            )
            console.print(write_report("accuracy", r, _accuracy_lines(r)).read_text())
        if "batch" in args.only:
            r = await bench_batch(
                store,
                settings,
                args.batch_identifiers,
                args.seed,
                reuse=args.batch_reuse,
                spark=args.batch_spark,
            )
            console.print(write_report("batch", r, _batch_lines(r)).read_text())
        if "febrl" in args.only:
            r = await bench_febrl(store)
            console.print(write_report("febrl", r, febrl_lines(r)).read_text())
        if "partial" in args.only:
            r = await bench_partial(store, settings, args.partial_customers, args.seed)
            console.print(write_report("partial", r, partial_lines(r)).read_text())
        if "api" in args.only:
            r = await bench_api_latency(
                settings,
                args.api_profiles,
                args.api_requests,
                args.api_concurrency,
                args.api_key,
                rounds=args.api_rounds,
            )
            console.print(write_report("api_latency", r, api_latency_lines(r)).read_text())
        if "activation" in args.only:
            r = await bench_activation(
                store, settings, args.activation_customers, args.seed, args.webhook_deliveries
            )
            console.print(write_report("activation", r, activation_lines(r)).read_text())
    finally:
        await store.close()


def parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument(
        "--only",
        nargs="+",
        default=["ingest", "accuracy", "batch", "api"],
        choices=["ingest", "accuracy", "batch", "api", "febrl", "partial", "activation"],
    )
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--ingest-customers", type=int, default=2000)
    parser.add_argument("--accuracy-customers", type=int, default=20000)
    parser.add_argument("--incremental", action="store_true", help="resolve on every write")
    parser.add_argument("--partial-customers", type=int, default=1000)
    parser.add_argument("--batch-identifiers", type=int, default=1_000_000)
    parser.add_argument(
        "--batch-reuse",
        action="store_true",
        help="batch: reset a raw graph of the same size left by an earlier run, not rewrite it",
    )
    parser.add_argument(
        "--batch-spark",
        action="store_true",
        help="batch: also run the Spark engine's job on the resolved graph",
    )
    parser.add_argument("--api-profiles", type=int, default=200)
    parser.add_argument("--api-requests", type=int, default=400)
    parser.add_argument("--api-concurrency", type=int, default=16)
    parser.add_argument("--api-rounds", type=int, default=3, help="api: rounds of each figure")
    parser.add_argument("--activation-customers", type=int, default=1000)
    parser.add_argument("--webhook-deliveries", type=int, default=200)
    parser.add_argument("--api-key", help="api: a read+write API key, when keys are configured")
    return parser.parse_args()


if __name__ == "__main__":
    asyncio.run(main(parse()))
