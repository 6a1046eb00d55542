"""Partial acceptance on a dirty sample: every unique message sent is one interaction.

The project's generator grown with invalid phones and junk fields
(:func:`graph_cdp.sample.dirty.dirty`) is ingested as a source would send it, resolved
on every write. The report counts what was sent, what was stored, what was kept as
invalid, and how many of those messages the former whole-event rejection would have
lost. Nothing here is timed.
"""

from __future__ import annotations

from typing import Any

from bench.common import fresh
from graph_cdp.config import Settings
from graph_cdp.sample import generate
from graph_cdp.sample.dirty import dirty
from graph_cdp.services import CdpService
from graph_cdp.store import Store

BATCH = 500


async def _count(store: Store, cypher: str) -> int:
    records, _, _ = await store.driver.execute_query(cypher, database_=store.database)
    return int(records[0]["n"])


async def bench_partial(
    store: Store, settings: Settings, customers: int, seed: int
) -> dict[str, Any]:
    await fresh(store)
    sample = generate(customers=customers, seed=seed)
    events = dirty(sample.events, seed=seed, invalid_phone_rate=0.04, junk_field_rate=0.3)
    service = CdpService(store, settings)
    warnings = rejected = 0
    warned: set[str] = set()
    for start in range(0, len(events), BATCH):
        result = await service.ingest_events(events[start : start + BATCH], source="bench")
        rejected += len(result.rejected)
        warnings += len(result.warnings)
        warned |= {w.message_id for w in result.warnings if w.path.startswith("identifiers")}
    unique = {e["messageId"] for e in events}
    return {
        "customers": customers,
        "messages_sent": len(events),
        "unique_messages": len(unique),
        "interactions_stored": await _count(store, "MATCH (e:Interaction) RETURN count(e) AS n"),
        "rejected": rejected,
        "dead_letters": await _count(store, "MATCH (d:DeadLetter) RETURN count(d) AS n"),
        "warnings": warnings,
        "messages_with_an_invalid_identifier": len(warned),
        "share_lost_by_whole_event_rejection": len(warned) / len(unique),
        "invalid_identifiers_stored": await _count(
            store, "MATCH (i:Identifier {status: 'invalid'}) RETURN count(i) AS n"
        ),
        "invalid_with_a_customer_or_link": await _count(
            store,
            "MATCH (i:Identifier {status: 'invalid'}) "
            "WHERE (i)-[:BELONGS_TO]->() OR (i)-[:LINKED]-() RETURN count(i) AS n",
        ),
    }


def partial_lines(r: dict[str, Any]) -> list[str]:
    return [
        f"{r['customers']} customers; the sample grown with invalid phones (4 % of messages) "
        "and junk fields (30 %).",
        "",
        "| | count |",
        "| --- | ---: |",
        f"| messages sent (with redeliveries) | {r['messages_sent']} |",
        f"| unique messageIds | {r['unique_messages']} |",
        f"| interactions stored | {r['interactions_stored']} |",
        f"| rejected / dead letters | {r['rejected']} / {r['dead_letters']} |",
        f"| messages with an invalid identifier, stored with a warning | "
        f"{r['messages_with_an_invalid_identifier']} "
        f"({r['share_lost_by_whole_event_rejection']:.1%}, lost whole before) |",
        f"| invalid identifiers kept | {r['invalid_identifiers_stored']} |",
        f"| of them linked or with a customer | {r['invalid_with_a_customer_or_link']} |",
    ]
