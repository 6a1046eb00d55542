"""Guarded connected components: tables of evidence and the customers they must give."""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Iterable, Mapping
from types import MappingProxyType

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from graph_cdp.graph_types import OK, Link, Node
from graph_cdp.resolution.clustering import SHARED, Resolution, resolve
from graph_cdp.resolution.names import agree
from graph_cdp.resolution.rules import DEFAULT_LIMITS, Rules, limit_bucket

RULES = Rules()

# Keys are "kind:value"; the value of a loyalty id keeps its program prefix.
CA, CB, CC = "customer_id:A", "customer_id:B", "customer_id:C"
LA1, LA2, LZ = "loyalty_id:acme:1", "loyalty_id:acme:2", "loyalty_id:zeta:9"
LN1, LN2 = "loyalty_id:123", "loyalty_id:456"  # no program prefix
EA, EB, EC, ED = "email:a@x.io", "email:b@x.io", "email:c@x.io", "email:d@x.io"
PA, PB, PC, PD = "phone:+15550001", "phone:+15550002", "phone:+15550003", "phone:+15550004"
D1, D2, D3 = "device_id:d1", "device_id:d2", "device_id:d3"
K1, K2, K3 = "cookie_id:k1", "cookie_id:k2", "cookie_id:k3"
TW = "twitter:@someone"  # a kind the rules do not list


def _node(key: str, status: str = OK) -> Node:
    kind, value = key.split(":", 1)
    return Node(key, kind, value, 0, status)


def _link(a: str, b: str, count: int = 1, first_seen: int = 0, *, revoked: bool = False) -> Link:
    return Link(a, b, count, first_seen, revoked)


def _pair(a: str, b: str) -> tuple[str, str]:
    return (a, b) if a <= b else (b, a)


def _nodes(
    links: Iterable[Link], status: Mapping[str, str] | None = None, extra: Iterable[str] = ()
) -> dict[str, Node]:
    status = status or {}
    keys = {k for ln in links for k in (ln.a, ln.b)} | set(extra)
    return {k: _node(k, status.get(k, OK)) for k in sorted(keys)}


def _canon(groups: Iterable[Iterable[str]]) -> list[list[str]]:
    return sorted((sorted(g) for g in groups), key=lambda m: m[0])


def _with_limits(**limits: int) -> Rules:
    return Rules(limits=MappingProxyType({**DEFAULT_LIMITS, **limits}))


_DEVICES = [f"device_id:d{i:02}" for i in range(11)]
_COOKIES = [f"cookie_id:k{i:02}" for i in range(51)]

