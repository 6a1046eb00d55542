"""FEBRL through the product: `graph-cdp ingest`, then `graph-cdp resolve --full`.

The same commands a user runs (bench/febrl/README.md), as child processes against the
server in the environment, with the settings in ``ENVIRONMENT``: the extra kind
``febrl_id``, the rules file that makes it an anchor, and the matching configuration.
The full job builds one match record per base cluster (here: per FEBRL record), trains
the model (none is stored yet), scores the blocked pairs, writes fuzzy links above the
merge threshold and resolves. The result is read back from Neo4j: the profile of every
record's ``febrl_id``. Every pair of records in one profile is a predicted pair, so the
score is the partition's, after the transitive closure of the fuzzy links.
"""

from __future__ import annotations

import itertools
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from bench.common import fresh
from bench.febrl_events import HERE, Row, events, load_mapping
from graph_cdp.store import Store

Pair = tuple[str, str]

# What a user sets for the FEBRL rerun (bench/febrl/README.md), paths inside bench/.
ENVIRONMENT = {
    "GRAPH_CDP_EXTRA_KINDS": "febrl_id",
    "GRAPH_CDP_RULES_FILE": str(HERE / "rules.toml"),
    "GRAPH_CDP_MATCHING_FILE": str(HERE / "config.toml"),
}


def _cli() -> list[str]:
    """The `graph-cdp` of this interpreter's environment."""
    script = Path(sys.executable).with_name("graph-cdp")
    return [str(script)] if script.exists() else [sys.executable, "-m", "graph_cdp.cli"]


def run_cli(args: list[str], env: Mapping[str, str] | None = None) -> str:
    """Run `graph-cdp <args>` with the FEBRL settings; its standard output."""
    done = subprocess.run(
        [*_cli(), *args],
        env={**os.environ, **ENVIRONMENT, **(env or {})},
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"graph-cdp {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout


def profile_pairs(profiles: Mapping[str, str]) -> set[Pair]:
    """Record id -> profile id as the pairs of records that share a profile."""
    members: dict[str, list[str]] = {}
    for record, profile in profiles.items():
        members.setdefault(profile, []).append(record)
    return {pair for ids in members.values() for pair in itertools.combinations(sorted(ids), 2)}


def within_source(pairs: Iterable[Pair], sources: Mapping[str, str | None]) -> int:
    """Predicted pairs of two records of one FEBRL4 file (the truth has none)."""
    return sum(1 for a, b in pairs if sources[a] is not None and sources[a] == sources[b])


async def read_profiles(store: Store) -> dict[str, str]:
    """febrl_id value -> the id of the customer profile it belongs to."""
    prefix = f"{load_mapping()['identifier_kind']}:"
    rows = await store.query("identifier_customers")
    return {
        r["key"].removeprefix(prefix): r["customer"] for r in rows if r["key"].startswith(prefix)
    }


async def run_graph_path(store: Store, dataset: str, rows: list[Row]) -> dict[str, Any]:
    """Wipe the server, ingest the data set's events, run the full job, read profiles."""
    await fresh(store)
    seconds: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"{dataset}.ndjson"
        with path.open("w", encoding="utf-8") as out:
            for event in events(rows, dataset):
                out.write(json.dumps(event, sort_keys=True) + "\n")
        began = time.perf_counter()
        run_cli(["ingest", str(path), "--batch", "1000"])
        seconds["ingest"] = time.perf_counter() - began
    began = time.perf_counter()
    job = json.loads(run_cli(["resolve", "--full", "--json"]).strip().splitlines()[-1])
    seconds["full_job"] = time.perf_counter() - began
    matching = job.get("matching", {})
    if isinstance(matching, str):
        matching = json.loads(matching)
    profiles = await read_profiles(store)
    predicted = profile_pairs(profiles)
    sources = {rec_id: source for rec_id, source, _ in rows}
    return {
        "records": len(rows),
        "records_with_profile": len(profiles),
        "profiles": len(set(profiles.values())),
        "predicted": predicted,
        "within_source_pairs": within_source(predicted, sources),
        "pairs_compared": matching.get("pairsCompared"),
        "fuzzy_links": matching.get("fuzzyLinks"),
        "review_candidates": matching.get("candidates"),
        "model_trained": matching.get("trained"),
        "seconds": seconds,
    }
