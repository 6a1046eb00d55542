"""Partial acceptance on the project's own sample, grown with invalid phones and junk fields.

The figure issue 11 asks for: every unique message sent is stored as one interaction;
the invalid phones are kept (status invalid), never linked, never a customer's, also
after a full resolution job, and forgetting a customer forgets them with it.
"""

from __future__ import annotations

from typing import Any

from graph_cdp.sample import generate
from graph_cdp.sample.dirty import dirty
from graph_cdp.services import CdpService
from graph_cdp.store import Store
from tests.integration.helpers import counts, ev

CUSTOMERS = 150


async def _query(store: Store, cypher: str, **params: Any) -> list[dict[str, Any]]:
    records, _, _ = await store.driver.execute_query(cypher, params, database_=store.database)
    return [r.data() for r in records]


async def _invalid(store: Store) -> dict[str, int]:
    rows = await _query(
        store,
        """
        MATCH (i:Identifier {status: 'invalid'})
        RETURN count(i) AS invalid,
               sum(count { (i)-[:BELONGS_TO]->() }) AS members,
               sum(count { (i)-[:LINKED]-() }) AS links,
               sum(count { (i)<-[:OBSERVED]-() }) AS observed,
               sum(CASE WHEN i:Invalid THEN 1 ELSE 0 END) AS labelled
        """,
    )
    return {k: int(v) for k, v in rows[0].items()}


async def test_every_unique_message_of_a_dirty_sample_is_stored(
    service: CdpService, store: Store
) -> None:
    sample = generate(customers=CUSTOMERS, seed=11)
    events = dirty(sample.events, seed=11, invalid_phone_rate=0.04, junk_field_rate=0.3)
    unique = {e["messageId"] for e in events}
    with_invalid_phone = {
        e["messageId"] for e in events if len(e["identifiers"]) > len(_original(sample, e))
    }
    warned: set[str] = set()
    for start in range(0, len(events), 500):
        result = await service.ingest_events(events[start : start + 500], source="sample")
        assert result.rejected == []
        warned |= {w.message_id for w in result.warnings if w.path.endswith(".value")}
    found = await counts(store)
    assert found["interactions"] == len(unique)
    assert found["deadLetters"] == 0
    assert with_invalid_phone <= warned
    invalid = await _invalid(store)
    assert invalid["invalid"] > 0
    assert invalid == {**invalid, "members": 0, "links": 0, "labelled": invalid["invalid"]}
    job = await service.run_resolution("full")
    assert job.status == "succeeded"
    assert (await _invalid(store))["members"] == 0
    assert (await service.check()).ok


def _original(sample: Any, grown: dict[str, Any]) -> list[Any]:
    by_id = {e["messageId"]: e for e in sample.events}
    identifiers: list[Any] = by_id[grown["messageId"]]["identifiers"]
    return identifiers


async def test_an_invalid_value_is_kept_with_its_reason_and_forgotten_with_its_customer(
    service: CdpService, store: Store
) -> None:
    raw = ev("m-1", ("email", "ada@shop.io"), ("phone", "+1 999 555 0123"), type="purchase")
    result = await service.ingest_events([raw])
    assert result.accepted_ids == ["m-1"]
    (warning,) = result.warnings
    assert (warning.path, warning.reason) == ("identifiers[1].value", "not a valid phone number")
    (node,) = await _query(
        store,
        "MATCH (i:Invalid) RETURN i.kind AS kind, i.value AS value, i.status AS status, "
        "i.statusReason AS reason",
    )
    assert node == {
        "kind": "phone",
        "value": "+1 999 555 0123",
        "status": "invalid",
        "reason": "not a valid phone number",
    }
    profile = await service.profile_by_identifier("email", "ada@shop.io")
    assert profile is not None
    assert [i.key for i in profile.identifiers] == ["email:ada@shop.io"]
    await service.delete_profile(profile.id)
    assert await _query(store, "MATCH (i:Invalid) RETURN i.key AS key") == []


async def test_an_event_with_nothing_usable_is_a_dead_letter(service: CdpService) -> None:
    raw = ev("m-1", ("phone", "12"), ("passport", "X1"))
    result = await service.ingest_events([raw])
    (rejected,) = result.rejected
    assert rejected.code == "NO_USABLE_IDENTIFIER"
    assert "identifiers[0].value" in rejected.reasons[0]
    assert "identifiers[1].kind" in rejected.reasons[0]
    (letter,) = await service.dead_letters()
    assert letter.payload["messageId"] == "m-1"
    assert letter.truncated is False
