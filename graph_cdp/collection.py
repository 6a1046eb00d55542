"""Garbage collection paced for a full job, which holds millions of live objects.

A full job reads the whole graph into columns and units: millions of objects that live
until it ends, and almost no garbage with reference cycles. Each full (oldest
generation) collection walks every one of them, and CPython starts one each time the
objects that survived the young collections reach a quarter of those already old: 17
of them in a first job on 200,000 identifiers, 5 s of its 35 (docs/benchmarks.md).
While a job runs the oldest generation is collected ten times less often (after 100
rounds of the middle one instead of 10), so the cycles that reach it are still freed,
later; the young generations are collected as always (a request's short-lived cycles,
in the API process, too).

What the job's read keeps, page after page, is also left out of every later collection
(``keep_out_of_collections``: ``gc.freeze`` after each page), so the collections the
read's own allocations start walk only what is new: with the pace alone, collections
took 1.1 of the read's 4.2 s of Python on 1,000,000 identifiers (3.1 s frozen). When the
last job ends, the frozen objects go back (what died meanwhile is freed by reference
counting; a collection then frees any cycle among them); in a process that had frozen
objects before the job (the API's start-up objects), what is still alive is frozen
again.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

# Middle-generation collections before an oldest-generation one (CPython's default: 10).
_SPACED = 100
_lock = threading.Lock()
_holders = 0
_saved: tuple[int, int, int] | None = None
_froze = False
_frozen_before = False  # whether the process had frozen objects when the first job began


@contextmanager
def oldest_generation_spaced() -> Iterator[None]:
    """Few full collections until the last of the concurrent holders leaves."""
    global _holders, _saved, _froze, _frozen_before
    with _lock:
        if _holders == 0:
            _saved = gc.get_threshold()
            gc.set_threshold(_saved[0], _saved[1], max(_saved[2], _SPACED))
            _frozen_before = gc.get_freeze_count() > 0
        _holders += 1
    try:
        yield
    finally:
        with _lock:
            _holders -= 1
            if _holders == 0 and _saved is not None:
                gc.set_threshold(*_saved)
                _saved = None
            if _holders == 0 and _froze:
                gc.unfreeze()
                gc.collect()
                if _frozen_before:
                    gc.freeze()
                _froze = False


def keep_out_of_collections() -> None:
    """While a job runs: leave every object alive now out of later collections (what a
    job's read keeps lives until the job ends and holds no cycles)."""
    global _froze
    with _lock:
        if _holders:
            gc.freeze()
            _froze = True
