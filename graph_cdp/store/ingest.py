"""Writing validated events and pushed identifiers, in one transaction per batch."""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from neo4j import AsyncManagedTransaction

from graph_cdp.events import Event
from graph_cdp.identifiers import NormalizedIdentifier
from graph_cdp.resolution.incremental import Outcome, UnitHook, resolve_seeds
from graph_cdp.resolution.names import full_name
from graph_cdp.resolution.rules import Rules
from graph_cdp.store.driver import run

CO_OCCURRENCE = "co_occurrence"
EXPLICIT = "explicit"


@dataclass
class Written:
    created: list[str] = field(default_factory=list)
    duplicates: list[str] = field(default_factory=list)
    blocked: list[str] = field(default_factory=list)
    outcome: Outcome = field(default_factory=Outcome)


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
    return [rows[k] for k in sorted(rows)]


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
    return [rows[k] for k in sorted(rows)]


def _pairs(event: Event) -> Iterable[tuple[str, str]]:
    """Every pair seen together, blocked values included: refused links are evidence too."""
    return itertools.combinations(sorted(set(event.identifier_keys)), 2)


async def _link_and_resolve(
    tx: AsyncManagedTransaction,
    identifiers: list[dict[str, Any]],
    links: list[dict[str, Any]],
    rules: Rules,
    now: datetime,
    reason: str,
    resolve: bool = True,
    after: UnitHook | None = None,
) -> Outcome:
    """After the identifiers exist: evidence, degrees and statuses, then resolution."""
    if links:
        await run(tx, "merge_links", rows=links, now=now)
    status_rows = [
        {"key": r["key"], "blocked": r["blocked"], "threshold": rules.hub_threshold(r["kind"])}
        for r in identifiers
    ]
    statuses = await run(tx, "update_identifier_status", rows=status_rows)
    # Only a status change can leave stale decisions on older links.
    inactive = sorted(
        r["key"] for r in statuses if r["status"] != "ok" and r["status"] != r["before"]
    )
    if inactive:
        await run(tx, "refuse_links_of_inactive", keys=inactive)
    if not resolve:
        return Outcome()
    keys = (r["key"] for r in identifiers)
    return await resolve_seeds(tx, keys, rules, now, reason=reason, after=after)


async def write_events(
    tx: AsyncManagedTransaction,
    events: Sequence[Event],
    rules: Rules,
    now: datetime,
    batch_id: str,
    resolve: bool = True,
    person_traits: Sequence[str | None] | None = None,
    after: UnitHook | None = None,
) -> Written:
    """Store new events once (duplicates by id change nothing), link, resolve.

    ``resolve=False`` is the bulk-load path: evidence is written, customers are left to
    a full resolution job (which gives the same result, see test_agreement).
    ``person_traits`` (one per event, standardised JSON) are kept on the identifiers
    seen with them, for matching; ``after`` runs on each resolved unit."""
    traits_of = dict(zip((e.message_id for e in events), person_traits or (), strict=False))
    rows = [
        {
            "id": e.message_id,
            "type": e.type,
            "channel": e.channel,
            "source": e.source,
            "at": e.timestamp,
            "properties": json.dumps(e.properties, sort_keys=True),
            "traits": json.dumps(e.traits, sort_keys=True),
            "keys": list(e.identifier_keys),
        }
        for e in events
    ]
    result = await run(tx, "merge_interactions", rows=rows, batch=batch_id, now=now)
    created = {r["id"] for r in result if r["created"]}
    written = Written(
        created=[e.message_id for e in events if e.message_id in created],
        duplicates=[e.message_id for e in events if e.message_id not in created],
    )
    fresh = [e for e in events if e.message_id in created]
    if not fresh:
        return written
    identifiers = _identifier_rows(
        (n, e.timestamp, full_name(e.traits), traits_of.get(e.message_id))
        for e in fresh
        for n in e.identifiers
    )
    written.blocked = [r["key"] for r in identifiers if r["blocked"] is not None]
    links = _link_rows(
        ((a, b, e.timestamp, e.source) for e in fresh for a, b in _pairs(e)), CO_OCCURRENCE
    )
    await run(tx, "merge_identifiers", rows=identifiers)
    observed = [{"id": e.message_id, "keys": list(e.identifier_keys)} for e in fresh]
    await run(tx, "create_observed", rows=observed)
    written.outcome = await _link_and_resolve(
        tx, identifiers, links, rules, now, "ingest", resolve=resolve, after=after
    )
    return written


async def write_identifiers(
    tx: AsyncManagedTransaction,
    identifiers: Sequence[NormalizedIdentifier],
    rules: Rules,
    now: datetime,
    source: str | None,
    after: UnitHook | None = None,
) -> Written:
    """Pushed together by a source: explicit evidence between every pair."""
    rows = _identifier_rows((n, now, None, None) for n in identifiers)
    usable = sorted({n.key for n in identifiers})
    pairs = [(a, b, now, source) for i, a in enumerate(usable) for b in usable[i + 1 :]]
    written = Written(blocked=[r["key"] for r in rows if r["blocked"] is not None])
    await run(tx, "merge_identifiers", rows=rows)
    written.outcome = await _link_and_resolve(
        tx, rows, _link_rows(pairs, EXPLICIT), rules, now, "push", after=after
    )
    return written
