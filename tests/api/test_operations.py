"""Health, readiness, metrics, GraphiQL and the one-line-per-request JSON log."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from api.logs import ACCESS_LOGGER, JsonFormatter
from graph_cdp.store import Store
from tests.api.conftest import Api, LiveServer
from tests.api.helpers import INGEST, event

pytestmark = pytest.mark.api


def samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }


async def test_healthz_answers_without_a_key(http: httpx.AsyncClient) -> None:
    response = await http.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


async def test_readyz_pings_neo4j(http: httpx.AsyncClient) -> None:
    response = await http.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"status": "ready"}


async def test_graphiql_is_served_to_a_browser(http: httpx.AsyncClient) -> None:
    response = await http.get("/graphql", headers={"Accept": "text/html"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert "graphiql" in response.text.lower()


async def test_unknown_path_is_404(http: httpx.AsyncClient) -> None:
    assert (await http.get("/nope")).status_code == 404


async def test_metrics_count_requests_by_operation_and_status(
    http: httpx.AsyncClient, api: Api
) -> None:
    before = samples((await http.get("/metrics")).text)
    await api.data("query CountMe { profiles(first: 1) { totalCount } }")
    await api.post("query CountMe { profiles(first: 1) { totalCount } }", key=None)
    response = await http.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    after = samples(response.text)

    def delta(name: str, **labels: str) -> float:
        key = (name, tuple(sorted(labels.items())))
        return after.get(key, 0.0) - before.get(key, 0.0)

    assert delta("graph_cdp_http_requests_total", operation="CountMe", status="200") == 1
    assert delta("graph_cdp_http_requests_total", operation="/graphql", status="401") == 1
    assert delta("graph_cdp_graphql_errors_total", code="UNAUTHENTICATED") == 1
    assert delta("graph_cdp_http_request_duration_seconds_count", operation="CountMe") == 1


async def test_metrics_count_ingested_events_and_jobs(http: httpx.AsyncClient, api: Api) -> None:
    before = samples((await http.get("/metrics")).text)
    events = [
        event("m-1", ("email", "ann@northwind.io")),
        event("m-2", ("email", "bob@northwind.io")),
        event("m-3", ("email", "not an email")),
    ]
    await api.data(INGEST, {"events": events})
    await api.data(INGEST, {"events": events[:1]})
    job = (await api.data('mutation { runResolution(mode: "full") { id } }'))["runResolution"]
    assert (await api.wait_for_job(job["id"]))["status"] == "succeeded"
    after = samples((await http.get("/metrics")).text)

    def delta(name: str, **labels: str) -> float:
        key = (name, tuple(sorted(labels.items())))
        return after.get(key, 0.0) - before.get(key, 0.0)

    assert delta("graph_cdp_ingested_events_total", outcome="accepted") == 2
    assert delta("graph_cdp_ingested_events_total", outcome="duplicate") == 1
    assert delta("graph_cdp_ingested_events_total", outcome="rejected") == 1
    assert delta("graph_cdp_resolution_jobs_started_total", mode="full") == 1


class Lines(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.setFormatter(JsonFormatter())
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))


@pytest.fixture
def access_lines() -> Iterator[list[str]]:
    handler = Lines()
    logger = logging.getLogger(ACCESS_LOGGER)
    logger.addHandler(handler)
    previous = logger.level
    logger.setLevel(logging.INFO)
    yield handler.lines
    logger.removeHandler(handler)
    logger.setLevel(previous)


async def test_one_json_log_line_per_request(
    api: Api, access_lines: list[str], store: Store
) -> None:
    await api.data("query LogMe { profiles(first: 1) { totalCount } }")
    await api.post("query LogMe { nope }")
    entries = [json.loads(line) for line in access_lines]
    mine = [e for e in entries if e["operation"] == "LogMe"]
    assert len(mine) == 2
    ok, failed = mine
    assert ok["message"] == "request"
    assert ok["status"] == 200
    assert ok["operation_type"] == "query"
    assert ok["key"] == "admin"
    assert ok["error_codes"] == []
    assert isinstance(ok["duration_ms"], float)
    assert failed["error_codes"] == ["GRAPHQL_VALIDATION_FAILED"]


async def test_anonymous_operations_are_named_by_their_root_fields(
    api: Api, access_lines: list[str]
) -> None:
    await api.data("{ profiles(first: 1) { totalCount } }")
    entries = [json.loads(line) for line in access_lines]
    assert entries[-1]["operation"] == "query profiles"


async def test_body_larger_than_the_limit_is_refused(http: httpx.AsyncClient) -> None:
    payload = b'{"query": "' + b" " * (2 * 1024 * 1024) + b'{ __typename }"}'
    response = await http.post(
        "/graphql",
        content=payload,
        headers={"Content-Type": "application/json"},
    )
    assert response.status_code == 413
    assert response.json()["errors"][0]["extensions"]["code"] == "LIMIT_EXCEEDED"


async def test_each_app_has_its_own_metrics_registry(
    http: httpx.AsyncClient, open_server: LiveServer
) -> None:
    key = ("graph_cdp_http_requests_total", (("operation", "/healthz"), ("status", "200")))
    before = samples((await http.get("/metrics")).text).get(key, 0.0)
    async with httpx.AsyncClient(base_url=open_server.url) as client:
        open_before = samples((await client.get("/metrics")).text).get(key, 0.0)
        await client.get("/healthz")
        await client.get("/healthz")
        open_after = samples((await client.get("/metrics")).text).get(key, 0.0)
    assert open_after - open_before == 2
    assert samples((await http.get("/metrics")).text).get(key, 0.0) == before
