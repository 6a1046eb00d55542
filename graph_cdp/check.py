"""`graph-cdp check`: the invariants of a resolved graph, and a report of what breaks them.

- every identifier belongs to exactly one customer (never to a merged one);
- each customer's identifiers are connected by its active links, and no active link
  joins two customers (that would be a missed merge);
- no current customer is empty;
- MERGED_INTO has no cycle and each merged customer points to one survivor.

Each broken invariant is reported with its true count and up to ``examples`` of the
offending identifiers, customers or links.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import networkx as nx

from graph_cdp.store import Store

EXAMPLES = 10


@dataclass
class Finding:
    """How many break one invariant, and a few of them."""

    count: int = 0
    examples: list[str] = field(default_factory=list)


@dataclass
class Report:
    identifiers_without_one_customer: Finding = field(default_factory=Finding)
    disconnected_customers: Finding = field(default_factory=Finding)
    links_across_customers: Finding = field(default_factory=Finding)
    empty_customers: Finding = field(default_factory=Finding)
    broken_merge_history: Finding = field(default_factory=Finding)
    identifiers_checked: int = 0  # every identifier in the graph
    identifiers_in_customers: int = 0  # those whose customer's connectivity was checked
    customers_checked: int = 0

    def findings(self) -> dict[str, Finding]:
        return {
            "identifiers without exactly one current customer": (
                self.identifiers_without_one_customer
            ),
            "customers not connected by their active links": self.disconnected_customers,
            "active links joining two customers": self.links_across_customers,
            "empty customers": self.empty_customers,
            "customers with a broken MERGED_INTO history": self.broken_merge_history,
        }

    @property
    def ok(self) -> bool:
        return not any(f.count for f in self.findings().values())

    def lines(self) -> list[str]:
        out = [
            f"checked {self.identifiers_checked} identifiers "
            f"({self.identifiers_in_customers} in {self.customers_checked} customers)"
        ]
        for title, finding in self.findings().items():
            if finding.count:
                more = " ..." if finding.count > len(finding.examples) else ""
                shown = ", ".join(finding.examples) + more
                out.append(f"FAIL {title} ({finding.count}): {shown}")
        if self.ok:
            out.append("OK: all invariants hold")
        return out


async def _finding(store: Store, name: str, examples: int) -> Finding:
    row = (await store.query(name, limit=examples))[0]
    return Finding(int(row["total"]), list(row["examples"]))


async def check(store: Store, examples: int = EXAMPLES) -> Report:
    report = Report()
    report.identifiers_without_one_customer = await _finding(
        store, "check_identifier_customers", examples
    )
    report.empty_customers = await _finding(store, "check_empty_customers", examples)
    report.broken_merge_history = await _finding(store, "check_merge_cycles", examples)
    report.identifiers_checked = int((await store.query("count_identifiers"))[0]["total"])

    customer_of: dict[str, str] = {}
    graphs: dict[str, nx.Graph] = {}
    links: list[tuple[str, str]] = []
    for r in await store.query("check_links_and_members"):
        customer_of[r["key"]] = r["customer"]
        graphs.setdefault(r["customer"], nx.Graph()).add_node(r["key"])
        links.extend((r["key"], other) for other in r["active"])
    across = report.links_across_customers
    for a, b in links:
        ca, cb = customer_of.get(a), customer_of.get(b)
        if ca is not None and ca == cb:
            graphs[ca].add_edge(a, b)
        else:
            across.count += 1
            if len(across.examples) < examples:
                across.examples.append(f"{a} -- {b}")
    disconnected = sorted(c for c, g in graphs.items() if not nx.is_connected(g))
    report.disconnected_customers = Finding(len(disconnected), disconnected[:examples])
    report.customers_checked = len(graphs)
    report.identifiers_in_customers = len(customer_of)
    return report
