"""Whether a resolution unit's stored state differs from what the rules give now.

Pure: the full job asks it of every unit, whichever engine found the units (scipy in
one process, Spark across many), so both engines decide the same units to rewrite.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence

from graph_cdp.graph_types import Decision, Link, Node
from graph_cdp.resolution.clustering import resolve
from graph_cdp.resolution.rules import Rules, refusal_rule


def unit_differs(
    nodes: Mapping[str, Node],
    links: Sequence[Link],
    stored_status: Mapping[str, str],
    customer: Mapping[str, str | None],
    decisions: Mapping[tuple[str, str], Decision],
    rules: Rules,
) -> tuple[bool, Counter[str]]:
    """Resolve one unit in memory: (does it need rewriting, refusals by rule).

    A unit needs rewriting when a status or a link decision is stale, an identifier has
    no customer, or the partition differs from the stored customers."""
    resolution = resolve(nodes, links, rules)
    refused = Counter(resolution.refused.values())
    if any(
        node.status != stored_status[key] or customer[key] is None for key, node in nodes.items()
    ):
        return True, refused
    for link in links:
        refused_by = resolution.refused.get(link.pair)
        if decisions[(link.a, link.b)] != (refused_by is None, refused_by):
            return True, refused
    for cluster in resolution.clusters:
        if len({customer[k] for k in cluster}) != 1:
            return True, refused
    differs = len(resolution.clusters) != len({customer[k] for k in nodes})
    return differs, refused


def cross_unit_refusal(link: Link, status_a: str, status_b: str) -> str:
    """The rule that refuses a link between two units: only a revoked link or one with
    an inactive end lies across units, so there always is one."""
    rule = refusal_rule(link.revoked, (status_a, status_b))
    assert rule is not None, "a link across units has an inactive end"
    return rule
