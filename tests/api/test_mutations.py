"""ingestEvents, pushIdentifiers, runResolution, deleteProfile and the dead letters."""

from __future__ import annotations

import pytest

from tests.api.conftest import Api
from tests.api.helpers import BY_IDENTIFIER, INGEST, PUSH, event

pytestmark = pytest.mark.api

ANN = ("email", "ann@northwind.io")
ANN_PHONE = ("phone", "(415) 555-2671")
BOB = ("email", "bob@northwind.io")


async def test_ingest_accepts_events_and_links_what_was_seen_together(api: Api) -> None:
    events = [event("m-1", ANN, ANN_PHONE), event("m-2", BOB)]
    result = (await api.data(INGEST, {"events": events, "source": "web-sdk"}))["ingestEvents"]
    assert result["accepted"] == 2
    assert result["duplicates"] == 0
    assert result["rejected"] == []
    assert sorted(result["acceptedIds"]) == ["m-1", "m-2"]
    assert result["blockedIdentifiers"] == []
    by_phone = await api.data(BY_IDENTIFIER, {"kind": "phone", "value": "+1 415 555 2671"})
    by_email = await api.data(BY_IDENTIFIER, {"kind": "email", "value": "ann@northwind.io"})
    assert by_phone["profileByIdentifier"]["id"] == by_email["profileByIdentifier"]["id"]


async def test_blocked_identifiers_are_kept_as_evidence_but_never_linked(api: Api) -> None:
    events = [
        event("m-1", ANN, ("email", "test@test.com")),
        event("m-2", BOB, ("email", "test@test.com")),
    ]
    result = (await api.data(INGEST, {"events": events}))["ingestEvents"]
    assert result["accepted"] == 2
    assert result["blockedIdentifiers"] == ["email:test@test.com"]
    ann = await api.data(BY_IDENTIFIER, {"kind": "email", "value": "ann@northwind.io"})
    bob = await api.data(BY_IDENTIFIER, {"kind": "email", "value": "bob@northwind.io"})
    assert ann["profileByIdentifier"]["id"] != bob["profileByIdentifier"]["id"]
    junk = await api.data(BY_IDENTIFIER, {"kind": "email", "value": "test@test.com"})
    (identifier,) = junk["profileByIdentifier"]["identifiers"]
    assert identifier["status"] == "blocked"


async def test_ingest_is_idempotent_by_message_id(api: Api) -> None:
    events = [event("m-1", ANN), event("m-2", BOB)]
    await api.data(INGEST, {"events": events})
    again = (await api.data(INGEST, {"events": events}))["ingestEvents"]
    assert again["accepted"] == 0
    assert again["duplicates"] == 2
    assert sorted(again["duplicateIds"]) == ["m-1", "m-2"]
    total = await api.data("{ profiles { totalCount } }")
    assert total["profiles"]["totalCount"] == 2


async def test_a_bad_event_is_rejected_with_reasons_and_kept(api: Api) -> None:
    events = [event("good", ANN), event("bad", ("email", "not an email")), event("ok", BOB)]
    result = (await api.data(INGEST, {"events": events}))["ingestEvents"]
    assert result["accepted"] == 2
    (rejection,) = result["rejected"]
    assert rejection["index"] == 1
    assert rejection["messageId"] == "bad"
    assert rejection["reasons"]
    assert any("email" in reason for reason in rejection["reasons"])
    assert rejection["deadLetterId"]
    letters = (await api.data("{ deadLetters { id reasons payload replayed at } }"))["deadLetters"]
    assert [d["id"] for d in letters] == [rejection["deadLetterId"]]
    assert letters[0]["replayed"] is False
    assert letters[0]["payload"]["messageId"] == "bad"


async def test_replaying_dead_letters_reports_what_happened(api: Api) -> None:
    await api.data(INGEST, {"events": [event("bad", ("email", "not an email"))]})
    replay = await api.data(
        "mutation { replayDeadLetters { accepted duplicates rejected { index reasons } } }"
    )
    # The rules did not change, so the letter is refused again; nothing is lost.
    assert replay["replayDeadLetters"]["accepted"] == 0
    assert len(replay["replayDeadLetters"]["rejected"]) == 1


async def test_an_event_with_traits_properties_and_no_message_id(api: Api) -> None:
    raw = event("x", ANN, traits={"first_name": "Ann"}, properties={"url": "/home", "n": 3})
    del raw["messageId"]
    result = (await api.data(INGEST, {"events": [raw, raw]}))["ingestEvents"]
    assert result["accepted"] + result["duplicates"] == 2
    assert result["accepted"] == 1
    assert result["acceptedIds"][0].startswith("derived-")


