"""Connection shares: per caller, per lane, and the deadline that travels with the work."""

from __future__ import annotations

import asyncio

import pytest

from graph_cdp.errors import ConfigurationError, RequestTimeout
from graph_cdp.store.shares import JOB, Bounds, Lane, Shares, bounded, current, detached


@pytest.mark.parametrize(
    ("pool", "writes", "per_caller"),
    [(10, 0, 2), (10, 10, 2), (10, 3, 0), (10, 3, 8)],
)
def test_shares_that_cannot_work_are_refused(pool: int, writes: int, per_caller: int) -> None:
    with pytest.raises(ConfigurationError):
        Shares(pool, writes, per_caller)


async def test_a_caller_waits_for_its_own_share_and_others_do_not() -> None:
    shares = Shares(pool_size=6, write_connections=2, per_caller=2)
    release = asyncio.Event()
    holding = 0

    async def hold(caller: str) -> None:
        nonlocal holding
        with bounded(Bounds(caller=caller)):
            async with shares.hold(Lane.READ):
                holding += 1
                await release.wait()

    first = [asyncio.create_task(hold("a")) for _ in range(5)]
    for _ in range(10):  # let every task run as far as it can
        await asyncio.sleep(0)
    assert holding == 2  # the other three of "a" wait for "a"'s share
    assert shares.caller("a").locked()
    with bounded(Bounds(caller="b")):  # "b" gets in at once, to read and to write
        async with shares.hold(Lane.READ) as bounds:
            assert bounds.caller == "b"
        async with shares.hold(Lane.WRITE) as bounds:
            assert bounds.caller == "b"
    release.set()
    await asyncio.gather(*first)
    assert holding == 5


async def test_a_job_is_in_the_write_lane_without_the_request_deadline() -> None:
    loop = asyncio.get_running_loop()
    with bounded(Bounds(caller="k", deadline=loop.time() + 5)):
        seen = await asyncio.create_task(_bounds_now(), context=detached(JOB))
        assert current().caller == "k"
    assert seen == JOB
    assert seen.deadline is None
    assert seen.lane is Lane.WRITE


async def _bounds_now() -> Bounds:
    return current()


async def test_remaining_time_runs_out_with_a_clear_error() -> None:
    loop = asyncio.get_running_loop()
    assert Bounds(caller="x").remaining() is None
    left = Bounds(caller="x", deadline=loop.time() + 60).remaining()
    assert left is not None
    assert 0 < left <= 60
    with pytest.raises(RequestTimeout) as raised:
        Bounds(caller="x", deadline=loop.time() - 1).remaining()
    assert raised.value.code == "TIMEOUT"
