"""API keys, scopes, and the loopback-only open mode."""

from __future__ import annotations

import logging

import httpx
import pytest

from api.app import create_app
from api.auth import OPEN, KeyRing, Scope, is_loopback
from api.errors import Forbidden, Unauthenticated
from api.schema import build_schema
from api.serve import serve
from graph_cdp.config import Settings
from graph_cdp.errors import ConfigurationError
from graph_cdp.store import Store
from tests.api.conftest import ADMIN, READER, WRITER, Api, LiveServer, api_settings, start_server

pytestmark = pytest.mark.api

QUERY = "query { profiles(first: 1) { totalCount } }"
MUTATION = 'mutation { runResolution(mode: "incremental") { id mode } }'


async def test_a_request_without_a_key_is_unauthenticated(api: Api) -> None:
    status, body = await api.post(QUERY, key=None)
    assert status == 401
    assert body["data"] is None
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_unauthenticated_responses_name_the_scheme(http: httpx.AsyncClient) -> None:
    response = await http.post("/graphql", json={"query": QUERY})
    assert response.status_code == 401
    assert response.headers["www-authenticate"].startswith("Bearer")


@pytest.mark.parametrize(
    "header",
    [f"Bearer {ADMIN}x", "Bearer", f"Basic {ADMIN}", ADMIN, f"Token {ADMIN}"],
)
async def test_a_wrong_or_malformed_key_is_unauthenticated(
    http: httpx.AsyncClient, header: str
) -> None:
    response = await http.post("/graphql", json={"query": QUERY}, headers={"Authorization": header})
    assert response.status_code == 401
    assert response.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_a_query_sent_by_get_needs_a_key_too(http: httpx.AsyncClient) -> None:
    response = await http.get("/graphql", params={"query": QUERY})
    assert response.status_code == 401
    ok = await http.get(
        "/graphql", params={"query": QUERY}, headers={"Authorization": f"Bearer {READER}"}
    )
    assert ok.status_code == 200
    assert ok.json()["data"]["profiles"]["totalCount"] == 0


async def test_an_encoded_query_parameter_does_not_skip_authentication(
    http: httpx.AsyncClient,
) -> None:
    response = await http.get("/graphql?%71uery=%7B__typename%7D")
    assert response.status_code == 401
    assert response.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_the_bearer_scheme_is_case_insensitive(api: Api) -> None:
    response = await api.client.post(
        "/graphql", json={"query": QUERY}, headers={"Authorization": f"bearer {READER}"}
    )
    assert response.status_code == 200
    assert "errors" not in response.json()


async def test_a_read_key_may_query_but_not_mutate(api: Api) -> None:
    status, body = await api.post(QUERY, key=READER)
    assert status == 200
    assert body["data"]["profiles"]["totalCount"] == 0
    status, body = await api.post(MUTATION, key=READER)
    assert status == 403
    assert body["data"] is None
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert "write" in body["errors"][0]["message"]


async def test_a_write_key_may_mutate_but_not_query(api: Api) -> None:
    status, body = await api.post(MUTATION, key=WRITER)
    assert status == 200, body
    assert body["data"]["runResolution"]["mode"] == "incremental"
    assert (await api.wait_for_job(body["data"]["runResolution"]["id"]))["status"] == "succeeded"
    status, body = await api.post(QUERY, key=WRITER)
    assert status == 403
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_a_forbidden_mutation_changes_nothing(api: Api, store: Store) -> None:
    doc = (
        'mutation { pushIdentifiers(identifiers: [{kind: "email", value: "a@b.io"}]) { accepted } }'
    )
    status, _ = await api.post(doc, key=READER)
    assert status == 403
    records, _, _ = await store.driver.execute_query(
        "MATCH (n) WHERE NOT n:GraphCdpTestMarker RETURN count(n) AS n",
        database_=store.database,
    )
    assert records[0]["n"] == 0


