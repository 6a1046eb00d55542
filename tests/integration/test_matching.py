"""Probabilistic matching against the real Neo4j: joins, traps, review, explain, the job."""

from __future__ import annotations

from typing import Any

import pytest

from graph_cdp.config import Settings
from graph_cdp.errors import AlreadyDecided, MatchCandidateNotFound
from graph_cdp.match_records import event_traits, traits_from_json
from graph_cdp.matching.records import MatchRecord
from graph_cdp.services import CdpService
from graph_cdp.store import Store
from tests.integration.helpers import customer_of, link
from tests.matching_people import population, store_event, web_event

KATE_WEB = {
    "firstName": "Katherine",
    "lastName": "Okafor",
    "birthday": "1985-03-14",
    "address": {"street": "12 Willow Avenue", "postalCode": "02139"},
}
KATE_STORE = {
    "first_name": "Kathrine",  # a dropped letter
    "last_name": "OKAFOR",
    "dob": "03/14/1985",
    "address": {"street": "12 Willow Ave", "zip": "02139"},
}
WEB_KEY, STORE_KEY = "email:kate.okafor@mailbox.io", "loyalty_id:acme:9001"


def _kate() -> list[dict[str, Any]]:
    return [
        web_event("kate-w", "kate.okafor@mailbox.io", "kate-ck", KATE_WEB),
        store_event("kate-s", "acme:9001", "+16172539999", KATE_STORE),
    ]


async def _trained(service: CdpService) -> dict[str, Any]:
    """A population ingested, then a full job that trains the model and scores everyone."""
    events = population()
    for start in range(0, len(events), 200):
        await service.ingest_events(events[start : start + 200])
    job = await service.run_resolution("full")
    assert job.status == "succeeded", job.error
    stats: dict[str, Any] = job.stats["matching"]
    assert stats["trained"] is True
    return stats


@pytest.fixture
async def trained(service: CdpService) -> CdpService:
    await _trained(service)
    return service


async def test_the_full_job_trains_a_model_and_joins_cross_channel_people(
    service: CdpService, store: Store
) -> None:
    stats = await _trained(service)
    assert stats["records"] > 300
    assert stats["fuzzyLinks"] > 50  # about a third of 300 people also shop in a store
    assert stats["pairsCompared"] < stats["records"] ** 2 / 20
    # One of them: the store side (loyalty id + phone) joined the web side (email + cookie).
    joined = 0
    for i in range(300):
        try:
            store_side = await customer_of(store, f"loyalty_id:acme:{5000 + i}")
        except AssertionError:
            continue  # not a store shopper
        joined += store_side == await customer_of(store, f"email:pop{i}@mailbox.io")
    assert joined >= 0.9 * stats["fuzzyLinks"]
    again = await service.run_resolution("full")
    assert again.stats["unitsChanged"] == 0
    assert again.stats["matching"]["trained"] is False
    assert again.stats["matching"]["linksWritten"] == 0
    assert again.stats["matching"]["recordsWritten"] == 0
    assert (await service.check()).ok


async def test_a_cross_channel_person_is_joined_on_write(trained: CdpService, store: Store) -> None:
    web, in_store = _kate()
    await trained.ingest_events([web])
    profile = await customer_of(store, WEB_KEY)
    head = (await trained.change_page(None, 1000)).items[-1].seq
    result = await trained.ingest_events([in_store])
    # One plan and one write with the fuzzy link: the store side joins the web profile as
    # an update of it, not a profile created and merged away in the same write.
    assert (result.customers_created, result.customers_merged) == (0, 0)
    changes = [c for c in (await trained.change_page(None, 1000)).items if c.seq > head]
    assert [(c.type, c.profile_ids, c.cause) for c in changes] == [
        ("profile.updated", [profile], "ingest")
    ]
    assert len(changes[0].data["identifiersAdded"]) == 2  # the loyalty id and the phone
    assert await customer_of(store, WEB_KEY) == await customer_of(store, STORE_KEY) == profile
    assert await customer_of(store, "phone:+16172539999") == await customer_of(store, WEB_KEY)
    fuzzy = await link(store, WEB_KEY, STORE_KEY)
    assert fuzzy["rule"] == "fuzzy"
    assert fuzzy["active"] is True
    assert fuzzy["probability"] >= 0.99
    assert fuzzy["count"] == 0  # scored, never seen together
    assert "first_name" in fuzzy["fields"]
    assert len(fuzzy["levels"]) == len(fuzzy["fields"])
    # The full job recomputes every score with the stored model and finds nothing to change.
    job = await trained.run_resolution("full")
    assert job.stats["unitsChanged"] == 0
    assert job.stats["matching"]["linksWritten"] == 0
    assert job.stats["matching"]["linksDeleted"] == 0
    assert (await trained.check()).ok


