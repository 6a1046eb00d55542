"""EM recovers m and the prior, and random sampling recovers u, on pairs generated
here with known parameters."""

from __future__ import annotations

import numpy as np

from graph_cdp.matching.em import (
    combine_sessions,
    count_patterns,
    estimate_prior,
    estimate_u,
    expectation_maximisation,
    initial_m,
)

M_TRUE = [np.array([0.85, 0.10, 0.05]), np.array([0.9, 0.1]), np.array([0.6, 0.25, 0.1, 0.05])]
U_TRUE = [np.array([0.01, 0.04, 0.95]), np.array([0.05, 0.95]), np.array([0.002, 0.02, 0.1, 0.878])]


def _pairs(rng: np.random.Generator, n: int, prior: float, null_rate: float = 0.1) -> np.ndarray:
    is_match = rng.random(n) < prior
    columns = []
    for m, u in zip(M_TRUE, U_TRUE, strict=True):
        levels = np.where(
            is_match, rng.choice(len(m), size=n, p=m), rng.choice(len(u), size=n, p=u)
        )
        levels[rng.random(n) < null_rate] = -1
        columns.append(levels)
    return np.stack(columns, axis=1).astype(np.int8)


def test_u_from_random_pairs() -> None:
    rng = np.random.default_rng(1)
    u = estimate_u(_pairs(rng, 200_000, prior=0.0), [len(x) for x in U_TRUE])
    for got, want in zip(u, U_TRUE, strict=True):
        np.testing.assert_allclose(got, want, atol=0.005)


def test_em_recovers_m_and_the_prior_with_u_fixed() -> None:
    rng = np.random.default_rng(2)
    patterns, counts = count_patterns(_pairs(rng, 60_000, prior=0.2))
    assert len(patterns) < 100  # counted patterns, not pairs
    start = [initial_m(len(m)) for m in M_TRUE]
    session = expectation_maximisation(
        patterns,
        counts,
        start,
        U_TRUE,
        trained=[0, 1, 2],
        fixed={},
        max_iterations=200,
        tolerance=1e-6,
    )
    for got, want in zip(session.m, M_TRUE, strict=True):
        np.testing.assert_allclose(got, want, atol=0.02)
    assert abs(session.prior - 0.2) < 0.01
    assert 1 < session.iterations < 200


def test_an_untrained_comparison_keeps_its_start_and_fixed_levels_stay_fixed() -> None:
    rng = np.random.default_rng(3)
    patterns, counts = count_patterns(_pairs(rng, 30_000, prior=0.3))
    start = [initial_m(len(m)) for m in M_TRUE]
    fixed = {(2, 3): 1e-9}
    session = expectation_maximisation(
        patterns, counts, start, U_TRUE, trained=[0, 2], fixed=fixed, max_iterations=200
    )
    np.testing.assert_allclose(session.m[1], start[1])
    assert session.m[2][3] == 1e-9
    assert abs(session.m[2].sum() - 1) < 1e-9
    np.testing.assert_allclose(session.m[0], M_TRUE[0], atol=0.03)
    combined = combine_sessions([session], start, fixed)
    np.testing.assert_allclose(combined[1], start[1])  # no session learned it
    np.testing.assert_allclose(combined[0], session.m[0])


def test_prior_over_all_pairs_from_the_blocked_ones() -> None:
    rng = np.random.default_rng(4)
    patterns, counts = count_patterns(_pairs(rng, 50_000, prior=0.1))
    # 5,000 expected matches among the blocked pairs, out of 10 million possible.
    prior = estimate_prior(patterns, counts, M_TRUE, U_TRUE, possible_pairs=1e7)
    assert abs(prior - 5e-4) < 0.5e-4
