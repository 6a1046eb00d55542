"""The full job's vectorised unit scan decides exactly what resolving every unit decides."""

from __future__ import annotations

import itertools
from collections import Counter
from types import MappingProxyType

from hypothesis import given, settings
from hypothesis import strategies as st

from graph_cdp.graph_types import IdentifierColumns, LinkColumns, Unit
from graph_cdp.resolution.clustering import resolve
from graph_cdp.resolution.incremental import plan_unit
from graph_cdp.resolution.rules import Rules, identifier_status
from graph_cdp.resolution.snapshot import Snapshot, build_snapshot, identifier_index
from graph_cdp.resolution.unit_diff import cross_unit_refusal, unit_differs
from graph_cdp.resolution.unit_scan import changed_units, plain_units, unit_labels

KEYS = [
    "customer_id:A", "customer_id:B", "loyalty_id:acme:1", "loyalty_id:acme:2",
    "loyalty_id:zeta:9", "email:a@x.io", "email:b@x.io", "phone:+15550001",
    "phone:+15550002", "device_id:d1", "device_id:d2", "cookie_id:k1", "cookie_id:k2",
    "cookie_id:k3", "device_id:blocked",
]  # fmt: skip
RULES = (
    Rules(),
    Rules(shared_device="strict"),
    Rules(limits=MappingProxyType({"customer_id": 1, "email": 1, "device_id": 1})),
    Rules(hub_thresholds=MappingProxyType({"cookie_id": 1}), default_hub_threshold=2),
)
DECISIONS = [(True, None), (False, "hub"), (False, "shared_identifier"), (False, None)]


@st.composite
def graphs(draw: st.DrawFn, odd: bool = True) -> tuple[Snapshot, Rules]:
    """``odd=False``: no names, fuzzy, revoked or rejected links, mostly ``ok``: plain
    units of several identifiers are then common."""
    keys = sorted(draw(st.sets(st.sampled_from(KEYS), min_size=1)))
    n = len(keys)
    customers = st.one_of(st.none(), st.sampled_from(["c1", "c2", "c3"]))
    names = st.sampled_from([(), (), ("ann|lee|",), ("bob|ray|",)] if odd else [()])
    statuses = ["ok", "ok", "hub"] if odd else ["ok", "ok", "ok", "hub"]
    ids = IdentifierColumns(
        keys,
        [k.split(":", 1)[0] for k in keys],
        [k.split(":", 1)[1] for k in keys],
        draw(st.lists(st.integers(0, 3), min_size=n, max_size=n)),
        draw(st.lists(st.sampled_from(statuses), min_size=n, max_size=n)),
        draw(st.lists(customers, min_size=n, max_size=n)),
        draw(st.lists(names, min_size=n, max_size=n)),
    )
    # One link per pair, from the smaller key, as the graph stores them.
    ends = st.tuples(st.sampled_from(keys), st.sampled_from(keys)).filter(lambda p: p[0] < p[1])
    pairs = sorted(draw(st.sets(ends, max_size=12))) if n > 1 else []
    m = len(pairs)
    rare = [False, False, False, True] if odd else [False]
    decisions = draw(st.lists(st.sampled_from(DECISIONS), min_size=m, max_size=m))
    links = LinkColumns(
        [a for a, _ in pairs],
        [b for _, b in pairs],
        draw(st.lists(st.integers(1, 3), min_size=m, max_size=m)),
        [0] * m,
        [d[0] for d in decisions],
        [d[1] for d in decisions],
        draw(st.lists(st.sampled_from(rare), min_size=m, max_size=m)),
        draw(
            st.lists(
                st.sampled_from(["co_occurrence", "fuzzy"] if odd else ["co_occurrence"]),
                min_size=m,
                max_size=m,
            )
        ),
        draw(st.lists(st.floats(1, 9), min_size=m, max_size=m)),
        draw(st.lists(st.sampled_from(rare), min_size=m, max_size=m)),
    )
    ids, index = identifier_index(ids)

    block = {
        k: "blocked value: test"
        for k, v in zip(ids.keys, ids.values, strict=True)
        if v == "blocked"
    }
    return build_snapshot(ids, index, links, block, draw(st.sampled_from(RULES))), draw(
        st.sampled_from(RULES)
    )


def _reference(snapshot: Snapshot, rules: Rules) -> tuple[list[list[str]], Counter[str]]:
    """The job before the scan: every unit through ``unit_differs``."""
    labels = unit_labels(snapshot).tolist()
    label = dict(zip(snapshot.keys, labels, strict=True))
    members: dict[int, list[str]] = {}
    for key in snapshot.keys:
        members.setdefault(label[key], []).append(key)
    inside: dict[int, list[int]] = {}
    dirty: set[int] = set()
    refused: Counter[str] = Counter()
    for j, link in enumerate(snapshot.links):
        la, lb = label[link.a], label[link.b]
        if la == lb:
            inside.setdefault(la, []).append(j)
            continue
        rule = cross_unit_refusal(
            link, snapshot.nodes[link.a].status, snapshot.nodes[link.b].status
        )
        refused[rule] += 1
        if snapshot.decision(j) != (False, rule):
            dirty.update((la, lb))
    for unit, keys in members.items():
        js = inside.get(unit, [])
        differs, counts = unit_differs(
            {k: snapshot.nodes[k] for k in keys},
            [snapshot.links[j] for j in js],
            snapshot.stored_status,
            snapshot.customer,
            {(snapshot.links[j].a, snapshot.links[j].b): snapshot.decision(j) for j in js},
            rules,
        )
        refused.update(counts)
        if differs:
            dirty.add(unit)
    return [members[u] for u in sorted(dirty)], refused


