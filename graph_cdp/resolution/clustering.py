"""Guarded connected components: the pure core of resolution.

Method: union-find (Tarjan 1975, path halving, union by size) over the identity
evidence, applied in a canonical order so the result depends only on the evidence,
never on the order it arrived in. That is what lets incremental resolution (one
component at a time, on every write) and the batch job (everything) agree.

1. Links touching a blocked or hub identifier are refused (rule ``blocked``/``hub``),
   and so are links an operator revoked (``revoked``).
2. Anchor links (both ends of an anchor kind: customer_id, loyalty_id, email, phone)
   are applied strongest first; a union that would give a customer more distinct
   values of a kind than its limit is refused (``limit:<kind>``).
3. A weak identifier (device, cookie) whose anchor neighbours lie in two or more anchor
   clusters that could not be one person is shared (a family tablet, a library
   computer): its links to anchors are refused (``shared_identifier``). Clusters could
   be one person when they name no anchor kind twice, or share only emails or phones
   and their names agree (``names.py``).
4. The remaining links are applied in the same order; a union that would join two
   anchored clusters that could not be one person, or bring a shared identifier into
   a cluster with an anchor, is refused (``shared_identifier``): two known people
   never merge through weak evidence, and a shared device joins nobody; limits apply
   as in 2. The partition so far is the *base* partition: what deterministic evidence
   alone says, and what probabilistic matching scores (``Resolution.base``).
5. Fuzzy links (``rule='fuzzy'``, scored by graph_cdp.matching) come last, strongest
   match weight first, under the limits of 2; a rejected pair (a reviewer's
   cannot-link) is refused (``rejected``) and no fuzzy union may bring its two ends
   together, directly or through other fuzzy links. So fuzzy evidence never overrides
   deterministic evidence, and a fuzzy link never merges two customer ids.
"""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from graph_cdp.resolution.names import agree
from graph_cdp.resolution.rules import Rules, limit_bucket

OK = "ok"
SHARED = "shared_identifier"
FUZZY = "fuzzy"
REJECTED = "rejected"
# Kinds a person may hold twice, when the names agree.
NAMED_OVERLAP = frozenset({"email", "phone"})


@dataclass(frozen=True)
class Node:
    key: str
    kind: str
    value: str
    first_seen: int  # epoch milliseconds
    status: str = OK  # "ok" | "blocked" | "hub"
    names: tuple[str, ...] = ()  # "first|last" names seen with it (see names.py)


@dataclass(frozen=True)
class Link:
    a: str
    b: str
    count: int
    first_seen: int  # epoch milliseconds
    revoked: bool = False
    rule: str = "co_occurrence"  # "co_occurrence" | "explicit" | "fuzzy"
    weight: float = 0.0  # fuzzy only: the match weight (log2 Bayes factor)
    rejected: bool = False  # fuzzy only: a reviewer's cannot-link

    @property
    def fuzzy(self) -> bool:
        return self.rule == FUZZY

    @property
    def pair(self) -> tuple[str, str]:
        return (self.a, self.b) if self.a <= self.b else (self.b, self.a)


@dataclass
class Resolution:
    clusters: list[list[str]]
    refused: dict[tuple[str, str], str] = field(default_factory=dict)  # pair -> rule
    # The partition before fuzzy links (derived, so not part of equality).
    base: list[list[str]] = field(default_factory=list, compare=False)

    def cluster_of(self) -> dict[str, int]:
        return {key: i for i, members in enumerate(self.clusters) for key in members}


class _Sets:
    """Union-find that tracks, per set, its limit buckets and whether it holds an anchor."""

    def __init__(self, nodes: Mapping[str, Node], rules: Rules) -> None:
        self.parent = {k: k for k in nodes}
        self.size = dict.fromkeys(nodes, 1)
        self.buckets: dict[str, Counter[str]] = {
            k: Counter({limit_bucket(n.kind, n.value): 1}) for k, n in nodes.items()
        }
        self.anchored = {k: rules.is_anchor(n.kind) for k, n in nodes.items()}
        self.shared = dict.fromkeys(nodes, False)
        self.names: dict[str, set[str]] = {k: set(n.names) for k, n in nodes.items()}
        self.rules = rules

    def find(self, x: str) -> str:
        parent = self.parent
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def limit_violation(self, ra: str, rb: str) -> str | None:
        # Only buckets on both sides can overflow; sorted, so the rule named never
        # depends on which node happens to be a root.
        a, b = self.buckets[ra], self.buckets[rb]
        for bucket in sorted(a.keys() & b.keys()):
            kind = bucket.split(":", 1)[0]
            limit = self.rules.limits.get(kind)
            if limit is not None and a[bucket] + b[bucket] > limit:
                return f"limit:{kind}"
        return None

    def anchor_kinds(self, root: str) -> set[str]:
        return {b.split(":", 1)[0] for b in self.buckets[root]} & self.rules.anchors

    def compatible(self, ra: str, rb: str) -> bool:
        """Two anchored clusters may meet through weak evidence only if they name no
        anchor kind twice (one person's email side and customer-id side, say), or if
        the only kinds they share are emails or phones and their names agree (one
        person with two mailboxes, not a family on one tablet)."""
        overlap = self.anchor_kinds(ra) & self.anchor_kinds(rb)
        if not overlap:
            return True
        return overlap <= NAMED_OVERLAP and agree(self.names[ra], self.names[rb])

    def union(self, ra: str, rb: str) -> None:
        if self.size[ra] < self.size[rb]:
            ra, rb = rb, ra
        self.parent[rb] = ra
        self.size[ra] += self.size[rb]
        self.buckets[ra].update(self.buckets.pop(rb))
        self.anchored[ra] = self.anchored[ra] or self.anchored.pop(rb)
        self.shared[ra] = self.shared[ra] or self.shared.pop(rb)
        self.names[ra] |= self.names.pop(rb)


