"""Stable customer ids: a new partition turned into merges, splits and moves."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from graph_cdp.resolution.assignment import Plan, plan_assignment


def _ids() -> Callable[[], str]:
    """new1, new2, ... in the order they are asked for."""
    n = 0

    def new_id() -> str:
        nonlocal n
        n += 1
        return f"new{n}"

    return new_id


def _plan(
    clusters: list[list[str]],
    current: dict[str, str | None],
    first_seen: dict[str, int],
    created_at: dict[str, int],
) -> Plan:
    return plan_assignment(clusters, current, first_seen, created_at, _ids())


CASES = [
    pytest.param(
        [["a", "b"]],
        {"a": None, "b": None},
        {"a": 1, "b": 2},
        {},
        Plan(assign={"a": "new1", "b": "new1"}, created=[("new1", None)]),
        id="new identifiers get a new customer",
    ),
    pytest.param(
        [["a", "b"]],
        {},
        {"a": 1, "b": 2},
        {},
        Plan(assign={"a": "new1", "b": "new1"}, created=[("new1", None)]),
        id="identifiers missing from current are new",
    ),
    pytest.param(
        [["a"], ["b"]],
        {"a": None, "b": None},
        {"a": 1, "b": 2},
        {},
        Plan(assign={"a": "new1", "b": "new2"}, created=[("new1", None), ("new2", None)]),
        id="one new customer per new cluster",
    ),
    pytest.param(
        [["x1", "x2", "n"]],
        {"x1": "X", "x2": "X", "n": None},
        {"x1": 1, "x2": 2, "n": 3},
        {"X": 10},
        Plan(assign={"n": "X"}),
        id="new identifier joins its cluster's customer, the others stay out of assign",
    ),
    pytest.param(
        [["x1", "x2"]],
        {"x1": "X", "x2": "X"},
        {"x1": 1, "x2": 2},
        {"X": 10},
        Plan(),
        id="nothing changed",
    ),
    pytest.param(
        [["x1", "y1"]],
        {"x1": "X", "y1": "Y"},
        {"x1": 1, "y1": 1},
        {"X": 20, "Y": 10},
        Plan(assign={"x1": "Y"}, merges=[("X", "Y")]),
        id="merge: the oldest customer survives",
    ),
    pytest.param(
        [["x1", "y1"]],
        {"x1": "X", "y1": "Y"},
        {"x1": 1, "y1": 1},
        {"X": 10, "Y": 20},
        Plan(assign={"y1": "X"}, merges=[("Y", "X")]),
        id="merge: the oldest customer survives (other side)",
    ),
    pytest.param(
        [["y1", "x1"]],
        {"x1": "X", "y1": "Y"},
        {"x1": 1, "y1": 1},
        {"X": 10, "Y": 10},
        Plan(assign={"y1": "X"}, merges=[("Y", "X")]),
        id="merge: equal createdAt, the smaller id survives",
    ),
    pytest.param(
        [["x1", "y1", "z1", "n"]],
        {"x1": "X", "y1": "Y", "z1": "Z", "n": None},
        {"x1": 1, "y1": 1, "z1": 1, "n": 1},
        {"X": 30, "Y": 10, "Z": 20},
        Plan(
            assign={"x1": "Y", "z1": "Y", "n": "Y"},
            merges=[("Z", "Y"), ("X", "Y")],
        ),
        id="merge of three and a new identifier, losers oldest first",
    ),
    pytest.param(
        [["x1"], ["x2"]],
        {"x1": "X", "x2": "X"},
        {"x1": 1, "x2": 5},
        {"X": 10},
        Plan(assign={"x2": "new1"}, created=[("new1", "X")]),
        id="split: the part with the oldest identifier keeps the id",
    ),
    pytest.param(
        [["x1"], ["x2"]],
        {"x1": "X", "x2": "X"},
        {"x1": 5, "x2": 1},
        {"X": 10},
        Plan(assign={"x1": "new1"}, created=[("new1", "X")]),
        id="split: the oldest identifier may be in the later cluster",
    ),
    pytest.param(
        [["x2"], ["x1"]],
        {"x1": "X", "x2": "X"},
        {"x1": 1, "x2": 1},
        {"X": 10},
        Plan(assign={"x2": "new1"}, created=[("new1", "X")]),
        id="split: equal firstSeen, the smaller key keeps the id",
    ),
    pytest.param(
        [["a"], ["b", "c"], ["d"]],
        {"a": "X", "b": "X", "c": "X", "d": "X"},
        {"a": 3, "b": 2, "c": 1, "d": 4},
        {"X": 10},
        Plan(
            assign={"a": "new1", "d": "new2"},
            created=[("new1", "X"), ("new2", "X")],
        ),
        id="split in three",
    ),
    pytest.param(
        [["x1", "y1"], ["x2"]],
        {"x1": "X", "x2": "X", "y1": "Y"},
        {"x1": 1, "x2": 2, "y1": 1},
        {"X": 10, "Y": 20},
        Plan(
            assign={"y1": "X", "x2": "new1"},
            created=[("new1", "X")],
            merges=[("Y", "X")],
        ),
        id="merge and split at once",
    ),
    pytest.param(
        [["x2"], ["x1", "y1"]],
        {"x1": "X", "x2": "X", "y1": "Y"},
        {"x1": 1, "x2": 2, "y1": 1},
        {"X": 20, "Y": 10},
        Plan(
            assign={"x2": "new1", "x1": "Y"},
            created=[("new1", "X")],
            merges=[("X", "Y")],
        ),
        id="merge and split at once, the other customer survives",
    ),
    pytest.param(
        [["x1", "y2"], ["y1", "x2"]],
        {"x1": "X", "x2": "X", "y1": "Y", "y2": "Y"},
        {"x1": 1, "x2": 2, "y1": 1, "y2": 2},
        {"X": 10, "Y": 20},
        Plan(assign={"y2": "X", "x2": "Y"}),
        id="swap: both customers keep their oldest identifier",
    ),
    pytest.param(
        [["x1"], ["y1"], ["n"]],
        {"x1": "X", "y1": "Y", "n": None},
        {"x1": 1, "y1": 1, "n": 1},
        {"X": 10, "Y": 20},
        Plan(assign={"n": "new1"}, created=[("new1", None)]),
        id="untouched customers stay out of the plan",
    ),
]


@pytest.mark.parametrize(("clusters", "current", "first_seen", "created_at", "expected"), CASES)
def test_plan_assignment(
    clusters: list[list[str]],
    current: dict[str, str | None],
    first_seen: dict[str, int],
    created_at: dict[str, int],
    expected: Plan,
) -> None:
    assert _plan(clusters, current, first_seen, created_at) == expected


@pytest.mark.parametrize(
    ("plan", "splits"),
    [
        (Plan(), []),
        (Plan(assign={"a": "X"}), []),
        (Plan(created=[("new1", None)]), []),
        (Plan(created=[("new1", None), ("new2", "X")]), [("new2", "X")]),
        (Plan(merges=[("Y", "X")]), []),
    ],
)
def test_plan_splits(plan: Plan, splits: list[tuple[str, str]]) -> None:
    assert plan.splits == splits


def test_new_id_is_asked_once_per_created_customer() -> None:
    calls: list[str] = []

    def new_id() -> str:
        calls.append(f"c{len(calls)}")
        return calls[-1]

    plan = plan_assignment(
        [["x1"], ["x2"], ["n1", "n2"], ["x3"]],
        {"x1": "X", "x2": "X", "x3": "X", "n1": None, "n2": None},
        {"x1": 1, "x2": 2, "x3": 3, "n1": 1, "n2": 2},
        {"X": 10},
        new_id,
    )
    assert calls == ["c0", "c1", "c2"]
    assert [cid for cid, _ in plan.created] == calls
    assert plan.splits == [("c0", "X"), ("c2", "X")]


def test_every_identifier_ends_in_one_customer_per_cluster() -> None:
    clusters = [["a", "x1", "y1"], ["b", "x2"], ["c"]]
    current: dict[str, str | None] = {"x1": "X", "x2": "X", "y1": "Y", "a": None, "b": None}
    plan = _plan(
        clusters, current, dict.fromkeys(["a", "b", "c", "x1", "x2", "y1"], 1), {"X": 1, "Y": 2}
    )
    final = {k: plan.assign.get(k, current.get(k)) for members in clusters for k in members}
    assert [{final[k] for k in members} for members in clusters] == [{"X"}, {"new1"}, {"new2"}]


def test_a_split_part_remembers_its_origin_even_when_its_oldest_identifier_is_new() -> None:
    ids = iter(["N1"])
    plan = plan_assignment(
        [["x1"], ["x2", "n"]],
        {"x1": "X", "x2": "X", "n": None},
        {"x1": 1, "x2": 5, "n": 3},
        {"X": 0},
        lambda: next(ids),
    )
    assert plan.created == [("N1", "X")]
    assert plan.splits == [("N1", "X")]
