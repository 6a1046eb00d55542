"""What the matcher takes (records) and gives (scored pairs with their waterfall)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from graph_cdp.matching.traits import PersonTraits


@dataclass(frozen=True)
class MatchRecord:
    id: str  # a customer id (graph) or a record id (FEBRL)
    traits: PersonTraits
    emails: tuple[str, ...] = ()  # normalized values
    phones: tuple[str, ...] = ()
    anchor: str | None = None  # graph only: the identifier key a fuzzy link attaches to
    source: str | None = None  # which file a record came from, for link-only matching


@dataclass(frozen=True)
class FieldScore:
    field: str  # "first_name", "birth_date", ...
    level: str  # "exact", "nickname", "jaro_winkler>=0.92", "null", "else", ...
    weight: float  # log2 Bayes factor m/u of this level (0 for null), tf included


@dataclass(frozen=True)
class ScoredPair:
    a: str  # record ids, a < b
    b: str
    weight: float  # total match weight, log2, prior included
    probability: float
    fields: tuple[FieldScore, ...]  # the waterfall, in comparison order


class Decision(StrEnum):
    MERGE = "merge"
    REVIEW = "review"
    NONE = "none"
