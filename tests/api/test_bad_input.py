"""Bad input over real HTTP: each case answers a specific code and keeps the good events.

Bodies are sent as JSON text written by ``json.dumps`` (``ensure_ascii``), as a client
would: ``"bad\\ud800"`` is valid JSON for a lone surrogate, which httpx's own encoder
could not even send.
"""

from __future__ import annotations

import base64
import json
from typing import Any

import httpx
import pytest

from graph_cdp.store import Store
from tests.api.conftest import ADMIN, Api
from tests.api.helpers import event

pytestmark = pytest.mark.api

INGEST = """
mutation Ingest($events: [EventInput!]!, $source: String) {
  ingestEvents(events: $events, source: $source) {
    accepted acceptedIds
    rejected { index messageId code reasons deadLetterId }
    warnings { index messageId path reason }
  }
}
"""
LETTERS = "{ deadLetters(first: 100) { id reasons payload payloadBytes truncated } }"
GOOD = ("email", "good@shop.io")


NESTED = "__nested__"


async def _post(
    http: httpx.AsyncClient, query: str, variables: dict[str, Any], depth: int = 0
) -> httpx.Response:
    """``variables`` as JSON text; the string NESTED becomes an object ``depth`` deep
    (json.dumps itself could not write one past its recursion limit)."""
    body = json.dumps({"query": query, "variables": variables})  # escapes surrogates
    if depth:
        body = body.replace(json.dumps(NESTED), '{"a":' * depth + '"bottom"' + "}" * depth)
    headers = {"Authorization": f"Bearer {ADMIN}", "Content-Type": "application/json"}
    return await http.post("/graphql", content=body, headers=headers)


async def _ingest(
    http: httpx.AsyncClient, events: list[dict[str, Any]], depth: int = 0, **extra: Any
) -> Any:
    response = await _post(http, INGEST, {"events": events, **extra}, depth)
    assert response.status_code == 200, response.text
    return response.json()


def _batch_around(bad: dict[str, Any]) -> list[dict[str, Any]]:
    return [event("good-1", GOOD), bad, event("good-2", ("cookie_id", "c-2"))]


def _with(path: str, value: Any) -> dict[str, Any]:
    raw = event("bad-1", ("email", "bad@shop.io"), traits={"plan": "free"}, properties={"n": 1})
    if path == "identifiers[0].value":
        raw["identifiers"][0]["value"] = value
    elif "." in path:
        top, key = path.split(".")
        raw[top][key] = value
    else:
        raw[path] = value
    return raw


TEXT_FIELDS = ["messageId", "type", "channel", "source", "traits.plan", "properties.n",
               "identifiers[0].value"]  # fmt: skip


@pytest.mark.parametrize("field", TEXT_FIELDS)
@pytest.mark.parametrize("junk", ["bad\ud800", "bad\x00"], ids=["surrogate", "nul"])
async def test_text_that_is_not_text_rejects_its_event_only(
    api: Api, http: httpx.AsyncClient, field: str, junk: str
) -> None:
    body = await _ingest(http, _batch_around(_with(field, junk)))
    result = body["data"]["ingestEvents"]
    assert result["acceptedIds"] == ["good-1", "good-2"]
    (rejected,) = result["rejected"]
    assert (rejected["index"], rejected["code"]) == (1, "INVALID_TEXT")
    assert rejected["deadLetterId"]
    letters = (await api.data(LETTERS))["deadLetters"]
    assert [d["id"] for d in letters] == [rejected["deadLetterId"]]


async def test_a_key_that_is_not_text_rejects_its_event_only(
    http: httpx.AsyncClient, store: Store
) -> None:
    bad = event("bad-1", GOOD, traits={"pl\ud800an": "x"})
    result = (await _ingest(http, _batch_around(bad)))["data"]["ingestEvents"]
    assert result["accepted"] == 2
    assert result["rejected"][0]["code"] == "INVALID_TEXT"


@pytest.mark.parametrize("junk", ["bad\ud800", "bad\x00", "s" * 300_000])
async def test_a_bad_batch_source_is_refused_with_its_code(
    api: Api, http: httpx.AsyncClient, junk: str
) -> None:
    body = await _ingest(http, [event("good-1", GOOD)], source=junk)
    code = body["errors"][0]["extensions"]["code"]
    assert code == ("TEXT_TOO_LONG" if len(junk) > 256 else "INVALID_TEXT")
    retried = await _ingest(http, [event("good-1", GOOD)], source="crm")
    assert retried["data"]["ingestEvents"]["acceptedIds"] == ["good-1"]


@pytest.mark.parametrize("field", ["traits", "properties", "context"])
@pytest.mark.parametrize("depth", [40, 5_000, 100_000])
async def test_deep_nesting_rejects_its_event_only(
    http: httpx.AsyncClient, store: Store, field: str, depth: int
) -> None:
    bad = event("bad-1", GOOD)
    bad[field] = {"deep": NESTED}
    body = await _ingest(http, _batch_around(bad), depth)
    result = body["data"]["ingestEvents"]
    assert result["acceptedIds"] == ["good-1", "good-2"]
    assert result["rejected"][0]["code"] == "NESTING_TOO_DEEP"


