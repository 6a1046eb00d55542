"""Every GraphQL error leaves with a stable ``extensions.code``; nothing unexpected leaks.

    GraphCdpError (graph_cdp.errors)     its class's ``code``, found by walking the MRO
    ├── Unauthenticated                  UNAUTHENTICATED: no key, or a key we do not know
    └── Forbidden                        FORBIDDEN: the key lacks the operation's scope

    request-level errors of GraphQL      GRAPHQL_PARSE_FAILED / GRAPHQL_VALIDATION_FAILED
    the depth limiter (api.limits)       QUERY_TOO_DEEP
    several operations, no name          OPERATION_NAME_REQUIRED
    introspection switched off           INTROSPECTION_DISABLED
    the alias and token limiters         LIMIT_EXCEEDED
    anything else                        INTERNAL, message masked, logged in full

Errors of the store (and of configuration) keep their code but not their message: the
message of a driver error can carry Cypher and addresses, which the client has no use for.

Every error says whether the same request may be sent again: ``extensions.retryable``
(true for STORE_BUSY and STORE_UNAVAILABLE) and, when it is, ``extensions.retryAfter``
in seconds (also the HTTP ``Retry-After`` header, see api.app).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from typing import Any

from graphql import ASTValidationRule, GraphQLError, GraphQLSyntaxError
from graphql import ExecutionResult as GraphQLExecutionResult
from graphql.validation import ASTValidationContext
from strawberry.extensions import SchemaExtension
from strawberry.types import ExecutionResult

from graph_cdp.errors import GraphCdpError

logger = logging.getLogger("graph_cdp.api.errors")

INTERNAL = "INTERNAL"
INTERNAL_MESSAGE = "Internal server error"
PARSE_FAILED = "GRAPHQL_PARSE_FAILED"
VALIDATION_FAILED = "GRAPHQL_VALIDATION_FAILED"
QUERY_TOO_DEEP = "QUERY_TOO_DEEP"
LIMIT_EXCEEDED = "LIMIT_EXCEEDED"

# Codes whose message is replaced: what they say is for the operator's log, not the client.
_PRIVATE_MESSAGES: dict[str, str] = {
    "STORE_ERROR": "The database answered with an unexpected error",
    "STORE_UNAVAILABLE": "The database is unavailable; retry later",
    "STORE_BUSY": "The database is busy (a lock or a deadlock); nothing was written, retry",
    "BAD_CONFIGURATION": "The server is misconfigured",
    "LOCAL_SERVER_ERROR": "The database server could not be run",
    INTERNAL: INTERNAL_MESSAGE,
}
_JSON_SCALARS = (str, int, float, bool, type(None))


class Unauthenticated(GraphCdpError):
    code = "UNAUTHENTICATED"


class Forbidden(GraphCdpError):
    code = "FORBIDDEN"


def code_of(exc: BaseException) -> str:
    """The ``code`` of the nearest class in the MRO that declares one (INTERNAL if none)."""
    for cls in type(exc).__mro__:
        code = cls.__dict__.get("code")
        if isinstance(code, str):
            return code
    return INTERNAL


def _jsonable(value: object) -> bool:
    if isinstance(value, _JSON_SCALARS):
        return True
    if isinstance(value, list | tuple):
        return all(_jsonable(v) for v in value)
    if isinstance(value, dict):
        return all(isinstance(k, str) and _jsonable(v) for k, v in value.items())
    return False


def _with_code(
    error: GraphQLError, code: str, message: str | None = None, **extra: Any
) -> GraphQLError:
    return GraphQLError(
        message if message is not None else error.message,
        nodes=error.nodes,
        source=error.source,
        positions=error.positions,
        path=error.path,
        original_error=None,
        extensions={"retryable": False, **extra, "code": code},
    )


def retry_hint(exc: GraphCdpError | None) -> dict[str, Any]:
    """``retryable`` (always) and ``retryAfter`` (seconds, when retryable)."""
    if exc is None or not exc.retryable:
        return {"retryable": False}
    return {"retryable": True, "retryAfter": exc.retry_after or 1}


def retry_after_of(errors: list[GraphQLError]) -> int | None:
    """The Retry-After of a response: the longest hint among its retryable errors."""
    hints = [
        int(e.extensions["retryAfter"])
        for e in errors
        if e.extensions and e.extensions.get("retryable") and "retryAfter" in e.extensions
    ]
    return max(hints) if hints else None


def coded(error: GraphQLError) -> GraphQLError:
    """The error the client sees: with a stable code, and masked if it was not expected."""
    if isinstance((error.extensions or {}).get("code"), str):
        if "retryable" not in error.extensions:  # type: ignore[operator]
            error.extensions = {**(error.extensions or {}), **retry_hint(None)}
        return error
    original = error.original_error
    if isinstance(original, GraphCdpError):
        code = code_of(original)
        details = {k: v for k, v in original.details.items() if _jsonable(v) and k != "code"}
        hint = retry_hint(original)
        if code in _PRIVATE_MESSAGES:
            log = logger.warning if original.retryable else logger.error
            log("%s: %s", code, original.message, exc_info=original)
            return _with_code(error, code, _PRIVATE_MESSAGES[code], **hint)
        return _with_code(error, code, original.message, **details, **hint)
    if isinstance(error, GraphQLSyntaxError):
        if "tokens" in error.message and "Parsing aborted" in error.message:
            return _with_code(error, LIMIT_EXCEEDED)
        return _with_code(error, PARSE_FAILED)
    if error.path is None and (original is None or isinstance(original, GraphQLError)):
        # Validation, and coercion of variables: graphql-core's messages say what is wrong.
        return _with_code(error, VALIDATION_FAILED)
    logger.error(
        "unexpected error at %s: %s",
        ".".join(str(p) for p in error.path or ()) or "(request)",
        error.message,
        exc_info=original if original is not None else error,
    )
    return _with_code(error, INTERNAL, INTERNAL_MESSAGE)


class ErrorCodes(SchemaExtension):
    """Rewrite the operation's errors with :func:`coded` before they reach the client."""

    def on_operation(self) -> Iterator[None]:
        yield
        result = self.execution_context.result
        if isinstance(result, GraphQLExecutionResult | ExecutionResult) and result.errors:
            result.errors = [coded(e) for e in result.errors]

    def on_stream_result(self, result: Any) -> None:  # type: ignore[override]
        """Each result a subscription streams over WebSocket, likewise."""
        if isinstance(result, GraphQLExecutionResult | ExecutionResult) and result.errors:
            result.errors = [coded(e) for e in result.errors]


def coded_rule(rule: type[ASTValidationRule], code: str) -> type[ASTValidationRule]:
    """``rule`` with ``code`` put on the errors it reports while it is constructed.

    Strawberry's depth and alias limiters do all their work in ``__init__``; the error
    they report carries no code, and its message is not a contract.
    """

    class Coded(rule):  # type: ignore[misc, valid-type]
        def __init__(self, context: ASTValidationContext) -> None:
            report: Callable[[GraphQLError], None] = context.on_error

            def tagged(error: GraphQLError) -> None:
                error.extensions = {**(error.extensions or {}), "code": code}
                report(error)

            context.on_error = tagged  # type: ignore[method-assign]
            try:
                super().__init__(context)
            finally:
                context.on_error = report  # type: ignore[method-assign, assignment]

    Coded.__name__ = f"Coded{rule.__name__}"
    return Coded


def error_body(message: str, code: str) -> dict[str, Any]:
    """A GraphQL response for a request refused before it reached the schema."""
    extensions = {"code": code, "retryable": False}
    return {"data": None, "errors": [{"message": message, "extensions": extensions}]}
