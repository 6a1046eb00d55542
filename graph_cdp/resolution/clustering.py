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
   clusters is weighed (``Rules.shared_device``):

   - ``evidence`` (the default): one weak identifier at a time, in key order, its
     clusters are one person unless the evidence says several people: two of them
     hold a kind other than email or phone (two customer ids), or two named sides
     disagree (``names.compare``: no first name the same or a nickname of it, last
     names apart, or birth dates with none in common), or the identifier's own names
     disagree (two people typed their names on it). A side with no names is no proof
     of two people: it may join a named side. Only when no side has a name and two of
     them hold the same kind (two mailboxes, nothing else known) is it shared, as a
     family tablet mostly is. When one person, the identifier joins them at once
     (limits apply as in 2), so which clusters meet does not depend on link order.
   - ``strict`` (the earlier rule, all identifiers at once): shared when two of its
     clusters could not be one person: they name an anchor kind twice, unless only
     emails or phones and some names agree by spelling (``names.agree``; a nameless
     side never agrees).

   A shared identifier's links to anchors are refused (``shared_identifier``).
4. The remaining links are applied in the same order; a union that would join two
   anchored clusters that could not be one person (the pairwise form of the test in
   3), or bring a shared identifier into a cluster with an anchor, is refused
   (``shared_identifier``): two known people never merge through weak evidence, and a
   shared device joins nobody; limits apply as in 2. The partition so far is the *base*
   partition: what deterministic evidence alone says, and what probabilistic matching
   scores (``Resolution.base``).
