"""What the grown sample lets a benchmark count, beside the pairwise scores of truth.py.

- `person_scores`: pairwise precision, recall and F1 against the persons themselves
  (every identifier a customer owns is one true cluster, store side and web side
  together), where `pairwise_scores` scores against what identifiers alone allow.
  Person precision is the one that counts a correct cross-channel join as correct.
- `cross_channel_joined`: customers whose store side and web side are in one entity.
- `trap_pairs_merged`: trap pairs (namesakes, family, junior/senior, twins) with any
  two of their identifiers in one entity, per trap kind; must be zero.
- `weak_only_joined`: customers whose identifiers the events join only through their
  own device or cookie (two of their anchor groups meet through weak identifiers
  only), and how many of them are whole (all their anchors in one entity);
  ``same_kind=True`` counts only those where two such groups hold the same kind (two
  mailboxes read on one laptop): what the shared-device rule must weigh.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Mapping
from dataclasses import dataclass

from graph_cdp.sample.population import TRAP_KINDS
from graph_cdp.sample.truth import GroundTruth, Scores, score_against

# The kinds the product's default rules anchor on (graph_cdp.resolution.rules).
ANCHOR_KINDS = frozenset({"customer_id", "loyalty_id", "email", "phone"})


@dataclass(frozen=True, slots=True)
class Share:
    hit: int
    total: int

    @property
    def fraction(self) -> float:
        return self.hit / self.total if self.total else 1.0


def person_scores(predicted: Mapping[str, Hashable], truth: GroundTruth) -> Scores:
    return score_against(predicted, truth.owner, truth.owner)


def cross_channel_joined(predicted: Mapping[str, Hashable], truth: GroundTruth) -> Share:
    joined = 0
    keys = _keys_of(truth)
    for customer, store in truth.cross_channel.items():
        web = keys[customer] - store
        store_entities = {predicted[k] for k in store if k in predicted}
        joined += any(predicted.get(k) in store_entities for k in web)
    return Share(joined, len(truth.cross_channel))


def trap_pairs_merged(predicted: Mapping[str, Hashable], truth: GroundTruth) -> dict[str, Share]:
    keys = _keys_of(truth)
    merged: Counter[str] = Counter()
    total: Counter[str] = Counter(t.kind for t in truth.traps)
    for trap in truth.traps:
        a = {predicted[k] for k in keys[trap.a] if k in predicted}
        merged[trap.kind] += any(predicted.get(k) in a for k in keys[trap.b])
    return {kind: Share(merged[kind], total[kind]) for kind in TRAP_KINDS}


def weak_only_joined(
    predicted: Mapping[str, Hashable], truth: GroundTruth, *, same_kind: bool = False
) -> Share:
    clusters = _weak_only_clusters(truth, same_kind)
    whole = sum(
        len({predicted.get(k, k) for k in cluster if k.split(":", 1)[0] in ANCHOR_KINDS}) == 1
        for cluster in clusters
    )
    return Share(whole, len(clusters))


def _keys_of(truth: GroundTruth) -> dict[int, frozenset[str]]:
    out: dict[int, set[str]] = {}
    for key, customer in truth.owner.items():
        out.setdefault(customer, set()).add(key)
    return {c: frozenset(keys) for c, keys in out.items()}


def _weak_only_clusters(truth: GroundTruth, same_kind: bool) -> tuple[frozenset[str], ...]:
    """Reachable clusters whose anchors fall in two or more groups over anchor links
    (``same_kind``: two of which hold an anchor of one kind)."""
    parent: dict[str, str] = {}

    def find(k: str) -> str:
        parent.setdefault(k, k)
        while parent[k] != k:
            parent[k] = parent[parent[k]]
            k = parent[k]
        return k

    for a, b in truth.links:
        if a.split(":", 1)[0] in ANCHOR_KINDS and b.split(":", 1)[0] in ANCHOR_KINDS:
            parent[find(a)] = find(b)
    out = []
    for cluster in truth.reachable_clusters():
        groups: dict[str, set[str]] = {}
        for k in cluster:
            kind = k.split(":", 1)[0]
            if kind in ANCHOR_KINDS:
                groups.setdefault(find(k), set()).add(kind)
        kinds = list(groups.values())
        if len(kinds) > 1 and (
            not same_kind or any(x & y for i, x in enumerate(kinds) for y in kinds[i + 1 :])
        ):
            out.append(cluster)
    return tuple(out)
