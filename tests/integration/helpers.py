"""Small helpers for integration tests: events, partitions, counts."""

from __future__ import annotations

from typing import Any

from graph_cdp.store import Store


def ev(message_id: str, *identifiers: tuple[str, str], **fields: Any) -> dict[str, Any]:
    return {
        "messageId": message_id,
        "type": fields.pop("type", "login"),
        "timestamp": fields.pop("timestamp", "2026-01-01T00:00:00Z"),
        "identifiers": [{"kind": k, "value": v} for k, v in identifiers],
        **fields,
    }


async def partition(store: Store) -> set[frozenset[str]]:
    """The current customers as sets of identifier keys."""
    records, _, _ = await store.driver.execute_query(
        "MATCH (i:Identifier)-[:BELONGS_TO]->(c:Customer) RETURN c.id AS c, collect(i.key) AS keys",
        database_=store.database,
    )
    return {frozenset(r["keys"]) for r in records}


async def customer_of(store: Store, key: str) -> str:
    records, _, _ = await store.driver.execute_query(
        "MATCH (:Identifier {key: $key})-[:BELONGS_TO]->(c:Customer) RETURN c.id AS id",
        key=key,
        database_=store.database,
    )
    assert len(records) == 1, f"{key} belongs to {len(records)} customers"
    return str(records[0]["id"])


async def counts(store: Store) -> dict[str, int]:
    """What ingestion must neither lose nor duplicate (merge history may differ by order)."""
    records, _, _ = await store.driver.execute_query(
        """
        CALL () { MATCH (n:Identifier) RETURN count(n) AS identifiers }
        CALL () { MATCH (n:Interaction) RETURN count(n) AS interactions }
        CALL () { MATCH (n:DeadLetter) RETURN count(n) AS deadLetters }
        CALL () { MATCH ()-[r:OBSERVED]->() RETURN count(r) AS observed }
        CALL () { MATCH ()-[r:BELONGS_TO]->() RETURN count(r) AS memberships }
        CALL () { MATCH ()-[l:LINKED]->() RETURN count(l) AS links, sum(l.count) AS evidence }
        CALL () { MATCH (c:Customer) WHERE c.mergedInto IS NULL RETURN count(c) AS customers }
        RETURN identifiers, interactions, deadLetters, observed, memberships, links, evidence,
               customers
        """,
        database_=store.database,
    )
    return {k: int(v or 0) for k, v in records[0].data().items()}


async def link(store: Store, a: str, b: str) -> dict[str, Any]:
    lo, hi = sorted((a, b))
    records, _, _ = await store.driver.execute_query(
        "MATCH (:Identifier {key: $a})-[l:LINKED]->(:Identifier {key: $b}) "
        "RETURN properties(l) AS l",
        a=lo,
        b=hi,
        database_=store.database,
    )
    assert records, f"no link {lo} -> {hi}"
    return dict(records[0]["l"])
