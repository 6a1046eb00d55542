"""The graph's match records: what the matcher compares, built from identifiers' traits.

A record is one cluster of the *base* partition (what deterministic evidence alone
joins, ``Resolution.base``) that holds at least one anchor identifier and some person
traits. Its id and anchor is the cluster's oldest anchor identifier (firstSeen, then
key): fuzzy links attach there. Its traits merge (``merge_traits``) the standardised
traits kept on its identifiers, in a canonical order, so a record is a pure function of
the stored evidence: the write path and the full job build the same records.

Each identifier keeps the standardised traits of the last few events seen with it
(``traits``, JSON texts, like ``names``); the anchor keeps its record's JSON
(``matchRecord``) and its blocking keys (``KEYED`` to ``BlockKey`` nodes), so that a
write finds its neighbours by index and reads their records without rebuilding them.
"""

from __future__ import annotations

import datetime
import functools
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from graph_cdp.graph_types import Node
from graph_cdp.matching.records import MatchRecord
from graph_cdp.matching.traits import FIELDS, PersonTraits, merge_traits, standardize
from graph_cdp.resolution.rules import Rules

# Standardised trait sets kept per identifier (newest last), like names.
MAX_TRAITS = 5


def traits_json(traits: PersonTraits) -> str | None:
    """Canonical JSON of the non-null fields; None when nothing is known."""
    # The fields are flat values: read them as they are (``dataclasses.asdict`` deep-copies
    # each one, a fifth of this function's time on the write path).
    data: dict[str, Any] = {}
    for k in FIELDS:
        v = getattr(traits, k)
        if v is not None:
            data[k] = v.isoformat() if isinstance(v, datetime.date) else v
    return json.dumps(data, sort_keys=True, separators=(",", ":")) if data else None


@functools.lru_cache(maxsize=65536)
def traits_from_json(text: str) -> PersonTraits:
    """The traits of a canonical JSON text (frozen, so one parse serves every record
    that holds the same text: a write rebuilds every record of the units it touched)."""
    data: dict[str, Any] = {k: v for k, v in json.loads(text).items() if k in FIELDS}
    if isinstance(data.get("birth_date"), str):
        data["birth_date"] = datetime.date.fromisoformat(data["birth_date"])
    return PersonTraits(**data)


def event_traits(raw: Mapping[str, Any], *, day_first: bool = False) -> str | None:
    """The standardised person traits of one event, as kept on its identifiers."""
    return traits_json(standardize(raw, day_first=day_first))


@dataclass(frozen=True)
class StoredRecord:
    """A record as written on its anchor: the matcher's input and its blocking keys."""

    record: MatchRecord
    text: str  # canonical JSON; equal texts are equal records


def record_json(record: MatchRecord) -> str:
    data = {
        "traits": json.loads(traits_json(record.traits) or "{}"),
        "emails": list(record.emails),
        "phones": list(record.phones),
    }
    return json.dumps(data, sort_keys=True, separators=(",", ":"))


def record_from_json(anchor: str, text: str) -> MatchRecord:
    data = json.loads(text)
    traits = traits_from_json(json.dumps(data["traits"]))
    return MatchRecord(
        id=anchor,
        traits=traits,
        emails=tuple(data["emails"]),
        phones=tuple(data["phones"]),
        anchor=anchor,
    )


def build_records(
    clusters: Iterable[Sequence[str]],
    nodes: Mapping[str, Node],
    traits: Mapping[str, Sequence[str]],
    rules: Rules,
) -> dict[str, StoredRecord]:
    """Anchor key -> record, for every base cluster with an anchor and some traits."""
    found: dict[str, StoredRecord] = {}
    for cluster in clusters:
        anchors = [k for k in cluster if rules.is_anchor(nodes[k].kind)]
        texts = sorted({t for k in cluster for t in traits.get(k, ())})
        if not anchors or not texts:
            continue
        anchor = min(anchors, key=lambda k: (nodes[k].first_seen, k))
        record = MatchRecord(
            id=anchor,
            traits=merge_traits(traits_from_json(t) for t in texts),
            emails=tuple(sorted(nodes[k].value for k in cluster if nodes[k].kind == "email")),
            phones=tuple(sorted(nodes[k].value for k in cluster if nodes[k].kind == "phone")),
            anchor=anchor,
        )
        found[anchor] = StoredRecord(record, record_json(record))
    return found
