"""A full job spaces out the oldest generation's collections, and puts the pace back."""

from __future__ import annotations

import gc
import weakref

import pytest

from graph_cdp.collection import keep_out_of_collections, oldest_generation_spaced


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


def test_a_job_keeps_what_it_read_out_of_collections_until_it_ends() -> None:
    gc.unfreeze()
    gc.collect()
    keep_out_of_collections()  # no job: nothing is frozen
    assert gc.get_freeze_count() == 0
    with oldest_generation_spaced():
        page = [[n] for n in range(1000)]
        keep_out_of_collections()
        assert gc.get_freeze_count() >= 1000
        assert gc.get_count()[0] < 50  # the young generation starts again from empty
    # Put back at the end: a process that froze nothing before the job has nothing frozen.
    assert gc.get_freeze_count() == 0
    del page


def test_a_process_that_froze_its_start_up_objects_has_them_frozen_again() -> None:
    gc.unfreeze()
    start_up = [[n] for n in range(500)]
    gc.freeze()  # as the API does when it starts (api/serve.py long_lived)
    try:
        with oldest_generation_spaced():
            keep_out_of_collections()
        assert gc.get_freeze_count() >= 500  # what is alive is frozen again
    finally:
        del start_up
        gc.unfreeze()


class _Node:
    def __init__(self) -> None:
        self.me = self  # a reference cycle: only the collector frees it


def test_a_cycle_frozen_during_a_job_is_freed_when_the_job_ends() -> None:
    with oldest_generation_spaced():
        cycle = _Node()
        ref = weakref.ref(cycle)
        keep_out_of_collections()
        del cycle
        gc.collect()
        assert ref() is not None  # frozen: the collector does not see it
    assert ref() is None
    gc.unfreeze()