CASES = [
    pytest.param(
        [_link(CA, EA), _link(EA, PA), _link(PA, D1), _link(D1, K1)],
        {},
        [[CA, EA, PA, D1, K1]],
        {},
        id="plain chain merges",
    ),
    pytest.param(
        [_link(CA, CB)],
        {},
        [[CA], [CB]],
        {(CA, CB): "limit:customer_id"},
        id="two customer ids linked directly never merge",
    ),
    pytest.param(
        [_link(CA, EA), _link(CB, EA)],
        {},
        [[CA, EA], [CB]],
        {(CB, EA): "limit:customer_id"},
        id="two customer ids through one email never merge",
    ),
    pytest.param(
        [_link(CA, EA), _link(CB, EA), _link(CC, EA)],
        {},
        [[CA, EA], [CB], [CC]],
        {(CB, EA): "limit:customer_id", (CC, EA): "limit:customer_id"},
        id="three customer ids through one email",
    ),
    pytest.param(
        [_link(CA, LA1), _link(CA, LZ), _link(CA, LN1)],
        {},
        [[CA, LA1, LZ, LN1]],
        {},
        id="loyalty ids of different programs co-exist",
    ),
    pytest.param(
        [_link(CA, LA1), _link(CA, LA2)],
        {},
        [[CA, LA1], [LA2]],
        {(CA, LA2): "limit:loyalty_id"},
        id="two loyalty ids of one program do not",
    ),
    pytest.param(
        [_link(LA1, LA2)],
        {},
        [[LA1], [LA2]],
        {(LA1, LA2): "limit:loyalty_id"},
        id="two loyalty ids of one program linked directly",
    ),
    pytest.param(
        [_link(CA, LN1), _link(CA, LN2)],
        {},
        [[CA, LN1], [LN2]],
        {(CA, LN2): "limit:loyalty_id"},
        id="loyalty ids without a program share one bucket",
    ),
    pytest.param(
        [_link(CA, EA), _link(CA, EB), _link(CA, EC), _link(CA, ED)],
        {},
        [[CA, EA, EB, EC], [ED]],
        {(CA, ED): "limit:email"},
        id="email limit 3: the fourth email is refused",
    ),
    pytest.param(
        [_link(CA, EA, 1), _link(CA, EB, 5), _link(CA, EC, 5), _link(CA, ED, 5)],
        {},
        [[CA, EB, EC, ED], [EA]],
        {(CA, EA): "limit:email"},
        id="email limit: the weakest link is the one refused",
    ),
    pytest.param(
        [_link(EA, EB), _link(EB, EC), _link(ED, PA), _link(PA, EC)],
        {},
        [[EA, EB, EC, PA], [ED]],
        {(ED, PA): "limit:email"},
        id="email limit counts the whole merged cluster",
    ),
    pytest.param(
        [_link(CA, PA), _link(CA, PB), _link(CA, PC), _link(CA, PD)],
        {},
        [[CA, PA, PB, PC], [PD]],
        {(CA, PD): "limit:phone"},
        id="phone limit 3",
    ),
    pytest.param(
        [_link(CA, d) for d in _DEVICES],
        {},
        [[CA, *_DEVICES[:10]], [_DEVICES[10]]],
        {(CA, _DEVICES[10]): "limit:device_id"},
        id="device limit 10",
    ),
    pytest.param(
        [_link(D1, k) for k in _COOKIES],
        {},
        [[D1, *_COOKIES[:50]], [_COOKIES[50]]],
        {(_COOKIES[50], D1): "limit:cookie_id"},
        id="cookie limit 50",
    ),
    pytest.param(
        [
            _link(CA, EA),
            _link(CB, EB),
            _link(CC, EC),
            _link(D1, EA),
            _link(D1, EB),
            _link(D1, EC),
            _link(K1, D1),
            _link(K2, K1),
        ],
        {},
        [[CA, EA], [CB, EB], [CC, EC], [D1, K1, K2]],
        {(D1, EA): SHARED, (D1, EB): SHARED, (D1, EC): SHARED},
        id="family tablet: shared device keeps its own cookies",
    ),
    pytest.param(
        [_link(D1, EA), _link(D1, EB)],
        {},
        [[D1], [EA], [EB]],
        {(D1, EA): SHARED, (D1, EB): SHARED},
        id="device touching two nameless email clusters is shared",
    ),
    pytest.param(
        [_link(D1, EA), _link(D1, CB)],
        {},
        [[CB, D1, EA]],
        {},
        id="device joining one person's email side and customer-id side",
    ),
    pytest.param(
        [_link(CA, EA), _link(CA, PA), _link(D1, EA), _link(D1, PA)],
        {},
        [[CA, EA, PA, D1]],
        {},
        id="device touching two anchors of one cluster is not shared",
    ),
    pytest.param(
        [_link(CA, EA), _link(K1, EA)],
        {},
        [[CA, EA, K1]],
        {},
        id="cookie linked to one anchor cluster attaches to it",
    ),
    pytest.param(
        [_link(D1, K1), _link(K1, K2), _link(K2, D2)],
        {},
        [[D1, D2, K1, K2]],
        {},
        id="weak evidence alone forms an unanchored cluster",
    ),
    pytest.param(
        [_link(EA, K1), _link(K1, D1), _link(D1, K2), _link(K2, EB)],
        {},
        [[EA, K1, D1], [EB, K2]],
        {(K2, D1): SHARED},
        id="weak chain cookie-device-cookie never joins two anchored clusters",
    ),
    pytest.param(
        [_link(EA, K1), _link(K1, D1), _link(D1, K2, 5), _link(K2, EB)],
        {},
        [[EA, K1], [EB, K2, D1]],
        {(K1, D1): SHARED},
        id="weak chain: the stronger weak link decides where the device goes",
    ),
    pytest.param(
        [_link(EA, D1), _link(D1, D2), _link(D2, EB)],
        {},
        [[EA, D1], [EB, D2]],
        {(D1, D2): SHARED},
        id="weak chain device-device refused",
    ),
    pytest.param(
        [_link(TW, EA), _link(TW, EB)],
        {},
        [[TW], [EA], [EB]],
        {(EA, TW): SHARED, (EB, TW): SHARED},
        id="an unlisted kind is weak",
    ),
    pytest.param(
        [_link(CA, EA), _link(EA, PA)],
        {EA: "blocked"},
        [[CA], [EA], [PA]],
        {(CA, EA): "blocked", (EA, PA): "blocked"},
        id="blocked identifier is a singleton",
    ),
    pytest.param(
        [_link(CA, EA), _link(EA, PA)],
        {EA: "invalid"},
        [[CA], [EA], [PA]],
        {(CA, EA): "invalid", (EA, PA): "invalid"},
        id="an invalid identifier links nothing, like a blocked one",
    ),
    pytest.param(
        [_link(CA, EA), _link(EA, PA)],
        {EA: "hub"},
        [[CA], [EA], [PA]],
        {(CA, EA): "hub", (EA, PA): "hub"},
        id="hub identifier is a singleton",
    ),
    pytest.param(
        [_link(EA, D1)],
        {EA: "blocked", D1: "hub"},
        [[EA], [D1]],
        {(D1, EA): "blocked"},
        id="blocked wins over hub (blocked end first)",
    ),
    pytest.param(
        [_link(D1, EA)],
        {EA: "blocked", D1: "hub"},
        [[EA], [D1]],
        {(D1, EA): "blocked"},
        id="blocked wins over hub (hub end first)",
    ),
    pytest.param(
        [_link(CA, EA, revoked=True)],
        {},
        [[CA], [EA]],
        {(CA, EA): "revoked"},
        id="revoked link refused",
    ),
    pytest.param(
        [_link(CA, EA, revoked=True)],
        {EA: "blocked"},
        [[CA], [EA]],
        {(CA, EA): "revoked"},
        id="revoked wins over blocked",
    ),
    pytest.param(
        [_link(CA, EA, revoked=True), _link(CA, PA), _link(PA, EA)],
        {},
        [[CA, EA, PA]],
        {(CA, EA): "revoked"},
        id="revoked link does not split what other evidence joins",
    ),
    pytest.param(
        [_link(K1, D1, revoked=True)],
        {},
        [[K1], [D1]],
        {(K1, D1): "revoked"},
        id="revoked weak link refused",
    ),
    pytest.param(
        [_link(EA, EA)],
        {},
        [[EA]],
        {},
        id="self link is ignored",
    ),
    pytest.param(
        [_link(CA, EA, 5), _link(CB, EA, 1)],
        {},
        [[CA, EA], [CB]],
        {(CB, EA): "limit:customer_id"},
        id="higher count wins a limit conflict",
    ),
    pytest.param(
        [_link(CA, EA, 1), _link(CB, EA, 5)],
        {},
        [[CA], [CB, EA]],
        {(CA, EA): "limit:customer_id"},
        id="higher count wins a limit conflict (other side)",
    ),
    pytest.param(
        [_link(CA, EA, 2, 200), _link(CB, EA, 2, 100)],
        {},
        [[CA], [CB, EA]],
        {(CA, EA): "limit:customer_id"},
        id="equal counts: the older link wins",
    ),
    pytest.param(
        [_link(CA, EA, 1), _link(EA, PA, 100), _link(PA, CB, 100)],
        {},
        [[CA, EA], [CB, PA]],
        {(EA, PA): "limit:customer_id"},
        id="stronger kinds are applied before higher counts",
    ),
]


