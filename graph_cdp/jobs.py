"""Resolution jobs: recorded in the graph, run in the background or in the foreground."""

from __future__ import annotations

import asyncio
import json
import logging
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from graph_cdp.config import Settings
from graph_cdp.domain import JobView
from graph_cdp.errors import GraphCdpError, InvalidInput
from graph_cdp.identifiers import IdentifierPolicy
from graph_cdp.resolution.batch import JobStats, Progress, run_full, run_incremental
from graph_cdp.resolution.rules import Rules
from graph_cdp.store import Store
from graph_cdp.store.values import maybe_native

log = logging.getLogger("graph_cdp.jobs")
MODES = ("full", "incremental")
ENGINES = ("local", "spark")
STALE_AFTER = timedelta(minutes=10)
_JSON_STATS = ("refusedByRule", "seconds")


def job_view(props: dict[str, Any]) -> JobView:
    stats = {
        k: (json.loads(v) if k in _JSON_STATS and isinstance(v, str) else v)
        for k, v in props.items()
        if k
        not in {"id", "status", "mode", "engine", "startedAt", "finishedAt", "error", "heartbeat"}
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
        self, store: Store, policy: IdentifierPolicy, rules: Rules, settings: Settings
    ) -> None:
        self.store = store
        self.policy = policy
        self.rules = rules
        self.settings = settings
        self._tasks: set[asyncio.Task[JobView]] = set()
        self._lock = asyncio.Lock()  # one job at a time per process

    async def fail_stale(self) -> int:
        now = datetime.now(UTC)
        rows = await self.store.execute("fail_stale_jobs", before=now - STALE_AFTER, now=now)
        return int(rows[0]["failed"])

    async def _create(self, mode: str, engine: str) -> str:
        if mode not in MODES:
            raise InvalidInput(f"mode must be one of {', '.join(MODES)}, got {mode!r}")
        if engine not in ENGINES:
            raise InvalidInput(f"engine must be one of {', '.join(ENGINES)}, got {engine!r}")
        if engine != "local" and mode != "full":
            raise InvalidInput(f"the {engine} engine runs full jobs only, got mode {mode!r}")
        job_id = f"job_{uuid.uuid4().hex[:16]}"
        await self.store.execute(
            "create_job", id=job_id, mode=mode, engine=engine, now=datetime.now(UTC)
        )
        return job_id

    async def _stats(
        self, job_id: str, mode: str, engine: str, progress: Progress | None
    ) -> JobStats:
        if engine == "spark":
            # Imported here: pyspark is the optional `spark` extra.
            from graph_cdp.engines.spark_job import run_full_spark

            return await run_full_spark(self.store, self.settings, self.rules, job_id, progress)
        runner = run_full if mode == "full" else run_incremental
        return await runner(self.store, self.policy, self.rules, job_id, progress)

    async def _execute(
        self, job_id: str, mode: str, engine: str, progress: Progress | None
    ) -> JobView:
        async with self._lock:
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
        view = await self.get(job_id)
        assert view is not None
        return view

    async def run(
        self, mode: str, progress: Progress | None = None, engine: str | None = None
    ) -> JobView:
        engine = engine or self.settings.engine
        job_id = await self._create(mode, engine)
        return await self._execute(job_id, mode, engine, progress)

    async def start(self, mode: str, engine: str | None = None) -> JobView:
        engine = engine or self.settings.engine
        job_id = await self._create(mode, engine)
        task = asyncio.create_task(self._execute(job_id, mode, engine, None), name=job_id)
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
