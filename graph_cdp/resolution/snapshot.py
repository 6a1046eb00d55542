"""What the full job reads, held as columns: one list or array per field.

A million identifiers as a million ``Node`` objects cost seconds to build and the job
needs them only for the units that the vectorised scan (``unit_scan``) cannot settle,
so the snapshot keeps the columns the store returned and builds objects on demand:
``node(i)`` and ``link(j)`` for one unit, or the whole-graph views (``nodes``,
``links``, ...) that the matching step reads, built once when first asked for.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np

from graph_cdp.graph_types import (
    FUZZY,
    OK,
    Decision,
    IdentifierColumns,
    Link,
    LinkColumns,
    Node,
)
from graph_cdp.resolution.rules import Rules, identifier_status

BlockReason = Callable[[str, str], "str | None"]
Ints = np.ndarray[Any, np.dtype[np.int64]]


@dataclass
class LinkArrays:
    """The link columns with each end as its identifier's position in the snapshot."""

    a: Ints
    b: Ints
    count: list[int]
    first_seen: list[int]
    active: list[bool]
    refused_by: list[str | None]
    revoked: list[bool]
    rule: list[str]
    weight: list[float]
    rejected: list[bool]
    # Per identifier position: every link row read that touches it, including rows whose
    # other end the job did not read (what the fence counts in the store), and of those the
    # observed ones (not fuzzy: what the store counts as the identifier's degree).
    ends: Ints
    observed_ends: Ints

    def __len__(self) -> int:
        return len(self.a)


def value_codes(values: list[Any]) -> tuple[Ints, list[Any]]:
    """Each value's code (None: -1) and the distinct values in code order."""
    codes: dict[Any, int] = {}
    get = codes.setdefault
    out = np.fromiter(
        (-1 if v is None else get(v, len(codes)) for v in values), np.int64, len(values)
    )
    return out, list(codes)


def link_arrays(
    links: LinkColumns, index: dict[str, int], positions: tuple[Ints, Ints] | None = None
) -> LinkArrays:
    """Ends as positions (``positions``: already found, as the read finds them page by
    page); links with an end the job did not read (written after the identifiers were
    read) are left to the next job."""
    if positions is None:
        get = index.get
        a = np.fromiter((get(k, -1) for k in links.a), np.int64, len(links.a))
        b = np.fromiter((get(k, -1) for k in links.b), np.int64, len(links.b))
    else:
        a, b = positions
    keep = (a >= 0) & (b >= 0)
    n = len(index)
    ends = np.bincount(a[a >= 0], minlength=n) + np.bincount(b[b >= 0], minlength=n)
    observed = np.fromiter((r != FUZZY for r in links.rule), np.bool_, len(links.rule))
    oa, ob = a[observed], b[observed]
    observed_ends = np.bincount(oa[oa >= 0], minlength=n) + np.bincount(ob[ob >= 0], minlength=n)
    columns: list[list[Any]] = [
        links.count,
        links.first_seen,
        links.active,
        links.refused_by,
        links.revoked,
        links.rule,
        links.weight,
        links.rejected,
    ]
    if not keep.all():
        where = np.flatnonzero(keep).tolist()
        columns = [[column[j] for j in where] for column in columns]
    count, first_seen, active, refused_by, revoked, rule, weight, rejected = columns
    return LinkArrays(
        a[keep],
        b[keep],
        count,
        first_seen,
        active,
        refused_by,
        revoked,
        rule,
        weight,
        rejected,
        ends,
        observed_ends,
    )