@pytest.mark.parametrize(("links", "status", "clusters", "refused"), CASES)
def test_resolve(
    links: list[Link],
    status: dict[str, str],
    clusters: list[list[str]],
    refused: dict[tuple[str, str], str],
) -> None:
    result = resolve(_nodes(links, status), links, RULES)
    assert result.clusters == _canon(clusters)
    assert result.refused == refused


def test_identifiers_without_links_are_singletons() -> None:
    nodes = _nodes([], extra=[EA, D1, CA])
    assert resolve(nodes, [], RULES) == Resolution([[CA], [D1], [EA]], {})


PRIORITY_EMAIL_FIRST = ("email", "customer_id", "loyalty_id", "phone", "device_id", "cookie_id")

RULE_CASES = [
    pytest.param(
        _with_limits(email=1),
        [_link(CA, EA), _link(CA, EB)],
        [[CA, EA], [EB]],
        {(CA, EB): "limit:email"},
        id="configured email limit",
    ),
    pytest.param(
        _with_limits(customer_id=2),
        [_link(CA, CB)],
        [[CA, CB]],
        {},
        id="configured customer_id limit",
    ),
    pytest.param(
        RULES,
        [_link(LA1, CA), _link(LA1, EB), _link(EB, CB)],
        [[CA, LA1], [CB, EB]],
        {(EB, LA1): "limit:customer_id"},
        id="default priority: loyalty-customer applied first",
    ),
    pytest.param(
        Rules(priority=PRIORITY_EMAIL_FIRST),
        [_link(LA1, CA), _link(LA1, EB), _link(EB, CB)],
        [[CA], [CB, EB, LA1]],
        {(CA, LA1): "limit:customer_id"},
        id="email-first priority: loyalty-email applied first",
    ),
    pytest.param(
        Rules(anchors=frozenset({"customer_id", "loyalty_id", "email", "phone", "device_id"})),
        [_link(D1, CA), _link(D1, CB)],
        [[CA, D1], [CB]],
        {(CB, D1): "limit:customer_id"},
        id="device as anchor: limit instead of shared",
    ),
]


