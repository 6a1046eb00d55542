"""Matching configuration: thresholds, comparisons, blocking rules, training.

Read from TOML by ``load_match_config``; keys left out keep their defaults, unknown
keys and bad values are a ``ConfigurationError``. Thresholds are match
probabilities (the posterior of Fellegi-Sunter, prior included):

- ``merge_threshold`` (0.99): at or above, a pair becomes fuzzy evidence that may merge;
- ``review_threshold`` (0.80): between it and the merge threshold, a review candidate;
  below it, nothing is kept.

``fixed_m`` pins the m probability of chosen levels instead of learning it (Splink's
``fix_m_probability``). The defaults pin ``first_name.else`` and ``birth_date.else`` at
1e-9: one person typing two wholly different first names or birth dates is taken as
no longer the same person, whatever else agrees. Twins, family members and a junior
and senior at one address agree on so much else (surname, address, even birth date)
that a learned m, small as it is, would still be outweighed; these two levels act as
the veto. ``birth_date.decade`` (only the decade differs) is pinned at 1e-6: a slip
of one digit or a junior and a senior, which names and an address cannot tell apart,
so it weighs near -8 and needs an agreeing identifier (a mistyped email, a phone) to
merge. Set them to ``{}`` to let EM learn them (as the FEBRL configuration does,
where such disagreements are typing errors of one person).
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from graph_cdp.errors import ConfigurationError
from graph_cdp.matching.blocking import check_rule
from graph_cdp.matching.comparisons import COMPARISONS

DEFAULT_BLOCKING = (
    "last_metaphone+birth_year",
    "postal_code+first_initial",
    "birth_date",
    "first_initial+last_initial+postal_prefix",
    "email_local",
    "phone_last7",
    # A web side often says no more than a name (and a city): these find it by the
    # name alone, forgiving a typo in either name, and a household by its surname.
    "last_metaphone+first_initial",
    "first_metaphone+last_initial",
    "last_metaphone+postal_code",
    # A nickname on one side and the name on the other ("mandy" and "amanda").
    "last_metaphone+first_forms",
)


@dataclass(frozen=True)
class MatchConfig:
    merge_threshold: float = 0.99  # match probability at or above: fuzzy link that may merge
    review_threshold: float = 0.80  # between review and merge: a review candidate
    comparisons: tuple[str, ...] = (
        "first_name",
        "last_name",
        "birth_date",
        "address",
        "email",
        "phone",
        "gender",
    )
    blocking_rules: tuple[str, ...] = DEFAULT_BLOCKING
    # EM runs once per training rule, over the pairs it blocks, learning m for the
    # comparisons that read none of the rule's fields (as Splink's training sessions).
    training_rules: tuple[str, ...] = ("first_name+last_name", "birth_date")
    max_block_size: int = 500  # blocks larger than this are skipped (counted in stats)
    em_max_iterations: int = 30
    em_tolerance: float = 1e-4
    u_sample_pairs: int = 300_000
    tf_adjustment: tuple[str, ...] = ("first_name", "last_name")
    tf_weight: float = 1.0
    tf_minimum_u: float = 1e-6
    fixed_m: Mapping[str, float] = field(
        default_factory=lambda: {
            "first_name.else": 1e-9,
            "birth_date.else": 1e-9,
            "birth_date.decade": 1e-6,
        }
    )
    day_first: bool = False  # dates typed with slashes: day first (see graph_cdp.dates)
    link_only: bool = False  # compare only records of different sources (FEBRL4)


def _check(config: MatchConfig) -> MatchConfig:
    if not 0 < config.review_threshold <= config.merge_threshold < 1:
        raise ConfigurationError(
            "matching thresholds must satisfy 0 < review_threshold <= merge_threshold < 1",
            review=config.review_threshold,
            merge=config.merge_threshold,
        )
    for name in config.comparisons:
        if name not in COMPARISONS:
            raise ConfigurationError(
                f"unknown comparison {name!r}; known: {', '.join(sorted(COMPARISONS))}"
            )
    for name in config.tf_adjustment:
        if name not in config.comparisons or COMPARISONS[name].tf_attr is None:
            raise ConfigurationError(f"tf_adjustment names {name!r}, which has no tf level here")
    for rule in (*config.blocking_rules, *config.training_rules):
        check_rule(rule)
    for key, m in config.fixed_m.items():
        name, _, level = key.partition(".")
        if name not in COMPARISONS or level not in COMPARISONS[name].levels:
            raise ConfigurationError(f"fixed_m names an unknown level {key!r}")
        if not 0 < m < 1:
            raise ConfigurationError(f"fixed_m[{key!r}] must be between 0 and 1")
    for label, value in (
        ("max_block_size", config.max_block_size),
        ("em_max_iterations", config.em_max_iterations),
        ("u_sample_pairs", config.u_sample_pairs),
    ):
        if value < 1:
            raise ConfigurationError(f"{label} must be at least 1")
    return config


def _coerce(name: str, value: Any, default: Any) -> Any:
    if isinstance(default, tuple):
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ConfigurationError(f"matching.{name} must be a list of strings")
        return tuple(value)
    if isinstance(default, Mapping):
        if not isinstance(value, dict) or not all(
            isinstance(v, int | float) and not isinstance(v, bool) for v in value.values()
        ):
            raise ConfigurationError(f"matching.{name} must be a table of numbers")
        return {str(k): float(v) for k, v in value.items()}
    if isinstance(default, bool):
        if not isinstance(value, bool):
            raise ConfigurationError(f"matching.{name} must be true or false")
        return value
    if isinstance(default, int):
        if not isinstance(value, int) or isinstance(value, bool):
            raise ConfigurationError(f"matching.{name} must be an integer")
        return value
    if not isinstance(value, int | float) or isinstance(value, bool):
        raise ConfigurationError(f"matching.{name} must be a number")
    return float(value)


def match_config_from_mapping(data: Mapping[str, Any]) -> MatchConfig:
    """A MatchConfig from parsed TOML (a ``[matching]`` table or the top level)."""
    table = data.get("matching", data)
    if not isinstance(table, Mapping):
        raise ConfigurationError("[matching] must be a table")
    defaults = MatchConfig()
    known = {f.name for f in fields(MatchConfig)}
    unknown = sorted(set(table) - known)
    if unknown:
        raise ConfigurationError(f"unknown matching settings: {', '.join(unknown)}")
    values = {k: _coerce(k, v, getattr(defaults, k)) for k, v in table.items()}
    return _check(replace(defaults, **values))


def load_match_config(path: Path | None) -> MatchConfig:
    """The configuration in a TOML file; None: the defaults."""
    if path is None:
        return _check(MatchConfig())
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as e:
        raise ConfigurationError(f"cannot read matching configuration {path}: {e}") from e
    except tomllib.TOMLDecodeError as e:
        raise ConfigurationError(f"matching configuration {path} is not TOML: {e}") from e
    return match_config_from_mapping(data)
