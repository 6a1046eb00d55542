"""Resolution jobs: recorded in the graph, run in the background or in the foreground.

Each job records its owner (graph_cdp.job_owner) and beats a heartbeat while it runs.
At start-up and before each new job, running jobs whose owner is gone are marked
failed, with the reason, so that nobody waits on a job that nobody runs.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from graph_cdp.collection import oldest_generation_spaced
from graph_cdp.config import RESOLUTION_MODES, Settings
from graph_cdp.domain import JobView
from graph_cdp.errors import GraphCdpError, InvalidInput
from graph_cdp.identifiers import IdentifierPolicy
from graph_cdp.job_owner import Owner, orphan_reason
from graph_cdp.resolution.batch import (
    JobStats,
    Progress,
    SnapshotStep,
    run_full,
    run_incremental,
)
from graph_cdp.resolution.rules import Rules
from graph_cdp.resolve_units import JobUnits, UnitHook
from graph_cdp.store import Store
from graph_cdp.store.shares import JOB, detached
from graph_cdp.store.values import maybe_native

log = logging.getLogger("graph_cdp.jobs")
ENGINES = ("local", "spark")
HEARTBEAT = timedelta(seconds=5)
STALE_AFTER = timedelta(seconds=60)
_JSON_STATS = ("refusedByRule", "seconds", "matching")
_NOT_STATS = frozenset(
    {"id", "status", "mode", "engine", "startedAt", "finishedAt", "error", "heartbeatAt", "owner"}
)


def job_view(props: dict[str, Any]) -> JobView:
    stats = {
        k: (json.loads(v) if k in _JSON_STATS and isinstance(v, str) else v)
        for k, v in props.items()
        if k not in _NOT_STATS
    }
    return JobView(
        id=props["id"],
        status=props["status"],
        mode=props["mode"],
        engine=props.get("engine", "local"),
        started_at=maybe_native(props.get("startedAt")),
        finished_at=maybe_native(props.get("finishedAt")),
        stats=stats,
        error=props.get("error"),
    )


class JobRunner:
    def __init__(
        self,
        store: Store,
        policy: IdentifierPolicy,
        rules: Rules,
        before_resolve: SnapshotStep | None = None,
        *,
        settings: Settings,
        unit_hook: UnitHook | None = None,
        heartbeat: timedelta = HEARTBEAT,
        stale_after: timedelta = STALE_AFTER,
    ) -> None:
        self.store = store
        self.settings = settings
        self.policy = policy
        self.rules = rules
        self.before_resolve = before_resolve  # the full job's matching step
        # The incremental job's: each re-resolved unit is scored as a write scores it.
        self.unit_hook = unit_hook
        self.heartbeat = heartbeat
        self.stale_after = stale_after
        self.owner = Owner.current()
        self._tasks: set[asyncio.Task[JobView]] = set()
        self._lock = asyncio.Lock()  # one job at a time per process

    async def fail_stale(self) -> int:
        """Mark failed every running job whose owner is gone; return how many."""
        now = datetime.now(UTC)
        failed = 0
        for row in await self.store.query("list_running_jobs"):
            reason = orphan_reason(
                Owner.parse(row["owner"]),
                maybe_native(row["heartbeatAt"]),
                now=now,
                here=self.owner.host,
                stale_after=self.stale_after,
            )
            if reason is None:
                continue
            log.warning("resolution job %s failed: %s", row["id"], reason)
            await self.store.execute(
                "fail_job", id=row["id"], error=f"interrupted: {reason}", now=now
            )
            failed += 1
        return failed

    async def _create(self, mode: str, engine: str) -> str:
        if mode not in RESOLUTION_MODES:
            raise InvalidInput(f"mode must be one of {', '.join(RESOLUTION_MODES)}, got {mode!r}")
        if engine not in ENGINES:
            raise InvalidInput(f"engine must be one of {', '.join(ENGINES)}, got {engine!r}")
        if engine != "local" and mode != "full":
            raise InvalidInput(f"the {engine} engine runs full jobs only, got mode {mode!r}")
        await self.fail_stale()
        job_id = f"job_{uuid.uuid4().hex[:16]}"
        await self.store.execute(
            "create_job",
            id=job_id,
            mode=mode,
            engine=engine,
            now=datetime.now(UTC),
            owner=self.owner.id,
        )
        return job_id

    async def _beat(self, job_id: str) -> None:
        """The heartbeat of a running job (its owner is alive), until cancelled."""
        while True:
            await asyncio.sleep(self.heartbeat.total_seconds())
            try:
                await self.store.execute("heartbeat_job", id=job_id, now=datetime.now(UTC))
            except GraphCdpError as exc:  # a missed beat is not the job's failure
                log.warning("heartbeat of job %s failed: %s", job_id, exc.message)

    async def _execute(
        self, job_id: str, mode: str, engine: str, progress: Progress | None
    ) -> JobView:
        # The heartbeat starts at once: a job waiting for the lock is alive too.
        beat = asyncio.create_task(self._beat(job_id), name=f"{job_id}-heartbeat")
        try:
            async with self._lock:
                await self._run_recorded(job_id, mode, engine, progress)
        finally:
            beat.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await beat
        view = await self.get(job_id)
        assert view is not None
        return view

    async def _stats(
        self, job_id: str, mode: str, engine: str, progress: Progress | None
    ) -> JobStats:
        # A full job scores everything before it resolves (before_resolve); an
        # incremental one scores the units it re-resolves, as the write path does.
        units = JobUnits(self.store, self.rules, self.unit_hook if mode != "full" else None)
        if engine == "spark":
            # Imported here: pyspark is the optional `spark` extra.
            from graph_cdp.engines.spark_job import run_full_spark

            # Its matching step reads the graph on the driver, as the local job does.
            with oldest_generation_spaced():
                return await run_full_spark(
                    self.store,
                    units,
                    self.settings,
                    self.policy,
                    self.rules,
                    job_id,
                    progress,
                    self.before_resolve,
                )
        if mode == "full":
            with oldest_generation_spaced():
                return await run_full(
                    units,
                    self.policy,
                    self.rules,
                    job_id,
                    progress,
                    self.before_resolve,
                    processes=self.settings.job_process_count,
                )
        return await run_incremental(units, self.policy, self.rules, job_id, progress)

    async def _run_recorded(
        self, job_id: str, mode: str, engine: str, progress: Progress | None
    ) -> None:
        try:
            stats = await self._stats(job_id, mode, engine, progress)
            await self.store.execute(
                "finish_job",
                id=job_id,
                status="succeeded",
                error=None,
                stats=stats.as_properties(),
                now=datetime.now(UTC),
            )
        except Exception as exc:  # a job records any failure, then re-raises it
            log.exception("resolution job %s failed", job_id)
            message = exc.message if isinstance(exc, GraphCdpError) else repr(exc)
            await self.store.execute(
                "finish_job",
                id=job_id,
                status="failed",
                error=message,
                stats={},
                now=datetime.now(UTC),
            )
            raise

    async def run(
        self, mode: str, progress: Progress | None = None, engine: str | None = None
    ) -> JobView:
        engine = engine or self.settings.engine
        job_id = await self._create(mode, engine)
        return await self._execute(job_id, mode, engine, progress)

    async def start(self, mode: str, engine: str | None = None) -> JobView:
        engine = engine or self.settings.engine
        job_id = await self._create(mode, engine)
        # The job is not the request's: no request deadline, and the write lane's share.
        task = asyncio.create_task(
            self._execute(job_id, mode, engine, None), name=job_id, context=detached(JOB)
        )
        self._tasks.add(task)
        task.add_done_callback(self._finished)
        view = await self.get(job_id)
        assert view is not None
        return view

    def _finished(self, task: asyncio.Task[JobView]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("background job %s ended with an error (recorded)", task.get_name())

    async def get(self, job_id: str) -> JobView | None:
        rows = await self.store.query("get_job", id=job_id)
        return job_view(rows[0]["job"]) if rows else None

    async def wait_all(self) -> None:
        if self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)