async def test_explain_shows_the_field_weights(trained: CdpService) -> None:
    await trained.ingest_events(_kate())
    found = await trained.explain_link(("cookie_id", "kate-ck"), ("phone", "+16172539999"))
    assert found is not None
    assert found.same_customer
    assert [h.rule for h in found.path].count("fuzzy") == 1
    by_field = {f.field: f for f in found.fields}
    assert by_field["last_name"].level != "null"
    assert by_field["last_name"].weight > 0
    assert by_field["birth_date"].weight > 0
    hop = next(h for h in found.path if h.rule == "fuzzy")
    assert hop.probability is not None
    assert hop.probability >= 0.99
    assert hop.weight is not None
    assert hop.weight > sum(f.weight for f in hop.fields) - 60


def _pair(first_a: str, born_a: str, first_b: str, born_b: str, **b: Any) -> list[dict[str, Any]]:
    a_traits = {
        "firstName": first_a,
        "lastName": "Castellano",
        "birthday": born_a,
        "address": {"street": "40 Harbor Road", "postalCode": "02155"},
    }
    b_traits = {**a_traits, "firstName": first_b, "birthday": born_b, **b}
    return [
        web_event("trap-a", "trap.a@mailbox.io", "trap-ck-a", a_traits),
        store_event("trap-b", "acme:7001", "+16172538888", b_traits),
    ]


TRAPS = {
    # two people of one name in one postal code, born on other days
    "namesakes": _pair(
        "James", "1979-06-02", "James", "1990-11-23", address={"postalCode": "02155"}
    ),
    # one household: same surname and address, another first name and birth date
    "family": _pair("Maria", "1962-04-18", "Lucas", "1995-09-30"),
    # junior and senior: same name and address, born decades apart
    "junior_senior": _pair("Robert", "1958-01-12", "Robert", "1986-07-04"),
    # twins: same surname, birth date and address, another first name
    "twins": _pair("Elena", "1992-05-05", "Sofia", "1992-05-05"),
}


@pytest.mark.parametrize("trap", sorted(TRAPS))
async def test_each_trap_is_kept_apart(trained: CdpService, store: Store, trap: str) -> None:
    for e in TRAPS[trap]:
        await trained.ingest_events([e])
    assert await customer_of(store, "email:trap.a@mailbox.io") != await customer_of(
        store, "loyalty_id:acme:7001"
    )
    job = await trained.run_resolution("full")
    assert job.stats["unitsChanged"] == 0
    assert await customer_of(store, "email:trap.a@mailbox.io") != await customer_of(
        store, "loyalty_id:acme:7001"
    )


async def _probability(service: CdpService, a: dict[str, Any], b: dict[str, Any]) -> float:
    matcher = await service.store.read(service.matching.models.current)
    assert matcher is not None

    def record(rid: str, raw: dict[str, Any]) -> MatchRecord:
        text = event_traits(raw)
        assert text is not None
        return MatchRecord(rid, traits_from_json(text), anchor=rid)

    return matcher.score(record("a", a), record("b", b)).probability


# One side gave no birth date and a street of its own: likely, not certain.
MAYBE_A = {"firstName": "Priya", "lastName": "Raman", "address": {"postalCode": "02171"}}
MAYBE_B = {
    "firstName": "Priya",
    "lastName": "Raman",
    "birthday": "1988-08-08",
    "address": {"postalCode": "02171", "street": "9 Elm Street"},
}


