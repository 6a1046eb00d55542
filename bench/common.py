"""Shared bench plumbing: a wiped store, timers, and the report writer.

Benchmarks never assert times: they measure graph-cdp beside a baseline run in the
same process on the same data and report the ratio, because these machines are
shared and noisy.
"""

from __future__ import annotations

import json
import platform
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from graph_cdp.store import Store

REPORTS = Path(__file__).resolve().parent / "reports"


async def fresh(store: Store) -> None:
    await store.delete_everything()
    await store.apply_schema()


@contextmanager
def timer(into: dict[str, float], name: str) -> Iterator[None]:
    began = time.perf_counter()
    try:
        yield
    finally:
        into[name] = time.perf_counter() - began


def write_report(name: str, results: dict[str, Any], lines: list[str]) -> Path:
    """bench/reports/<name>.json (machine) and .md (people)."""
    REPORTS.mkdir(exist_ok=True)
    meta = {
        "at": datetime.now(UTC).isoformat(timespec="seconds"),
        "python": platform.python_version(),
        "machine": platform.machine(),
    }
    (REPORTS / f"{name}.json").write_text(
        json.dumps({"meta": meta, **results}, indent=2, default=str) + "\n", encoding="utf-8"
    )
    path = REPORTS / f"{name}.md"
    path.write_text(f"# {name}\n\n_{meta['at']}_\n\n" + "\n".join(lines) + "\n", encoding="utf-8")
    return path