@pytest.mark.parametrize(("rules", "links", "clusters", "refused"), RULE_CASES)
def test_resolve_follows_the_rules(
    rules: Rules,
    links: list[Link],
    clusters: list[list[str]],
    refused: dict[tuple[str, str], str],
) -> None:
    result = resolve(_nodes(links), links, rules)
    assert result.clusters == _canon(clusters)
    assert result.refused == refused


# --- properties over random small graphs --------------------------------------------

POOL = [CA, CB, LA1, LA2, LZ, EA, EB, EC, ED, PA, PB, D1, D2, D3, K1, K2, K3]
PAIRS = list(itertools.combinations(POOL, 2))
TIGHT = _with_limits(email=2, phone=1, device_id=1, cookie_id=2)
Graph = tuple[dict[str, Node], list[Link]]


@st.composite
def graphs(draw: st.DrawFn) -> Graph:
    statuses = draw(
        st.lists(
            st.sampled_from((OK, OK, OK, OK, OK, "blocked", "hub")),
            min_size=len(POOL),
            max_size=len(POOL),
        )
    )
    nodes = {k: _node(k, s) for k, s in zip(POOL, statuses, strict=True)}
    pairs = draw(st.lists(st.sampled_from(PAIRS), unique=True, max_size=30))
    links = [
        _link(
            *(pair[::-1] if draw(st.booleans()) else pair),
            count=draw(st.integers(1, 4)),
            first_seen=draw(st.integers(0, 3)),
            revoked=draw(st.sampled_from((False, False, False, False, True))),
        )
        for pair in pairs
    ]
    return nodes, links


