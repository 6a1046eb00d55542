"""Stable customer ids: turn a new partition into merges, splits and moves.

- On merge the oldest customer (createdAt, then id) survives; the others are merged
  into it and keep resolving to it.
- On split, the part holding a customer's oldest identifier (firstSeen, then key)
  keeps its id; the other parts get new ids and remember where they split from.
- Identifiers that had no customer join the one of their cluster, or a new one.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field


@dataclass
class Plan:
    assign: dict[str, str] = field(
        default_factory=dict
    )  # identifier key -> customer id (changes only)
    created: list[tuple[str, str | None]] = field(default_factory=list)  # (new id, split from)
    merges: list[tuple[str, str]] = field(default_factory=list)  # (merged id, survivor id)

    @property
    def splits(self) -> list[tuple[str, str]]:
        return [(new, old) for new, old in self.created if old is not None]


def plan_assignment(
    clusters: Sequence[Sequence[str]],
    current: Mapping[str, str | None],
    first_seen: Mapping[str, int],
    created_at: Mapping[str, int],
    new_id: Callable[[], str],
) -> Plan:
    """Which customer each cluster becomes. ``current`` covers every member of every
    customer involved (the caller loads whole customers, never parts); times are epoch
    milliseconds."""
    cluster_of = {key: i for i, members in enumerate(clusters) for key in members}
    members: dict[str, list[str]] = {}
    for key, customer in current.items():
        if customer is not None:
            members.setdefault(customer, []).append(key)

    homed: dict[int, list[str]] = {}
    for customer, keys in members.items():
        oldest = min(keys, key=lambda k: (first_seen[k], k))
        homed.setdefault(cluster_of[oldest], []).append(customer)

    plan = Plan()
    for i, cluster in enumerate(clusters):
        owners = sorted(homed.get(i, []), key=lambda c: (created_at[c], c))
        if owners:
            target = owners[0]
            plan.merges.extend((loser, target) for loser in owners[1:])
        else:
            target = new_id()
            # A part split off remembers the customer of its oldest identifier that had one.
            owned = [k for k in cluster if current.get(k) is not None]
            origin = current[min(owned, key=lambda k: (first_seen[k], k))] if owned else None
            plan.created.append((target, origin))
        for key in cluster:
            if current.get(key) != target:
                plan.assign[key] = target
    return plan