async def test_push_identifiers_joins_them_into_one_profile(api: Api) -> None:
    pushed = [
        {"kind": "email", "value": "cy@northwind.io"},
        {"kind": "customer_id", "value": "C-1"},
    ]
    result = (await api.data(PUSH, {"identifiers": pushed, "source": "crm"}))["pushIdentifiers"]
    assert result["accepted"] == 2  # counted per identifier
    assert result["rejected"] == []
    found = (await api.data(BY_IDENTIFIER, {"kind": "customer_id", "value": "C-1"}))[
        "profileByIdentifier"
    ]
    assert {i["key"] for i in found["identifiers"]} == {"email:cy@northwind.io", "customer_id:C-1"}


async def test_run_resolution_returns_at_once_and_the_job_finishes(api: Api) -> None:
    await api.data(INGEST, {"events": [event("m-1", ANN, ANN_PHONE), event("m-2", BOB)]})
    doc = """mutation {
        runResolution(mode: "full") { id status mode startedAt finishedAt stats error } }"""
    job = (await api.data(doc))["runResolution"]
    assert job["id"]
    assert job["mode"] == "full"
    assert job["status"] in ("queued", "running", "succeeded")
    done = await api.wait_for_job(job["id"])
    assert done["status"] == "succeeded", done
    assert done["id"] == job["id"]
    assert isinstance(done["stats"], dict)


async def test_run_resolution_defaults_to_full(api: Api) -> None:
    job = (await api.data("mutation { runResolution { id mode engine } }"))["runResolution"]
    assert job["mode"] == "full"
    assert job["engine"] == "local"
    assert (await api.wait_for_job(job["id"]))["status"] == "succeeded"


@pytest.mark.parametrize(
    "args",
    ['engine: "flink"', 'mode: "incremental", engine: "spark"'],
)
async def test_run_resolution_refuses_an_engine_it_cannot_run(api: Api, args: str) -> None:
    assert await api.error_code(f"mutation {{ runResolution({args}) {{ id }} }}") == "BAD_INPUT"


async def test_delete_profile_forgets_the_customer(api: Api) -> None:
    await api.data(INGEST, {"events": [event("m-1", ANN, ANN_PHONE), event("m-2", BOB)]})
    ann = (await api.data(BY_IDENTIFIER, {"kind": "email", "value": "ann@northwind.io"}))[
        "profileByIdentifier"
    ]
    doc = """mutation($id: ID!) { deleteProfile(id: $id) {
        profileId deleted identifiersDeleted interactionsDeleted linksDeleted
        customersTouched } }"""
    deleted = (await api.data(doc, {"id": ann["id"]}))["deleteProfile"]
    assert deleted["profileId"] == ann["id"]
    assert deleted["deleted"] is True
    assert deleted["identifiersDeleted"] == 2
    assert deleted["interactionsDeleted"] == 1
    assert deleted["linksDeleted"] >= 1
    gone = await api.data("query($id: ID!) { profile(id: $id) { id } }", {"id": ann["id"]})
    assert gone["profile"] is None
    again = await api.data(BY_IDENTIFIER, {"kind": "email", "value": "ann@northwind.io"})
    assert again["profileByIdentifier"] is None
    bob = await api.data(BY_IDENTIFIER, {"kind": "email", "value": "bob@northwind.io"})
    assert bob["profileByIdentifier"] is not None


async def test_deleting_an_unknown_profile_is_not_found(api: Api) -> None:
    doc = 'mutation { deleteProfile(id: "nobody") { deleted } }'
    assert await api.error_code(doc) == "PROFILE_NOT_FOUND"


REVOKE = """mutation($a: IdentifierInput!, $b: IdentifierInput!) {
    revokeLink(a: $a, b: $b) { unitSize customersCreated splits merges identifiersMoved } }"""


async def test_revoking_the_only_link_splits_the_profile(api: Api) -> None:
    await api.data(INGEST, {"events": [event("m-1", ANN, ANN_PHONE)]})
    before = await api.data(BY_IDENTIFIER, {"kind": "phone", "value": ANN_PHONE[1]})
    a = {"kind": ANN[0], "value": ANN[1]}
    b = {"kind": ANN_PHONE[0], "value": ANN_PHONE[1]}
    revoked = (await api.data(REVOKE, {"a": a, "b": b}))["revokeLink"]
    assert revoked["splits"] == 1
    by_email = await api.data(BY_IDENTIFIER, {"kind": "email", "value": ANN[1]})
    by_phone = await api.data(BY_IDENTIFIER, {"kind": "phone", "value": ANN_PHONE[1]})
    assert by_email["profileByIdentifier"]["id"] != by_phone["profileByIdentifier"]["id"]
    # The part with the oldest identifier keeps the id.
    kept = {by_email["profileByIdentifier"]["id"], by_phone["profileByIdentifier"]["id"]}
    assert before["profileByIdentifier"]["id"] in kept


async def test_revoking_a_link_that_does_not_exist_is_not_found(api: Api) -> None:
    await api.data(INGEST, {"events": [event("m-1", ANN), event("m-2", BOB)]})
    a = {"kind": ANN[0], "value": ANN[1]}
    b = {"kind": BOB[0], "value": BOB[1]}
    assert await api.error_code(REVOKE, {"a": a, "b": b}) == "IDENTIFIER_NOT_FOUND"