def _order(link: Link, nodes: Mapping[str, Node], rules: Rules) -> tuple[object, ...]:
    ranks = sorted((rules.rank(nodes[link.a].kind), rules.rank(nodes[link.b].kind)))
    a, b = link.pair
    return (ranks[1], ranks[0], -link.count, link.first_seen, a, b)


def _apply(
    links: Iterable[Link],
    sets: _Sets,
    refused: dict[tuple[str, str], str],
    *,
    guard_anchors: bool,
) -> None:
    for link in links:
        ra, rb = sets.find(link.a), sets.find(link.b)
        if ra == rb:
            continue
        if guard_anchors and (
            (sets.anchored[ra] and sets.anchored[rb] and not sets.compatible(ra, rb))
            or (sets.anchored[ra] and sets.shared[rb])
            or (sets.anchored[rb] and sets.shared[ra])
        ):
            refused[link.pair] = SHARED
            continue
        violation = sets.limit_violation(ra, rb)
        if violation is not None:
            refused[link.pair] = violation
            continue
        sets.union(ra, rb)


def _partition(sets: _Sets, nodes: Iterable[str]) -> list[list[str]]:
    groups: dict[str, list[str]] = {}
    for key in nodes:
        groups.setdefault(sets.find(key), []).append(key)
    return sorted((sorted(members) for members in groups.values()), key=lambda m: m[0])


def _apply_fuzzy(links: Sequence[Link], sets: _Sets, refused: dict[tuple[str, str], str]) -> None:
    """Strongest match first; limits hold and no union joins the ends of a rejected pair."""
    cannot = [link.pair for link in links if link.rejected]
    for pair in cannot:
        refused[pair] = REJECTED
    ordered = sorted((ln for ln in links if not ln.rejected), key=lambda ln: (-ln.weight, ln.pair))
    for link in ordered:
        ra, rb = sets.find(link.a), sets.find(link.b)
        if ra == rb:
            continue
        if any({sets.find(x), sets.find(y)} == {ra, rb} for x, y in cannot):
            refused[link.pair] = REJECTED
            continue
        violation = sets.limit_violation(ra, rb)
        if violation is not None:
            refused[link.pair] = violation
            continue
        sets.union(ra, rb)


def resolve(nodes: Mapping[str, Node], links: Sequence[Link], rules: Rules) -> Resolution:
    """Partition ``nodes`` into customers; say which links were refused and by what rule."""
    refused: dict[tuple[str, str], str] = {}
    candidates: list[Link] = []
    fuzzy: list[Link] = []
    for link in links:
        na, nb = nodes[link.a], nodes[link.b]
        if link.revoked:
            refused[link.pair] = "revoked"
        elif na.status != OK or nb.status != OK:
            bad = [s for s in (na.status, nb.status) if s != OK]
            refused[link.pair] = "blocked" if "blocked" in bad else bad[0]
        elif link.fuzzy:
            fuzzy.append(link)
        elif link.a != link.b:
            candidates.append(link)
    candidates.sort(key=lambda link: _order(link, nodes, rules))

    sets = _Sets(nodes, rules)
    anchor_links = [
        ln
        for ln in candidates
        if rules.is_anchor(nodes[ln.a].kind) and rules.is_anchor(nodes[ln.b].kind)
    ]
    _apply(anchor_links, sets, refused, guard_anchors=False)

    # Weak identifiers touching two or more anchor clusters are shared.
    anchor_roots: dict[str, set[str]] = {}
    for link in candidates:
        for weak, other in ((link.a, link.b), (link.b, link.a)):
            if not rules.is_anchor(nodes[weak].kind) and rules.is_anchor(nodes[other].kind):
                anchor_roots.setdefault(weak, set()).add(sets.find(other))
    shared = {
        key
        for key, roots in anchor_roots.items()
        if len(roots) > 1
        and any(not sets.compatible(x, y) for x, y in itertools.combinations(sorted(roots), 2))
    }
    for key in shared:
        sets.shared[key] = True

    rest: list[Link] = []
    for link in candidates:
        if link.pair in refused or (
            rules.is_anchor(nodes[link.a].kind) and rules.is_anchor(nodes[link.b].kind)
        ):
            continue
        if (link.a in shared and rules.is_anchor(nodes[link.b].kind)) or (
            link.b in shared and rules.is_anchor(nodes[link.a].kind)
        ):
            refused[link.pair] = SHARED
            continue
        rest.append(link)
    _apply(rest, sets, refused, guard_anchors=True)

    base = _partition(sets, nodes)
    if not fuzzy:
        return Resolution(base, refused, base)
    _apply_fuzzy(fuzzy, sets, refused)
    return Resolution(_partition(sets, nodes), refused, base)
