"""schema.graphql at the repository root is the schema the server serves."""

from __future__ import annotations

import httpx
import pytest
from graphql import (
    build_client_schema,
    build_schema,
    get_introspection_query,
    lexicographic_sort_schema,
    print_schema,
)

from api.export_schema import SCHEMA_FILE, main, sdl
from tests.api.conftest import READER, LiveServer

pytestmark = pytest.mark.api

CONTRACT = {
    "Query": {
        "profile",
        "profileByIdentifier",
        "profiles",
        "identityGraph",
        "explainLink",
        "resolutionJob",
    },
    "Mutation": {"ingestEvents", "pushIdentifiers", "runResolution", "deleteProfile"},
}


def test_schema_graphql_is_current() -> None:
    assert SCHEMA_FILE.exists(), "run: python -m api.export_schema"
    assert SCHEMA_FILE.read_text() == sdl(), "schema.graphql is stale: python -m api.export_schema"


def test_export_check_fails_on_a_stale_file(tmp_path: pytest.TempPathFactory) -> None:
    stale = tmp_path / "schema.graphql"  # type: ignore[operator]
    stale.write_text("type Query { old: Int }\n")
    assert main(["--check", "--output", str(stale)]) == 1
    assert main(["--output", str(stale)]) == 0
    assert main(["--check", "--output", str(stale)]) == 0


def test_the_contract_is_there_without_renaming() -> None:
    schema = build_schema(SCHEMA_FILE.read_text())
    for type_name, fields in CONTRACT.items():
        defined = schema.get_type(type_name)
        assert defined is not None
        assert fields <= set(defined.fields)  # type: ignore[attr-defined]
    connection = schema.get_type("ProfileConnection")
    assert {"edges", "pageInfo", "totalCount"} <= set(connection.fields)  # type: ignore[union-attr]
    assert str(schema.query_type.fields["profile"].type) == "Profile"  # type: ignore[union-attr]
    assert str(schema.mutation_type.fields["ingestEvents"].type) == "IngestResult!"  # type: ignore[union-attr]


async def test_the_served_schema_is_the_file(server: LiveServer) -> None:
    async with httpx.AsyncClient(base_url=server.url) as client:
        response = await client.post(
            "/graphql",
            json={"query": get_introspection_query(descriptions=True, specified_by_url=True)},
            headers={"Authorization": f"Bearer {READER}"},
        )
    served = lexicographic_sort_schema(build_client_schema(response.json()["data"]))
    on_file = lexicographic_sort_schema(build_schema(SCHEMA_FILE.read_text()))
    assert print_schema(served) == print_schema(on_file)
