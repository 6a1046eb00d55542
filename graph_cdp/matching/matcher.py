"""The front of matching: train a model, block, score and decide pairs of records.

Scoring is Fellegi-Sunter (Fellegi & Sunter 1969, "A Theory for Record Linkage",
JASA 64:1183-1210), the model Splink implements: a pair's match weight is the log2
prior odds plus, for each comparison, log2(m/u) of the level the pair falls in (with
the term-frequency adjustment of exact levels); see ``model`` and ``em``. Scoring is
a pure function of (model, records), so the graph's incremental writes and its full
job agree as long as they use the same stored model.
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from graph_cdp.errors import ConfigurationError
from graph_cdp.matching.blocking import BlockingStats, blocked_pairs, rule_fields, rule_keys
from graph_cdp.matching.comparisons import COMPARISONS, NULL, Comparison, Prepared, prepare
from graph_cdp.matching.config import MatchConfig
from graph_cdp.matching.em import (
    combine_sessions,
    count_patterns,
    estimate_prior,
    estimate_u,
    expectation_maximisation,
    initial_m,
)
from graph_cdp.matching.model import LevelParameters, MatchModel
from graph_cdp.matching.records import Decision, FieldScore, MatchRecord, ScoredPair

__all__ = ["BlockingStats", "Matcher"]


def _logit2(probability: float) -> float:
    return math.log2(probability / (1 - probability))


def _probability(weight: float) -> float:
    if weight > 500:
        return 1.0
    if weight < -500:
        return 0.0
    return 2**weight / (1 + 2**weight)


class Matcher:
    def __init__(self, config: MatchConfig, model: MatchModel | None = None) -> None:
        self.config = config
        self.comparisons: list[Comparison] = [COMPARISONS[name] for name in config.comparisons]
        self.model: MatchModel | None = None
        self._weights: list[list[float]] = []
        if model is not None:
            self.use(model)

    # -- the model ---------------------------------------------------------------

    def misfit(self, model: MatchModel) -> str | None:
        """Why ``model`` cannot score with this configuration, or None when it can."""
        missing = [c.name for c in self.comparisons if c.name not in model.comparisons]
        if missing:
            return f"match model lacks comparisons {', '.join(missing)}"
        # A model trained before a comparison's levels changed would weigh each level
        # by another's m and u.
        stale = [
            c.name
            for c in self.comparisons
            if tuple(p.level for p in model.comparisons[c.name]) != c.levels
        ]
        if stale:
            return f"match model has other levels for {', '.join(stale)} than this version"
        return None

    def use(self, model: MatchModel) -> None:
        reason = self.misfit(model)
        if reason is not None:
            raise ConfigurationError(
                f"{reason}: run a full job (or `graph-cdp match train`) to train a model that fits"
            )
        self.model = model
        self._weights = [model.level_weights(c.name) for c in self.comparisons]

    def _require_model(self) -> MatchModel:
        if self.model is None:
            raise ConfigurationError("the matcher has no model: train one or load it first")
        return self.model

    def train(self, records: Sequence[MatchRecord], *, seed: int = 0) -> MatchModel:
        """u by random sampling of pairs, m (and the prior) by EM over blocked pairs
        (as Splink does); term frequencies from the records. Sets self.model."""
        began = time.perf_counter()
        cfg = self.config
        prepared = [prepare(r) for r in records]
        levels = [len(c.levels) for c in self.comparisons]
        fixed = self._fixed_levels()

        sample = self._random_pairs(records, np.random.default_rng(seed))
        u = estimate_u(self._vectors(prepared, sample), levels)
        start = [initial_m(n) for n in levels]
        sessions = []
        session_rules = []
        for rule in cfg.training_rules:
            fields_used = rule_fields(rule)
            trained = [
                c for c, comp in enumerate(self.comparisons) if not set(comp.fields) & fields_used
            ]
            pairs, _ = blocked_pairs(
                records, [rule], max_block_size=cfg.max_block_size, link_only=cfg.link_only
            )
            if not pairs or not trained:
                continue
            patterns, counts = count_patterns(self._vectors(prepared, pairs))
            session_rules.append((rule, len(pairs)))
            sessions.append(
                expectation_maximisation(
                    patterns,
                    counts,
                    start,
                    u,
                    trained=trained,
                    fixed=fixed,
                    max_iterations=cfg.em_max_iterations,
                    tolerance=cfg.em_tolerance,
                )
            )
        m = combine_sessions(sessions, start, fixed)
        pairs, stats = blocked_pairs(
            records, cfg.blocking_rules, max_block_size=cfg.max_block_size, link_only=cfg.link_only
        )
        patterns, counts = count_patterns(self._vectors(prepared, pairs))
        prior = estimate_prior(patterns, counts, m, u, possible_pairs=self._possible(records))
        model = MatchModel(
            prior=prior,
            comparisons={
                comp.name: [
                    LevelParameters(level, float(m[c][i]), float(u[c][i]))
                    for i, level in enumerate(comp.levels)
                ]
                for c, comp in enumerate(self.comparisons)
            },
            tf=self._term_frequencies(prepared),
            tf_weight=cfg.tf_weight,
            tf_minimum_u=cfg.tf_minimum_u,
            training={
                "records": len(records),
                "u_sample_pairs": len(sample),
                "sessions": [
                    {"rule": rule, "pairs": n, "iterations": s.iterations, "prior": s.prior}
                    for (rule, n), s in zip(session_rules, sessions, strict=True)
                ],
                "blocked_pairs": stats.pairs_compared,
                "seconds": round(time.perf_counter() - began, 3),
            },
        )
        self.use(model)
        return model

    def _fixed_levels(self) -> dict[tuple[int, int], float]:
        fixed = {}
        for key, value in self.config.fixed_m.items():
            name, _, level = key.partition(".")
            for c, comp in enumerate(self.comparisons):
                if comp.name == name:
                    fixed[(c, comp.levels.index(level))] = value
        return fixed

    def _possible(self, records: Sequence[MatchRecord]) -> float:
        n = len(records)
        if not self.config.link_only:
            return n * (n - 1) / 2
        sizes: dict[str | None, int] = {}
        for r in records:
            sizes[r.source] = sizes.get(r.source, 0) + 1
        return (n * n - sum(s * s for s in sizes.values())) / 2

    def _random_pairs(
        self, records: Sequence[MatchRecord], rng: np.random.Generator
    ) -> list[tuple[int, int]]:
        n, want = len(records), self.config.u_sample_pairs
        link_only = self.config.link_only
        if n < 2:
            return []
        if self._possible(records) <= want:
            return [
                (i, j)
                for i in range(n)
                for j in range(i + 1, n)
                if not link_only or records[i].source != records[j].source
            ]
        sources = np.array([hash(r.source) for r in records])
        pairs: list[tuple[int, int]] = []
        while len(pairs) < want:
            i = rng.integers(0, n, size=want)
            j = rng.integers(0, n, size=want)
            keep = (i != j) & ((sources[i] != sources[j]) if link_only else True)
            low, high = np.minimum(i, j)[keep], np.maximum(i, j)[keep]
            pairs.extend(zip(low.tolist(), high.tolist(), strict=True))
        return pairs[:want]

    def _vectors(
        self, prepared: Sequence[Prepared], pairs: Sequence[tuple[int, int]]
    ) -> npt.NDArray[np.int8]:
        # One comprehension per comparison: the per-pair overhead is paid once per column.
        out = np.empty((len(pairs), len(self.comparisons)), dtype=np.int8)
        for c, comparison in enumerate(self.comparisons):
            compare = comparison.compare
            out[:, c] = [compare(prepared[i], prepared[j]) for i, j in pairs]
        return out

    def _term_frequencies(self, prepared: Sequence[Prepared]) -> dict[str, dict[str, float]]:
        tables = {}
        for comp in self.comparisons:
            if comp.name not in self.config.tf_adjustment or comp.tf_attr is None:
                continue
            counts: dict[str, int] = {}
            for p in prepared:
                value = getattr(p, comp.tf_attr)
                if value is not None:
                    counts[value] = counts.get(value, 0) + 1
            total = sum(counts.values())
            tables[comp.name] = {v: n / total for v, n in counts.items()} if total else {}
        return tables

    # -- blocking, scoring, deciding -----------------------------------------------

    def blocking_keys(self, record: MatchRecord) -> frozenset[str]:
        """Keys a record is blocked on; two records are compared iff they share one.
        The graph stores these so a write can find a record's neighbours by index."""
        return frozenset(k for rule in self.config.blocking_rules for k in rule_keys(rule, record))

    def _score_prepared(self, a: Prepared, b: Prepared) -> tuple[float, list[tuple[int, float]]]:
        model = self._require_model()
        total = model.prior_weight
        levels: list[tuple[int, float]] = []
        for c, comp in enumerate(self.comparisons):
            level = comp.compare(a, b)
            if level == NULL:
                levels.append((NULL, 0.0))
                continue
            weight = self._weights[c][level]
            if level == 0 and comp.tf_attr is not None and comp.name in model.tf:
                weight += model.tf_adjustment(comp.name, getattr(a, comp.tf_attr))
            levels.append((level, weight))
            total += weight
        return total, levels

    def _pair(self, a: MatchRecord, b: MatchRecord, pa: Prepared, pb: Prepared) -> ScoredPair:
        if b.id < a.id:
            a, b, pa, pb = b, a, pb, pa
        weight, levels = self._score_prepared(pa, pb)
        return ScoredPair(
            a=a.id,
            b=b.id,
            weight=weight,
            probability=_probability(weight),
            fields=tuple(
                FieldScore(comp.name, "null" if level == NULL else comp.levels[level], w)
                for comp, (level, w) in zip(self.comparisons, levels, strict=True)
            ),
        )

    def score(self, a: MatchRecord, b: MatchRecord) -> ScoredPair:
        return self._pair(a, b, prepare(a), prepare(b))

    def decide(self, pair: ScoredPair) -> Decision:
        if pair.probability >= self.config.merge_threshold:
            return Decision.MERGE
        if pair.probability >= self.config.review_threshold:
            return Decision.REVIEW
        return Decision.NONE

    def candidates(self, records: Sequence[MatchRecord]) -> tuple[list[ScoredPair], BlockingStats]:
        """All blocked pairs scored; returns those at or above the review threshold."""
        cfg = self.config
        pairs, stats = blocked_pairs(
            records, cfg.blocking_rules, max_block_size=cfg.max_block_size, link_only=cfg.link_only
        )
        prepared = [prepare(r) for r in records]
        return self._above_review(records, prepared, pairs), stats

    def _above_review(
        self,
        records: Sequence[MatchRecord],
        prepared: Sequence[Prepared],
        pairs: Sequence[tuple[int, int]],
    ) -> list[ScoredPair]:
        if not pairs:
            return []
        floor = _logit2(self.config.review_threshold)
        out = []
        for k in np.flatnonzero(self._weights_of(prepared, pairs) >= floor).tolist():
            i, j = pairs[k]
            if records[i].id != records[j].id:
                out.append(self._pair(records[i], records[j], prepared[i], prepared[j]))
        return out

    def _weights_of(
        self, prepared: Sequence[Prepared], pairs: Sequence[tuple[int, int]]
    ) -> npt.NDArray[np.float64]:
        """Every pair's match weight at once: the level vectors (one comprehension per
        comparison) looked up in each comparison's weights, null weighing 0, and the
        term-frequency adjustment of exact levels from a per-record array."""
        model = self._require_model()
        levels = self._vectors(prepared, pairs).astype(np.int64) + 1  # null (-1) -> 0
        first = np.fromiter((i for i, _ in pairs), dtype=np.int64, count=len(pairs))
        total = np.full(len(pairs), model.prior_weight)
        for c, comp in enumerate(self.comparisons):
            column = levels[:, c]
            total += np.array([0.0, *self._weights[c]])[column]
            if comp.tf_attr is None or comp.name not in model.tf:
                continue
            adjust: dict[str, float] = {}
            for p in prepared:
                value = getattr(p, comp.tf_attr)
                if value is not None and value not in adjust:
                    adjust[value] = model.tf_adjustment(comp.name, value)
            per_record = np.array(
                [adjust.get(getattr(p, comp.tf_attr), 0.0) for p in prepared], dtype=np.float64
            )
            total += np.where(column == 1, per_record[first], 0.0)
        return total

    def candidates_for(
        self, touched: Sequence[MatchRecord], others: Sequence[MatchRecord]
    ) -> list[ScoredPair]:
        """Incremental: touched records against others that share a blocking key.

        ``others`` must hold every record that shares a key with a touched one, so that a
        block over ``max_block_size`` is skipped here exactly as the batch skips it."""
        touched_ids = {r.id for r in touched}
        pool = list(touched) + [r for r in others if r.id not in touched_ids]
        keys = [self.blocking_keys(r) for r in pool]
        by_key: dict[str, list[int]] = {}
        for i, ks in enumerate(keys):
            for k in ks:
                by_key.setdefault(k, []).append(i)
        pairs: set[tuple[int, int]] = set()
        for i in range(len(touched)):
            for k in keys[i]:
                # Same skip as the batch: the caller passes every record sharing a key.
                if len(by_key[k]) > self.config.max_block_size:
                    continue
                for j in by_key[k]:
                    if j == i:
                        continue
                    if self.config.link_only and pool[i].source == pool[j].source:
                        continue
                    pairs.add((i, j) if i < j else (j, i))
        prepared = [prepare(r) for r in pool]
        return self._above_review(pool, prepared, sorted(pairs))
