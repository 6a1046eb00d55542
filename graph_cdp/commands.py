"""The data commands of the CLI: ingest, resolve, check, dead letters, sample, demo data."""

from __future__ import annotations

import asyncio
import json
import sys
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any, TextIO, TypeVar

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from graph_cdp.config import Settings
from graph_cdp.services import CdpService

T = TypeVar("T")
console = Console(highlight=False)


def with_service(settings: Settings, work: Callable[[CdpService], Awaitable[T]]) -> T:
    async def go() -> T:
        service = CdpService.open(settings)
        try:
            await service.prepare()
            return await work(service)
        finally:
            await service.close()

    return asyncio.run(go())


def _progress() -> Progress:
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
    )


def _lines(stream: TextIO, skip: int) -> Iterator[tuple[int, Any]]:
    """(line number, parsed JSON or the raw text of an unreadable line), after ``skip``."""
    for number, line in enumerate(stream, start=1):
        if number <= skip or not line.strip():
            continue
        try:
            yield number, json.loads(line)
        except json.JSONDecodeError:
            yield number, line


def checkpoint_path(path: Path) -> Path:
    return path.with_name(path.name + ".graph-cdp-progress")


def ingest_file(
    settings: Settings,
    source: str,
    *,
    batch: int,
    restart: bool,
    source_name: str | None,
    defer: bool = False,
) -> dict[str, int]:
    """Ingest JSON lines in batches; a checkpoint file makes an interrupted run resumable."""
    from_stdin = source == "-"
    path = Path(source)
    checkpoint = None if from_stdin else checkpoint_path(path)
    skip = 0
    if checkpoint is not None and checkpoint.exists() and not restart:
        skip = int(checkpoint.read_text().strip() or 0)
        console.print(f"Resuming after line {skip} (checkpoint {checkpoint.name}).")
    total_lines = None
    if not from_stdin:
        with path.open(encoding="utf-8") as counting:
            total_lines = sum(1 for _ in counting)
    totals = {"accepted": 0, "duplicates": 0, "rejected": 0, "unreadable": 0}

    stream = sys.stdin if from_stdin else path.open(encoding="utf-8")

    async def work(service: CdpService) -> dict[str, int]:
        try:
            with _progress() as bar:
                task = bar.add_task("ingesting", total=total_lines, completed=skip)
                pending: list[tuple[int, Any]] = []
                last_line = skip

                async def flush() -> None:
                    events = [e for _, e in pending if isinstance(e, dict)]
                    unreadable = [(n, e) for n, e in pending if not isinstance(e, dict)]
                    if events:
                        result = await service.ingest_events(
                            events, source=source_name, resolve=not defer
                        )
                        totals["accepted"] += result.accepted
                        totals["duplicates"] += result.duplicates
                        totals["rejected"] += len(result.rejected)
                    if unreadable:
                        await service.keep_unreadable(unreadable, source_name)
                        totals["unreadable"] += len(unreadable)
                    bar.advance(task, len(pending))
                    pending.clear()
                    if checkpoint is not None:
                        checkpoint.write_text(str(last_line))

                for number, item in _lines(stream, skip):
                    pending.append((number, item))
                    last_line = number
                    if len(pending) >= batch:
                        await flush()
                if pending:
                    await flush()
        finally:
            if not from_stdin:
                stream.close()
        if checkpoint is not None:
            checkpoint.unlink(missing_ok=True)
        if defer:
            job = await service.run_resolution("full")
            totals["customers"] = int(job.stats.get("customersAfter", 0))
        return totals

    return with_service(settings, work)


def print_totals(title: str, totals: dict[str, Any]) -> None:
    table = Table(title=title, show_header=False)
    for key, value in totals.items():
        table.add_row(key, str(value))
    console.print(table)


def resolve(settings: Settings, mode: str) -> dict[str, Any]:
    async def work(service: CdpService) -> dict[str, Any]:
        with _progress() as bar:
            tasks: dict[str, Any] = {}

            def progress(stage: str, done: int, total: int) -> None:
                if stage not in tasks:
                    tasks[stage] = bar.add_task(stage, total=total)
                bar.update(tasks[stage], completed=done, total=total)

            job = await service.run_resolution(mode, progress)
        return {"job": job.id, "status": job.status, **job.stats}

    return with_service(settings, work)
