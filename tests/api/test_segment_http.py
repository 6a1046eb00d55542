"""The Segment endpoints over real HTTP: keys, gzip, Segment's limits, answers and time."""

from __future__ import annotations

import base64
import gzip
import json
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from graph_cdp.config import Settings
from graph_cdp.store import Store
from tests.api.conftest import ADMIN, READER, WRITER, Api, LiveServer, api_settings, start_server

pytestmark = pytest.mark.api

WRITE_KEY = "app-write-key-0123456789"
INTERACTIONS = """
query($value: String!) {
  profileByIdentifier(kind: "customer_id", value: $value) {
    interactions(first: 20) { totalCount edges { node { id type at context } } }
  }
}
"""


@pytest.fixture(scope="module")
def segment_server(settings: Settings) -> Iterator[LiveServer]:
    live = start_server(api_settings(settings, write_keys=f"app:{WRITE_KEY}"))
    yield live
    live.stop()


@pytest.fixture
async def client(segment_server: LiveServer, store: Store) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=segment_server.url, timeout=120) as http:
        yield http


def _basic(key: str) -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(f"{key}:".encode()).decode()}


async def _send(
    http: httpx.AsyncClient, path: str, body: Any, *, key: str = WRITE_KEY, zipped: bool = False
) -> httpx.Response:
    data = (body if isinstance(body, str) else json.dumps(body)).encode()
    headers = {**_basic(key), "Content-Type": "application/json"}
    if zipped:
        data = gzip.compress(data)
        headers["Content-Encoding"] = "gzip"
    return await http.post(path, content=data, headers=headers)


def _track(user: str, message_id: str, **extra: Any) -> dict[str, Any]:
    return {"userId": user, "event": "Viewed", "messageId": message_id, **extra}


def _big(i: int) -> dict[str, Any]:
    """A message under 32 KB: 18 of them are over a batch's 500 KB."""
    return {"type": "track", **_track("u-4", f"m-{i}", properties={"b": "x" * 30_000})}


async def _interactions(http: httpx.AsyncClient, user: str) -> dict[str, Any]:
    api = Api(http, ADMIN)
    profile = (await api.data(INTERACTIONS, {"value": user}))["profileByIdentifier"]
    assert profile is not None, user
    found: dict[str, Any] = profile["interactions"]
    return found


@pytest.mark.parametrize("call", ["identify", "track", "page", "screen", "group", "alias"])
async def test_each_call_answers_success(client: httpx.AsyncClient, call: str) -> None:
    body = {"userId": "u-1", "event": "Viewed", "groupId": "acme", "previousId": "anon-1"}
    response = await _send(client, f"/v1/{call}", body)
    assert response.status_code == 200, response.text
    assert response.json()["success"] is True
    assert (await _interactions(client, "u-1"))["totalCount"] == 1


@pytest.mark.parametrize("path", ["/v1/batch", "/v1/import"])
async def test_a_gzipped_batch_is_read(client: httpx.AsyncClient, path: str) -> None:
    batch = [{"type": "track", **_track("u-2", f"m-{i}")} for i in range(25)]
    response = await _send(client, path, {"batch": batch}, zipped=True)
    assert response.json() == {
        "success": True, "accepted": 25, "duplicates": 0, "rejected": [], "warnings": [],
    }  # fmt: skip
    again = await _send(client, path, {"batch": batch})
    assert again.json()["duplicates"] == 25
    assert (await _interactions(client, "u-2"))["totalCount"] == 25


@pytest.mark.parametrize(
    ("key", "status", "code"),
    [
        ("wrong-key-0123456789", 401, "UNAUTHENTICATED"),
        (READER, 403, "FORBIDDEN"),  # an API key without the write scope
    ],
)
async def test_keys(client: httpx.AsyncClient, key: str, status: int, code: str) -> None:
    response = await _send(client, "/v1/track", _track("u-3", "m-1"), key=key)
    assert response.status_code == status
    body = response.json()
    assert (body["success"], body["code"]) == (False, code)
    assert body["message"]


async def test_an_api_key_with_write_scope_is_a_write_key(client: httpx.AsyncClient) -> None:
    response = await _send(client, "/v1/track", _track("u-3", "m-1"), key=WRITER)
    assert response.status_code == 200


async def test_a_write_key_opens_nothing_but_v1(client: httpx.AsyncClient) -> None:
    for headers in (_basic(WRITE_KEY), {"Authorization": f"Bearer {WRITE_KEY}"}):
        response = await client.post("/graphql", json={"query": "{ __typename }"}, headers=headers)
        assert response.status_code == 401