5. Fuzzy links (``rule='fuzzy'``, scored by graph_cdp.matching) come last, strongest
   match weight first, under the limits of 2; a rejected pair (a reviewer's
   cannot-link) is refused (``rejected``) and no fuzzy union may bring its two ends
   together, directly or through other fuzzy links. So fuzzy evidence never overrides
   deterministic evidence, and a fuzzy link never merges two customer ids. An email
   one slip away from an email of the other side (``mailboxes.mistyped``: a store
   clerk's ``gmial.com``) is one mailbox typed twice, so it is not counted against
   the email limit of such a union.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from graph_cdp.graph_types import REJECTED, Link, Node
from graph_cdp.resolution.mailboxes import mistyped
from graph_cdp.resolution.names import Verdict, agree, compare, consistent
from graph_cdp.resolution.rules import Rules, limit_bucket, refusal_rule

SHARED = "shared_identifier"
# Kinds a person may hold twice, when the names agree.
NAMED_OVERLAP = frozenset({"email", "phone"})


@dataclass
class Resolution:
    clusters: list[list[str]]
    refused: dict[tuple[str, str], str] = field(default_factory=dict)  # pair -> rule
    # The partition before fuzzy links (derived, so not part of equality).
    base: list[list[str]] = field(default_factory=list, compare=False)


class _Sets:
    """Union-find that tracks, per set, its limit buckets and whether it holds an anchor."""

    def __init__(self, nodes: Mapping[str, Node], rules: Rules) -> None:
        self.parent = {k: k for k in nodes}
        self.size = dict.fromkeys(nodes, 1)
        # Plain dicts, not Counters: a full job builds one per identifier of every unit it
        # resolves in Python (a Counter's construction and update cost several times more).
        self.buckets: dict[str, dict[str, int]] = {
            k: {limit_bucket(n.kind, n.value): 1} for k, n in nodes.items()
        }
        self.anchored = {k: rules.is_anchor(n.kind) for k, n in nodes.items()}
        self.shared = dict.fromkeys(nodes, False)
        self.names: dict[str, set[str]] = {k: set(n.names) for k, n in nodes.items()}
        self.emails: dict[str, list[str]] = {
            k: [n.value] for k, n in nodes.items() if n.kind == "email"
        }
        self.rules = rules

    def find(self, x: str) -> str:
        parent = self.parent
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def limit_violation(self, ra: str, rb: str, *, typed_twice: int = 0) -> str | None:
        """The limit a union of the two sets would break; ``typed_twice`` emails of
        one side, mistyped copies of the other's, are not counted as mailboxes."""
        # Only buckets on both sides can overflow; sorted, so the rule named never
        # depends on which node happens to be a root.
        a, b = self.buckets[ra], self.buckets[rb]
        for bucket in sorted(a.keys() & b.keys()):
            kind = bucket.split(":", 1)[0]
            limit = self.rules.limits.get(kind)
            copies = typed_twice if kind == "email" else 0
            if limit is not None and a[bucket] + b[bucket] - copies > limit:
                return f"limit:{kind}"
        return None

    def typed_twice(self, ra: str, rb: str) -> int:
        """How many emails of the side with fewer are a slip away from one of the
        other's (``mailboxes.mistyped``): one mailbox typed twice, not two."""
        a, b = self.emails.get(ra, []), self.emails.get(rb, [])
        if len(a) > len(b):
            a, b = b, a
        return sum(any(mistyped(x, y) for y in b) for x in a)

    def anchor_kinds(self, root: str) -> set[str]:
        return {b.split(":", 1)[0] for b in self.buckets[root]} & self.rules.anchors

    def compatible(self, ra: str, rb: str) -> bool:
        """Two anchored clusters may meet through weak evidence only if they could be
        one person (see the module docstring, rule 3, for each ``shared_device``)."""
        overlap = self.anchor_kinds(ra) & self.anchor_kinds(rb)
        if self.rules.shared_device == "strict":
            if not overlap:
                return True
            return overlap <= NAMED_OVERLAP and agree(self.names[ra], self.names[rb])
        if not overlap <= NAMED_OVERLAP:
            return False
        verdict = compare(self.names[ra], self.names[rb])
        if verdict is Verdict.DIFFERENT:
            return False
        return not overlap or bool(self.names[ra] or self.names[rb])

    def one_person(self, weak: str, roots: Sequence[str]) -> bool:
        """Whether the anchored clusters ``roots`` seen with ``weak`` can all be one
        person (``evidence`` rule: every pair compatible, with the identifier's own
        names as one more side, and a name somewhere when two hold the same kind)."""
        own = self.names[weak]
        if not consistent(own):
            return False
        named = bool(own)
        for x, y in itertools.combinations(roots, 2):
            overlap = self.anchor_kinds(x) & self.anchor_kinds(y)
            if not overlap <= NAMED_OVERLAP:
                return False
            if compare(self.names[x], self.names[y]) is Verdict.DIFFERENT:
                return False
        for root in roots:
            if compare(own, self.names[root]) is Verdict.DIFFERENT:
                return False
            named = named or bool(self.names[root])
        overlapping = any(
            self.anchor_kinds(x) & self.anchor_kinds(y) for x, y in itertools.combinations(roots, 2)
        )
        return named or not overlapping

    def union(self, ra: str, rb: str) -> None:
        if self.size[ra] < self.size[rb]:
            ra, rb = rb, ra
        self.parent[rb] = ra
        self.size[ra] += self.size[rb]
        mine = self.buckets[ra]
        for bucket, n in self.buckets.pop(rb).items():
            mine[bucket] = mine.get(bucket, 0) + n
        self.anchored[ra] = self.anchored[ra] or self.anchored.pop(rb)
        self.shared[ra] = self.shared[ra] or self.shared.pop(rb)
        self.names[ra] |= self.names.pop(rb)
        if rb in self.emails:
            self.emails.setdefault(ra, []).extend(self.emails.pop(rb))


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
        if violation == "limit:email":
            # A clerk's mistyped copy of the customer's email is not one more mailbox.
            violation = sets.limit_violation(ra, rb, typed_twice=sets.typed_twice(ra, rb))
        if violation is not None:
            refused[link.pair] = violation
            continue
        sets.union(ra, rb)


def _other(link: Link, key: str) -> str:
    return link.b if link.a == key else link.a


def _shared_strict(sets: _Sets, to_anchors: Mapping[str, list[Link]]) -> set[str]:
    """Every weak identifier judged at once on the anchor clusters of rule 2."""
    shared = set()
    for key, links in to_anchors.items():
        roots = sorted({sets.find(_other(ln, key)) for ln in links})
        if any(not sets.compatible(x, y) for x, y in itertools.combinations(roots, 2)):
            shared.add(key)
    return shared


def _shared_by_evidence(sets: _Sets, to_anchors: Mapping[str, list[Link]]) -> set[str]:
    """One weak identifier at a time, in key order: shared, or joined with its clusters."""
    shared = set()
    for key in sorted(to_anchors):
        links = to_anchors[key]  # in the canonical order of resolve()
        roots = sorted({sets.find(_other(ln, key)) for ln in links})
        if len(roots) < 2:
            continue
        if not sets.one_person(key, roots):
            shared.add(key)
            continue
        for link in links:
            ra, rb = sets.find(key), sets.find(_other(link, key))
            # A limit refuses the link later, in rule 4, which names it.
            if ra != rb and sets.limit_violation(ra, rb) is None:
                sets.union(ra, rb)
    return shared


def resolve(nodes: Mapping[str, Node], links: Sequence[Link], rules: Rules) -> Resolution:
    """Partition ``nodes`` into customers; say which links were refused and by what rule."""
    refused: dict[tuple[str, str], str] = {}
    candidates: list[Link] = []
    fuzzy: list[Link] = []
    for link in links:
        rule = refusal_rule(link.revoked, (nodes[link.a].status, nodes[link.b].status))
        if rule is not None:
            refused[link.pair] = rule
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

    # Weak identifiers touching two or more anchor clusters: shared, or (evidence) joined.
    to_anchors: dict[str, list[Link]] = {}
    for link in candidates:
        for weak, other in ((link.a, link.b), (link.b, link.a)):
            if not rules.is_anchor(nodes[weak].kind) and rules.is_anchor(nodes[other].kind):
                to_anchors.setdefault(weak, []).append(link)
    if rules.shared_device == "strict":
        shared = _shared_strict(sets, to_anchors)
    else:
        shared = _shared_by_evidence(sets, to_anchors)
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
