"""The full job on Spark (local mode) against the real Neo4j: the same units rewritten,
the same partition, the same statuses and refusals as the local engine."""

from __future__ import annotations

from collections.abc import Iterator
from types import MappingProxyType
from typing import Any

import pytest

from graph_cdp.config import Settings
from graph_cdp.engines.spark import spark_session
from graph_cdp.errors import InvalidInput
from graph_cdp.resolution.rules import DEFAULT_HUB_THRESHOLDS, Rules
from graph_cdp.sample import generate
from graph_cdp.services import CdpService
from graph_cdp.store import Store
from tests.conftest import wipe
from tests.integration.helpers import partition

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def spark_settings(settings: Settings) -> Iterator[Settings]:
    """Two local Spark threads and few partitions: the same job as on a cluster."""
    spark_ready = settings.model_copy(update={"spark_partitions": 3, "engine": "local"})
    session = spark_session(spark_ready)  # started once for the module (it is slow to start)
    yield spark_ready
    session.stop()


async def _states(store: Store) -> tuple[set[frozenset[str]], dict[str, Any], dict[Any, Any]]:
    """Partition, identifier statuses and link decisions: everything a job decides."""
    records, _, _ = await store.driver.execute_query(
        "MATCH (i:Identifier) RETURN i.key AS key, i.status AS status", database_=store.database
    )
    statuses = {r["key"]: r["status"] for r in records}
    records, _, _ = await store.driver.execute_query(
        "MATCH (a:Identifier)-[l:LINKED]->(b:Identifier) "
        "RETURN a.key AS a, b.key AS b, l.active AS active, l.refusedBy AS refusedBy",
        database_=store.database,
    )
    decisions = {(r["a"], r["b"]): (r["active"], r["refusedBy"]) for r in records}
    return await partition(store), statuses, decisions


async def _load(service: CdpService, events: list[dict[str, Any]]) -> None:
    for start in range(0, len(events), 500):
        await service.ingest_events(events[start : start + 500], resolve=False)


async def test_spark_and_local_jobs_decide_the_same(store: Store, spark_settings: Settings) -> None:
    data = generate(customers=25, seed=11)
    service = CdpService(store, spark_settings)
    await _load(service, data.events)
    spark_job = await service.run_resolution("full", engine="spark")
    assert spark_job.status == "succeeded", spark_job.error
    assert spark_job.engine == "spark"
    assert spark_job.stats["unitsChanged"] > 0
    by_spark = await _states(store)
    # A local job over what Spark wrote finds nothing to change...
    local_after = await service.run_resolution("full", engine="local")
    assert local_after.stats["unitsChanged"] == 0
    assert local_after.stats["refusedByRule"] == spark_job.stats["refusedByRule"]
    # ...and from the same evidence, the local engine reaches the same state.
    await wipe(store)
    await store.apply_schema()
    await _load(service, data.events)
    local_job = await service.run_resolution("full", engine="local")
    assert local_job.stats["units"] == spark_job.stats["units"]
    assert local_job.stats["unitsChanged"] == spark_job.stats["unitsChanged"]
    assert local_job.stats["identifiers"] == spark_job.stats["identifiers"]
    assert local_job.stats["links"] == spark_job.stats["links"]
    assert await _states(store) == by_spark
    assert len(by_spark[0]) == local_job.stats["customersAfter"]


async def test_spark_job_applies_a_rule_change_like_the_local_job(
    store: Store, spark_settings: Settings
) -> None:
    """Lower hub thresholds turn identifiers into hubs: both engines split the same way."""
    data = generate(customers=20, seed=5)
    strict = Rules(hub_thresholds=MappingProxyType({**DEFAULT_HUB_THRESHOLDS, "cookie_id": 3}))
    before = CdpService(store, spark_settings)
    await _load(before, data.events)
    await before.run_resolution("full", engine="local")
    after = CdpService(store, spark_settings, rules=strict)
    spark_job = await after.run_resolution("full", engine="spark")
    assert spark_job.stats["statusChanges"] > 0
    assert (await after.run_resolution("full", engine="local")).stats["unitsChanged"] == 0
    by_spark = await _states(store)

    await wipe(store)
    await store.apply_schema()
    await _load(before, data.events)
    await before.run_resolution("full", engine="local")
    local_job = await after.run_resolution("full", engine="local")
    assert local_job.stats["statusChanges"] == spark_job.stats["statusChanges"]
    assert await _states(store) == by_spark


async def test_spark_runs_full_jobs_only(store: Store, spark_settings: Settings) -> None:
    service = CdpService(store, spark_settings)
    with pytest.raises(InvalidInput, match="full jobs only"):
        await service.run_resolution("incremental", engine="spark")
    with pytest.raises(InvalidInput, match="engine must be one of"):
        await service.run_resolution("full", engine="flink")
