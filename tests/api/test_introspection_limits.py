"""The depth and alias limits cover introspection; introspection can be switched off; a
document of several operations must name the one to run."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import httpx
import pytest
from graphql import get_introspection_query

from graph_cdp.config import Settings
from tests.api.conftest import MAX_DEPTH, Api, LiveServer, api_settings, start_server

pytestmark = pytest.mark.api

# __schema is at depth 0: here the last `name` is at depth 6, one past the test limit (5).
DEEP_INTROSPECTION = "{ __schema { types { fields { type { fields { type { name } } } } } } }"
# The full standard introspection query (what GraphiQL and code generators send).
STANDARD = get_introspection_query(
    descriptions=True,
    specified_by_url=True,
    directive_is_repeatable=True,
    schema_description=True,
    input_value_deprecation=True,
)


def test_the_deep_introspection_query_is_one_past_the_limit() -> None:
    assert MAX_DEPTH == 5


async def test_a_deep_introspection_query_is_refused(api: Api) -> None:
    status, body = await api.post(DEEP_INTROSPECTION)
    assert status == 200
    assert body["data"] is None
    assert body["errors"][0]["extensions"]["code"] == "QUERY_TOO_DEEP"


async def test_a_deep_type_query_is_refused_too(api: Api) -> None:
    doc = '{ __type(name: "Profile") { fields { type { fields { type { fields { name } } } } } } }'
    assert await api.error_code(doc) == "QUERY_TOO_DEEP"


async def test_the_standard_introspection_query_runs(api: Api) -> None:
    data = await api.data(STANDARD)
    names = {t["name"] for t in data["__schema"]["types"]}
    assert {"Profile", "Query", "Mutation"} <= names


async def test_aliases_of_introspection_fields_count(api: Api) -> None:
    fields = " ".join(f"t{i}: __typename" for i in range(51))
    assert await api.error_code(f"{{ {fields} }}") == "LIMIT_EXCEEDED"


async def test_several_operations_without_a_name_are_refused(api: Api) -> None:
    doc = "query A { profiles { totalCount } } query B { __typename }"
    status, body = await api.post(doc)
    assert status == 200
    assert body["data"] is None
    (error,) = body["errors"]
    assert error["extensions"]["code"] == "OPERATION_NAME_REQUIRED"
    assert "A, B" in error["message"]


async def test_several_operations_run_the_named_one(api: Api) -> None:
    doc = "query A { profiles { totalCount } } query B { __typename }"
    response = await api.client.post(
        "/graphql",
        json={"query": doc, "operationName": "B"},
        headers=api.headers(api.key),
    )
    assert response.json() == {"data": {"__typename": "Query"}}


@pytest.fixture
async def closed(settings: Settings) -> AsyncIterator[LiveServer]:
    """The app with GRAPH_CDP_INTROSPECTION=false."""
    live = await asyncio.to_thread(
        start_server, api_settings(settings, api_keys="", introspection=False)
    )
    yield live
    await asyncio.to_thread(live.stop)


async def test_introspection_can_be_switched_off(closed: LiveServer) -> None:
    async with httpx.AsyncClient(base_url=closed.url, timeout=30) as client:
        api = Api(client, None)
        assert await api.error_code("{ __schema { queryType { name } } }") == (
            "INTROSPECTION_DISABLED"
        )
        assert await api.error_code('{ __type(name: "Profile") { name } }') == (
            "INTROSPECTION_DISABLED"
        )
        assert await api.data("{ profiles { totalCount } }") == {"profiles": {"totalCount": 0}}