PROPERTY = settings(max_examples=400, deadline=None, database=None)
SOME_RULES = st.sampled_from((RULES, TIGHT))


@PROPERTY
@given(graph=graphs(), rules=SOME_RULES, data=st.data())
def test_input_order_never_changes_the_result(
    graph: Graph, rules: Rules, data: st.DataObject
) -> None:
    nodes, links = graph
    expected = resolve(nodes, links, rules)
    shuffled_links = data.draw(st.permutations(links), label="links")
    key_order = data.draw(st.permutations(list(nodes)), label="nodes")
    shuffled_nodes = {k: nodes[k] for k in key_order}
    assert resolve(shuffled_nodes, shuffled_links, rules) == expected


@PROPERTY
@given(graph=graphs(), rules=SOME_RULES)
def test_link_direction_never_changes_the_partition(graph: Graph, rules: Rules) -> None:
    nodes, links = graph
    expected = resolve(nodes, links, rules)
    flipped = resolve(
        nodes, [Link(ln.b, ln.a, ln.count, ln.first_seen, ln.revoked) for ln in links], rules
    )
    assert flipped.clusters == expected.clusters
    # Only the refused pairs: when several limits are exceeded at once, which one is
    # named can depend on the direction of the links.
    assert flipped.refused.keys() == expected.refused.keys()


@PROPERTY
@given(graph=graphs(), rules=SOME_RULES)
def test_components_resolve_alone_as_in_the_whole(graph: Graph, rules: Rules) -> None:
    """Incremental resolution (one component) and batch (everything) agree."""
    nodes, links = graph
    whole = resolve(nodes, links, rules)
    component: dict[str, str] = {k: k for k in nodes}

    def root(k: str) -> str:
        while component[k] != k:
            k = component[k]
        return k

    for ln in links:
        component[root(ln.a)] = root(ln.b)
    parts: dict[str, list[str]] = {}
    for k in nodes:
        parts.setdefault(root(k), []).append(k)
    clusters: list[list[str]] = []
    refused: dict[tuple[str, str], str] = {}
    for keys in parts.values():
        members = set(keys)
        sub = resolve({k: nodes[k] for k in keys}, [ln for ln in links if ln.a in members], rules)
        clusters.extend(sub.clusters)
        refused.update(sub.refused)
    assert _canon(clusters) == whole.clusters
    assert refused == whole.refused


def _groups(keys: list[str], edges: list[tuple[str, str]]) -> list[list[str]]:
    """The connected groups of ``keys`` over ``edges``."""
    left, groups = set(keys), []
    while left:
        start = min(left)
        reached, frontier = {start}, [start]
        while frontier:
            k = frontier.pop()
            for a, b in edges:
                for x, y in ((a, b), (b, a)):
                    if x == k and y not in reached:
                        reached.add(y)
                        frontier.append(y)
        groups.append(sorted(reached))
        left -= reached
    return groups


def _screened(ln: Link, nodes: Mapping[str, Node]) -> str | None:
    """The rule that refuses a link before resolution: revoked, then blocked, then hub."""
    if ln.revoked:
        return "revoked"
    statuses = {nodes[ln.a].status, nodes[ln.b].status}
    return next((s for s in ("blocked", "hub") if s in statuses), None)


