"""Deterministic synthetic customers, their events, and the ground truth to score against.

Usage::

    data = generate(customers=2_000, seed=7)
    data.events                             # EventInput dicts, sorted by timestamp
    data.shuffled()                         # the same events out of order
    data.truth.owner                        # "kind:value" -> index of its owner
    data.truth.reachable_clusters()         # what a perfect resolver can join
    pairwise_scores(predicted, data.truth)  # predicted: "kind:value" -> entity id
    write_jsonl(data.events, "events.jsonl")
"""

from __future__ import annotations

from graph_cdp.sample.cases import JUNK_EMAILS, MALFORMED
from graph_cdp.sample.events import DEFAULT_START
from graph_cdp.sample.generator import generate
from graph_cdp.sample.people import Address, SampleCustomer
from graph_cdp.sample.population import TRAP_KINDS, TrapPair
from graph_cdp.sample.truth import (
    JUNK_REASON,
    SHARED_REASONS,
    Event,
    GroundTruth,
    SampleData,
    Scores,
    SharedIdentifier,
    normalized_key,
    pairwise_scores,
    write_jsonl,
)

__all__ = [
    "DEFAULT_START",
    "JUNK_EMAILS",
    "JUNK_REASON",
    "MALFORMED",
    "SHARED_REASONS",
    "TRAP_KINDS",
    "Address",
    "Event",
    "GroundTruth",
    "SampleCustomer",
    "SampleData",
    "Scores",
    "SharedIdentifier",
    "TrapPair",
    "generate",
    "normalized_key",
    "pairwise_scores",
    "write_jsonl",
]
