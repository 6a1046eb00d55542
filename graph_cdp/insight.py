"""Relationship views of one customer: its identity graph, weak points, link explanations."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from graph_cdp.domain import (
    FieldWeight,
    GraphEdge,
    GraphNode,
    Hop,
    IdentityGraph,
    LinkExplanation,
    WeakPoint,
)
from graph_cdp.errors import LimitExceeded
from graph_cdp.identifiers import IdentifierPolicy
from graph_cdp.profiles import ProfileReader
from graph_cdp.resolution.explain import Edge, bridges, evidence_path
from graph_cdp.review import field_weights
from graph_cdp.store import Store
from graph_cdp.store.values import maybe_native


def _hop(link: dict[str, Any]) -> Hop:
    return Hop(
        a=link["a"],
        b=link["b"],
        rule=link["rule"],
        active=bool(link["active"]),
        count=int(link["count"]),
        sources=list(link["sources"] or []),
        first_seen=maybe_native(link["firstSeen"]),
        last_seen=maybe_native(link["lastSeen"]),
        refused_by=link["refusedBy"],
        weight=link.get("weight"),
        probability=link.get("probability"),
        fields=field_weights(link),
    )


def _waterfall(hops: list[Hop]) -> list[FieldWeight]:
    """The field weights of the first fuzzy hop: why the matcher joined (or would join)."""
    return next((h.fields for h in hops if h.rule == "fuzzy" and h.fields), [])


class Insight:
    def __init__(
        self, store: Store, policy: IdentifierPolicy, reader: ProfileReader, max_graph_nodes: int
    ) -> None:
        self.store = store
        self.policy = policy
        self.reader = reader
        self.max_graph_nodes = max_graph_nodes  # Settings.max_graph_nodes

    async def _subgraph(
        self, customer_id: str
    ) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        rows = await self.store.query("customer_subgraph", id=customer_id)
        nodes = [r["node"] for r in rows]
        links: dict[tuple[str, str], dict[str, Any]] = {}
        for r in rows:
            for link in r["links"]:
                links[(link["a"], link["b"])] = link
        return nodes, list(links.values())

    @staticmethod
    def _active_edges(members: set[str], links: list[dict[str, Any]]) -> list[Edge]:
        return [
            Edge(ln["a"], ln["b"], int(ln["count"]), ln["rule"])
            for ln in links
            if ln["active"] and ln["a"] in members and ln["b"] in members
        ]

    async def weak_points(self, customer_id: str) -> list[WeakPoint]:
        survivor = await self.reader.survivor(customer_id)
        if survivor is None:
            return []
        nodes, links = await self._subgraph(survivor)
        members = [n["key"] for n in nodes]
        found = bridges(members, self._active_edges(set(members), links))
        return [WeakPoint(e.a, e.b, e.rule, e.count, sides) for e, sides in found]

    async def weak_points_for(self, customer_ids: Sequence[str]) -> list[list[WeakPoint]]:
        """Weak points of several current customers in one query (a page of profiles)."""
        rows = await self.store.query("customer_active_subgraphs", ids=list(customer_ids))
        found: dict[str, list[WeakPoint]] = {}
        for row in rows:
            edges = [Edge(a, b, int(count), rule) for a, b, count, rule in row["links"]]
            found[row["id"]] = [
                WeakPoint(e.a, e.b, e.rule, e.count, sides)
                for e, sides in bridges(row["members"], edges)
            ]
        return [found.get(i, []) for i in customer_ids]

    async def identity_graph(self, customer_id: str, max_nodes: int) -> IdentityGraph | None:
        if max_nodes < 1 or max_nodes > self.max_graph_nodes:
            raise LimitExceeded(f"maxNodes must be between 1 and {self.max_graph_nodes}")
        survivor = await self.reader.survivor(customer_id)
        if survivor is None:
            return None
        nodes, links = await self._subgraph(survivor)
        graph_nodes: dict[str, GraphNode] = {
            f"customer:{survivor}": GraphNode(f"customer:{survivor}", "Customer", survivor)
        }
        for n in nodes:
            graph_nodes[n["key"]] = GraphNode(
                n["key"],
                self.policy.label(n["kind"]),
                n["value"],
                {"status": n["status"], "statusReason": n["statusReason"], "member": True},
            )
        # Neighbours reached by refused links show why the customer stopped where it did.
        outside: dict[str, GraphNode] = {}
        for ln in links:
            if ln["other"] not in graph_nodes and ln["other"] not in outside:
                outside[ln["other"]] = GraphNode(
                    ln["other"],
                    self.policy.label(ln["otherKind"])
                    if ln["otherKind"] in self.policy.kinds
                    else "Identifier",
                    ln["otherValue"],
                    {"status": ln["otherStatus"], "customer": ln["otherCustomer"], "member": False},
                )
        total = len(graph_nodes) + len(outside)
        ordered = list(graph_nodes.values()) + sorted(outside.values(), key=lambda g: g.id)
        kept = ordered[:max_nodes]
        kept_ids = {g.id for g in kept}
        edges = [
            GraphEdge(n["key"], f"customer:{survivor}", "BELONGS_TO")
            for n in nodes
            if n["key"] in kept_ids and f"customer:{survivor}" in kept_ids
        ]
        edges += [
            GraphEdge(
                ln["a"],
                ln["b"],
                "LINKED",
                {
                    "rule": ln["rule"],
                    "active": ln["active"],
                    "refusedBy": ln["refusedBy"],
                    "count": ln["count"],
                },
            )
            for ln in links
            if ln["a"] in kept_ids and ln["b"] in kept_ids
        ]
        return IdentityGraph(survivor, kept, edges, total > len(kept), total)

    async def explain(self, a: tuple[str, str], b: tuple[str, str]) -> LinkExplanation | None:
        key_a = self.policy.normalize(*a).key
        key_b = self.policy.normalize(*b).key
        rows_a = await self.store.query("find_customer_by_identifier", key=key_a)
        rows_b = await self.store.query("find_customer_by_identifier", key=key_b)
        if not rows_a or not rows_b:
            return None
        ca, cb = rows_a[0]["id"], rows_b[0]["id"]
        if ca == cb:
            nodes, links = await self._subgraph(ca)
            members = {n["key"] for n in nodes}
            by_pair = {(ln["a"], ln["b"]): ln for ln in links}
            path = evidence_path(members, self._active_edges(members, links), key_a, key_b)
            hops = [_hop(by_pair[(e.a, e.b)]) for e in path]
            return LinkExplanation(
                key_a,
                key_b,
                True,
                ca,
                cb,
                hops,
                f"same customer {ca}: {len(hops)} active link(s) connect them"
                if hops
                else f"same customer {ca}",
                _waterfall(hops),
            )
        rows = await self.store.query("evidence_between", a=key_a, b=key_b)
        hops = [_hop(h) for h in rows[0]["hops"]] if rows else []
        refused = [h for h in hops if not h.active]
        if refused:
            rules = ", ".join(sorted({h.refused_by or "refused" for h in refused}))
            reason = f"different customers: the evidence between them was refused by {rules}"
        elif hops:
            reason = "different customers: evidence exists but is not resolved yet"
        else:
            reason = "different customers: no evidence connects them"
        return LinkExplanation(key_a, key_b, False, ca, cb, hops, reason, _waterfall(hops))
