"""A job whose process was killed reads `failed` at once: at start-up, and when a new job starts."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx

from graph_cdp.config import Settings
from graph_cdp.services import CdpService
from graph_cdp.store import Store
from tests.api.conftest import Api, api_settings, start_server
from tests.integration.helpers import ev

ROOT = Path(__file__).resolve().parents[2]
# A real process runs a real job, and stalls in the middle of it (its progress callback
# never returns) until it is killed.
STALLED_JOB = """
import asyncio, time
from graph_cdp.config import Settings
from graph_cdp.services import CdpService

def stall(stage, done, total):
    print("running", flush=True)
    time.sleep(3600)

async def main():
    service = CdpService.open(Settings())
    await service.prepare()
    await service.run_resolution("full", stall)

asyncio.run(main())
"""


async def _running_jobs(store: Store) -> list[dict[str, object]]:
    return await store.query("list_running_jobs")


async def _kill_a_running_job(store: Store) -> tuple[str, int]:
    """Start a job in a child process, see it running in the graph, SIGKILL the child."""
    child = await asyncio.create_subprocess_exec(
        sys.executable, "-c", STALLED_JOB, cwd=ROOT, stdout=asyncio.subprocess.PIPE
    )
    try:
        assert child.stdout is not None
        line = await asyncio.wait_for(child.stdout.readline(), 120)
        assert line.strip() == b"running", line
        (job,) = [j for j in await _running_jobs(store) if f":{child.pid}:" in str(j["owner"])]
    finally:
        os.kill(child.pid, signal.SIGKILL)
        await asyncio.wait_for(child.wait(), 30)
    return str(job["id"]), child.pid


async def test_a_restart_marks_a_killed_job_failed_at_once(
    store: Store, settings: Settings
) -> None:
    job_id, pid = await _kill_a_running_job(store)
    live = start_server(api_settings(settings))  # the API starting again after the kill
    try:
        async with httpx.AsyncClient(base_url=live.url, timeout=30) as client:
            api = Api(client, "admin-secret-0123456789")
            query = "query($id: ID!) { resolutionJob(id: $id) { status error finishedAt } }"
            job = (await api.data(query, {"id": job_id}))["resolutionJob"]
    finally:
        live.stop()
    assert job["status"] == "failed"
    assert job["error"] == f"interrupted: its process (pid {pid} on {socket.gethostname()}) is gone"
    assert job["finishedAt"] is not None


async def test_a_new_job_fails_the_killed_one_first(service: CdpService, store: Store) -> None:
    await service.ingest_events([ev("1", ("email", "a@x.io"), ("cookie_id", "k1"))])
    job_id, _ = await _kill_a_running_job(store)
    assert job_id in {j["id"] for j in await _running_jobs(store)}
    done = await service.run_resolution("full")
    assert done.status == "succeeded"
    killed = await service.resolution_job(job_id)
    assert killed is not None
    assert killed.status == "failed"
    assert killed.error is not None
    assert "is gone" in killed.error


async def test_a_job_of_another_host_fails_when_its_heartbeat_is_too_old(
    service: CdpService, store: Store
) -> None:
    now = datetime.now(UTC)
    old = now - timedelta(seconds=service.settings.job_stale_after_seconds + 30)
    owner = "elsewhere.example:4242:1000.00"
    await store.execute("create_job", id="job_old", mode="full", now=old, owner=owner)
    await store.execute("create_job", id="job_fresh", mode="full", now=now, owner=owner)
    assert await service.jobs.fail_stale() == 1
    old_job = await service.resolution_job("job_old")
    fresh_job = await service.resolution_job("job_fresh")
    assert old_job is not None
    assert fresh_job is not None
    assert old_job.status == "failed"
    assert old_job.error is not None
    assert old_job.error.startswith("interrupted: no heartbeat from elsewhere.example since")
    assert fresh_job.status == "running"


async def test_a_running_job_beats_its_heartbeat(store: Store, settings: Settings) -> None:
    fast = settings.model_copy(update={"job_heartbeat_seconds": 0.05})
    service = CdpService(store, fast)
    started = datetime.now(UTC) - timedelta(hours=1)
    await store.execute(
        "create_job", id="job_beat", mode="full", now=started, owner=service.jobs.owner.id
    )
    beat = asyncio.create_task(service.jobs._beat("job_beat"))
    beats: set[datetime] = set()
    try:
        deadline = time.monotonic() + 60
        while len(beats) < 3 and time.monotonic() < deadline:
            (row,) = [j for j in await _running_jobs(store) if j["id"] == "job_beat"]
            beats.add(row["heartbeatAt"].to_native())  # type: ignore[attr-defined]
            await asyncio.sleep(0.05)
    finally:
        beat.cancel()
    assert len(beats) >= 3  # the recorded time, then at least two beats
    assert min(beats) == started
    assert row["owner"] == service.jobs.owner.id