@settings(max_examples=400, deadline=None)
@given(st.one_of(graphs(), graphs(odd=False)))
def test_the_scan_changes_what_resolving_every_unit_changes(
    graph: tuple[Snapshot, Rules],
) -> None:
    snapshot, rules = graph
    # The statuses are the snapshot's rules'; the units are resolved under ``rules``.
    refused: Counter[str] = Counter()
    scan = changed_units(snapshot, unit_labels(snapshot), rules, refused)
    expected, expected_refused = _reference(snapshot, rules)
    assert sorted(scan.units + [p.keys for p in scan.known]) == sorted(expected)
    assert +refused == +expected_refused
    assert scan.n_units == len(set(unit_labels(snapshot).tolist()))


@settings(max_examples=400, deadline=None)
@given(st.one_of(graphs(), graphs(odd=False)))
def test_a_unit_written_from_the_read_is_what_the_locked_re_resolve_writes(
    graph: tuple[Snapshot, Rules],
) -> None:
    """The fenced write's outcome (statuses, a new customer per cluster where the unit
    had none, the link decisions) is the plan the locked re-resolve makes of the same
    unit, from the same read."""
    snapshot, rules = graph
    scan = changed_units(snapshot, unit_labels(snapshot), rules, Counter())
    made = itertools.count()
    for known in scan.known:
        keys = set(known.keys)
        links = [ln for ln in snapshot.links if ln.a in keys and ln.b in keys]
        unit = Unit(
            nodes={k: snapshot.nodes[k] for k in known.keys},
            links=links,
            current={k: snapshot.customer[k] for k in known.keys},
            created_at={known.customer: 0} if known.customer else {},
            decisions={ln.pair: snapshot.decisions[ln.pair] for ln in links},
        )
        _, changes, _ = plan_unit(unit, rules, lambda: f"new{next(made)}")
        assert {snapshot.customer[k] for k in known.keys} == {known.customer}
        if known.customer is None:
            assert len(changes.created) == len(known.clusters)
            parts: dict[str, set[str]] = {}
            for key, cid in changes.assign.items():
                parts.setdefault(cid, set()).add(key)
            assert sorted(map(sorted, parts.values())) == sorted(map(sorted, known.clusters))
        else:
            assert (changes.created, changes.assign) == ([], {})
            assert known.clusters == [known.keys]
        assert changes.merges == []
        written = {(a, b): (active, rule) for a, b, active, rule in known.decisions}
        for a, b, active, rule in changes.decisions:
            assert written[(a, b)] == (active, rule)
        for (a, b), decision in written.items():  # the rest: a link of an inactive end
            assert decision == snapshot.decisions[(a, b)] or (a, b, *decision) in changes.decisions
        assert known.statuses == [snapshot.nodes[k].status for k in known.keys]
        ends = Counter(k for ln in snapshot.links for k in {ln.a, ln.b})
        assert known.links == [ends[k] for k in known.keys]
        observed = Counter(k for ln in snapshot.links if not ln.fuzzy for k in {ln.a, ln.b})
        assert known.degrees == [observed[k] for k in known.keys]


@settings(max_examples=300, deadline=None)
@given(graphs())
def test_a_plain_unit_resolves_to_one_cluster_refusing_nothing(
    graph: tuple[Snapshot, Rules],
) -> None:
    snapshot, rules = graph
    labels = unit_labels(snapshot)
    n_units = int(labels.max()) + 1
    plain = plain_units(snapshot, labels, n_units, rules)
    for unit in range(n_units):
        if not plain[unit]:
            continue
        keys = [k for k, lab in zip(snapshot.keys, labels.tolist(), strict=True) if lab == unit]
        inside = [ln for ln in snapshot.links if ln.a in keys and ln.b in keys]
        resolution = resolve({k: snapshot.nodes[k] for k in keys}, inside, rules)
        assert resolution.clusters == [keys]
        assert resolution.refused == {}


@settings(max_examples=300, deadline=None)
@given(graphs())
def test_units_are_the_components_of_candidate_links_and_shared_customers(
    graph: tuple[Snapshot, Rules],
) -> None:
    snapshot, _ = graph
    parent = {k: k for k in snapshot.keys}

    def find(x: str) -> str:
        while parent[x] != x:
            x = parent[x]
        return x

    def reach(key: str) -> bool:
        return snapshot.nodes[key].status == "ok" or snapshot.stored_status[key] == "ok"

    for link in snapshot.links:
        if reach(link.a) and reach(link.b):
            parent[find(link.a)] = find(link.b)
    owners: dict[str, str] = {}
    for key in snapshot.keys:
        customer = snapshot.customer[key]
        if customer is not None:
            parent[find(key)] = find(owners.setdefault(customer, key))
    labels = unit_labels(snapshot).tolist()
    expected = {frozenset(k for k in snapshot.keys if find(k) == find(r)) for r in snapshot.keys}
    found = {
        frozenset(k for k, lab in zip(snapshot.keys, labels, strict=True) if lab == label)
        for label in labels
    }
    assert found == expected


@settings(max_examples=200, deadline=None)
@given(st.one_of(graphs(), graphs(odd=False)))
def test_the_snapshot_gives_each_identifier_the_status_the_rule_gives(
    graph: tuple[Snapshot, Rules],
) -> None:
    """Statuses are computed for the identifiers that may not be ok only; every one is
    what ``identifier_status`` says (the rule, in one place)."""
    snapshot, _ = graph
    rules = snapshot.rules
    for i, kind in enumerate(snapshot.ids.kinds):
        expected = identifier_status(
            snapshot.blocked_at[i], int(snapshot.degree[i]), rules.hub_threshold(kind)
        )
        assert snapshot.status[i] == expected
        assert bool(snapshot.ok_now[i]) == (expected == "ok")
