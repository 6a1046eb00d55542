"""Depth, aliases, tokens, batch and page sizes: each refused with its stable code."""

from __future__ import annotations

import pytest

from api.schema import build_schema
from graph_cdp.config import Settings
from tests.api.conftest import MAX_BATCH, MAX_DEPTH, Api
from tests.api.helpers import INGEST, PUSH, event

pytestmark = pytest.mark.api

# Depth counts from 0 at the root fields: here `id` is at depth 6, `kind` at depth 5.
TOO_DEEP = "{ profiles { edges { node { interactions { edges { node { id } } } } } } }"
DEEP_ENOUGH = "{ profiles { edges { node { identifiersByKind { identifiers { kind } } } } } }"


def test_the_test_server_limits_depth_below_the_deepest_query() -> None:
    assert MAX_DEPTH == 5


async def test_a_query_deeper_than_the_limit_is_refused(api: Api) -> None:
    status, body = await api.post(TOO_DEEP)
    assert status == 200
    assert body["data"] is None
    assert body["errors"][0]["extensions"]["code"] == "QUERY_TOO_DEEP"


async def test_a_query_at_the_limit_runs(api: Api) -> None:
    data = await api.data(DEEP_ENOUGH)
    assert data["profiles"]["edges"] == []


async def test_depth_counts_through_fragments(api: Api) -> None:
    doc = """
    query { profiles { edges { node { ...P } } } }
    fragment P on Profile { interactions { edges { node { id } } } }
    """
    assert await api.error_code(doc) == "QUERY_TOO_DEEP"


async def test_too_many_aliases_are_refused(api: Api) -> None:
    fields = " ".join(f"a{i}: profiles(first: 1) {{ totalCount }}" for i in range(51))
    assert await api.error_code(f"{{ {fields} }}") == "LIMIT_EXCEEDED"


async def test_a_few_aliases_are_fine(api: Api) -> None:
    data = await api.data("{ a: profiles(first: 1) { totalCount } b: profiles { totalCount } }")
    assert data == {"a": {"totalCount": 0}, "b": {"totalCount": 0}}


async def test_too_many_tokens_are_refused(api: Api) -> None:
    doc = "{ " + " ".join("__typename" for _ in range(20_001)) + " }"
    assert await api.error_code(doc) == "LIMIT_EXCEEDED"


async def test_an_event_batch_over_the_limit_is_refused_whole(api: Api) -> None:
    events = [event(f"m-{i}", ("email", f"p{i}@northwind.io")) for i in range(MAX_BATCH + 1)]
    status, body = await api.post(INGEST, {"events": events})
    assert status == 200
    error = body["errors"][0]
    assert error["extensions"]["code"] == "LIMIT_EXCEEDED"
    assert error["extensions"]["limit"] == MAX_BATCH
    assert error["path"] == ["ingestEvents"]
    assert body["data"] is None
    count = await api.data("{ profiles { totalCount } }")
    assert count["profiles"]["totalCount"] == 0


async def test_an_identifier_push_over_the_limit_is_refused(api: Api) -> None:
    identifiers = [{"kind": "email", "value": f"p{i}@northwind.io"} for i in range(MAX_BATCH + 1)]
    assert await api.error_code(PUSH, {"identifiers": identifiers}) == "LIMIT_EXCEEDED"


@pytest.mark.parametrize(
    ("document", "code"),
    [
        ("{ profiles(first: 101) { totalCount } }", "LIMIT_EXCEEDED"),
        ("{ profiles(first: 0) { totalCount } }", "BAD_INPUT"),
        ("{ profiles(first: -1) { totalCount } }", "BAD_INPUT"),
        ('{ profiles(after: "not a cursor") { totalCount } }', "INVALID_CURSOR"),
        ('{ profiles(after: "WyJ4IiwgOTk5OV0") { totalCount } }', "INVALID_CURSOR"),  # skip 9999
        ('{ identityGraph(profileId: "x", maxNodes: 0) { truncated } }', "BAD_INPUT"),
        ('{ identityGraph(profileId: "x", maxNodes: 5000) { truncated } }', "LIMIT_EXCEEDED"),
        ("{ deadLetters(first: 100000) { id } }", "LIMIT_EXCEEDED"),
    ],
)
async def test_page_sizes_are_bounded(api: Api, document: str, code: str) -> None:
    assert await api.error_code(document) == code


@pytest.mark.parametrize(("depth", "refused"), [(1, True), (2, False)])
async def test_the_depth_limit_follows_the_settings(
    settings: Settings, depth: int, refused: bool
) -> None:
    schema = build_schema(settings.model_copy(update={"max_query_depth": depth}))
    result = await schema.execute("{ profiles { pageInfo { hasNextPage } } }")
    assert result.errors is not None
    codes = [e.extensions["code"] for e in result.errors if e.extensions]
    # Within the limit the document passes validation and is refused only for lack of a caller.
    assert codes == (["QUERY_TOO_DEEP"] if refused else ["FORBIDDEN"])
