"""`graph-cdp check`: the invariants of a resolved graph, and a report of what breaks them.

- every identifier belongs to exactly one customer (never to a merged one);
- each customer's identifiers are connected by its active links, and no active link
  joins two customers (that would be a missed merge);
- no current customer is empty;
- MERGED_INTO has no cycle and each merged customer points to one survivor.
"""

from __future__ import annotations

from dataclasses import dataclass

import networkx as nx

from graph_cdp.store import Store

LIMIT = 50


@dataclass(frozen=True)
class Report:
    identifiers_without_one_customer: list[str]
    disconnected_customers: list[str]
    links_across_customers: list[tuple[str, str]]
    empty_customers: list[str]
    broken_merge_history: list[str]
    customers_checked: int
    identifiers_checked: int

    @property
    def ok(self) -> bool:
        return not (
            self.identifiers_without_one_customer
            or self.disconnected_customers
            or self.links_across_customers
            or self.empty_customers
            or self.broken_merge_history
        )

    def lines(self) -> list[str]:
        problems = {
            "identifiers without exactly one current customer": (
                self.identifiers_without_one_customer
            ),
            "customers not connected by their active links": self.disconnected_customers,
            "active links joining two customers": [
                f"{a} -- {b}" for a, b in self.links_across_customers
            ],
            "empty customers": self.empty_customers,
            "customers with a broken MERGED_INTO history": self.broken_merge_history,
        }
        out = [
            f"checked {self.identifiers_checked} identifiers in {self.customers_checked} customers"
        ]
        for title, items in problems.items():
            if items:
                shown = ", ".join(items[:10]) + (" ..." if len(items) > 10 else "")
                out.append(f"FAIL {title} ({len(items)}): {shown}")
        if self.ok:
            out.append("OK: all invariants hold")
        return out


async def check(store: Store) -> Report:
    without_one = [r["key"] for r in await store.query("check_identifier_customers", limit=LIMIT)]
    empty = [r["id"] for r in await store.query("check_empty_customers", limit=LIMIT)]
    broken = [r["id"] for r in await store.query("check_merge_cycles", limit=LIMIT)]

    customer_of: dict[str, str] = {}
    graphs: dict[str, nx.Graph] = {}
    links: list[tuple[str, str]] = []
    for r in await store.query("check_links_and_members"):
        customer_of[r["key"]] = r["customer"]
        graphs.setdefault(r["customer"], nx.Graph()).add_node(r["key"])
        links.extend((r["key"], other) for other in r["active"])
    across: list[tuple[str, str]] = []
    for a, b in links:
        ca, cb = customer_of.get(a), customer_of.get(b)
        if ca is not None and ca == cb:
            graphs[ca].add_edge(a, b)
        elif len(across) < LIMIT:
            across.append((a, b))
    return Report(
        identifiers_without_one_customer=without_one,
        disconnected_customers=sorted(c for c, g in graphs.items() if not nx.is_connected(g))[
            :LIMIT
        ],
        links_across_customers=across,
        empty_customers=empty,
        broken_merge_history=broken,
        customers_checked=len(graphs),
        identifiers_checked=len(customer_of),
    )
