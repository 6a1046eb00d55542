"""Who runs a resolution job, and how to tell that it is gone.

A job records its owner as ``host:pid:start`` (the process's start time, from psutil):
a pid alone is not enough, since the system reuses pids. On the owner's host, a job
whose pid is not alive, or is alive with another start time, has lost its process at
once. A job of another host cannot be looked at: it is gone when its heartbeat is older
than the configured timeout.
"""

from __future__ import annotations

import os
import socket
from dataclasses import dataclass
from datetime import datetime, timedelta

import psutil

# Start times are read from the kernel in clock ticks; a reused pid starts later than this.
_SAME_START = 0.5


def process_started(pid: int) -> float | None:
    """The start time (epoch seconds) of a live process, or None if there is none."""
    try:
        process = psutil.Process(pid)
        if process.status() == psutil.STATUS_ZOMBIE:
            return None
        return float(process.create_time())
    except psutil.NoSuchProcess:  # ZombieProcess is one too
        return None


@dataclass(frozen=True)
class Owner:
    host: str
    pid: int
    started: float

    @property
    def id(self) -> str:
        return f"{self.host}:{self.pid}:{self.started:.2f}"

    @classmethod
    def current(cls) -> Owner:
        pid = os.getpid()
        started = process_started(pid)
        assert started is not None  # this very process
        return cls(socket.gethostname(), pid, started)

    @classmethod
    def parse(cls, text: object) -> Owner | None:
        """The owner recorded on a job (None for jobs recorded before owners were)."""
        if not isinstance(text, str):
            return None
        host, _, rest = text.rpartition(":")
        host, _, pid = host.rpartition(":")
        try:
            return cls(host, int(pid), float(rest))
        except ValueError:
            return None


def orphan_reason(
    owner: Owner | None,
    heartbeat_at: datetime | None,
    *,
    now: datetime,
    here: str,
    stale_after: timedelta,
) -> str | None:
    """Why a running job has no live owner any more, or None while it may still run."""
    if owner is not None and owner.host == here:
        started = process_started(owner.pid)
        if started is None:
            return f"its process (pid {owner.pid} on {owner.host}) is gone"
        if abs(started - owner.started) > _SAME_START:
            return (
                f"its process (pid {owner.pid} on {owner.host}) is gone; "
                f"the pid now belongs to another process"
            )
        return None
    if heartbeat_at is None or now - heartbeat_at > stale_after:
        since = heartbeat_at.isoformat() if heartbeat_at else "never"
        who = f"from {owner.host}" if owner else "(no owner recorded)"
        return f"no heartbeat {who} since {since} (more than {stale_after.total_seconds():.0f} s)"
    return None
