"""Writing the evidence of validated events and pushed identifiers, in a caller's transaction.

Only evidence: interactions, identifiers, OBSERVED and LINKED. Statuses and resolution
follow in the same transaction, driven by the write path (``graph_cdp/ingestion.py``).
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from neo4j import AsyncManagedTransaction

from graph_cdp.events import Event
from graph_cdp.graph_types import StatusInput
from graph_cdp.identifiers import NormalizedIdentifier
from graph_cdp.store.driver import collected, run
from graph_cdp.store.kept import write_kept
from graph_cdp.store.values import wire

CO_OCCURRENCE = "co_occurrence"
EXPLICIT = "explicit"


@dataclass
class Written:
    """What a write stored: new and duplicate message ids, blocked keys, and the
    identifiers it touched (the seeds of the status refresh and of resolution)."""

    created: list[str] = field(default_factory=list)
    duplicates: list[str] = field(default_factory=list)
    blocked: list[str] = field(default_factory=list)
    touched: list[StatusInput] = field(default_factory=list)


def _identifier_rows(
    seen: Iterable[tuple[NormalizedIdentifier, datetime, str | None, str | None]],
) -> list[dict[str, Any]]:
    rows: dict[str, dict[str, Any]] = {}
    for ident, at, name, traits in seen:
        row = rows.get(ident.key)
        if row is None:
            row = rows[ident.key] = {
                "key": ident.key,
                "kind": ident.kind,
                "value": ident.value,
                "label": ident.label,
                "blocked": ident.blocked,
                "firstSeen": at,
                "lastSeen": at,
                "names": [],
                "traits": [],
            }
        else:
            row["firstSeen"] = min(row["firstSeen"], at)
            row["lastSeen"] = max(row["lastSeen"], at)
        if name is not None and name not in row["names"]:
            row["names"].append(name)
        if traits is not None and traits not in row["traits"]:
            row["traits"].append(traits)
    return [_wired(rows[k]) for k in sorted(rows)]


def _wired(row: dict[str, Any]) -> dict[str, Any]:
    """A row's first and last sighting as the text the Cypher turns back into times."""
    row["firstSeen"] = wire(row["firstSeen"])
    row["lastSeen"] = wire(row["lastSeen"])
    return row


def _link_rows(
    pairs: Iterable[tuple[str, str, datetime, str | None]], rule: str
) -> list[dict[str, Any]]:
    rows: dict[tuple[str, str], dict[str, Any]] = {}
    explicit = 1 if rule == EXPLICIT else 0
    for a, b, at, source in pairs:
        row = rows.get((a, b))
        if row is None:
            rows[(a, b)] = {
                "a": a,
                "b": b,
                "count": 1,
                "explicit": explicit,
                "rule": rule,
                "firstSeen": at,
                "lastSeen": at,
                "source": source,
            }
        else:
            row["count"] += 1
            row["explicit"] += explicit
            row["firstSeen"] = min(row["firstSeen"], at)
            row["lastSeen"] = max(row["lastSeen"], at)
    return [_wired(rows[k]) for k in sorted(rows)]


def _pairs(event: Event) -> Iterable[tuple[str, str]]:
    """Every pair seen together, blocked values included: refused links are evidence too."""
    return itertools.combinations(sorted(set(event.identifier_keys)), 2)


def _touched(identifiers: list[dict[str, Any]]) -> list[StatusInput]:
    return [StatusInput(r["key"], r["kind"], r["blocked"]) for r in identifiers]


async def write_events(
    tx: AsyncManagedTransaction,
    events: Sequence[Event],
    names: Sequence[str | None],
    now: datetime,
    batch_id: str,
    precedence: Sequence[str],
    person_traits: Sequence[str | None] | None = None,
) -> Written:
    """Store new events once (duplicates by id change nothing) and link what each saw.

    ``names`` holds each event's ``"first|last"`` name (or None); ``precedence`` names the
    refusal of a new link to an inactive identifier. ``person_traits`` (one per event,
    standardised JSON, for matching) are kept on the identifiers seen with them."""
    traits_of = dict(zip((e.message_id for e in events), person_traits or (), strict=False))
    rows = [
        {
            "id": e.message_id,
            "type": e.type,
            "channel": e.channel,
            "source": e.source,
            "at": wire(e.timestamp),
            "properties": json.dumps(e.properties, sort_keys=True),
            "traits": json.dumps(e.traits, sort_keys=True),
            "keys": list(e.identifier_keys),
            "invalidKeys": [v.key for v in e.invalid],
            "context": json.dumps(e.context, sort_keys=True),
        }
        for e in events
    ]
    created = set(await collected(tx, "merge_interactions", rows=rows, batch=batch_id, now=now))
    written = Written(
        created=[e.message_id for e in events if e.message_id in created],
        duplicates=[e.message_id for e in events if e.message_id not in created],
    )
    fresh = [(e, name) for e, name in zip(events, names, strict=True) if e.message_id in created]
    if not fresh:
        return written
    identifiers = _identifier_rows(
        (n, e.timestamp, name, traits_of.get(e.message_id))
        for e, name in fresh
        for n in e.identifiers
    )
    written.blocked = [r["key"] for r in identifiers if r["blocked"] is not None]
    links = _link_rows(
        ((a, b, e.timestamp, e.source) for e, _ in fresh for a, b in _pairs(e)), CO_OCCURRENCE
    )
    await run(tx, "merge_identifiers", rows=identifiers)
    observed = [{"id": e.message_id, "keys": list(e.identifier_keys)} for e, _ in fresh]
    await run(tx, "create_observed", rows=observed)
    await write_kept(tx, [e for e, _ in fresh])
    if links:
        await run(tx, "merge_links", rows=links, now=now, precedence=list(precedence))
    written.touched = _touched(identifiers)
    return written


async def write_identifiers(
    tx: AsyncManagedTransaction,
    identifiers: Sequence[NormalizedIdentifier],
    now: datetime,
    source: str | None,
    precedence: Sequence[str],
) -> Written:
    """Pushed together by a source: explicit evidence between every pair."""
    rows = _identifier_rows((n, now, None, None) for n in identifiers)
    usable = sorted({n.key for n in identifiers})
    pairs = [(a, b, now, source) for i, a in enumerate(usable) for b in usable[i + 1 :]]
    written = Written(blocked=[r["key"] for r in rows if r["blocked"] is not None])
    await run(tx, "merge_identifiers", rows=rows)
    links = _link_rows(pairs, EXPLICIT)
    if links:
        await run(tx, "merge_links", rows=links, now=now, precedence=list(precedence))
    written.touched = _touched(rows)
    return written
