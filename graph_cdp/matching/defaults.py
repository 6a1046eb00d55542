"""A model to start from before there is data to train on.

m and u per level are round figures of the kind Splink's examples start from: m from
how often one person's two records fall in a level (typing errors, nicknames, moves),
u from how often two people do in a population of about a hundred thousand (a birth
date is shared by 1 in 25,000 pairs, a street address by about 1 in 10,000). The
prior is 1e-4. ``fixed_m`` of the configuration applies on top. Use it for a graph too
small to learn from (tests, a first import) and train as soon as there are a few
thousand customers: trained weights fit the data, these only its kind.
"""

from __future__ import annotations

from graph_cdp.matching.comparisons import COMPARISONS
from graph_cdp.matching.config import MatchConfig
from graph_cdp.matching.model import LevelParameters, MatchModel

# comparison: (m per level, u per level), in the order of COMPARISONS[name].levels
_TABLE: dict[str, tuple[tuple[float, ...], tuple[float, ...]]] = {
    "first_name": (
        (0.85, 0.05, 0.04, 0.02, 0.02, 0.01, 0.01),
        (0.01, 0.002, 0.002, 0.003, 0.01, 0.001, 0.972),
    ),
    "last_name": (
        (0.88, 0.06, 0.02, 0.02, 0.005, 0.015),
        (0.002, 0.001, 0.002, 0.01, 1e-5, 0.98499),
    ),
    "birth_date": (
        (0.9, 0.02, 0.05, 1e-6, 0.01, 0.02),
        (4e-5, 4e-5, 1e-3, 2e-4, 1.2e-3, 0.99752),
    ),
    "address": (
        (0.6, 0.05, 0.03, 0.05, 0.05, 0.22),
        (1e-4, 5e-5, 1e-4, 0.01, 0.02, 0.96975),
    ),
    "street": ((0.7, 0.1, 0.2), (1e-4, 1e-4, 0.9998)),
    "city": ((0.75, 0.05, 0.2), (0.02, 0.002, 0.978)),
    "postal_code": ((0.75, 0.05, 0.02, 0.18), (0.01, 0.02, 0.05, 0.92)),
    "state": ((0.9, 0.1), (0.1, 0.9)),
    "country": ((0.95, 0.05), (0.5, 0.5)),
    "gender": ((0.97, 0.03), (0.5, 0.5)),
    "national_id": ((0.9, 0.05, 0.01, 0.04), (1e-5, 1e-5, 1e-4, 0.99988)),
    "email": ((0.45, 0.05, 0.1, 0.4), (1e-6, 1e-6, 1e-6, 0.999997)),
    "phone": ((0.5, 0.05, 0.05, 0.4), (1e-6, 1e-5, 1e-5, 0.999979)),
}
PRIOR = 1e-4


def default_model(config: MatchConfig | None = None) -> MatchModel:
    """Starting weights for the configured comparisons, no term frequencies."""
    config = config or MatchConfig()
    comparisons = {}
    for name in config.comparisons:
        m, u = list(_TABLE[name][0]), list(_TABLE[name][1])
        levels = COMPARISONS[name].levels
        pinned = {
            levels.index(k.partition(".")[2]): v
            for k, v in config.fixed_m.items()
            if k.partition(".")[0] == name
        }
        free = sum(x for i, x in enumerate(m) if i not in pinned)
        rest = 1 - sum(pinned.values())
        m = [pinned.get(i, x / free * rest) for i, x in enumerate(m)]
        comparisons[name] = [LevelParameters(level, m[i], u[i]) for i, level in enumerate(levels)]
    return MatchModel(
        prior=PRIOR,
        comparisons=comparisons,
        tf_weight=config.tf_weight,
        tf_minimum_u=config.tf_minimum_u,
        training={"default": True},
    )
