"""A trained Fellegi-Sunter model: the prior, m and u per comparison level, and the
term-frequency tables, with its JSON form (stored in Neo4j by the graph side).

The match weight of a level is log2(m/u) (Fellegi & Sunter 1969; Splink calls it the
log2 Bayes factor); a pair's weight is the log2 prior odds plus its levels' weights,
and its probability is 2^w / (1 + 2^w). The exact level of a term-frequency adjusted
comparison uses, instead of u, the frequency of the value itself (Splink's
adjustment: log2(u_exact) - log2(max(tf_value, tf_minimum_u)), scaled by
``tf_weight``): "smith" agreeing is weaker evidence than "zbigniew".
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from typing import Any

from graph_cdp.errors import ConfigurationError

VERSION = 1


@dataclass(frozen=True)
class LevelParameters:
    level: str
    m: float
    u: float

    @property
    def weight(self) -> float:
        return math.log2(self.m / self.u)


@dataclass
class MatchModel:
    prior: float  # lambda: probability that two random records are one person
    comparisons: dict[str, list[LevelParameters]]  # in comparison order, "else" last
    tf: dict[str, dict[str, float]] = field(default_factory=dict)  # comparison -> value -> freq
    tf_weight: float = 1.0
    tf_minimum_u: float = 1e-6
    training: dict[str, Any] = field(default_factory=dict)  # what training saw, for reports

    def level_weights(self, comparison: str) -> list[float]:
        return [p.weight for p in self.comparisons[comparison]]

    def tf_adjustment(self, comparison: str, value: str) -> float:
        """Weight to add to the exact level when both sides have ``value`` (0 if unknown)."""
        table = self.tf.get(comparison)
        freq = table.get(value) if table else None
        if freq is None:
            return 0.0
        u_exact = self.comparisons[comparison][0].u
        return self.tf_weight * (math.log2(u_exact) - math.log2(max(freq, self.tf_minimum_u)))

    @property
    def prior_weight(self) -> float:
        return math.log2(self.prior / (1 - self.prior))

    def to_json(self) -> str:
        return json.dumps(
            {
                "version": VERSION,
                "prior": self.prior,
                "comparisons": {
                    name: [{"level": p.level, "m": p.m, "u": p.u} for p in levels]
                    for name, levels in self.comparisons.items()
                },
                "tf": self.tf,
                "tf_weight": self.tf_weight,
                "tf_minimum_u": self.tf_minimum_u,
                "training": self.training,
            },
            sort_keys=True,
        )

    @classmethod
    def from_json(cls, text: str) -> MatchModel:
        try:
            data = json.loads(text)
            if data.get("version") != VERSION:
                raise ConfigurationError(f"match model version {data.get('version')!r} unknown")
            return cls(
                prior=float(data["prior"]),
                comparisons={
                    name: [
                        LevelParameters(str(p["level"]), float(p["m"]), float(p["u"]))
                        for p in levels
                    ]
                    for name, levels in data["comparisons"].items()
                },
                tf={
                    name: {str(k): float(v) for k, v in table.items()}
                    for name, table in data.get("tf", {}).items()
                },
                tf_weight=float(data.get("tf_weight", 1.0)),
                tf_minimum_u=float(data.get("tf_minimum_u", 1e-6)),
                training=dict(data.get("training", {})),
            )
        except (ValueError, KeyError, TypeError, AttributeError) as e:
            raise ConfigurationError(f"match model is not valid JSON of a model: {e}") from e
