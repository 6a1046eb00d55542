"""Every error carries a stable extensions.code; unexpected ones are masked and logged."""

from __future__ import annotations

import logging

import pytest
import strawberry
from graphql import GraphQLError

from api.errors import INTERNAL_MESSAGE, ErrorCodes, Unauthenticated, code_of, coded
from graph_cdp import errors
from tests.api.conftest import Api

pytestmark = pytest.mark.api


@pytest.mark.parametrize(
    ("document", "variables", "code"),
    [
        ("{ profiles { ", None, "GRAPHQL_PARSE_FAILED"),
        ("{ nope }", None, "GRAPHQL_VALIDATION_FAILED"),
        ("{ profile { id } }", None, "GRAPHQL_VALIDATION_FAILED"),  # id is required
        ('{ profile(id: "x") }', None, "GRAPHQL_VALIDATION_FAILED"),  # no selection
        (
            "query($n: Int) { profiles(first: $n) { totalCount } }",
            {"n": "ten"},
            "GRAPHQL_VALIDATION_FAILED",
        ),
        ("subscription { profiles }", None, "GRAPHQL_VALIDATION_FAILED"),
        (
            "mutation($e: [EventInput!]!) { ingestEvents(events: $e) { accepted } }",
            {"e": [{"type": "login", "identifiers": [], "timestamp": "yesterday"}]},
            "GRAPHQL_VALIDATION_FAILED",
        ),
        ('mutation { runResolution(mode: "sideways") { id } }', None, "BAD_INPUT"),
        (
            '{ identityGraph(profileId: "no-such-profile") { truncated } }',
            None,
            "PROFILE_NOT_FOUND",
        ),
    ],
)
async def test_error_codes(
    api: Api, document: str, variables: dict[str, object] | None, code: str
) -> None:
    status, body = await api.post(document, variables)
    assert status == 200
    assert body["errors"], body
    assert body["errors"][0]["extensions"]["code"] == code
    assert "Traceback" not in str(body)


async def test_not_found_is_null_not_an_error(api: Api) -> None:
    _, body = await api.post(
        '{ profile(id: "no-such-profile") { id } resolutionJob(id: "j") { id } }'
    )
    assert body == {"data": {"profile": None, "resolutionJob": None}}


async def test_a_partial_failure_keeps_the_other_fields(api: Api) -> None:
    _, body = await api.post(
        '{ ok: profiles { totalCount } bad: profileByIdentifier(kind: "shoe_size", value: "9") '
        "{ id } }"
    )
    assert body["data"] == {"ok": {"totalCount": 0}, "bad": None}
    assert [e["extensions"]["code"] for e in body["errors"]] == ["UNKNOWN_IDENTIFIER_KIND"]
    assert body["errors"][0]["path"] == ["bad"]


@pytest.mark.parametrize(
    ("exc", "code"),
    [
        (errors.InvalidIdentifier("x"), "INVALID_IDENTIFIER"),
        (errors.LimitExceeded("x"), "LIMIT_EXCEEDED"),
        (errors.JobNotFound("x"), "JOB_NOT_FOUND"),
        (errors.MergeRefused("x"), "MERGE_REFUSED"),
        (Unauthenticated("x"), "UNAUTHENTICATED"),
        (errors.GraphCdpError("x"), "INTERNAL"),
        (ValueError("x"), "INTERNAL"),
    ],
)
def test_codes_come_from_the_nearest_class_in_the_mro(exc: Exception, code: str) -> None:
    assert code_of(exc) == code


def test_a_subclass_without_its_own_code_inherits_its_parents() -> None:
    class Oversized(errors.LimitExceeded):
        pass

    assert code_of(Oversized("x")) == "LIMIT_EXCEEDED"


def test_expected_errors_keep_their_message_and_details() -> None:
    exc = errors.InvalidEvent("bad event", reasons=["type: required"], obj=object())
    error = coded(GraphQLError("bad event", path=["ingestEvents"], original_error=exc))
    assert error.message == "bad event"
    assert error.extensions == {
        "code": "INVALID_EVENT",
        "reasons": ["type: required"],
        "retryable": False,
    }


def test_store_errors_keep_their_code_but_not_their_message(
    caplog: pytest.LogCaptureFixture,
) -> None:
    exc = errors.StoreError("Neo4j error Neo.X: MATCH (secret) ...")
    with caplog.at_level(logging.ERROR, logger="graph_cdp.api"):
        error = coded(GraphQLError(str(exc), path=["profile"], original_error=exc))
    assert error.extensions == {"code": "STORE_ERROR", "retryable": False}
    assert "secret" not in error.message
    assert "MATCH (secret)" in caplog.text


@strawberry.type
class Boom:
    @strawberry.field
    def explode(self) -> int:
        raise RuntimeError("the secret connection string is bolt://user:pw@db")


def test_unexpected_errors_are_masked_and_logged_in_full(
    caplog: pytest.LogCaptureFixture,
) -> None:
    schema = strawberry.Schema(query=Boom, extensions=[ErrorCodes])
    with caplog.at_level(logging.ERROR, logger="graph_cdp.api"):
        result = schema.execute_sync("{ explode }")
    assert result.errors is not None
    (error,) = result.errors
    assert error.message == INTERNAL_MESSAGE
    assert error.extensions == {"code": "INTERNAL", "retryable": False}
    assert error.path == ["explode"]
    assert "pw@db" not in str(error.formatted)
    logged = [caplog.handler.format(r) for r in caplog.records if r.name == "graph_cdp.api.errors"]
    assert len(logged) == 1
    assert "pw@db" in logged[0]
    assert "Traceback" in logged[0]


def test_coding_is_idempotent() -> None:
    once = coded(GraphQLError("x", path=["f"], original_error=errors.ProfileNotFound("gone")))
    assert coded(once) is once
    assert once.extensions == {"code": "PROFILE_NOT_FOUND", "retryable": False}


async def test_an_http_method_graphql_does_not_use_is_refused(api: Api) -> None:
    response = await api.client.put("/graphql", json={"query": "{ __typename }"})
    assert response.status_code == 405


async def test_a_body_that_is_not_json_gets_a_json_error(api: Api) -> None:
    response = await api.client.post(
        "/graphql",
        content=b"{not json",
        headers={**api.headers(api.key), "Content-Type": "application/json"},
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["extensions"]["code"] == "BAD_REQUEST"


async def test_a_mutation_sent_by_get_is_refused(api: Api) -> None:
    response = await api.client.get(
        "/graphql",
        params={"query": "mutation { replayDeadLetters { accepted } }"},
        headers=api.headers(api.key),
    )
    assert response.status_code == 400
    (error,) = response.json()["errors"]
    assert error["extensions"]["code"] == "BAD_REQUEST"
    assert "GET" in error["message"]
    letters = await api.data("{ deadLetters { id } }")
    assert letters["deadLetters"] == []
