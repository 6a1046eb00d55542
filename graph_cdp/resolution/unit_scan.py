"""The full job's units and its check of each, over the snapshot's columns with numpy.

``unit_labels``: connected components (scipy) of candidate links and shared customers,
the edge arrays built with numpy from the link columns.

``changed_units``: which units differ from what the rules give now. Most units of a
customer graph are *plain*: every identifier ``ok``, no names, no revoked, fuzzy or
self link, no anchor kind twice, no limit bucket over its limit, and connected by its
links alone. For such a unit ``resolve()`` provably gives one cluster and refuses
nothing (no limit can overflow, since no union exceeds the whole unit's counts; no two
clusters share an anchor kind, so rules 3 and 4 join them, under ``evidence`` and
``strict`` alike; see ``clustering``), so whether it differs is array arithmetic: a
stale status, a link not recorded as accepted, an identifier without a customer, or
other than one customer. Every other unit is resolved by the pure ``unit_differs``,
one unit at a time, in several processes (``unit_pool``).

A changed plain unit whose members have one customer or none has a known outcome
(one new customer for all, or the same customer with fresh statuses and decisions), and
so has any unit none of whose identifiers has a customer yet (one new customer per
cluster that ``resolve()`` gives): the job writes such units from its read
(``Scan.known``: the fenced write in ``resolution/batch.py``).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from graph_cdp.graph_types import FUZZY, KnownUnit
from graph_cdp.resolution.rules import PROGRAM_KINDS, Rules, limit_bucket
from graph_cdp.resolution.snapshot import Snapshot, value_codes
from graph_cdp.resolution.unit_diff import cross_unit_refusal
from graph_cdp.resolution.unit_pool import UnitTable, check_units

Ints = np.ndarray[Any, np.dtype[np.int64]]
Flags = np.ndarray[Any, np.dtype[np.bool_]]


def _flags(values: Any) -> Flags:
    return np.fromiter(values, np.bool_)


def _components(n: int, rows: Ints, cols: Ints) -> Ints:
    matrix = coo_matrix((np.ones(len(rows), np.int8), (rows, cols)), shape=(n, n))
    _, labels = connected_components(matrix, directed=False)
    return np.asarray(labels, np.int64)


def unit_labels(snapshot: Snapshot) -> Ints:
    """Connected components over candidate links and shared customers (scipy).

    A link counts when each end is ``ok`` under the stored status or the new one: the
    locked walk in the database follows stored statuses until the job updates them, so
    a unit must hold everything that walk can reach, or two transactions could resolve
    overlapping parts with different views of a hub.
    """
    n = len(snapshot.keys)
    reach = snapshot.ok_now | snapshot.ok_stored
    a, b = snapshot.cols.a, snapshot.cols.b
    if not reach.all():  # copies only when some link is left out
        keep = reach[a] & reach[b]
        a, b = a[keep], b[keep]
    cust = snapshot.customer_code
    # Each customer as one more node that its members link to: no sort to find a
    # first member, and the same components over the identifiers.
    owned = np.flatnonzero(cust >= 0)
    if not len(owned):
        return _components(n, a, b)
    n_customers = int(cust.max(initial=-1)) + 1
    labels = _components(
        n + n_customers, np.concatenate([a, owned]), np.concatenate([b, n + cust[owned]])
    )
    return labels[:n]


def _more_than(labels: Ints, codes: Ints, limit: Ints) -> Ints:
    """The units in which some code occurs more often than ``limit[code]``."""
    if not len(codes):
        return np.zeros(0, np.int64)
    width = int(codes.max()) + 1
    pairs, counts = np.unique(labels * width + codes, return_counts=True)
    return np.unique(pairs[counts > limit[pairs % width]] // width)


def plain_units(snapshot: Snapshot, labels: Ints, n_units: int, rules: Rules) -> Flags:
    """Which units ``resolve()`` makes one cluster without refusing anything."""
    ids, cols = snapshot.ids, snapshot.cols
    plain = np.ones(n_units, np.bool_)
    plain[labels[~snapshot.ok_now]] = False
    plain[labels[_flags(len(n) > 0 for n in ids.names)]] = False
    la = labels[cols.a]
    odd = (
        _flags(cols.revoked)
        | _flags(cols.rejected)
        | _flags(r == FUZZY for r in cols.rule)
        | (cols.a == cols.b)
    )
    inside = la == labels[cols.b]
    plain[la[inside & odd]] = False
    # Anchor kinds at most once per unit; limit buckets within their limits.
    kinds, kind_names = snapshot.kind_code, snapshot.kind_names
    anchor = np.array([rules.is_anchor(k) for k in kind_names], np.bool_)
    is_anchor = anchor[kinds] if len(kinds) else np.zeros(0, np.bool_)
    once = np.ones(len(kind_names), np.int64)
    plain[_more_than(labels[is_anchor], kinds[is_anchor], once)] = False
    # Each identifier's limit bucket: its kind, but for the kinds whose values name one
    # (a loyalty id's program), coded after the kinds.
    buckets = kinds.copy()
    bucket_names = list(kind_names)
    split = [c for c, k in enumerate(kind_names) if k in PROGRAM_KINDS]
    at = np.flatnonzero(np.isin(kinds, split)).tolist() if split else []
    if at:
        more, more_names = value_codes([limit_bucket(ids.kinds[i], ids.values[i]) for i in at])
        buckets[at] = more + len(kind_names)
        bucket_names += more_names
    big = np.iinfo(np.int64).max
    limits = np.array([rules.limits.get(b.split(":", 1)[0], big) for b in bucket_names], np.int64)
    plain[_more_than(labels, buckets, limits)] = False
    # Connected by its links alone (not only through a shared customer).
    good = inside & ~odd
    by_links = _components(len(labels), cols.a[good], cols.b[good])
    pairs = np.unique(labels * len(labels) + by_links)
    parts = np.bincount(pairs // len(labels), minlength=n_units)
    plain[parts > 1] = False
    return plain


def _plain_dirty(
    snapshot: Snapshot, labels: Ints, n_units: int, inside: Flags
) -> tuple[Flags, Flags]:
    """Plain units whose stored state differs from the one cluster they resolve to, and
    the units whose members all have one customer or all none."""
    ids, cols = snapshot.ids, snapshot.cols
    dirty = np.zeros(n_units, np.bool_)
    stale = _flags(s != t for s, t in zip(snapshot.status, ids.stored, strict=True))
    cust = snapshot.customer_code
    dirty[labels[stale | (cust < 0)]] = True
    accepted = _flags(cols.active) & _flags(r is None for r in cols.refused_by)
    dirty[labels[cols.a][inside & ~accepted]] = True
    pairs = np.unique(labels * (int(cust.max(initial=0)) + 2) + cust + 1)
    owners = np.bincount(pairs // (int(cust.max(initial=0)) + 2), minlength=n_units)
    dirty[owners != 1] = True
    return dirty, owners == 1


@dataclass
class Scan:
    """The units whose stored state differs, by how the job writes them."""

    units: list[list[str]]  # re-resolved under locks (members in key order, units by label)
    known: list[KnownUnit]  # outcome known from the read: the fenced write
    n_units: int
    processes: int = 1  # how many processes checked the units the arrays could not settle


def changed_units(
    snapshot: Snapshot, labels: Ints, rules: Rules, refused: Counter[str], processes: int = 1
) -> Scan:
    """The units whose stored state differs; what the rules refused is added to
    ``refused``. A changed plain unit whose members have one customer or none, and a
    unit none of whose members has a customer, is ``known`` (the fenced write); every
    other changed unit is in ``units``. The units the arrays cannot settle are checked
    in up to ``processes`` processes (``unit_pool``)."""
    keys, cols = snapshot.keys, snapshot.cols
    n_units = int(labels.max()) + 1 if len(labels) else 0
    la, lb = labels[cols.a], labels[cols.b]
    inside = la == lb
    dirty = np.zeros(n_units, np.bool_)
    for j in np.flatnonzero(~inside).tolist():
        link = snapshot.link(j)
        rule = cross_unit_refusal(link, snapshot.status[cols.a[j]], snapshot.status[cols.b[j]])
        refused[rule] += 1
        if snapshot.decision(j) != (False, rule):
            dirty[la[j]] = dirty[lb[j]] = True
    plain = plain_units(snapshot, labels, n_units, rules)
    plain_dirty, one_owner = _plain_dirty(snapshot, labels, n_units, inside)
    dirty |= plain & plain_dirty
    fenced = plain & one_owner

    members = np.argsort(labels, kind="stable")
    bounds = np.searchsorted(labels[members], np.arange(n_units + 1))
    inside_links = np.flatnonzero(inside)
    link_order = inside_links[np.argsort(la[inside_links], kind="stable")]
    link_bounds = np.searchsorted(la[link_order], np.arange(n_units + 1))
    fresh = np.ones(n_units, np.bool_)
    fresh[labels[snapshot.customer_code >= 0]] = False
    table = UnitTable(snapshot, rules, members, bounds, link_order, link_bounds, fresh)
    checked = check_units(
        table,
        np.flatnonzero(~plain).tolist(),
        np.flatnonzero(dirty & fenced).tolist(),  # plain: the odd units' check cannot move them
        processes,
    )
    refused.update(checked.refused)
    dirty[checked.clean] = False  # resolved from the read: written as known units
    dirty[checked.differ] = True
    units = [
        [keys[i] for i in members[bounds[u] : bounds[u + 1]].tolist()]
        for u in np.flatnonzero(dirty & ~fenced).tolist()
    ]
    return Scan(units, checked.known, n_units, checked.processes)