@pytest.mark.parametrize(
    ("path", "body", "code"),
    [
        ("/v1/track", _track("u-4", "m-1", properties={"blob": "x" * 33_000}), "LIMIT_EXCEEDED"),
        ("/v1/batch", {"batch": [_big(i) for i in range(18)]}, "LIMIT_EXCEEDED"),
        ("/v1/track", "{not json", "INVALID_JSON"),
        ("/v1/track", "[1, 2]", "INVALID_JSON"),
        ("/v1/batch", {"messages": []}, "INVALID_BATCH"),
        ("/v1/batch", {"batch": []}, "INVALID_BATCH"),
        ("/v1/track", {"event": "Viewed"}, "NO_USABLE_IDENTIFIER"),
        ("/v1/track", {"userId": "u-4"}, "INVALID_EVENT"),
        ("/v1/identify", {"userId": "u-4", "traits": {"x": "bad\ud800"}}, "INVALID_TEXT"),
    ],
)
async def test_bad_requests_answer_400_with_a_code(
    client: httpx.AsyncClient, path: str, body: Any, code: str
) -> None:
    response = await _send(client, path, body)
    assert response.status_code == 400, response.text
    assert response.json()["success"] is False
    assert response.json()["code"] == code


async def test_bad_encodings(client: httpx.AsyncClient) -> None:
    headers = {**_basic(WRITE_KEY), "Content-Encoding": "gzip"}
    response = await client.post("/v1/track", content=b"not gzip", headers=headers)
    assert (response.status_code, response.json()["code"]) == (400, "INVALID_GZIP")
    bomb = gzip.compress(b'{"userId": "u", "p": "' + b"x" * 5_000_000 + b'"}')
    response = await client.post("/v1/track", content=bomb, headers=headers)
    assert (response.status_code, response.json()["code"]) == (400, "LIMIT_EXCEEDED")
    headers["Content-Encoding"] = "br"
    response = await client.post("/v1/track", content=b"{}", headers=headers)
    assert response.json()["code"] == "UNSUPPORTED_ENCODING"
    response = await _send(client, "/v1/unknown", {"userId": "u"})
    assert response.status_code == 404


async def test_a_batch_keeps_its_good_messages(client: httpx.AsyncClient) -> None:
    batch = [
        {"type": "track", **_track("u-5", "good-1")},
        {"type": "track", **_track("u-5", "bad\ud800")},
        {"type": "track", **_track("u-5", "big", properties={"b": "x" * 33_000})},
        {"type": "identify", "userId": "u-5", "traits": {"phone": "+1 999 555 0123"}},
        {"type": "nonsense", "userId": "u-5"},
        {"type": "track", **_track("u-5", "deep", properties={"p": "__deep__"})},
        {"type": "track", **_track("u-5", "good-2")},
    ]
    text = json.dumps({"batch": batch}).replace('"__deep__"', "[" * 5_000 + "]" * 5_000)
    response = await _send(client, "/v1/batch", text)
    assert response.status_code == 200
    body = response.json()
    assert body["accepted"] == 3
    assert [(r["index"], r["code"]) for r in body["rejected"]] == [
        (1, "INVALID_TEXT"), (2, "LIMIT_EXCEEDED"), (4, "INVALID_EVENT"), (5, "NESTING_TOO_DEEP"),
    ]  # fmt: skip
    assert [(w["index"], w["path"]) for w in body["warnings"]] == [(3, "traits.phone")]
    assert (await _interactions(client, "u-5"))["totalCount"] == 3


async def test_clock_skew_is_corrected(client: httpx.AsyncClient) -> None:
    # The device clock is a day ahead; the event happened 30 s before the batch was sent.
    ahead = datetime.now(UTC) + timedelta(days=1)
    before = datetime.now(UTC)
    message = {"type": "track", **_track("u-6", "m-1")}
    message["timestamp"] = (ahead - timedelta(seconds=30)).isoformat()
    response = await _send(client, "/v1/batch", {"batch": [message], "sentAt": ahead.isoformat()})
    after = datetime.now(UTC)
    assert response.status_code == 200
    (edge,) = (await _interactions(client, "u-6"))["edges"]
    at = datetime.fromisoformat(edge["node"]["at"])
    assert before - timedelta(seconds=30) <= at <= after - timedelta(seconds=30)
    context = edge["node"]["context"]
    assert context["timestamp"] == message["timestamp"]
    assert before <= datetime.fromisoformat(context["receivedAt"]) <= after