@PROPERTY
@given(graph=graphs(), rules=SOME_RULES)
def test_invariants(graph: Graph, rules: Rules) -> None:
    nodes, links = graph
    result = resolve(nodes, links, rules)
    where = {key: i for i, members in enumerate(result.clusters) for key in members}
    by_pair = {ln.pair: ln for ln in links}

    # A partition of every identifier, in canonical order.
    assert sorted(k for members in result.clusters for k in members) == sorted(nodes)
    assert result.clusters == _canon(result.clusters)

    buckets_of = [
        Counter(limit_bucket(nodes[k].kind, nodes[k].value) for k in members)
        for members in result.clusters
    ]
    for members, buckets in zip(result.clusters, buckets_of, strict=True):
        # Blocked and hub identifiers stand alone.
        if len(members) > 1:
            assert all(nodes[k].status == OK for k in members)
        # No cluster holds more values of a kind than its limit.
        for bucket, n in buckets.items():
            assert n <= rules.limits[bucket.split(":", 1)[0]], (bucket, members)
        # Groups of anchors joined only through weak evidence could be one person: they
        # name no anchor kind twice, or only emails/phones, with agreeing names.
        anchors = [k for k in members if rules.is_anchor(nodes[k].kind)]
        accepted = [
            ln.pair
            for ln in links
            if ln.pair not in result.refused and ln.a in anchors and ln.b in anchors
        ]
        groups = _groups(anchors, accepted)
        for g1, g2 in itertools.combinations(groups, 2):
            overlap = {nodes[k].kind for k in g1} & {nodes[k].kind for k in g2}
            if overlap:
                assert overlap <= {"email", "phone"}, (g1, g2)
                assert agree(
                    [n for k in g1 for n in nodes[k].names], [n for k in g2 for n in nodes[k].names]
                ), (g1, g2)

    for ln in links:
        if ln.pair not in result.refused:
            assert where[ln.a] == where[ln.b], ln

    for pair, rule in result.refused.items():
        ln = by_pair[pair]
        screened = _screened(ln, nodes)
        if screened is not None:
            assert rule == screened, (pair, rule)
        elif rule == SHARED:
            assert not all(rules.is_anchor(nodes[k].kind) for k in pair)
        else:
            kind = rule.removeprefix("limit:")
            assert rule == f"limit:{kind}"
            # Clusters only grow, so a limit once exceeded stays exceeded.
            assert where[ln.a] != where[ln.b], (pair, rule)
            both = buckets_of[where[ln.a]] + buckets_of[where[ln.b]]
            assert any(
                b.split(":", 1)[0] == kind and n > rules.limits[kind] for b, n in both.items()
            ), (pair, rule)


def test_a_shared_device_joins_nobody_even_through_a_cookie() -> None:
    e1, e2 = "email:e1@x.io", "email:e2@x.io"
    links = [_link(D1, e1), _link(D1, e2), _link(K1, D1), _link(K1, e1)]
    result = resolve(_nodes(links), links, Rules())
    assert {frozenset(c) for c in result.clusters} == {
        frozenset({D1}),
        frozenset({e1, K1}),
        frozenset({e2}),
    }
    assert result.refused[_pair(K1, D1)] == SHARED


def test_the_limit_named_does_not_depend_on_link_direction() -> None:
    c1, c2, l1, l2 = "customer_id:c1", "customer_id:c2", "loyalty_id:p:1", "loyalty_id:p:2"
    forward = [_link(c1, l1, 9), _link(c2, l2, 9), _link(l1, c2, 1)]
    backward = [_link(l1, c1, 9), _link(l2, c2, 9), _link(l1, c2, 1)]
    a = resolve(_nodes(forward), forward, Rules())
    b = resolve(_nodes(backward), backward, Rules())
    assert a.refused == b.refused
    assert a.refused[_pair(l1, c2)] == "limit:customer_id"


# --- the shared-device rule, with names and birth dates -----------------------------

STRICT = Rules(shared_device="strict")
TIM, TIMOTHY = "tim|gonzalez", "timothy|gonzalez"
MARY, JOHN = "mary|smith", "john|smith"
SENIOR, JUNIOR = "tim|gonzalez|1958-04-02", "tim|gonzalez|1987-11-30"
E1, E2, E3, E4 = "email:e1@x.io", "email:e2@x.io", "email:e3@x.io", "email:e4@x.io"


