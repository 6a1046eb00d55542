"""Resolve one locked unit from scratch: the pure step every write and the batch job share.

The caller (``graph_cdp/resolve_units.py``) walks and locks the unit in the store, hands
it here, and writes the changes back in the same transaction, so incremental and batch
resolution are the same computation on the same evidence.
"""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from graph_cdp.graph_types import Unit, UnitChanges
from graph_cdp.resolution.assignment import plan_assignment
from graph_cdp.resolution.clustering import Resolution, resolve
from graph_cdp.resolution.rules import Rules


def new_customer_id() -> str:
    return f"cus_{uuid.uuid4().hex[:20]}"


@dataclass
class Outcome:
    """What one or more resolution passes changed (an accumulator: see ``add``)."""

    unit_size: int = 0
    customers_created: int = 0
    splits: int = 0
    merges: int = 0
    identifiers_moved: int = 0
    refused: Counter[str] = field(default_factory=Counter)
    merged_pairs: list[tuple[str, str]] = field(default_factory=list)

    def add(self, other: Outcome) -> None:
        self.unit_size += other.unit_size
        self.customers_created += other.customers_created
        self.splits += other.splits
        self.merges += other.merges
        self.identifiers_moved += other.identifiers_moved
        self.refused.update(other.refused)
        self.merged_pairs.extend(other.merged_pairs)


def resolve_unit(
    unit: Unit, rules: Rules, new_id: Callable[[], str] = new_customer_id
) -> tuple[UnitChanges, Outcome]:
    """The writes that make the stored unit match the rules, and what they change."""
    _, changes, outcome = plan_unit(unit, rules, new_id)
    return changes, outcome


def plan_unit(
    unit: Unit, rules: Rules, new_id: Callable[[], str] = new_customer_id
) -> tuple[Resolution, UnitChanges, Outcome]:
    """``resolve_unit``, with the resolution too: probabilistic matching scores its
    ``base`` partition (what deterministic evidence alone joins)."""
    resolution = resolve(unit.nodes, unit.links, rules)
    first_seen = {k: n.first_seen for k, n in unit.nodes.items()}
    plan = plan_assignment(resolution.clusters, unit.current, first_seen, unit.created_at, new_id)
    decisions: list[tuple[str, str, bool, str | None]] = []
    for link in unit.links:
        refused_by = resolution.refused.get(link.pair)
        wanted = (refused_by is None, refused_by)
        if unit.decisions.get((link.a, link.b)) != wanted:
            decisions.append((link.a, link.b, wanted[0], refused_by))
    changes = UnitChanges(
        created=plan.created, assign=plan.assign, merges=plan.merges, decisions=decisions
    )
    outcome = Outcome(
        unit_size=len(unit.nodes),
        customers_created=len(plan.created),
        splits=len(plan.splits),
        merges=len(plan.merges),
        identifiers_moved=len(plan.assign),
        refused=Counter(resolution.refused.values()),
        merged_pairs=list(plan.merges),
    )
    return resolution, changes, outcome
