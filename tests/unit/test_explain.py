"""Explaining a customer: evidence paths (strong evidence is short) and bridges."""

from __future__ import annotations

import pytest

from graph_cdp.resolution.explain import Edge, bridges, evidence_path


def _e(a: str, b: str, count: int = 1) -> Edge:
    return Edge(a, b, count, "co_occurrence")


PATH_CASES = [
    pytest.param(
        [_e("a", "b", 1), _e("a", "c", 10), _e("c", "b", 10)],
        "a",
        "b",
        [_e("a", "c", 10), _e("c", "b", 10)],
        id="two strong hops (0.2) beat one single sighting (1.0)",
    ),
    pytest.param(
        [_e("a", "b", 10), _e("a", "c", 10), _e("c", "b", 10)],
        "a",
        "b",
        [_e("a", "b", 10)],
        id="equally strong: fewer hops (0.1 < 0.2)",
    ),
    pytest.param(
        [_e("a", "b", 3), _e("a", "c", 5), _e("c", "b", 5)],
        "a",
        "b",
        [_e("a", "b", 3)],
        id="one fairly strong link (0.33) beats two stronger hops (0.4)",
    ),
    pytest.param(
        [_e("a", "b", 2), _e("a", "c", 100), _e("c", "d", 100), _e("d", "b", 100)],
        "a",
        "b",
        [_e("a", "c", 100), _e("c", "d", 100), _e("d", "b", 100)],
        id="three very strong hops (0.03) beat a weak link (0.5)",
    ),
    pytest.param(
        [_e("a", "b", 0), _e("a", "c", 4), _e("c", "b", 4)],
        "a",
        "b",
        [_e("a", "c", 4), _e("c", "b", 4)],
        id="a zero count costs as much as one",
    ),
    pytest.param(
        [_e("a", "b", 5), _e("b", "c", 5)],
        "c",
        "a",
        [_e("b", "c", 5), _e("a", "b", 5)],
        id="edges in path order, whatever their direction",
    ),
    pytest.param(
        [_e("a", "b", 5), _e("c", "d", 5)],
        "a",
        "d",
        [],
        id="no path",
    ),
    pytest.param(
        [_e("a", "b", 5)],
        "a",
        "zzz",
        [],
        id="unknown endpoint",
    ),
    pytest.param(
        [],
        "a",
        "b",
        [],
        id="no edges",
    ),
    pytest.param(
        [_e("a", "b", 5)],
        "a",
        "a",
        [],
        id="same identifier",
    ),
]


@pytest.mark.parametrize(("edges", "a", "b", "expected"), PATH_CASES)
def test_evidence_path(edges: list[Edge], a: str, b: str, expected: list[Edge]) -> None:
    members = sorted({"a", "b", "c", "d"} | {k for e in edges for k in (e.a, e.b)})
    assert evidence_path(members, edges, a, b) == expected


def test_evidence_path_isolated_members() -> None:
    assert evidence_path(["a", "b"], [], "a", "b") == []


BRIDGE_CASES = [
    pytest.param(
        ["a", "b", "c", "d"],
        [_e("a", "b"), _e("b", "c"), _e("c", "d")],
        [(_e("b", "c"), (2, 2)), (_e("a", "b"), (1, 3)), (_e("c", "d"), (1, 3))],
        id="path graph: every edge, most balanced first",
    ),
    pytest.param(
        ["a", "b"],
        [_e("a", "b", 7)],
        [(_e("a", "b", 7), (1, 1))],
        id="single edge",
    ),
    pytest.param(
        ["a", "b", "c"],
        [_e("a", "b"), _e("b", "c"), _e("c", "a")],
        [],
        id="triangle has no bridges",
    ),
    pytest.param(
        ["a", "b", "c", "d", "e"],
        [_e("a", "b"), _e("b", "c"), _e("c", "d"), _e("d", "e"), _e("e", "a")],
        [],
        id="five-cycle has no bridges",
    ),
    pytest.param(
        ["a", "b", "c", "d"],
        [_e("a", "b"), _e("b", "c"), _e("c", "a"), _e("c", "d")],
        [(_e("c", "d"), (1, 3))],
        id="triangle with a tail",
    ),
    pytest.param(
        ["a", "b", "c", "x", "y", "z"],
        [
            _e("a", "b"),
            _e("b", "c"),
            _e("c", "a"),
            _e("x", "y"),
            _e("y", "z"),
            _e("z", "x"),
            _e("c", "x", 9),
        ],
        [(_e("c", "x", 9), (3, 3))],
        id="two triangles joined by one link",
    ),
    pytest.param(
        ["hub", "k1", "k2", "k3"],
        [_e("hub", "k3"), _e("hub", "k1"), _e("hub", "k2")],
        [(_e("hub", "k1"), (1, 3)), (_e("hub", "k2"), (1, 3)), (_e("hub", "k3"), (1, 3))],
        id="star: ties ordered by endpoints",
    ),
    pytest.param(["a"], [], [], id="lone identifier"),
]


@pytest.mark.parametrize(("members", "edges", "expected"), BRIDGE_CASES)
def test_bridges(
    members: list[str], edges: list[Edge], expected: list[tuple[Edge, tuple[int, int]]]
) -> None:
    assert bridges(members, edges) == expected


def test_bridges_sizes_add_up_to_the_customer() -> None:
    members = [f"n{i}" for i in range(7)]
    edges = [_e(members[i], members[i + 1]) for i in range(6)]
    found = bridges(members, edges)
    assert len(found) == 6
    assert all(small + big == 7 and small <= big for _, (small, big) in found)
    assert [sizes for _, sizes in found] == [(3, 4), (3, 4), (2, 5), (2, 5), (1, 6), (1, 6)]


def test_bridge_sides_are_counted_on_their_own_component() -> None:
    from graph_cdp.resolution.explain import Edge, bridges

    found = bridges(["a", "b", "c", "x"], [Edge("a", "b", 1, "r"), Edge("b", "c", 1, "r")])
    assert {(e.a, e.b): sides for e, sides in found} == {("a", "b"): (1, 2), ("b", "c"): (1, 2)}
