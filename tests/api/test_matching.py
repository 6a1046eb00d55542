"""The review queue and fuzzy explanations over real HTTP: matchCandidates, acceptMatch,
rejectMatch, explainLink fields."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from graph_cdp.config import Settings
from graph_cdp.match_records import event_traits, traits_from_json
from graph_cdp.matching.config import MatchConfig
from graph_cdp.matching.matcher import Matcher
from graph_cdp.matching.model import MatchModel
from graph_cdp.matching.records import MatchRecord
from graph_cdp.store import Store
from tests.api.conftest import ADMIN, Api, api_settings, start_server
from tests.api.helpers import INGEST
from tests.matching_people import store_event, trained_model_json, web_event

pytestmark = pytest.mark.api

KATE_WEB = {
    "firstName": "Katherine",
    "lastName": "Okafor",
    "birthday": "1985-03-14",
    "address": {"street": "12 Willow Avenue", "postalCode": "02139"},
}
KATE_STORE = {
    "first_name": "Kathrine",
    "last_name": "OKAFOR",
    "dob": "03/14/1985",
    "address": {"street": "12 Willow Ave", "zip": "02139"},
}
MAYBE_A = {"firstName": "Priya", "lastName": "Raman", "address": {"postalCode": "02171"}}
MAYBE_B = {
    **MAYBE_A,
    "birthday": "1988-08-08",
    "address": {"postalCode": "02171", "street": "9 Elm St"},
}

EXPLAIN = """
query($a: IdentifierInput!, $b: IdentifierInput!) {
  explainLink(a: $a, b: $b) {
    sameCustomer reason
    fields { field level weight }
    path { a b rule active weight probability fields { field level weight } }
  }
}
"""
CANDIDATES = """
query($first: Int, $after: String, $status: String!) {
  matchCandidates(first: $first, after: $after, status: $status) {
    totalCount pageInfo { hasNextPage endCursor }
    edges { cursor node { id a b probability weight status customerA customerB
                          fields { field level weight } } }
  }
}
"""
ACCEPT = "mutation($id: ID!) { acceptMatch(id: $id) { merges candidate { id status } } }"
REJECT = "mutation($id: ID!) { rejectMatch(id: $id) { merges candidate { id status } } }"


def _probability(a: dict[str, Any], b: dict[str, Any]) -> float:
    matcher = Matcher(MatchConfig(), MatchModel.from_json(trained_model_json()))

    def record(rid: str, raw: dict[str, Any]) -> MatchRecord:
        text = event_traits(raw)
        assert text is not None
        return MatchRecord(rid, traits_from_json(text), anchor=rid)

    return matcher.score(record("a", a), record("b", b)).probability


@pytest.fixture
async def modelled(store: Store) -> Store:
    """The wiped database with a stored match model (trained without the database)."""
    await store.execute(
        "create_match_model",
        id="model_api",
        now=datetime.now(UTC),
        json=trained_model_json(),
        records=0,
    )
    return store


@pytest.fixture(scope="module")
def review_server(settings: Settings) -> Any:
    """A server whose review band holds the MAYBE pair (its thresholds set around it)."""
    p = _probability(MAYBE_A, MAYBE_B)
    assert 0.0 < p < 1.0
    live = start_server(
        api_settings(settings, match_merge_threshold=(1 + p) / 2, match_review_threshold=p / 2)
    )
    yield live
    live.stop()


@pytest.fixture
async def review(review_server: Any, modelled: Store) -> AsyncIterator[Api]:
    async with httpx.AsyncClient(base_url=review_server.url, timeout=60) as client:
        yield Api(client, ADMIN)


async def test_explain_link_shows_the_field_weights_of_a_fuzzy_join(
    api: Api, modelled: Store
) -> None:
    events = [
        web_event("kate-w", "kate.okafor@mailbox.io", "kate-ck", KATE_WEB),
        store_event("kate-s", "acme:9001", "+16172539999", KATE_STORE),
    ]
    await api.data(INGEST, {"events": events})
    found = (
        await api.data(
            EXPLAIN,
            {
                "a": {"kind": "cookie_id", "value": "kate-ck"},
                "b": {"kind": "loyalty_id", "value": "acme:9001"},
            },
        )
    )["explainLink"]
    assert found["sameCustomer"] is True
    fuzzy = [h for h in found["path"] if h["rule"] == "fuzzy"]
    assert len(fuzzy) == 1
    assert fuzzy[0]["probability"] >= 0.99
    assert fuzzy[0]["fields"] == found["fields"]
    weights = {f["field"]: f for f in found["fields"]}
    assert weights["birth_date"]["weight"] > 0
    assert weights["last_name"]["level"] != "null"


async def _queue_maybe(api: Api, suffix: str) -> dict[str, Any]:
    events = [
        web_event(f"maybe-w{suffix}", f"priya{suffix}@mailbox.io", f"ck{suffix}", MAYBE_A),
        store_event(f"maybe-s{suffix}", f"acme:80{suffix}", f"+161725377{suffix}", MAYBE_B),
    ]
    await api.data(INGEST, {"events": events})
    page = (await api.data(CANDIDATES, {"first": 5, "status": "pending"}))["matchCandidates"]
    assert page["totalCount"] == 1
    [edge] = page["edges"]
    node: dict[str, Any] = edge["node"]
    assert node["status"] == "pending"
    assert node["customerA"] != node["customerB"]
    assert {f["field"] for f in node["fields"]} >= {"first_name", "last_name"}
    return node


async def test_accept_match_merges_the_pair(review: Api) -> None:
    node = await _queue_maybe(review, "11")
    accepted = (await review.data(ACCEPT, {"id": node["id"]}))["acceptMatch"]
    assert accepted["candidate"]["status"] == "accepted"
    assert accepted["merges"] == 1
    page = (await review.data(CANDIDATES, {"first": 5, "status": "accepted"}))["matchCandidates"]
    assert page["edges"][0]["node"]["customerA"] == page["edges"][0]["node"]["customerB"]
    assert await review.error_code(REJECT, {"id": node["id"]}) == "ALREADY_DECIDED"


async def test_reject_match_keeps_them_apart_after_a_full_job(review: Api) -> None:
    node = await _queue_maybe(review, "22")
    rejected = (await review.data(REJECT, {"id": node["id"]}))["rejectMatch"]
    assert rejected["candidate"]["status"] == "rejected"
    job = await review.data('mutation { runResolution(mode: "full") { id } }')
    finished = await review.wait_for_job(job["runResolution"]["id"])
    assert finished["status"] == "succeeded"
    page = (await review.data(CANDIDATES, {"first": 5, "status": "rejected"}))["matchCandidates"]
    assert page["totalCount"] == 1
    after = page["edges"][0]["node"]
    assert after["customerA"] != after["customerB"]
    assert (await review.data(CANDIDATES, {"first": 5, "status": "pending"}))["matchCandidates"][
        "totalCount"
    ] == 0


async def test_review_errors_have_stable_codes(review: Api) -> None:
    assert await review.error_code(ACCEPT, {"id": "nope"}) == "MATCH_CANDIDATE_NOT_FOUND"
    assert await review.error_code(CANDIDATES, {"first": 5, "status": "maybe"}) == "BAD_INPUT"
    assert await review.error_code(CANDIDATES, {"first": 0, "status": "pending"}) == "BAD_INPUT"
    _, body = await review.post(ACCEPT, {"id": "nope"}, key=None)
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
