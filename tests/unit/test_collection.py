"""A full job spaces out the oldest generation's collections, and puts the pace back."""

from __future__ import annotations

import gc

import pytest

from graph_cdp.collection import oldest_generation_spaced


def test_the_oldest_generation_is_collected_less_often_while_a_job_runs() -> None:
    before = gc.get_threshold()
    with oldest_generation_spaced():
        young, middle, oldest = gc.get_threshold()
        assert (young, middle) == before[:2]  # the young generations as always
        assert oldest == max(before[2], 100)
    assert gc.get_threshold() == before


def test_concurrent_jobs_keep_the_pace_until_the_last_one_ends() -> None:
    before = gc.get_threshold()
    first = oldest_generation_spaced()
    second = oldest_generation_spaced()
    first.__enter__()
    second.__enter__()
    first.__exit__(None, None, None)
    assert gc.get_threshold()[2] == max(before[2], 100)  # the second job still runs
    second.__exit__(None, None, None)
    assert gc.get_threshold() == before


def test_a_failed_job_puts_the_pace_back() -> None:
    before = gc.get_threshold()
    with pytest.raises(RuntimeError), oldest_generation_spaced():
        raise RuntimeError("the job failed")
    assert gc.get_threshold() == before