class Snapshot:
    """Every identifier and link the job read, with statuses under the current rules."""

    def __init__(
        self,
        ids: IdentifierColumns,
        links: LinkArrays,
        index: dict[str, int],
        blocked: list[str | None],
        rules: Rules,
    ) -> None:
        self.ids = ids
        self.cols = links
        self.index = index
        self.blocked_at = blocked
        self.rules = rules  # that the statuses were computed under
        n = len(ids.keys)
        # The degree counts observed links (see update_identifier_status.cypher): a fuzzy
        # link is derived from traits, and never makes its ends hubs.
        observed = np.fromiter((r != FUZZY for r in links.rule), np.bool_, len(links))
        self.degree = np.bincount(
            np.concatenate([links.a[observed], links.b[observed]]), minlength=n
        )
        kinds, kind_names = value_codes(ids.kinds)
        self.kind_code, self.kind_names = kinds, kind_names
        thresholds = np.array([rules.hub_threshold(k) for k in kind_names], np.int64)
        is_blocked = np.fromiter((b is not None for b in blocked), np.bool_, n)
        # The rule (identifier_status) asked only where it can say other than ok: an
        # identifier neither blocked nor over its kind's hub threshold is ok.
        odd = np.flatnonzero(is_blocked | (self.degree > thresholds[kinds])).tolist()
        self.status: list[str] = [OK] * n
        for i in odd:
            kind = kind_names[kinds[i]]
            self.status[i] = identifier_status(
                blocked[i], int(self.degree[i]), rules.hub_threshold(kind)
            )
        # As arrays too, built with the read: the components step is then numpy alone.
        self.ok_now = np.ones(n, np.bool_)
        self.ok_now[odd] = [self.status[i] == OK for i in odd]
        self.ok_stored = np.fromiter((st == OK for st in ids.stored), np.bool_, n)
        codes: dict[str, int] = {}
        get = codes.setdefault
        self.customer_code: Ints = np.fromiter(
            (-1 if c is None else get(c, len(codes)) for c in ids.customer), np.int64, n
        )

    @property
    def keys(self) -> list[str]:
        return self.ids.keys

    def node(self, i: int) -> Node:
        ids = self.ids
        return Node(
            ids.keys[i],
            ids.kinds[i],
            ids.values[i],
            ids.first_seen[i],
            self.status[i],
            ids.names[i],
        )

    def link(self, j: int) -> Link:
        c, keys = self.cols, self.ids.keys
        return Link(
            keys[c.a[j]],
            keys[c.b[j]],
            c.count[j],
            c.first_seen[j],
            c.revoked[j],
            c.rule[j],
            c.weight[j],
            c.rejected[j],
        )

    def decision(self, j: int) -> Decision:
        return (self.cols.active[j], self.cols.refused_by[j])

    # Whole-graph views, for the matching step (built once, when first asked for).
    @cached_property
    def nodes(self) -> dict[str, Node]:
        return {self.ids.keys[i]: self.node(i) for i in range(len(self.ids.keys))}

    @cached_property
    def links(self) -> list[Link]:
        return [self.link(j) for j in range(len(self.cols))]

    @cached_property
    def decisions(self) -> dict[tuple[str, str], Decision]:
        return {ln.pair: self.decision(j) for j, ln in enumerate(self.links)}

    @cached_property
    def stored_status(self) -> dict[str, str]:
        return dict(zip(self.ids.keys, self.ids.stored, strict=True))

    @cached_property
    def blocked(self) -> dict[str, str | None]:
        return dict(zip(self.ids.keys, self.blocked_at, strict=True))

    @cached_property
    def customer(self) -> dict[str, str | None]:
        return dict(zip(self.ids.keys, self.ids.customer, strict=True))


def in_key_order(ids: IdentifierColumns) -> IdentifierColumns:
    """The columns in key order (the store returns them so; sorted here if it did not)."""
    keys = ids.keys
    if all(x < y for x, y in itertools.pairwise(keys)):
        return ids
    order = sorted(range(len(keys)), key=keys.__getitem__)
    return IdentifierColumns(*([column[i] for i in order] for column in vars(ids).values()))


def identifier_index(ids: IdentifierColumns) -> tuple[IdentifierColumns, dict[str, int]]:
    """The identifiers in key order, and each key's position."""
    ids = in_key_order(ids)
    return ids, dict(zip(ids.keys, range(len(ids.keys)), strict=True))


def build_snapshot(
    ids: IdentifierColumns,
    index: dict[str, int],
    links: LinkColumns,
    blocked: Mapping[str, str],
    rules: Rules,
    *,
    ends: tuple[Ints, Ints] | None = None,
) -> Snapshot:
    """``ids`` and ``index`` from ``identifier_index``; ``blocked``: the block reason of
    each blocked identifier's key (the read judges each page as it comes); ``ends``: the
    links' ends as positions in ``index``, when the read found them."""
    get = blocked.get
    arrays = link_arrays(links, index, ends)
    return Snapshot(ids, arrays, index, [get(k) for k in ids.keys], rules)