async def test_the_open_server_needs_no_key(open_server: LiveServer, store: Store) -> None:
    async with httpx.AsyncClient(base_url=open_server.url) as client:
        api = Api(client, None)
        assert (await api.data(QUERY))["profiles"]["totalCount"] == 0
        job = (await api.data(MUTATION))["runResolution"]
        assert job["mode"] == "incremental"
        assert (await api.wait_for_job(job["id"]))["status"] == "succeeded"


async def test_the_open_server_ignores_whatever_key_is_sent(
    open_server: LiveServer, store: Store
) -> None:
    async with httpx.AsyncClient(base_url=open_server.url) as client:
        status, body = await Api(client, "anything").post(QUERY)
    assert status == 200
    assert body["data"]["profiles"]["totalCount"] == 0


async def test_open_mode_warns_at_start_up(
    settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="graph_cdp.api"):
        live = start_server(api_settings(settings, api_keys=""))
        live.stop()
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert any("OPEN" in r.getMessage() and "loopback" in r.getMessage() for r in warnings)


async def test_keyed_mode_logs_key_names_never_secrets(
    settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="graph_cdp.api"):
        live = start_server(api_settings(settings))
        live.stop()
    text = "\n".join(r.getMessage() for r in caplog.records)
    assert "admin, reader, writer" in text
    assert ADMIN not in text
    assert READER not in text


@pytest.mark.parametrize("host", ["0.0.0.0", "192.168.1.20", "::", "example.com"])
def test_no_keys_off_loopback_refuses_to_start(settings: Settings, host: str) -> None:
    unsafe = api_settings(settings, api_keys="", host=host)
    with pytest.raises(ConfigurationError, match="without API keys"):
        create_app(unsafe)
    with pytest.raises(ConfigurationError, match="GRAPH_CDP_API_KEYS"):
        serve(unsafe)


def test_keys_make_any_host_acceptable(settings: Settings) -> None:
    app = create_app(api_settings(settings, host="0.0.0.0"))
    assert not app.state.runtime.keys.open


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("127.0.0.1", True),
        ("127.3.2.1", True),
        ("::1", True),
        ("[::1]", True),
        ("localhost", True),
        ("0.0.0.0", False),
        ("10.0.0.1", False),
        ("example.com", False),
    ],
)
def test_loopback_hosts(host: str, loopback: bool) -> None:
    assert is_loopback(host) is loopback


def test_key_ring_parses_names_secrets_and_scopes() -> None:
    ring = KeyRing.parse(
        "ci:ci-secret-0123456789ab:read+write;\n dash:dash-secret-0123456789:read; "
    )
    assert ring.names() == ["ci", "dash"]
    assert ring.authenticate("Bearer ci-secret-0123456789ab").scopes == {Scope.READ, Scope.WRITE}
    dash = ring.authenticate("Bearer dash-secret-0123456789")
    assert dash.scopes == {Scope.READ}
    with pytest.raises(Forbidden):
        dash.require(Scope.WRITE)
    with pytest.raises(Unauthenticated):
        ring.authenticate("Bearer nope")


def test_an_empty_key_ring_is_open() -> None:
    ring = KeyRing.parse("  ")
    assert ring.open
    assert ring.authenticate(None) is OPEN


@pytest.mark.parametrize(
    "text",
    [
        "only-a-name",
        "name:secret-0123456789abcdef",  # no scopes
        "a:b:c:d",
        "bad name:secret-0123456789abcdef:read",
        "short:tooshort:read",
        "x:secret-0123456789abcdef:admin",
        "x:secret-0123456789abcdef:read;x:other-secret-0123456789:read",
        "x:secret-0123456789abcdef:read;y:secret-0123456789abcdef:write",
    ],
)
def test_malformed_keys_are_a_configuration_error(settings: Settings, text: str) -> None:
    with pytest.raises(ConfigurationError, match="GRAPH_CDP_API_KEYS"):
        create_app(api_settings(settings, api_keys=text))


async def test_the_schema_fails_closed_without_a_request_context(settings: Settings) -> None:
    result = await build_schema(settings).execute("{ profiles { totalCount } }")
    assert result.data is None
    assert result.errors is not None
    assert result.errors[0].extensions == {
        "code": "FORBIDDEN",
        "required": "read",
        "retryable": False,
    }
