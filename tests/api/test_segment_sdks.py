"""Segment's and RudderStack's Python libraries, unchanged, send to the running API.

Each library is pointed at the live server by its ``host`` option and sends identify,
track, page, group and alias calls (batched, as the libraries do: RudderStack's
gzipped); the test flushes, then reads the profile they built through GraphQL over HTTP.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Protocol

import httpx
import pytest
from rudderstack.analytics import Client as RudderClient
from segment.analytics import Client as SegmentClient

from graph_cdp.config import Settings
from graph_cdp.store import Store
from tests.api.conftest import ADMIN, Api, LiveServer, api_settings, start_server

WRITE_KEY = "web-write-key-0123456789"
SDK_TIMEOUT = 120  # seconds: a loaded test machine, not a claim about speed

PROFILE = """
query($kind: String!, $value: String!) {
  profileByIdentifier(kind: $kind, value: $value) {
    id
    identifiers { kind value }
    traits { name value source }
    interactions(first: 50) { totalCount edges { node { type channel source properties context } } }
  }
}
"""


class Sdk(Protocol):
    def identify(self, *args: Any, **kwargs: Any) -> Any: ...
    def track(self, *args: Any, **kwargs: Any) -> Any: ...
    def page(self, *args: Any, **kwargs: Any) -> Any: ...
    def group(self, *args: Any, **kwargs: Any) -> Any: ...
    def alias(self, *args: Any, **kwargs: Any) -> Any: ...
    def flush(self) -> None: ...
    def shutdown(self) -> None: ...


@pytest.fixture(scope="module")
def segment_server(settings: Settings) -> Iterator[LiveServer]:
    """The app with API keys and one write key (GRAPH_CDP_WRITE_KEYS)."""
    live = start_server(api_settings(settings, write_keys=f"web:{WRITE_KEY}"))
    yield live
    live.stop()


def _segment(url: str, errors: list[Exception]) -> Sdk:
    client: Sdk = SegmentClient(
        write_key=WRITE_KEY,
        host=url,
        on_error=lambda e, _: errors.append(e),
        max_retries=0,
        timeout=SDK_TIMEOUT,
    )
    return client


def _rudder(url: str, errors: list[Exception]) -> Sdk:
    client: Sdk = RudderClient(
        write_key=WRITE_KEY,
        host=url,
        on_error=lambda e, _: errors.append(e),
        max_retries=0,
        timeout=SDK_TIMEOUT,
    )
    return client


@pytest.mark.parametrize("make", [_segment, _rudder], ids=["segment", "rudderstack"])
async def test_an_sdk_builds_one_profile(
    make: Any, segment_server: LiveServer, store: Store
) -> None:
    errors: list[Exception] = []
    sdk = make(segment_server.url, errors)
    sdk.identify(
        "user-42",
        {"email": "Ada@Shop.io", "phone": "+1 415 555 2671", "firstName": "Ada"},
        anonymous_id="anon-tablet",
        context={"device": {"id": "B5372DB0-C21E-11E4-8DFC-AA07A5B093DB"}},
    )
    sdk.track("user-42", "Order Completed", {"total": 42.5, "currency": "EUR"})
    sdk.page(anonymous_id="anon-laptop", name="Pricing", properties={"path": "/pricing"})
    sdk.group("user-42", "acme-inc", {"name": "Acme", "plan": "enterprise"})
    sdk.alias("anon-laptop", "user-42")
    sdk.flush()
    sdk.shutdown()
    assert errors == []

    async with httpx.AsyncClient(base_url=segment_server.url, timeout=60) as http:
        api = Api(http, ADMIN)
        data = await api.data(PROFILE, {"kind": "customer_id", "value": "user-42"})
    profile = data["profileByIdentifier"]
    keys = {(i["kind"], i["value"]) for i in profile["identifiers"]}
    assert keys == {
        ("customer_id", "user-42"),
        ("anonymous_id", "anon-tablet"),
        ("anonymous_id", "anon-laptop"),  # through the alias: explicit evidence
        ("email", "ada@shop.io"),
        ("phone", "+14155552671"),
        ("device_id", "b5372db0-c21e-11e4-8dfc-aa07a5b093db"),
    }
    traits = {t["name"]: (t["value"], t["source"]) for t in profile["traits"]}
    assert traits["firstName"] == ("Ada", "segment:web")
    nodes = [e["node"] for e in profile["interactions"]["edges"]]
    by_type = {n["type"]: n for n in nodes}
    assert set(by_type) == {"identify", "order_completed", "page_view", "group", "alias"}
    assert by_type["order_completed"]["properties"] == {"total": 42.5, "currency": "EUR"}
    assert by_type["order_completed"]["context"]["event"] == "Order Completed"
    assert by_type["page_view"]["properties"] == {"path": "/pricing", "name": "Pricing"}
    assert by_type["page_view"]["channel"] == "web"
    assert by_type["group"]["context"]["groupId"] == "acme-inc"
    assert "library" in by_type["identify"]["context"]  # the SDK's own context, kept
    assert {n["source"] for n in nodes} == {"segment:web"}
    assert all("writeKey" not in n["context"] for n in nodes)  # a secret is never stored


async def test_resending_the_same_messages_stores_nothing_twice(
    segment_server: LiveServer, store: Store
) -> None:
    errors: list[Exception] = []
    for _ in range(2):
        sdk = _segment(segment_server.url, errors)
        sdk.track("user-7", "Signed Up", {"plan": "free"}, message_id="msg-signed-up-7")
        sdk.flush()
        sdk.shutdown()
    assert errors == []
    async with httpx.AsyncClient(base_url=segment_server.url, timeout=60) as http:
        data = await Api(http, ADMIN).data(PROFILE, {"kind": "customer_id", "value": "user-7"})
    assert data["profileByIdentifier"]["interactions"]["totalCount"] == 1


async def test_a_wrong_write_key_is_an_error_the_sdk_reports(
    segment_server: LiveServer, store: Store
) -> None:
    errors: list[Exception] = []
    sdk: Sdk = SegmentClient(
        write_key="not-a-key-0123456789",
        host=segment_server.url,
        on_error=lambda e, _: errors.append(e),
        max_retries=0,
        timeout=SDK_TIMEOUT,
    )
    sdk.track("user-8", "Viewed", {})
    sdk.flush()
    sdk.shutdown()
    assert [getattr(e, "status", None) for e in errors] == [401]
    assert [getattr(e, "code", None) for e in errors] == ["UNAUTHENTICATED"]


README = Path(__file__).resolve().parents[2] / "README.md"


async def test_the_readme_segment_snippet_works_as_written(
    segment_server: LiveServer, store: Store
) -> None:
    (snippet,) = re.findall(r"```python\n(.*?)```", README.read_text(encoding="utf-8"), re.S)
    assert 'host="http://127.0.0.1:8000"' in snippet
    exec(snippet.replace("http://127.0.0.1:8000", segment_server.url), {})
    async with httpx.AsyncClient(base_url=segment_server.url, timeout=60) as http:
        data = await Api(http, ADMIN).data(PROFILE, {"kind": "email", "value": "ada@shop.io"})
    profile = data["profileByIdentifier"]
    assert {i["kind"] for i in profile["identifiers"]} == {"customer_id", "anonymous_id", "email"}
    assert profile["interactions"]["totalCount"] == 2
