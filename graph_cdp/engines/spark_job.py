"""The full resolution job with its read, components and resolve steps on Spark.

The apply step is the local engine's: changed units are re-resolved under locks, whole
units per transaction, so a job killed half-way leaves every unit consistent and a
rerun finishes the rest, whichever engine found the units.
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter

from graph_cdp.config import Settings
from graph_cdp.engines.spark import (
    changed_units,
    read_evidence,
    spark_session,
    unit_edges,
    with_statuses,
)
from graph_cdp.engines.spark_components import component_labels
from graph_cdp.graph_types import StatusInput
from graph_cdp.identifiers import IdentifierPolicy
from graph_cdp.resolution.batch import (
    JobStats,
    JobStore,
    Progress,
    SnapshotStep,
    apply_units,
    read_snapshot,
)
from graph_cdp.resolution.rules import Rules
from graph_cdp.store import Store
from graph_cdp.store.key_ranges import key_ranges

Members = list[list[tuple[str, str, str | None]]]


def _compute(
    settings: Settings, rules: Rules, ranges: list[tuple[str, str | None]], stats: JobStats
) -> Members:
    """Everything but the writes (blocking Spark calls, run in a worker thread)."""
    from pyspark.sql import functions as sf

    spark = spark_session(settings)
    began = time.perf_counter()
    nodes, links = read_evidence(spark, settings, ranges)
    stats.identifiers = nodes.count()
    stats.links = links.count()
    stats.seconds["read"] = time.perf_counter() - began

    t = time.perf_counter()
    nodes = with_statuses(nodes, links, rules).cache()
    stats.status_changes = nodes.where(sf.col("status") != sf.col("stored")).count()
    stats.customers_before = (
        nodes.select("customer").where("customer IS NOT NULL").distinct().count()
    )
    labels = component_labels(unit_edges(nodes, links)).cache()
    labels.count()
    stats.seconds["components"] = time.perf_counter() - t

    t = time.perf_counter()
    buckets = settings.spark_partitions * 8  # groups of units: a few thousand units each
    units, refused, n_units = changed_units(nodes, links, labels, rules, buckets)
    stats.units = n_units
    stats.units_changed = len(units)
    stats.refused_by_rule = Counter(refused)
    stats.seconds["resolve"] = time.perf_counter() - t
    for frame in (nodes, links, labels):
        frame.unpersist()
    return units


async def run_full_spark(
    store: Store,
    units_store: JobStore,
    settings: Settings,
    policy: IdentifierPolicy,
    rules: Rules,
    job_id: str,
    progress: Progress | None = None,
    before_resolve: SnapshotStep | None = None,
) -> JobStats:
    """The full job on Spark: the same stats, the same units rewritten, as the local job.

    The matching step (``before_resolve``: fuzzy links and review candidates) still runs
    on the driver, over the local snapshot, before Spark reads the evidence it wrote."""
    stats = JobStats()
    began = time.perf_counter()
    if before_resolve is not None:
        # The step reads the whole graph on the driver only when it has records to
        # build (identifiers with traits); else it needs none of it.
        state = await before_resolve.prefetch()
        snapshot = (
            await read_snapshot(units_store, policy, rules)
            if before_resolve.needs_graph(state)
            else None
        )
        await before_resolve(snapshot, stats, state)
        del snapshot
        stats.seconds["match"] = time.perf_counter() - began
    total = int((await store.query("count_identifiers"))[0]["total"])
    ranges = await key_ranges(store, settings.spark_partitions, total)
    units = await asyncio.to_thread(_compute, settings, rules, ranges, stats)
    if progress is not None:
        progress("read", stats.identifiers, stats.identifiers)

    t = time.perf_counter()
    inputs = {key: StatusInput(key, kind, blocked) for unit in units for key, kind, blocked in unit}
    keys = [[key for key, _, _ in unit] for unit in units]
    await apply_units(units_store, inputs, keys, job_id, stats, progress)
    stats.seconds["apply"] = time.perf_counter() - t

    stats.customers_after = await units_store.count_customers()
    stats.seconds["total"] = time.perf_counter() - began
    return stats
