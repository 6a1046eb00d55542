"""Ground truth for a generated sample and the pairwise accuracy metrics against it.

The metrics are the pairwise (pair-counting) precision and recall used in entity
resolution evaluation (Menestrina, Whang & Garcia-Molina, "Evaluating Entity Resolution
Results", VLDB 2010): every pair of identifiers put in one entity is a claim, scored
against the pairs the truth puts together. Pairs are counted from a contingency table
(sum of n choose 2 per cell), never enumerated, so 200k identifiers score in a second.
"""

from __future__ import annotations

import json
import os
import random
import re
from collections import Counter
from collections.abc import Hashable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, TextIO

from graph_cdp.sample.people import SampleCustomer
from graph_cdp.sample.population import TrapPair

Event = dict[str, Any]  # exactly the API's EventInput, JSON-serializable

SHARED_REASONS = ("household_device", "public_cookie", "call_center_phone")
JUNK_REASON = "junk_email"
_NON_DIGITS = re.compile(r"\D")


def normalized_key(kind: str, raw: str) -> str:
    """The truth key "kind:value" for a value this generator produces.

    Not a general normalizer: it knows only the shapes `graph_cdp.sample` writes (see
    `people.render_value`) and must agree with the product's normalization on them:
    email stripped and lower-cased; a US phone in any of its written forms to E.164;
    device ids stripped and lower-cased; every other kind as is.
    """
    if kind == "email":
        return f"email:{raw.strip().lower()}"
    if kind == "phone":
        digits = _NON_DIGITS.sub("", raw)
        if len(digits) == 11 and digits.startswith("1"):
            digits = digits[1:]
        if len(digits) != 10:
            raise ValueError(f"not a US phone number: {raw!r}")
        return f"phone:+1{digits}"
    if kind == "device_id":
        return f"device_id:{raw.strip().lower()}"
    if kind in ("cookie_id", "loyalty_id", "customer_id"):
        return f"{kind}:{raw}"
    raise ValueError(f"unknown identifier kind: {kind!r}")


@dataclass(frozen=True, slots=True)
class SharedIdentifier:
    """An identifier no one owns: used by several customers, or typed as filler."""

    key: str
    reason: str  # one of SHARED_REASONS, or JUNK_REASON
    users: tuple[int, ...]  # indices of the customers whose events carry it


@dataclass(frozen=True)
class GroundTruth:
    """Who owns which identifier, and what the events can possibly prove.

    `links` are the co-occurrences, in accepted events, of two identifiers owned by the
    same customer. A perfect resolver can join no more than these: the reachable
    clusters are their connected components, one customer's identifiers each.
    """

    owner: Mapping[str, int]
    shared: Mapping[str, SharedIdentifier]
    links: tuple[tuple[str, str], ...]
    expected_rejects: frozenset[str] = frozenset()
    duplicate_message_ids: frozenset[str] = frozenset()
    authors: Mapping[str, int] = field(default_factory=dict)
    # customer -> the keys of their store side, which share nothing with their web side
    cross_channel: Mapping[int, frozenset[str]] = field(default_factory=dict)
    traps: tuple[TrapPair, ...] = ()  # pairs of different people that look alike

    @classmethod
    def from_events(
        cls,
        events: Iterable[Mapping[str, Any]],
        owner: Mapping[str, int],
        shared: Mapping[str, SharedIdentifier],
        *,
        expected_rejects: frozenset[str] = frozenset(),
        duplicate_message_ids: frozenset[str] = frozenset(),
        authors: Mapping[str, int] | None = None,
        cross_channel: Mapping[int, frozenset[str]] | None = None,
        traps: tuple[TrapPair, ...] = (),
    ) -> GroundTruth:
        """Derive the links from the events as they were written, noise and all."""
        seen: set[str] = set()
        links: set[tuple[str, str]] = set()
        keys_of: dict[tuple[str, str], str] = {}  # each value recurs; normalize it once
        for event in events:
            message_id = event["messageId"]
            if message_id in expected_rejects or message_id in seen:
                continue
            seen.add(message_id)
            keys = []
            for ident in event["identifiers"]:
                raw = (ident["kind"], ident["value"])
                key = keys_of.get(raw)
                if key is None:
                    key = keys_of[raw] = normalized_key(*raw)
                keys.append(key)
            owned = sorted({k for k in keys if k in owner})
            for i, a in enumerate(owned):
                links.update((a, b) for b in owned[i + 1 :] if owner[a] == owner[b])
        return cls(
            owner=owner,
            shared=shared,
            links=tuple(sorted(links)),
            expected_rejects=expected_rejects,
            duplicate_message_ids=duplicate_message_ids,
            authors=authors if authors is not None else {},
            cross_channel=cross_channel if cross_channel is not None else {},
            traps=traps,
        )

    @property
    def shared_keys(self) -> frozenset[str]:
        return frozenset(k for k, s in self.shared.items() if s.reason != JUNK_REASON)

    @property
    def junk_keys(self) -> frozenset[str]:
        return frozenset(k for k, s in self.shared.items() if s.reason == JUNK_REASON)

    def reachable_clusters(self) -> list[frozenset[str]]:
        """Connected components of `links` over owned identifiers (singletons included)."""
        return list(self._clusters[0])

    def cluster_of(self, key: str) -> int:
        """Index into `reachable_clusters()` of an owned identifier."""
        return self._clusters[1][key]

    @cached_property
    def _clusters(self) -> tuple[tuple[frozenset[str], ...], dict[str, int]]:
        parent = {key: key for key in self.owner}

        def find(key: str) -> str:
            root = key
            while parent[root] != root:
                root = parent[root]
            while parent[key] != root:  # path compression keeps later finds O(1)
                parent[key], key = root, parent[key]
            return root

        for a, b in self.links:
            ra, rb = find(a), find(b)
            if ra != rb:
                parent[max(ra, rb)] = min(ra, rb)
        groups: dict[str, list[str]] = {}
        for key in self.owner:
            groups.setdefault(find(key), []).append(key)
        clusters = tuple(frozenset(members) for members in groups.values())
        index = {key: n for n, members in enumerate(clusters) for key in members}
        return clusters, index


