"""Units checked in forked processes give what one process gives, in the same order."""

from __future__ import annotations

from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import graph_cdp.resolution.unit_pool as unit_pool
from graph_cdp.graph_types import IdentifierColumns, LinkColumns
from graph_cdp.resolution.rules import Rules
from graph_cdp.resolution.snapshot import Snapshot, build_snapshot, identifier_index
from graph_cdp.resolution.unit_scan import changed_units, unit_labels
from tests.unit.test_unit_scan import graphs


def _union(parts: list[Snapshot], rules: Rules) -> Snapshot:
    """The parts side by side in one snapshot: each part's keys and customers renamed
    apart, so each part's units stay its own."""
    ids = IdentifierColumns([], [], [], [], [], [], [])
    links = LinkColumns([], [], [], [], [], [], [], [], [], [])
    blocked: dict[str, str] = {}
    for n, part in enumerate(parts):
        rename = {
            k: f"{kind}:{n:03d}.{value}"
            for k, kind, value in zip(part.keys, part.ids.kinds, part.ids.values, strict=True)
        }
        ids.keys.extend(rename[k] for k in part.keys)
        ids.kinds.extend(part.ids.kinds)
        ids.values.extend(f"{n:03d}.{v}" for v in part.ids.values)
        ids.first_seen.extend(part.ids.first_seen)
        ids.stored.extend(part.ids.stored)
        ids.customer.extend(None if c is None else f"{n}-{c}" for c in part.ids.customer)
        ids.names.extend(part.ids.names)
        blocked.update({rename[k]: r for k, r in zip(part.keys, part.blocked_at, strict=True) if r})
        cols = part.cols
        for j in range(len(cols)):
            links.a.append(rename[part.keys[cols.a[j]]])
            links.b.append(rename[part.keys[cols.b[j]]])
            links.count.append(cols.count[j])
            links.first_seen.append(cols.first_seen[j])
            links.active.append(cols.active[j])
            links.refused_by.append(cols.refused_by[j])
            links.revoked.append(cols.revoked[j])
            links.rule.append(cols.rule[j])
            links.weight.append(cols.weight[j])
            links.rejected.append(cols.rejected[j])
    ordered, index = identifier_index(ids)
    return build_snapshot(ordered, index, links, blocked, rules)


@settings(max_examples=15, deadline=None)
@given(st.lists(st.one_of(graphs(), graphs(odd=False)), min_size=12, max_size=24))
def test_units_checked_in_three_processes_are_those_one_process_checks(
    parts: list[tuple[Snapshot, Rules]],
) -> None:
    rules = parts[0][1]
    snapshot = _union([s for s, _ in parts], rules)
    labels = unit_labels(snapshot)
    one_refused: Counter[str] = Counter()
    one = changed_units(snapshot, labels, rules, one_refused, processes=1)
    three_refused: Counter[str] = Counter()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(unit_pool, "MIN_UNITS_PER_PROCESS", 1)
        three = changed_units(snapshot, labels, rules, three_refused, processes=3)
    assert one.processes == 1
    assert three.processes == 3  # the units were cut into three slices, two of them forked
    assert three.units == one.units
    assert three.known == one.known
    assert three_refused == one_refused
    assert three.n_units == one.n_units


def test_few_units_are_checked_in_process() -> None:
    snapshot = _union([], Rules())
    checked = unit_pool.check_units(
        unit_pool.UnitTable(snapshot, Rules(), *([None] * 5)),  # type: ignore[arg-type]
        [],
        [],
        processes=8,
    )
    assert checked.processes == 1
    assert checked.known == []
