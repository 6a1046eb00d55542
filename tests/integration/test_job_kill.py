"""A full job SIGKILLed in a real child process during its write phase: the graph stays
consistent (``graph-cdp check``), the job reads ``failed`` at the next start, and a rerun
finishes the rest."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path
from types import MappingProxyType

from graph_cdp.config import Settings
from graph_cdp.resolution.rules import DEFAULT_HUB_THRESHOLDS, Rules
from graph_cdp.sample import generate
from graph_cdp.services import CdpService
from graph_cdp.store import Store
from tests.integration.helpers import partition

ROOT = Path(__file__).resolve().parents[2]
# A real process runs a full job, under a stricter hub rule (so many units change) or,
# given "default", under the default rules (after a deferred load: the units written from
# the read), in transactions of a few identifiers, and says when each one committed.
WRITING_JOB = """
import asyncio, sys, time
from types import MappingProxyType
from graph_cdp.config import Settings
from graph_cdp.resolution import batch
from graph_cdp.resolution.rules import DEFAULT_HUB_THRESHOLDS, Rules
from graph_cdp.services import CdpService
from graph_cdp.store import Store

batch.UNITS_PER_TX_IDENTIFIERS = 3
batch.KNOWN_TX_IDENTIFIERS = 3
STRICT = Rules(
    hub_thresholds=MappingProxyType(dict.fromkeys(DEFAULT_HUB_THRESHOLDS, 2)),
    default_hub_threshold=2,
)

def progress(stage, done, total):
    if stage == "apply":
        print(f"applied {done} {total}", flush=True)
        time.sleep(0.05)  # the job outlasts the parent's delay before the kill

async def main():
    settings = Settings()
    rules = Rules() if sys.argv[1:] == ["default"] else STRICT
    service = CdpService(Store.open(settings), settings, rules=rules)
    await service.run_resolution("full", progress)

asyncio.run(main())
"""


async def _kill_while_writing(*args: str) -> tuple[int, int, int]:
    """Run the job in a child, SIGKILL it a moment after its first write committed;
    return the child's pid and the units it had written of how many."""
    child = await asyncio.create_subprocess_exec(
        sys.executable, "-c", WRITING_JOB, *args, cwd=ROOT, stdout=asyncio.subprocess.PIPE
    )
    done, total = 0, 0
    try:
        assert child.stdout is not None
        line = await asyncio.wait_for(child.stdout.readline(), 300)
        assert line.startswith(b"applied "), line
        await asyncio.sleep(0.3)
    finally:
        os.kill(child.pid, signal.SIGKILL)
        rest = await asyncio.wait_for(child.stdout.read(), 30) if child.stdout else b""
        await asyncio.wait_for(child.wait(), 30)
    for text in (line + rest).decode().splitlines():
        _, d, t = text.split()
        done, total = int(d), int(t)
    return child.pid, done, total


async def test_a_job_killed_while_writing_is_failed_at_the_next_start_and_a_rerun_finishes(
    store: Store, settings: Settings
) -> None:
    await CdpService(store, settings).ingest_events(generate(customers=60, seed=8).events[:800])
    pid, done, total = await _kill_while_writing()
    assert 0 < done < total  # killed in the middle of its writes
    (killed,) = await store.query("list_running_jobs")  # nobody has marked it yet
    strict = Rules(
        hub_thresholds=MappingProxyType(dict.fromkeys(DEFAULT_HUB_THRESHOLDS, 2)),
        default_hub_threshold=2,
    )
    service = CdpService(store, settings, rules=strict)
    assert (await service.check()).ok  # every committed unit is whole

    rerun = await service.run_resolution("full")  # the next start fails the killed job first
    view = await service.resolution_job(str(killed["id"]))
    assert view is not None
    assert view.status == "failed"
    assert view.error is not None
    assert f"pid {pid}" in view.error
    assert "is gone" in view.error
    assert rerun.status == "succeeded"
    assert 0 < rerun.stats["unitsChanged"] < total  # the rest, not everything again
    finished = await partition(store)
    assert (await service.run_resolution("full")).stats["unitsChanged"] == 0
    assert await partition(store) == finished
    assert (await service.check()).ok


async def test_a_first_job_killed_while_writing_from_its_read_leaves_whole_units(
    store: Store, settings: Settings
) -> None:
    """After a deferred load every unit is written from the job's read (fenced): killed
    half-way, each unit is written whole or not at all, and a rerun writes the rest."""
    service = CdpService(store, settings)
    await service.ingest_events(generate(customers=60, seed=8).events[:800], resolve=False)
    _, done, total = await _kill_while_writing("default")
    assert 0 < done < total
    records, _, _ = await store.driver.execute_query(
        "MATCH (i:Identifier) RETURN count { (i)-[:BELONGS_TO]->() } > 0 AS owned, count(*) AS n",
        database_=store.database,
    )
    owned = {r["owned"]: r["n"] for r in records}
    assert owned.get(True, 0) > 0  # killed half-way: some units written,
    assert owned.get(False, 0) > 0  # some not
    half, _, _ = await store.driver.execute_query(
        "MATCH (i:Identifier)-[:BELONGS_TO]->(:Customer) "
        "MATCH (i)-[:LINKED]-(n:Identifier) "
        "WHERE i.status = 'ok' AND n.status = 'ok' AND NOT (n)-[:BELONGS_TO]->() "
        "RETURN count(*) AS split",
        database_=store.database,
    )
    assert half[0]["split"] == 0  # no unit is half written
    rerun = await service.run_resolution("full")
    assert rerun.status == "succeeded"
    assert 0 < rerun.stats["unitsChanged"] < total
    assert rerun.stats["knownUnits"] == rerun.stats["unitsChanged"]
    assert (await service.check()).ok
    assert (await service.run_resolution("full")).stats["unitsChanged"] == 0