@dataclass(frozen=True, slots=True)
class Scores:
    """Pairwise accuracy of a predicted clustering over the owned identifiers."""

    precision: float
    recall: float
    f1: float
    true_pairs: int
    predicted_pairs: int
    correct_pairs: int
    entities: int  # predicted entities holding at least one owned identifier
    over_merged: int  # entities holding owned identifiers of 2+ customers
    split_clusters: int  # reachable clusters spread over 2+ entities
    largest_entity: int  # identifiers (of any kind, owned or not) in the biggest entity


def pairwise_scores(predicted: Mapping[str, Hashable], truth: GroundTruth) -> Scores:
    """Score `predicted` (identifier key -> entity id) against what the events allow.

    True pairs are those of `truth.reachable_clusters()` (the deterministic oracle: what
    identifiers alone can join). Owned keys missing from `predicted` count as
    singletons; keys that are not owned (shared, junk, unknown) are ignored except in
    `largest_entity`. With no predicted pairs precision is 1.0 (nothing was claimed),
    with no true pairs recall is 1.0.
    """
    return score_against(predicted, truth.owner, truth._clusters[1])


def score_against(
    predicted: Mapping[str, Hashable], owner: Mapping[str, int], cluster_of: Mapping[str, int]
) -> Scores:
    """Pairwise scores of `predicted` over the keys of `owner`, true clusters `cluster_of`."""
    cell: Counter[tuple[Hashable, int]] = Counter()
    entity_size: Counter[Hashable] = Counter()
    entity_owners: dict[Hashable, set[int]] = {}
    for key, customer in owner.items():
        entity = predicted.get(key)
        if entity is None:
            continue  # a singleton adds no pair and cannot over-merge
        cell[(entity, cluster_of[key])] += 1
        entity_size[entity] += 1
        entity_owners.setdefault(entity, set()).add(customer)
    cluster_sizes = Counter(cluster_of[k] for k in owner)
    true_pairs = sum(_pairs(n) for n in cluster_sizes.values())
    predicted_pairs = sum(_pairs(n) for n in entity_size.values())
    correct = sum(_pairs(n) for n in cell.values())
    unpredicted = Counter(cluster_of[k] for k in owner if k not in predicted)
    spread = Counter(cluster for _, cluster in cell)
    spread.update(unpredicted)  # each missing key is an entity of its own
    precision = correct / predicted_pairs if predicted_pairs else 1.0
    recall = correct / true_pairs if true_pairs else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return Scores(
        precision=precision,
        recall=recall,
        f1=f1,
        true_pairs=true_pairs,
        predicted_pairs=predicted_pairs,
        correct_pairs=correct,
        entities=len(entity_size) + sum(unpredicted.values()),
        over_merged=sum(1 for owners in entity_owners.values() if len(owners) > 1),
        split_clusters=sum(1 for n in spread.values() if n > 1),
        largest_entity=max(
            max(Counter(predicted.values()).values(), default=0), min(1, len(unpredicted))
        ),
    )


def _pairs(n: int) -> int:
    return n * (n - 1) // 2


@dataclass(frozen=True)
class SampleData:
    """A generated sample: events sorted by time, the customers, and the truth."""

    seed: int
    events: list[Event]
    customers: list[SampleCustomer]
    truth: GroundTruth

    def shuffled(self, seed: int | None = None) -> Iterator[Event]:
        """The same events in a deterministic random order, for out-of-order ingestion."""
        order = list(self.events)
        random.Random(self.seed if seed is None else seed).shuffle(order)
        return iter(order)


def write_jsonl(
    events: Iterable[Mapping[str, Any]], target: str | os.PathLike[str] | TextIO
) -> int:
    """Write one compact JSON object per line; returns the number of lines."""
    if isinstance(target, str | os.PathLike):
        with open(target, "w", encoding="utf-8", newline="\n") as handle:
            return _write(events, handle)
    return _write(events, target)


def _write(events: Iterable[Mapping[str, Any]], handle: TextIO) -> int:
    count = 0
    for event in events:
        handle.write(json.dumps(event, ensure_ascii=False, separators=(",", ":")))
        handle.write("\n")
        count += 1
    return count
