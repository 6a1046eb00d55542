"""A full resolution job on a large graph, beside scipy's connected components.

The graph is synthetic and written straight into Neo4j (no events): people with 1-6
identifiers of mixed kinds, chained by co-occurrence links, plus conflicts (two
customer ids sharing an email) and shared devices, so the rules have work to do. Each
identifier carries its degree, as a write that defers resolution leaves it (statuses and
degrees are refreshed on every write; only customers wait for the job).
The job's components step (building the sparse matrix from the evidence it read and
labelling it) is reported beside ``scipy.sparse.csgraph.connected_components`` alone
on the same edges as integer arrays, timed in the same process.
"""

from __future__ import annotations

import gc
import itertools
import random
import resource
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np
from neo4j import AsyncManagedTransaction
from rich.progress import Progress
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from bench.common import fresh, timer
from graph_cdp.config import Settings
from graph_cdp.services import CdpService
from graph_cdp.store import Store, run
from graph_cdp.store.values import wire

KINDS = [
    ("email", "Email"),
    ("phone", "Phone"),
    ("device_id", "Device"),
    ("cookie_id", "Cookie"),
    ("customer_id", "CustomerId"),
    ("loyalty_id", "LoyaltyId"),
]
WRITE_BATCH = 10_000


def _value(kind: str, person: int, j: int) -> str:
    """A normalized value of ``kind``, unique to (person, j), shaped as the write path
    stores one (E.164 phones, canonical UUID devices), so the job's per-value checks
    (the block list) do the work they do on real data."""
    n = person * 8 + j
    if kind == "email":
        return f"p{person}.{j}@mail{person % 89}.com"
    if kind == "phone":  # US numbers: an exchange starts with 2-9; one per n
        area, line = 201 + (n // 8_000_000) % 700, n % 8_000_000
        return f"+1{area}{2 + line // 1_000_000}{line % 1_000_000:06d}"
    if kind == "device_id":
        return f"{person:08x}-{j:04x}-4000-8000-{n:012x}"
    if kind == "loyalty_id":
        return f"club:{n}"
    return f"{kind}-{person}-{j}"


def synthesize(n_identifiers: int, seed: int) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    rng = random.Random(seed)
    start = datetime(2025, 1, 1, tzinfo=UTC)
    nodes: list[dict[str, Any]] = []
    links: list[dict[str, Any]] = []
    person = 0
    while len(nodes) < n_identifiers:
        size = min(rng.randint(1, 6), n_identifiers - len(nodes))
        members = []
        for j in range(size):
            kind, label = KINDS[j % len(KINDS)] if j else KINDS[rng.randrange(len(KINDS))]
            value = _value(kind, person, j)
            at = wire(start + timedelta(minutes=rng.randrange(500_000)))
            nodes.append(
                {"key": f"{kind}:{value}", "kind": kind, "value": value, "label": label, "at": at}
            )
            members.append(nodes[-1])
        for a, b in itertools.pairwise(members):
            lo, hi = sorted((a["key"], b["key"]))
            links.append({"a": lo, "b": hi, "count": rng.randint(1, 5), "at": a["at"]})
        person += 1
    # A few percent of people share something with another: conflicts for the rules.
    for _ in range(n_identifiers // 50):
        a, b = rng.sample(nodes, 2)
        if a["key"] != b["key"]:
            lo, hi = sorted((a["key"], b["key"]))
            links.append({"a": lo, "b": hi, "count": 1, "at": a["at"]})
    unique = {(ln["a"], ln["b"]): ln for ln in links}
    # Each identifier's degree, as a write that defers resolution leaves it.
    degree = Counter(k for ln in unique.values() for k in (ln["a"], ln["b"]))
    for node in nodes:
        node["degree"] = degree[node["key"]]
    return nodes, list(unique.values())


async def _write(store: Store, name: str, rows: list[dict[str, Any]], bar: Progress) -> None:
    task = bar.add_task(f"writing {name}", total=len(rows))
    for start in range(0, len(rows), WRITE_BATCH):
        chunk = rows[start : start + WRITE_BATCH]

        async def work(tx: AsyncManagedTransaction, chunk: list[dict[str, Any]] = chunk) -> None:
            await run(tx, f"bench/raw_graph_{name}", rows=chunk)

        await store.write(work)
        bar.advance(task, len(chunk))


Edges = tuple[int, Any, Any]  # nodes, and each link's ends as integer arrays


def edge_arrays(
    nodes: list[dict[str, Any]], links: list[dict[str, Any]], *, key_order: bool = True
) -> Edges:
    """The links' ends as integer arrays. ``key_order``: the identifiers numbered in key
    order, as the job numbers them (it reads them by key); else in the order they were
    made, a person's identifiers side by side, which labels faster (fewer cache misses),
    though the edges are the same."""
    keys = sorted(n["key"] for n in nodes) if key_order else [n["key"] for n in nodes]
    index = {k: i for i, k in enumerate(keys)}
    rows = np.fromiter((index[ln["a"]] for ln in links), np.int64, len(links))
    cols = np.fromiter((index[ln["b"]] for ln in links), np.int64, len(links))
    return len(nodes), rows, cols


def scipy_baseline(edges: Edges) -> float:
    """scipy's components on the edges, timed."""
    n, rows, cols = edges
    began = time.perf_counter()
    matrix = coo_matrix((np.ones(len(rows), np.int8), (rows, cols)), shape=(n, n))
    connected_components(matrix, directed=False)
    return time.perf_counter() - began


async def _reuse(store: Store, nodes: list[dict[str, Any]], links: list[dict[str, Any]]) -> bool:
    """Put a raw graph of this size, left by an earlier run, back to its unresolved state;
    False when the graph holds something else (it is then written afresh)."""
    counts = (await store.query("bench/count_raw_graph"))[0]
    if (counts["identifiers"], counts["links"]) != (len(nodes), len(links)):
        return False
    while (await store.execute("bench/reset_resolution_nodes"))[0]["deleted"]:
        pass
    after: str | None = ""
    while after is not None:
        after = (await store.execute("bench/reset_identifier_page", after=after, limit=20_000))[0][
            "last"
        ]
    return True


async def bench_batch(
    store: Store,
    settings: Settings,
    identifiers: int,
    seed: int,
    *,
    reuse: bool = False,
    spark: bool = False,
) -> dict[str, Any]:
    """``reuse``: keep a raw graph of the same size from an earlier run (reset, not
    rewritten). ``spark``: then run the Spark engine's job on the graph the local job
    resolved: it must find nothing to change (the two engines agree on every unit)."""
    nodes, links = synthesize(identifiers, seed)
    seconds: dict[str, float] = {}
    with timer(seconds, "write_graph"):
        if not (reuse and await _reuse(store, nodes, links)):
            await fresh(store)
            with Progress() as bar:
                await _write(store, "identifiers", nodes, bar)
                await _write(store, "links", links, bar)
    # Only the baseline's arrays are kept: the rows as dicts, several GB at 10 M
    # identifiers, are not held while the jobs run.
    by_key, made_order = edge_arrays(nodes, links), edge_arrays(nodes, links, key_order=False)
    sizes = len(nodes), len(links)
    del nodes, links
    gc.collect()
    service = CdpService(store, settings)
    with timer(seconds, "first_full_job"):
        first = await service.run_resolution("full")
    with timer(seconds, "second_full_job"):
        second = await service.run_resolution("full")
    local_peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    spark_job: dict[str, Any] | None = None
    if spark:
        with timer(seconds, "spark_full_job"):
            try:
                spark_job = (await service.run_resolution("full", engine="spark")).stats
            except Exception as error:
                spark_job = {"error": f"{type(error).__name__}: {error}"[:500]}
    seconds["scipy_components_alone"] = min(scipy_baseline(by_key) for _ in range(3))
    seconds["scipy_components_made_order"] = min(scipy_baseline(made_order) for _ in range(3))
    job_components = min(
        first.stats["seconds"]["components"], second.stats["seconds"]["components"]
    )
    return {
        "identifiers": sizes[0],
        "links": sizes[1],
        "first_job": first.stats,
        "second_job": second.stats,
        "spark_job": spark_job,
        "peak_rss_mb": {"after_local_jobs": round(local_peak_mb)},
        "seconds": seconds,
        "components_step_vs_scipy": job_components / seconds["scipy_components_alone"],
    }
