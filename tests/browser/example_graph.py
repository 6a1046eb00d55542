"""A tiny identity graph in the stored model, written straight to Neo4j for Browser tests.

Two people resolved well (Ada with seven identifiers, one old profile merged into
hers; Bo, from whom Cy was split), a store kiosk that became a hub, a placeholder email
that is blocked, the links the rules refused, interactions, and two resolution jobs.
It is written with parametrized Cypher (``MERGE``, idempotent) so that it can also be
added to a demo database for screenshots without wiping anything.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from neo4j import AsyncManagedTransaction

from graph_cdp.store import Store

LABELS = {
    "email": "Email",
    "phone": "Phone",
    "device_id": "Device",
    "cookie_id": "Cookie",
    "loyalty_id": "LoyaltyId",
    "customer_id": "CustomerId",
}

ADA = "cus-ada"
ADA_OLD = "cus-ada-web"
BO = "cus-bo"
CY = "cus-cy"
KIOSK = "cus-kiosk"
PLACEHOLDER = "cus-placeholder"
LATEST_JOB = "job-2"


def _at(day: int, hour: int = 12) -> datetime:
    return datetime(2025, 3, day, hour, 0, tzinfo=UTC)


@dataclass(frozen=True)
class _Identifier:
    key: str
    customer: str
    seen: int
    status: str = "ok"
    reason: str | None = None

    @property
    def kind(self) -> str:
        return self.key.split(":", 1)[0]

    @property
    def value(self) -> str:
        return self.key.split(":", 1)[1]

    def row(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "label": LABELS[self.kind],
            "customer": self.customer,
            "props": {
                "kind": self.kind,
                "value": self.value,
                "firstSeen": _at(self.seen),
                "lastSeen": _at(self.seen + 10),
                "status": self.status,
                "statusReason": self.reason,
            },
        }


IDENTIFIERS: Sequence[_Identifier] = (
    _Identifier("email:ada@example.com", ADA, 1),
    _Identifier("phone:+14155550101", ADA, 1),
    _Identifier("device_id:ada-iphone-15", ADA, 2),
    _Identifier("cookie_id:ck-ada-1", ADA, 2),
    _Identifier("cookie_id:ck-ada-2", ADA, 3),
    _Identifier("loyalty_id:acme:1001", ADA, 4),
    _Identifier("customer_id:CRM-1", ADA, 5),
    _Identifier("email:bo@example.com", BO, 2),
    _Identifier("phone:+14155550199", BO, 2),
    _Identifier("customer_id:CRM-2", BO, 3),
    _Identifier("email:cy@example.com", CY, 6),
    _Identifier("cookie_id:ck-cy-1", CY, 6),
    _Identifier(
        "device_id:store-kiosk-7",
        KIOSK,
        1,
        "hub",
        "linked to 41 identifiers (hub threshold 25)",
    ),
    _Identifier("email:test@test.com", PLACEHOLDER, 3, "blocked", "placeholder email"),
)

# (a, b, rule, refusedBy): stored a -> b with a.key < b.key; refusedBy None means active.
LINKS: Sequence[tuple[str, str, str, str | None]] = (
    ("email:ada@example.com", "phone:+14155550101", "co_occurrence", None),
    ("device_id:ada-iphone-15", "email:ada@example.com", "co_occurrence", None),
    ("cookie_id:ck-ada-1", "device_id:ada-iphone-15", "co_occurrence", None),
    ("cookie_id:ck-ada-2", "email:ada@example.com", "co_occurrence", None),
    ("email:ada@example.com", "loyalty_id:acme:1001", "co_occurrence", None),
    ("customer_id:CRM-1", "email:ada@example.com", "explicit", None),
    ("email:bo@example.com", "phone:+14155550199", "co_occurrence", None),
    ("customer_id:CRM-2", "email:bo@example.com", "explicit", None),
    ("cookie_id:ck-cy-1", "email:cy@example.com", "co_occurrence", None),
    ("device_id:store-kiosk-7", "email:ada@example.com", "co_occurrence", "hub"),
    ("device_id:store-kiosk-7", "email:bo@example.com", "co_occurrence", "hub"),
    ("email:test@test.com", "phone:+14155550199", "co_occurrence", "blocked"),
    ("customer_id:CRM-2", "email:cy@example.com", "explicit", "limit:customer_id"),
    ("email:bo@example.com", "email:cy@example.com", "fuzzy", "rejected"),
)

# The fuzzy link's score and waterfall: (field, level, weight).
FUZZY_PROBABILITY = 0.9412
FUZZY_FIELDS = (
    ("first_name", "else", -12.5),
    ("last_name", "exact", 9.25),
    ("birth_date", "null", 0.0),
)

# (id, type, channel, day, identifier keys)
INTERACTIONS: Sequence[tuple[str, str, str, int, Sequence[str]]] = (
    ("evt-1", "page_view", "web", 2, ("cookie_id:ck-ada-1", "device_id:ada-iphone-15")),
    ("evt-2", "login", "app", 3, ("email:ada@example.com", "device_id:ada-iphone-15")),
    ("evt-3", "purchase", "store", 4, ("email:ada@example.com", "loyalty_id:acme:1001")),
    ("evt-4", "email_open", "email", 5, ("email:ada@example.com", "phone:+14155550101")),
    ("evt-5", "purchase", "store", 5, ("device_id:store-kiosk-7", "email:bo@example.com")),
    ("evt-6", "form_fill", "web", 6, ("email:bo@example.com", "phone:+14155550199")),
)

# (job, day, merges, splits): the latest job merged ADA_OLD into ADA and split CY from BO.
JOBS: Sequence[tuple[str, int, int, int]] = (("job-1", 7, 0, 0), (LATEST_JOB, 9, 1, 1))

CUSTOMERS: Sequence[tuple[str, int]] = (
    (ADA, 1),
    (ADA_OLD, 2),
    (BO, 2),
    (CY, 9),
    (KIOSK, 1),
    (PLACEHOLDER, 3),
)


def identifiers_of(customer: str) -> list[str]:
    return [i.key for i in IDENTIFIERS if i.customer == customer]


async def _write(tx: AsyncManagedTransaction) -> None:
    await tx.run(
        "UNWIND $rows AS row MERGE (c:Customer {id: row.id}) "
        "SET c.createdAt = row.at, c.updatedAt = row.at",
        rows=[{"id": cid, "at": _at(day)} for cid, day in CUSTOMERS],
    )
    await tx.run(
        "UNWIND $rows AS row "
        "MERGE (i:Identifier {key: row.key}) SET i += row.props, i:$(row.label) "
        "WITH i, row MATCH (c:Customer {id: row.customer}) MERGE (i)-[:BELONGS_TO]->(c)",
        rows=[i.row() for i in IDENTIFIERS],
    )
    await tx.run(
        "UNWIND $rows AS row "
        "MATCH (a:Identifier {key: row.a}) MATCH (b:Identifier {key: row.b}) "
        "MERGE (a)-[l:LINKED]->(b) "
        "SET l.rule = row.rule, l.active = row.refusedBy IS NULL, l.refusedBy = row.refusedBy, "
        "    l.count = 2, l.firstSeen = row.at, l.lastSeen = row.at, l.sources = ['test']",
        rows=[
            {"a": a, "b": b, "rule": rule, "refusedBy": refused, "at": _at(8)}
            for a, b, rule, refused in LINKS
        ],
    )
    await tx.run(
        "MATCH (:Identifier)-[l:LINKED {rule: 'fuzzy'}]->(:Identifier) "
        "SET l.count = 0, l.probability = $p, l.weight = 4.0, l.rejected = true, "
        "    l.fields = $fields, l.levels = $levels, l.fieldWeights = $weights",
        p=FUZZY_PROBABILITY,
        fields=[f for f, _, _ in FUZZY_FIELDS],
        levels=[lv for _, lv, _ in FUZZY_FIELDS],
        weights=[w for _, _, w in FUZZY_FIELDS],
    )
    await tx.run(
        "UNWIND $rows AS row "
        "MERGE (e:Interaction {id: row.id}) "
        "SET e.type = row.type, e.channel = row.channel, e.source = 'test', e.at = row.at, "
        "    e.properties = row.properties, e.traits = '{}' "
        "WITH e, row UNWIND row.keys AS key "
        "MATCH (i:Identifier {key: key}) MERGE (e)-[:OBSERVED]->(i)",
        rows=[
            {
                "id": eid,
                "type": etype,
                "channel": channel,
                "at": _at(day, 15),
                "properties": json.dumps({"path": f"/{etype}"}),
                "keys": list(keys),
            }
            for eid, etype, channel, day, keys in INTERACTIONS
        ],
    )
    await tx.run(
        "UNWIND $rows AS row MERGE (j:ResolutionJob {id: row.id}) "
        "SET j.status = 'succeeded', j.mode = 'full', j.startedAt = row.at, "
        "    j.finishedAt = row.at + duration('PT2S'), j.merges = row.merges, "
        "    j.splits = row.splits, j.customersBefore = 6, j.customersAfter = 6, "
        "    j.refusedByRule = row.refused",
        rows=[
            {
                "id": jid,
                "at": _at(day),
                "merges": merges,
                "splits": splits,
                "refused": json.dumps({"hub": 2, "blocked": 1, "limit:customer_id": 1}),
            }
            for jid, day, merges, splits in JOBS
        ],
    )
    await tx.run(
        "MATCH (gone:Customer {id: $gone}) MATCH (survivor:Customer {id: $survivor}) "
        "MERGE (gone)-[m:MERGED_INTO]->(survivor) "
        "SET m.at = $at, m.reason = 'explicit link', m.jobId = $job, gone.mergedInto = $survivor",
        gone=ADA_OLD,
        survivor=ADA,
        at=_at(9),
        job=LATEST_JOB,
    )
    await tx.run(
        "MATCH (part:Customer {id: $part}) MATCH (old:Customer {id: $old}) "
        "MERGE (part)-[s:SPLIT_FROM]->(old) "
        "SET s.at = $at, s.reason = 'limit:customer_id', s.jobId = $job",
        part=CY,
        old=BO,
        at=_at(9),
        job=LATEST_JOB,
    )


async def write_example_graph(store: Store) -> None:
    """Write (or refresh) the example graph in one transaction."""
    await store.write(_write)
