"""One parser per query result: Cypher rows become typed objects here and nowhere else.

The hot reads return compact list rows (one record holding many lists decodes several
times faster than many records), so their column order is a contract between a
``.cypher`` file and its parser below; each parser names the file it reads.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from graph_cdp.graph_types import (
    CO_OCCURRENCE,
    OK,
    IdentifierColumns,
    IdentifierRef,
    Link,
    LinkColumns,
    Node,
    StatusChange,
    StatusInput,
    StoredIdentifier,
    StoredLink,
    UnitMember,
)

Row = Sequence[Any]
Record = dict[str, Any]


def unit_member(row: Row) -> UnitMember:
    """A row of ``lock_identifiers`` / ``expand_component``."""
    key, kind, value, first_seen, status, customer, created, names = row
    node = Node(key, kind, value, int(first_seen or 0), status or OK, tuple(names))
    return UnitMember(node, customer, int(created or 0))


def stored_identifier(row: Row) -> StoredIdentifier:
    """A row of ``all_identifiers`` (the node carries its stored status)."""
    key, first_seen, status, customer, names = row
    kind, _, value = key.partition(":")
    return StoredIdentifier(
        Node(key, kind, value, int(first_seen or 0), status or OK, tuple(names or ())), customer
    )


def identifier_columns(rows: Sequence[Row]) -> IdentifierColumns:
    """Rows of ``all_identifiers`` as columns (the full job's read, without an object
    per identifier)."""
    if not rows:
        return IdentifierColumns([], [], [], [], [], [], [])
    keys, seen, status, customer, names = (list(c) for c in zip(*rows, strict=True))
    # A valid identifier's key is kind:value (identifiers.Identifier.key).
    parts = [key.partition(":") for key in keys]
    return IdentifierColumns(
        keys,
        [p[0] for p in parts],
        [p[2] for p in parts],
        [int(s or 0) for s in seen],
        [s or OK for s in status],
        customer,
        [tuple(n) if n else () for n in names],
    )


def link_columns(rows: Sequence[Row]) -> LinkColumns:
    """Rows of ``all_links`` as columns (the full job's read)."""
    if not rows:
        return LinkColumns([], [], [], [], [], [], [], [], [], [])
    a, b, count, seen, active, refused, revoked, rule, weight, rejected = zip(*rows, strict=True)
    return LinkColumns(
        list(a),
        list(b),
        [int(c) for c in count],
        [int(s or 0) for s in seen],
        [bool(x) for x in active],
        list(refused),
        [bool(x) for x in revoked],
        [r or CO_OCCURRENCE for r in rule],
        [float(w or 0.0) for w in weight],
        [bool(x) for x in rejected],
    )


def stored_link(row: Row) -> StoredLink:
    """A row of ``load_unit_links`` / ``all_links``."""
    a, b, count, first_seen, active, refused_by, revoked, rule, weight, rejected = row
    link = Link(
        a,
        b,
        int(count),
        int(first_seen or 0),
        bool(revoked),
        rule or CO_OCCURRENCE,
        float(weight or 0.0),
        bool(rejected),
    )
    return StoredLink(link, (bool(active), refused_by))


def stored_links(rows: Iterable[Row]) -> list[StoredLink]:
    """The rows ``load_unit_links`` collects."""
    return [stored_link(row) for row in rows]


def status_change(row: Row) -> StatusChange:
    """A row of ``update_identifier_status``: key, status before, status."""
    key, before, status = row
    return StatusChange(key, before, status)


def status_input(row: Row) -> StatusInput:
    """A row of ``identifier_statuses``: key, kind, the block reason as stored."""
    key, kind, blocked = row
    return StatusInput(key, kind, blocked)


def identifier_ref(record: Record) -> IdentifierRef:
    """A record of ``recently_touched_identifiers``."""
    return IdentifierRef(record["key"], record["kind"], record["value"])
