"""Estimating m, u and the prior without labels.

The method is Fellegi & Sunter (1969) as Splink trains it (Linacre et al., Splink):

- **u** (how often a level occurs between two different people) from comparing pairs
  drawn at random: nearly all of them are different people. A level never seen in the
  sample gets half a count (so its weight is large but finite).
- **m** (how often a level occurs between two records of one person) by
  expectation-maximisation (Dempster, Laird and Rubin 1977) over blocked pairs, with u
  held fixed: the E step gives each pair its match probability under the current m
  and prior, the M step sets m of each level to the probability-weighted share of pairs
  in it. The agreement patterns are counted first, so an iteration costs one pass over
  the distinct patterns, not over the pairs.
- A training rule's own fields agree on every pair it blocks, so they tell nothing
  there: each session learns m only for the comparisons that read none of them, and m
  of a comparison is the mean over the sessions that learned it.
- **The prior** (lambda) by the same E step over all the blocked pairs with m and u
  fixed; the expected matches among them over all possible pairs is the probability
  that two random records match (blocking is assumed to find nearly every match).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

IntArray = npt.NDArray[np.int8]
FloatArray = npt.NDArray[np.float64]
M_FLOOR = 1e-6


def count_patterns(vectors: IntArray) -> tuple[IntArray, FloatArray]:
    """Distinct rows of level vectors and how often each occurs."""
    if len(vectors) == 0:
        return vectors, np.zeros(0)
    patterns, counts = np.unique(vectors, axis=0, return_counts=True)
    return patterns.astype(np.int8), counts.astype(np.float64)


def estimate_u(vectors: IntArray, level_counts: Sequence[int]) -> list[FloatArray]:
    """u per comparison level from the level vectors of randomly sampled pairs."""
    u = []
    for c, n_levels in enumerate(level_counts):
        column = vectors[:, c]
        seen = np.bincount(column[column >= 0], minlength=n_levels).astype(np.float64)
        seen = np.maximum(seen, 0.5)
        u.append(seen / seen.sum())
    return u


def initial_m(n_levels: int) -> FloatArray:
    """Splink-like start: most matches agree exactly, few fall in ``else``."""
    if n_levels == 1:
        return np.ones(1)
    m = np.full(n_levels, 0.08 / max(n_levels - 2, 1))
    m[0], m[-1] = 0.9, 0.02
    return np.asarray(m / m.sum(), dtype=np.float64)


def log_bayes_factors(
    patterns: IntArray, m: Sequence[FloatArray], u: Sequence[FloatArray], columns: Sequence[int]
) -> FloatArray:
    """Sum over ``columns`` of ln(m/u) of each pattern's level; null (-1) adds 0."""
    total = np.zeros(len(patterns))
    for c in columns:
        # Index -1 (null) picks the appended 0.
        weights = np.append(np.log(m[c]) - np.log(u[c]), 0.0)
        total += weights[patterns[:, c]]
    return total


def _posterior(prior: float, log_bf: FloatArray) -> FloatArray:
    logit = np.log(prior / (1 - prior)) + log_bf
    return np.asarray(1.0 / (1.0 + np.exp(-np.clip(logit, -700, 700))))


@dataclass(frozen=True)
class Session:
    m: list[FloatArray]
    prior: float
    iterations: int
    trained: tuple[int, ...]  # the comparison columns whose m this session learned


def expectation_maximisation(
    patterns: IntArray,
    counts: FloatArray,
    m: Sequence[FloatArray],
    u: Sequence[FloatArray],
    *,
    trained: Sequence[int],
    fixed: Mapping[tuple[int, int], float],
    prior: float = 0.1,
    max_iterations: int = 30,
    tolerance: float = 1e-4,
) -> Session:
    """EM over counted agreement patterns; only ``trained`` columns enter the model."""
    m = [_with_fixed(np.array(x, dtype=np.float64), c, fixed) for c, x in enumerate(m)]
    iterations = 0
    while iterations < max_iterations:
        iterations += 1
        p = _posterior(prior, log_bayes_factors(patterns, m, u, trained)) * counts
        change = 0.0
        for c in trained:
            column = patterns[:, c]
            present = column >= 0
            total = p[present].sum()
            if total <= 0:
                continue
            new = np.bincount(column[present], weights=p[present], minlength=len(m[c])) / total
            new = _with_fixed(np.maximum(new, M_FLOOR), c, fixed)
            change = max(change, float(np.abs(new - m[c]).max()))
            m[c] = new
        new_prior = float(np.clip(p.sum() / counts.sum(), 1e-9, 1 - 1e-9))
        change = max(change, abs(new_prior - prior))
        prior = new_prior
        if change < tolerance:
            break
    return Session(m, prior, iterations, tuple(trained))


def _with_fixed(m: FloatArray, c: int, fixed: Mapping[tuple[int, int], float]) -> FloatArray:
    pinned = {level: value for (col, level), value in fixed.items() if col == c}
    if not pinned:
        return np.asarray(m / m.sum(), dtype=np.float64)
    free = np.array([i not in pinned for i in range(len(m))])
    out = m.copy()
    rest = 1.0 - sum(pinned.values())
    out[free] = m[free] / m[free].sum() * rest if m[free].sum() > 0 else rest / free.sum()
    for level, value in pinned.items():
        out[level] = value
    return out


def combine_sessions(
    sessions: Sequence[Session], start: Sequence[FloatArray], fixed: Mapping[tuple[int, int], float]
) -> list[FloatArray]:
    """m per comparison: the mean over the sessions that learned it (else its start)."""
    out = []
    for c, m0 in enumerate(start):
        learned = [s.m[c] for s in sessions if c in s.trained]
        m = np.mean(learned, axis=0) if learned else np.array(m0)
        out.append(_with_fixed(m, c, fixed))
    return out


def estimate_prior(
    patterns: IntArray,
    counts: FloatArray,
    m: Sequence[FloatArray],
    u: Sequence[FloatArray],
    *,
    possible_pairs: float,
    max_iterations: int = 100,
    tolerance: float = 1e-7,
) -> float:
    """Lambda over all possible pairs, from the expected matches among blocked pairs."""
    if counts.sum() == 0 or possible_pairs <= 0:
        return 1e-6
    log_bf = log_bayes_factors(patterns, m, u, range(len(m)))
    prior = 0.1
    for _ in range(max_iterations):
        new = float(np.clip((_posterior(prior, log_bf) * counts).sum() / counts.sum(), 1e-12, 0.5))
        if abs(new - prior) < tolerance * max(prior, 1e-9):
            prior = new
            break
        prior = new
    expected_matches = prior * counts.sum()
    return float(np.clip(expected_matches / possible_pairs, 1e-12, 0.5))
