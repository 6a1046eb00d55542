"""Resolution jobs: recorded in the graph, run in the background or in the foreground."""

from __future__ import annotations

import asyncio
import json
import logging
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from graph_cdp.domain import JobView
from graph_cdp.errors import GraphCdpError, InvalidInput
from graph_cdp.identifiers import IdentifierPolicy
from graph_cdp.resolution.batch import (
    JobStats,
    Progress,
    SnapshotStep,
    run_full,
    run_incremental,
)
from graph_cdp.resolution.rules import Rules
from graph_cdp.store import Store
from graph_cdp.store.values import maybe_native

log = logging.getLogger("graph_cdp.jobs")
MODES = ("full", "incremental")
STALE_AFTER = timedelta(minutes=10)
_JSON_STATS = ("refusedByRule", "seconds", "matching")


def job_view(props: dict[str, Any]) -> JobView:
    stats = {
        k: (json.loads(v) if k in _JSON_STATS and isinstance(v, str) else v)
        for k, v in props.items()
        if k not in {"id", "status", "mode", "startedAt", "finishedAt", "error", "heartbeat"}
    }
    return JobView(
        id=props["id"],
        status=props["status"],
        mode=props["mode"],
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
    ) -> None:
        self.store = store
        self.policy = policy
        self.rules = rules
        self.before_resolve = before_resolve  # the full job's matching step
        self._tasks: set[asyncio.Task[JobView]] = set()
        self._lock = asyncio.Lock()  # one job at a time per process

    async def fail_stale(self) -> int:
        now = datetime.now(UTC)
        rows = await self.store.execute("fail_stale_jobs", before=now - STALE_AFTER, now=now)
        return int(rows[0]["failed"])

    async def _create(self, mode: str) -> str:
        if mode not in MODES:
            raise InvalidInput(f"mode must be one of {', '.join(MODES)}, got {mode!r}")
        job_id = f"job_{uuid.uuid4().hex[:16]}"
        await self.store.execute("create_job", id=job_id, mode=mode, now=datetime.now(UTC))
        return job_id

    async def _execute(self, job_id: str, mode: str, progress: Progress | None) -> JobView:
        async with self._lock:
            try:
                stats: JobStats = await (
                    run_full(
                        self.store, self.policy, self.rules, job_id, progress, self.before_resolve
                    )
                    if mode == "full"
                    else run_incremental(self.store, self.policy, self.rules, job_id, progress)
                )
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

    async def run(self, mode: str, progress: Progress | None = None) -> JobView:
        job_id = await self._create(mode)
        return await self._execute(job_id, mode, progress)

    async def start(self, mode: str) -> JobView:
        job_id = await self._create(mode)
        task = asyncio.create_task(self._execute(job_id, mode, None), name=job_id)
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