async def test_variables_nested_100000_deep_are_not_a_500(
    http: httpx.AsyncClient, store: Store
) -> None:
    as_json = """mutation($x: JSON) { ingestEvents(events: [
      {type: "page_view", identifiers: [{kind: "email", value: "a@shop.io"}], properties: $x}
    ]) { accepted rejected { code } } }"""
    response = await _post(http, as_json, {"x": NESTED}, 100_000)
    assert response.status_code == 200
    result = response.json()["data"]["ingestEvents"]
    assert result == {"accepted": 0, "rejected": [{"code": "NESTING_TOO_DEEP"}]}
    as_text = "query($x: String!) { profileByIdentifier(kind: $x, value: $x) { id } }"
    response = await _post(http, as_text, {"x": NESTED}, 100_000)
    assert response.json()["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"


async def test_a_body_that_is_not_json_is_a_bad_request(http: httpx.AsyncClient) -> None:
    headers = {"Authorization": f"Bearer {ADMIN}", "Content-Type": "application/json"}
    response = await http.post("/graphql", content="[" * 100_000 + "{", headers=headers)
    assert response.status_code == 400
    assert response.json()["errors"][0]["extensions"]["code"] == "BAD_REQUEST"


@pytest.mark.parametrize(
    ("field", "value", "code"),
    [
        ("source", "s" * 1_000, "TEXT_TOO_LONG"),
        ("type", "t" * 20_000, "TEXT_TOO_LONG"),
        ("channel", "c" * 20_000, "TEXT_TOO_LONG"),
        ("messageId", "m" * 1_000, "TEXT_TOO_LONG"),
    ],
)
async def test_oversize_strings_reject_their_event_only(
    http: httpx.AsyncClient, store: Store, field: str, value: str, code: str
) -> None:
    bad = event("bad-1", GOOD)
    bad[field] = value
    result = (await _ingest(http, _batch_around(bad)))["data"]["ingestEvents"]
    assert result["accepted"] == 2
    (rejected,) = result["rejected"]
    assert rejected["code"] == code
    assert len(rejected["messageId"] or "") <= 256
    assert all(len(r) < 1_000 for r in rejected["reasons"])  # never echoes the value back


@pytest.mark.parametrize(
    ("identifier", "path"),
    [
        ({"kind": "k" * 10_000, "value": "x"}, "identifiers[1].kind"),
        ({"kind": "email", "value": "v" * 10_000}, "identifiers[1].value"),
        ({"kind": "phone", "value": "+1 555 0100"}, "identifiers[1].value"),
    ],
)
async def test_a_bad_identifier_is_a_warning_and_its_event_is_stored(
    api: Api, http: httpx.AsyncClient, identifier: dict[str, str], path: str
) -> None:
    raw = event("m-1", GOOD, type="purchase", properties={"total": 99})
    raw["identifiers"].append(identifier)
    result = (await _ingest(http, [raw]))["data"]["ingestEvents"]
    assert result["acceptedIds"] == ["m-1"]
    assert [(w["index"], w["messageId"], w["path"]) for w in result["warnings"]] == [
        (0, "m-1", path)
    ]
    query = 'query { profileByIdentifier(kind: "email", value: "good@shop.io") { identifiers { key } interactions { totalCount } } }'
    profile = (await api.data(query))["profileByIdentifier"]
    assert [i["key"] for i in profile["identifiers"]] == ["email:good@shop.io"]
    assert profile["interactions"]["totalCount"] == 1


async def test_dead_letter_payloads_are_capped(api: Api, http: httpx.AsyncClient) -> None:
    big = event("big-1", GOOD, properties={"blob": "x" * 200_000})
    result = (await _ingest(http, [big, event("good-1", GOOD)]))["data"]["ingestEvents"]
    assert result["rejected"][0]["code"] == "LIMIT_EXCEEDED"
    (letter,) = (await api.data(LETTERS))["deadLetters"]
    assert letter["truncated"] is True
    assert letter["payloadBytes"] > 200_000
    assert isinstance(letter["payload"], str)
    assert len(letter["payload"]) == 16_384


def _cursor(value: Any) -> str:
    text = value if isinstance(value, str) else json.dumps(value)
    return base64.urlsafe_b64encode(text.encode()).decode()


@pytest.mark.parametrize(
    "cursor",
    [
        _cursor("[" * 50_000 + "]" * 50_000)[:2000],
        _cursor("[" * 1_000 + "]" * 1_000),
        _cursor({"a": 1, "b": 2}),
        _cursor([{"x": 1}, 0]),
        _cursor(["bad\ud800", 0]),
        "not base64 at all!",
        "x" * 100_000,
    ],
    ids=["deep-cut", "deep", "object", "part-object", "surrogate", "junk", "huge"],
)
async def test_cursors_that_do_not_decode_are_invalid_cursor(
    api: Api, http: httpx.AsyncClient, cursor: str
) -> None:
    await _ingest(http, [event("good-1", GOOD)])
    by_email = 'query { profileByIdentifier(kind: "email", value: "good@shop.io") { id } }'
    profile_id = (await api.data(by_email))["profileByIdentifier"]["id"]
    pages = [
        ("query($after: String) { profiles(after: $after) { totalCount } }", {}),
        (
            "query($id: ID!, $after: String) "
            "{ profile(id: $id) { interactions(after: $after) { totalCount } } }",
            {"id": profile_id},
        ),
    ]
    for query, variables in pages:
        response = await _post(http, query, {"after": cursor, **variables})
        errors = response.json().get("errors")
        assert errors, response.text
        assert errors[0]["extensions"]["code"] == "INVALID_CURSOR", response.text
