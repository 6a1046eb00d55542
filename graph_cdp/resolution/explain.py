"""Explaining a customer: evidence paths and weak points (networkx on its subgraph).

Weak points are the bridges of the customer's active-link graph (Tarjan 1974, via
``networkx.bridges``): links whose removal would split the customer in two. The
evidence path is the shortest path where strong evidence is short: an edge costs
``1 / count``, so a link seen in many interactions is preferred over a single sighting.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import networkx as nx


@dataclass(frozen=True)
class Edge:
    a: str
    b: str
    count: int
    rule: str


def _graph(members: Iterable[str], edges: Iterable[Edge]) -> nx.Graph:
    graph = nx.Graph()
    graph.add_nodes_from(members)
    for e in edges:
        graph.add_edge(e.a, e.b, weight=1.0 / max(e.count, 1), edge=e)
    return graph


def evidence_path(members: Iterable[str], edges: Iterable[Edge], a: str, b: str) -> list[Edge]:
    """The strongest chain of active links from ``a`` to ``b``; empty when there is none."""
    graph = _graph(members, edges)
    if a not in graph or b not in graph or not nx.has_path(graph, a, b):
        return []
    nodes: Sequence[str] = nx.shortest_path(graph, a, b, weight="weight")
    return [graph.edges[u, v]["edge"] for u, v in itertools.pairwise(nodes)]


def bridges(members: Sequence[str], edges: Iterable[Edge]) -> list[tuple[Edge, tuple[int, int]]]:
    """Each bridge with the sizes of the two parts its removal would leave."""
    graph = _graph(members, edges)
    found: list[tuple[Edge, tuple[int, int]]] = []
    for u, v in nx.bridges(graph):
        edge: Edge = graph.edges[u, v]["edge"]
        graph.remove_edge(u, v)
        side_u = len(nx.node_connected_component(graph, u))
        side_v = len(nx.node_connected_component(graph, v))
        graph.add_edge(u, v, weight=1.0 / max(edge.count, 1), edge=edge)
        sizes = sorted((side_u, side_v))
        found.append((edge, (sizes[0], sizes[1])))
    # The most balanced bridges first: they would split the most.
    found.sort(key=lambda item: (-item[1][0], item[0].a, item[0].b))
    return found
