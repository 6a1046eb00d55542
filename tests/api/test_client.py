"""A real GraphQL client (gql over httpx) against the live server."""

from __future__ import annotations

import pytest
from gql import Client, GraphQLRequest, gql
from gql.transport.exceptions import TransportQueryError
from gql.transport.httpx import HTTPXAsyncTransport

from graph_cdp.store import Store
from tests.api.conftest import ADMIN, READER, LiveServer
from tests.api.helpers import BY_IDENTIFIER, INGEST, event

pytestmark = pytest.mark.api


def client(server: LiveServer, key: str) -> Client:
    # Generous timeouts: a cold server on a loaded machine plans its first queries slowly.
    transport = HTTPXAsyncTransport(
        url=f"{server.url}/graphql", headers={"Authorization": f"Bearer {key}"}, timeout=60
    )
    return Client(transport=transport, fetch_schema_from_transport=True, execute_timeout=60)


async def test_gql_client_ingests_and_reads_back(server: LiveServer, store: Store) -> None:
    async with client(server, ADMIN) as session:
        events = [event("m-1", ("email", "ann@northwind.io"))]
        result = await session.execute(GraphQLRequest(INGEST, variable_values={"events": events}))
        assert result["ingestEvents"]["accepted"] == 1
        variables = {"kind": "email", "value": "ANN@northwind.io"}
        found = await session.execute(GraphQLRequest(BY_IDENTIFIER, variable_values=variables))
    identifiers = found["profileByIdentifier"]["identifiers"]
    assert [i["key"] for i in identifiers] == ["email:ann@northwind.io"]


async def test_gql_client_sees_the_error_code(server: LiveServer, store: Store) -> None:
    async with client(server, READER) as session:
        with pytest.raises(TransportQueryError) as raised:
            await session.execute(gql('mutation { runResolution(mode: "full") { id } }'))
    assert raised.value.errors is not None
    assert raised.value.errors[0]["extensions"]["code"] == "FORBIDDEN"
