"""A FEBRL3 slice through the product, as bench/febrl/README.md reruns it: the events of
bench/febrl_events.py, then `graph-cdp ingest` and `graph-cdp resolve --full` as child
processes (the benchmark's own path, bench/febrl_graph.py) against the real Neo4j,
with the FEBRL kind, rules and matching configuration of bench/febrl/."""

from __future__ import annotations

import json
from pathlib import Path

from bench.febrl import truth
from bench.febrl_events import Row, events, load
from bench.febrl_graph import profile_pairs, read_profiles, run_cli
from graph_cdp.store import Store

# Persons 0-59 of FEBRL3 with all their records (about 150): enough for EM to learn.
PERSONS = 60


def _slice() -> list[Row]:
    return [row for row in load("febrl3") if int(row[0].split("-")[1]) < PERSONS]


async def test_a_febrl_slice_is_matched_through_ingest_and_the_full_job(
    tmp_path: Path, store: Store
) -> None:
    rows = _slice()
    path = tmp_path / "febrl3.ndjson"
    path.write_text("".join(json.dumps(e) + "\n" for e in events(rows, "febrl3")), encoding="utf-8")
    assert "accepted" in run_cli(["ingest", str(path)])
    # Before the job: one profile per record, since no two records share an identifier.
    assert len(set((await read_profiles(store)).values())) == len(rows)

    job = json.loads(run_cli(["resolve", "--full", "--json"]).strip().splitlines()[-1])
    assert job["status"] == "succeeded"
    matching = job["matching"] if isinstance(job["matching"], dict) else json.loads(job["matching"])
    assert matching["trained"] is True
    assert matching["records"] == len(rows)

    profiles = await read_profiles(store)
    assert set(profiles) == {rec_id for rec_id, _, _ in rows}
    joined = profile_pairs(profiles)
    true = truth(profiles, link_only=False)
    assert len(true) > 100
    # Known non-pairs never share a profile: every joined pair is one person's.
    assert joined - true == set()
    # Known duplicates join: rec-N-org with each rec-N-dup-k, nearly all of them.
    originals = {(a, b) for a, b in true if a.endswith("-org") or b.endswith("-org")}
    assert len(originals & joined) >= 0.95 * len(originals)
    assert len(true & joined) >= 0.95 * len(true)