def _named(links: list[Link], names: Mapping[str, tuple[str, ...]]) -> dict[str, Node]:
    nodes = _nodes(links)
    return {
        k: Node(n.key, n.kind, n.value, 0, n.status, names.get(k, ())) for k, n in nodes.items()
    }


_ON_DEVICE = [_link(D1, EA), _link(D1, EB)]
_ON_DEVICE_3 = [_link(D1, EA), _link(D1, EB), _link(D1, EC)]
_ONE = [[D1, EA, EB]]
_APART = [[D1], [EA], [EB]]
_BOTH_SHARED = {(D1, EA): SHARED, (D1, EB): SHARED}

# (links, names, evidence: clusters and refused, strict: clusters and refused)
DEVICE_CASES = [
    pytest.param(
        _ON_DEVICE, {EA: (TIM,), EB: (TIMOTHY,)}, _ONE, {}, _APART, _BOTH_SHARED,
        id="nickname: Tim and Timothy on one laptop are one person",
    ),
    pytest.param(
        _ON_DEVICE, {EA: (TIM,)}, _ONE, {}, _APART, _BOTH_SHARED,
        id="a nameless mailbox joins a named one through a personal device",
    ),
    pytest.param(
        _ON_DEVICE, {}, _APART, _BOTH_SHARED, _APART, _BOTH_SHARED,
        id="two nameless mailboxes: nothing says one person, still shared",
    ),
    pytest.param(
        _ON_DEVICE, {EA: (MARY,), EB: (JOHN,)}, _APART, _BOTH_SHARED, _APART, _BOTH_SHARED,
        id="family tablet: two first names stay apart",
    ),
    pytest.param(
        _ON_DEVICE, {EA: (SENIOR,), EB: (JUNIOR,)}, _APART, _BOTH_SHARED, _ONE, {},
        id="junior and senior: one name, birth dates decades apart",
    ),
    pytest.param(
        _ON_DEVICE, {EA: (SENIOR, TIM), EB: (JUNIOR, TIM)}, _APART, _BOTH_SHARED, _ONE, {},
        id="junior and senior: an undated entry on each side does not join them",
    ),
    pytest.param(
        _ON_DEVICE, {EA: ("ann|lee|1990-01-01",), EB: ("bob|lee|1990-01-01",)},
        _APART, _BOTH_SHARED, _APART, _BOTH_SHARED,
        id="twins: one birth date, two first names",
    ),
    pytest.param(
        _ON_DEVICE, {EA: ("bill|jones|1970-02-03",), EB: ("william|jones",)}, _ONE, {},
        _APART, _BOTH_SHARED,
        id="Bill and William, one side dated",
    ),
    pytest.param(
        _ON_DEVICE, {EA: ("amanda|khan",), EB: ("amanda|kahn",)}, _ONE, {}, _ONE, {},
        id="a typo in the last name is forgiven by both rules",
    ),
    pytest.param(
        [*_ON_DEVICE, _link(CA, EA), _link(CB, EB)], {EA: (TIM,), EB: (TIM,)},
        [[CA, EA], [CB, EB], [D1]], _BOTH_SHARED, [[CA, EA], [CB, EB], [D1]], _BOTH_SHARED,
        id="two customer ids: never one person, whatever the names",
    ),
    pytest.param(
        _ON_DEVICE, {D1: (MARY, JOHN)}, _APART, _BOTH_SHARED, _APART, _BOTH_SHARED,
        id="two people typed their names on the device itself",
    ),
    pytest.param(
        _ON_DEVICE, {D1: ("ann|lee",), EA: ("bob|lee",)}, _APART, _BOTH_SHARED,
        _APART, _BOTH_SHARED,
        id="the device's own name disagrees with a side",
    ),
    pytest.param(
        _ON_DEVICE_3, {EB: (TIM,)}, [[D1, EA, EB, EC]], {}, [[D1], [EA], [EB], [EC]],
        {**_BOTH_SHARED, (D1, EC): SHARED},
        id="one named side and two nameless ones: one person whatever the link order",
    ),
    pytest.param(
        [_link(D1, CA), _link(D1, EA)], {CA: (JOHN,), EA: (MARY,)}, [[CA], [D1], [EA]],
        {(CA, D1): SHARED, (D1, EA): SHARED}, [[CA, D1, EA]], {},
        id="customer-id side and email side of two people stay apart",
    ),
    pytest.param(
        [*_ON_DEVICE_3, _link(D1, ED), _link(EA, PA)], {EA: (TIM,)},
        [[D1, EA, EB, EC, PA], [ED]], {(D1, ED): "limit:email"},
        [[D1], [EA, PA], [EB], [EC], [ED]],
        {**_BOTH_SHARED, (D1, EC): SHARED, (D1, ED): SHARED},
        id="four mailboxes of one person: the limit refuses the fourth",
    ),
    pytest.param(
        [_link(EA, K1), _link(K1, D1), _link(D1, K2), _link(K2, EB)],
        {EA: (TIM,), EB: (TIMOTHY,)}, [[D1, EA, EB, K1, K2]], {},
        [[D1, EA, K1], [EB, K2]], {(K2, D1): SHARED},
        id="a weak chain between two sides of one person",
    ),
]  # fmt: skip


