"""Who owns a job, and when the owner is gone (real processes, no server)."""

from __future__ import annotations

import socket
import subprocess
import sys
from datetime import UTC, datetime, timedelta

import pytest

from graph_cdp.job_owner import Owner, orphan_reason, process_started

HERE = socket.gethostname()
NOW = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)
STALE = timedelta(seconds=60)


def _dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_the_owner_id_round_trips() -> None:
    me = Owner.current()
    assert Owner.parse(me.id) == Owner(me.host, me.pid, round(me.started, 2))
    assert me.host == HERE
    assert Owner.parse(None) is None
    assert Owner.parse("no-pid-here") is None


def test_a_live_owner_on_this_host_is_not_an_orphan() -> None:
    me = Owner.current()
    old = NOW - timedelta(days=1)  # the heartbeat does not matter on the owner's host
    assert orphan_reason(me, old, now=NOW, here=HERE, stale_after=STALE) is None


def test_a_dead_pid_on_this_host_is_gone_at_once() -> None:
    pid = _dead_pid()
    assert process_started(pid) is None
    owner = Owner(HERE, pid, 1000.0)
    reason = orphan_reason(owner, NOW, now=NOW, here=HERE, stale_after=STALE)
    assert reason == f"its process (pid {pid} on {HERE}) is gone"


def test_a_reused_pid_is_another_process() -> None:
    me = Owner.current()
    impostor = Owner(HERE, me.pid, me.started - 3600)
    reason = orphan_reason(impostor, NOW, now=NOW, here=HERE, stale_after=STALE)
    assert reason is not None
    assert "the pid now belongs to another process" in reason


@pytest.mark.parametrize(
    ("age", "orphaned"), [(timedelta(seconds=5), False), (timedelta(seconds=61), True)]
)
def test_another_hosts_job_is_judged_by_its_heartbeat(age: timedelta, orphaned: bool) -> None:
    owner = Owner("elsewhere.example", 4242, 1000.0)
    reason = orphan_reason(owner, NOW - age, now=NOW, here=HERE, stale_after=STALE)
    assert (reason is not None) is orphaned
    if reason:
        assert reason.startswith("no heartbeat from elsewhere.example since")


def test_a_job_without_owner_is_judged_by_its_heartbeat() -> None:
    reason = orphan_reason(None, None, now=NOW, here=HERE, stale_after=STALE)
    assert reason == "no heartbeat (no owner recorded) since never (more than 60 s)"