async def _reviewing(trained: CdpService, settings: Settings, store: Store) -> CdpService:
    """A service whose review band holds the MAYBE pair (thresholds set around its score)."""
    p = await _probability(trained, MAYBE_A, MAYBE_B)
    assert 0.0 < p < 1.0
    tuned = settings.model_copy(
        update={"match_merge_threshold": (1 + p) / 2, "match_review_threshold": p / 2}
    )
    service = CdpService(store, tuned)
    await service.ingest_events(
        [
            web_event("maybe-w", "priya@mailbox.io", "maybe-ck", MAYBE_A),
            store_event("maybe-s", "acme:8001", "+16172537777", MAYBE_B),
        ]
    )
    return service


async def test_accepting_a_candidate_merges_the_pair(
    trained: CdpService, settings: Settings, store: Store
) -> None:
    service = await _reviewing(trained, settings, store)
    assert await customer_of(store, "email:priya@mailbox.io") != await customer_of(
        store, "loyalty_id:acme:8001"
    )
    page = await service.match_candidates(10)
    mine = [
        c for c in page.items if {c.a, c.b} == {"email:priya@mailbox.io", "loyalty_id:acme:8001"}
    ]
    assert len(mine) == 1
    assert mine[0].status == "pending"
    assert mine[0].fields
    result = await service.accept_match(mine[0].id)
    assert result.candidate.status == "accepted"
    assert result.merges == 1
    assert await customer_of(store, "email:priya@mailbox.io") == await customer_of(
        store, "loyalty_id:acme:8001"
    )
    explicit = await link(store, "email:priya@mailbox.io", "loyalty_id:acme:8001")
    assert explicit["rule"] == "explicit"
    assert explicit["sources"] == ["review"]
    with pytest.raises(AlreadyDecided):
        await service.reject_match(mine[0].id)
    assert (await service.match_candidates(10, status="accepted")).total == 1
    job = await service.run_resolution("full")
    assert job.stats["unitsChanged"] == 0
    assert await customer_of(store, "email:priya@mailbox.io") == await customer_of(
        store, "loyalty_id:acme:8001"
    )


async def test_a_rejected_pair_stays_apart_after_a_full_job(
    trained: CdpService, settings: Settings, store: Store
) -> None:
    service = await _reviewing(trained, settings, store)
    page = await service.match_candidates(10)
    candidate = next(c for c in page.items if c.a == "email:priya@mailbox.io")
    result = await service.reject_match(candidate.id)
    assert result.candidate.status == "rejected"
    assert result.merges == 0
    cannot = await link(store, "email:priya@mailbox.io", "loyalty_id:acme:8001")
    assert cannot["rule"] == "fuzzy"
    assert cannot["rejected"] is True
    assert cannot["active"] is False
    assert cannot["refusedBy"] == "rejected"
    # Even with thresholds so low that the pair would merge, the rejection holds.
    eager = CdpService(
        store,
        settings.model_copy(update={"match_merge_threshold": 0.5, "match_review_threshold": 0.4}),
    )
    job = await eager.run_resolution("full")
    assert job.status == "succeeded"
    assert await customer_of(store, "email:priya@mailbox.io") != await customer_of(
        store, "loyalty_id:acme:8001"
    )
    assert (await eager.match_candidates(10, status="rejected")).total == 1
    assert (await eager.check()).ok
    with pytest.raises(MatchCandidateNotFound):
        await eager.accept_match("no-such-candidate")


async def test_without_a_model_writes_only_keep_traits(service: CdpService, store: Store) -> None:
    await service.ingest_events(_kate())
    assert await customer_of(store, WEB_KEY) != await customer_of(store, STORE_KEY)
    records, _, _ = await store.driver.execute_query(
        "MATCH (i:Identifier {key: $key}) RETURN i.traits AS traits, i.matchRecord AS record",
        key=WEB_KEY,
        database_=store.database,
    )
    assert records[0]["record"] is None
    [kept] = records[0]["traits"]
    assert traits_from_json(kept).last_name == "okafor"
