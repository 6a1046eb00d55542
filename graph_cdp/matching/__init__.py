"""Probabilistic matching of person records (Fellegi-Sunter, trained as Splink trains).

Pure: no I/O, never imports ``store`` or ``api``. ``traits`` standardises what people
type, ``comparisons`` turns a pair into levels, ``em`` learns m, u and the prior,
``blocking`` chooses the pairs, ``matcher`` is the front.
"""

from __future__ import annotations

from graph_cdp.matching.blocking import BlockingStats
from graph_cdp.matching.config import MatchConfig, load_match_config, match_config_from_mapping
from graph_cdp.matching.defaults import default_model
from graph_cdp.matching.matcher import Matcher
from graph_cdp.matching.model import LevelParameters, MatchModel
from graph_cdp.matching.records import Decision, FieldScore, MatchRecord, ScoredPair
from graph_cdp.matching.traits import PersonTraits, contacts, merge_traits, standardize

__all__ = [
    "BlockingStats",
    "Decision",
    "FieldScore",
    "LevelParameters",
    "MatchConfig",
    "MatchModel",
    "MatchRecord",
    "Matcher",
    "PersonTraits",
    "ScoredPair",
    "contacts",
    "default_model",
    "load_match_config",
    "match_config_from_mapping",
    "merge_traits",
    "standardize",
]