@pytest.mark.parametrize(
    ("links", "names", "clusters", "refused", "strict_clusters", "strict_refused"),
    DEVICE_CASES,
)
def test_the_shared_device_rule_weighs_names_and_birth_dates(
    links: list[Link],
    names: Mapping[str, tuple[str, ...]],
    clusters: list[list[str]],
    refused: dict[tuple[str, str], str],
    strict_clusters: list[list[str]],
    strict_refused: dict[tuple[str, str], str],
) -> None:
    nodes = _named(links, names)
    evidence = resolve(nodes, links, RULES)
    assert (evidence.clusters, evidence.refused) == (_canon(clusters), refused)
    strict = resolve(nodes, links, STRICT)
    assert (strict.clusters, strict.refused) == (_canon(strict_clusters), strict_refused)


NAME_POOL = (TIM, TIMOTHY, MARY, JOHN, SENIOR, JUNIOR, "ann|lee|1990-01-01", "bob|lee|1990-01-01")


@st.composite
def named_graphs(draw: st.DrawFn) -> Graph:
    nodes, links = draw(graphs())
    named = {
        k: Node(n.key, n.kind, n.value, n.first_seen, n.status, tuple(names))
        for k, n in nodes.items()
        for names in [draw(st.lists(st.sampled_from(NAME_POOL), max_size=2, unique=True))]
    }
    return named, links


@PROPERTY
@given(graph=named_graphs(), rules=st.sampled_from((RULES, STRICT, TIGHT)), data=st.data())
def test_named_graphs_resolve_alike_in_any_order_and_by_component(
    graph: Graph, rules: Rules, data: st.DataObject
) -> None:
    nodes, links = graph
    whole = resolve(nodes, links, rules)
    shuffled = data.draw(st.permutations(links), label="links")
    assert resolve(dict(reversed(list(nodes.items()))), shuffled, rules) == whole
    for members in whole.clusters:
        keys = set(members)
        touching = [ln for ln in links if ln.a in keys or ln.b in keys]
        reached = keys | {k for ln in touching for k in (ln.a, ln.b)}
        if reached != keys:
            continue  # refused links reach out: resolved with its neighbours, not alone
        alone = resolve({k: nodes[k] for k in members}, touching, rules)
        assert alone.clusters == [sorted(members)]
    for members in whole.clusters:  # names never lift a limit
        assert sum(nodes[k].kind == "customer_id" for k in members) <= 1
