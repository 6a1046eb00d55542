"""The change log over GraphQL: the pull API over HTTP and subscriptions over WebSocket
(the gql package's websockets transport, graphql-transport-ws), against the live server."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from gql import Client, GraphQLRequest
from gql.transport.exceptions import TransportConnectionFailed, TransportQueryError
from gql.transport.websockets import WebsocketsTransport
from websockets.exceptions import ConnectionClosed

from graph_cdp.store import Store
from tests.api.conftest import ADMIN, READER, WRITER, Api, LiveServer
from tests.api.helpers import INGEST, event

pytestmark = pytest.mark.api

CHANGES = """
query Changes($after: String, $first: Int, $types: [String!]) {
  changes(after: $after, first: $first, types: $types) {
    edges { cursor node { seq cursor type profileIds data cause at } }
    pageInfo { hasNextPage endCursor }
  }
}
"""

SUBSCRIBE = """
subscription Follow($after: String, $types: [String!]) {
  profileChanges(after: $after, types: $types) { seq cursor type profileIds data cause }
}
"""


async def ingest(api: Api, *events: dict[str, Any]) -> None:
    result = await api.data(INGEST, {"events": list(events)})
    assert result["ingestEvents"]["accepted"] == len(events)


async def two_then_merged(api: Api) -> None:
    await ingest(api, event("m-1", ("email", "ann@northwind.io")))
    await ingest(api, event("m-2", ("phone", "+12123551188")))
    await ingest(api, event("m-3", ("email", "ann@northwind.io"), ("phone", "+12123551188")))


def socket(server: LiveServer, key: str | None, *, header: bool = False) -> Client:
    url = server.url.replace("http://", "ws://") + "/graphql"
    auth = {"Authorization": f"Bearer {key}"} if key else {}
    transport = WebsocketsTransport(
        url=url,
        init_payload={} if header else auth,
        headers=auth if header else None,
        subprotocols=[WebsocketsTransport.GRAPHQLWS_SUBPROTOCOL],
    )
    return Client(transport=transport)


async def first_result(client: Client, variables: dict[str, Any]) -> dict[str, Any]:
    async with client as session:
        async for result in session.subscribe(GraphQLRequest(SUBSCRIBE, variable_values=variables)):
            found: dict[str, Any] = result
            return found
    raise AssertionError("the subscription ended without a result")


async def test_a_merge_reads_back_in_order_with_both_ids(api: Api) -> None:
    await two_then_merged(api)
    data = (await api.data(CHANGES, {"first": 10}))["changes"]
    nodes = [e["node"] for e in data["edges"]]
    assert [n["type"] for n in nodes] == ["profile.created", "profile.created", "profile.merged"]
    assert [n["seq"] for n in nodes] == [1, 2, 3]
    a, b = nodes[0]["profileIds"][0], nodes[1]["profileIds"][0]
    assert nodes[2]["profileIds"] == [a, b]
    assert nodes[2]["data"] == {"survivor": a, "merged": [b]}
    assert data["pageInfo"] == {"hasNextPage": False, "endCursor": nodes[2]["cursor"]}

    first = (await api.data(CHANGES, {"first": 1}))["changes"]
    assert first["pageInfo"]["hasNextPage"] is True
    after = first["pageInfo"]["endCursor"]
    rest = (await api.data(CHANGES, {"after": after, "types": ["profile.merged"]}))["changes"]
    assert [e["node"]["seq"] for e in rest["edges"]] == [3]


@pytest.mark.parametrize(
    ("variables", "code"),
    [
        ({"after": "garbage"}, "INVALID_CURSOR"),
        ({"types": ["profile.exploded"]}, "BAD_INPUT"),
        ({"first": 0}, "BAD_INPUT"),
        ({"first": 5000}, "LIMIT_EXCEEDED"),
    ],
)
async def test_bad_arguments_get_a_code(api: Api, variables: dict[str, Any], code: str) -> None:
    assert await api.error_code(CHANGES, variables) == code


async def test_a_subscription_replays_from_a_cursor_then_follows(
    api: Api, server: LiveServer
) -> None:
    await ingest(api, event("m-1", ("email", "ann@northwind.io")))
    async with socket(server, READER) as session:
        seen: list[dict[str, Any]] = []

        async def follow() -> None:
            request = GraphQLRequest(SUBSCRIBE, variable_values={})
            async for result in session.subscribe(request):
                seen.append(result["profileChanges"])
                if len(seen) == 3:
                    return

        task = asyncio.create_task(follow())
        await ingest(api, event("m-2", ("phone", "+12123551188")))
        await ingest(api, event("m-3", ("email", "ann@northwind.io"), ("phone", "+12123551188")))
        await asyncio.wait_for(task, 60)
    assert [c["type"] for c in seen] == ["profile.created", "profile.created", "profile.merged"]
    merged = seen[2]
    assert merged["profileIds"] == [seen[0]["profileIds"][0], seen[1]["profileIds"][0]]

    # Resuming after the first change, filtered: the merge, and nothing seen twice.
    async with socket(server, READER, header=True) as session:
        request = GraphQLRequest(
            SUBSCRIBE, variable_values={"after": seen[0]["cursor"], "types": ["profile.merged"]}
        )
        async for result in session.subscribe(request):
            assert result["profileChanges"] == merged
            break


async def test_a_socket_needs_a_key_with_the_read_scope(server: LiveServer, store: Store) -> None:
    with pytest.raises((TransportConnectionFailed, ConnectionClosed)) as raised_close:
        await first_result(socket(server, "not-a-key-0123456789"), {})
    closed: BaseException | None = raised_close.value
    while closed is not None and not isinstance(closed, ConnectionClosed):
        closed = closed.__cause__ or closed.__context__
    assert isinstance(closed, ConnectionClosed)
    assert closed.rcvd is not None
    assert closed.rcvd.code == 4403  # graphql-transport-ws: Forbidden
    with pytest.raises(TransportQueryError) as raised:
        await first_result(socket(server, WRITER), {})
    assert raised.value.errors is not None, raised.value
    assert raised.value.errors[0].get("extensions", {}).get("code") == "FORBIDDEN", (
        raised.value.errors
    )


async def test_a_bad_cursor_ends_the_subscription_with_a_code(
    server: LiveServer, store: Store
) -> None:
    with pytest.raises(TransportQueryError) as raised:
        await first_result(socket(server, ADMIN), {"after": "garbage"})
    assert raised.value.errors is not None
    assert raised.value.errors[0]["extensions"]["code"] == "INVALID_CURSOR"
