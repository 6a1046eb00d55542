"""The graph-cdp exception tree.

    GraphCdpError                  root; every error graph-cdp raises on purpose
    ├── ConfigurationError         a setting is missing or malformed
    ├── InvalidInput               a caller sent something we cannot accept
    │   ├── InvalidIdentifier      an identifier value fails its kind's rules
    │   ├── UnknownIdentifierKind  the kind is not configured
    │   ├── InvalidEvent           an event fails validation (size, shape, type)
    │   │   ├── InvalidText        a string holds a lone surrogate or NUL (not text)
    │   │   ├── TextTooLong        a string is longer than its documented limit
    │   │   ├── NestingTooDeep     JSON nested deeper than the documented limit
    │   │   └── NoUsableIdentifier not one identifier of the event could be used
    │   ├── InvalidCursor          an ``after`` cursor this API did not hand out
    │   ├── LimitExceeded          a batch, payload or page is larger than allowed
    │   ├── InvalidWebhook         a webhook's URL or secret is not acceptable
    │   └── AlreadyDecided         a match candidate was already accepted or rejected
    ├── NotFound                   something asked for by id does not exist
    │   ├── ProfileNotFound
    │   ├── IdentifierNotFound
    │   ├── JobNotFound
    │   ├── WebhookNotFound
    │   └── MatchCandidateNotFound
    ├── MergeRefused               a rule refused to merge two customers
    ├── ResolutionError            resolution could not complete (job failed)
    ├── StoreUnavailable           Neo4j cannot be reached (retryable)
    │   └── StoreAuthFailed        Neo4j refused the credentials (same code, not retryable)
    ├── StoreBusy                  a transient Neo4j error outlived the retries (retryable)
    ├── StoreError                 Neo4j answered with an error we did not expect
    ├── RequestTimeout             the work ran past its time limit and was ended
    └── LocalServerError           the local Neo4j server could not be provisioned or run

Each class carries a stable ``code`` that the GraphQL API puts in ``extensions.code``,
and says whether the same request may simply be sent again (``retryable``, with a
``retry_after`` hint in seconds).
"""

from __future__ import annotations


class GraphCdpError(Exception):
    """Root of every error graph-cdp raises on purpose."""

    code = "INTERNAL"
    retryable = False
    retry_after: int | None = None

    def __init__(self, message: str, **details: object) -> None:
        super().__init__(message)
        self.message = message
        self.details = details


class ConfigurationError(GraphCdpError):
    code = "BAD_CONFIGURATION"


class InvalidInput(GraphCdpError):
    code = "BAD_INPUT"


class InvalidIdentifier(InvalidInput):
    code = "INVALID_IDENTIFIER"


class UnknownIdentifierKind(InvalidInput):
    code = "UNKNOWN_IDENTIFIER_KIND"


class InvalidEvent(InvalidInput):
    code = "INVALID_EVENT"


class InvalidText(InvalidEvent):
    code = "INVALID_TEXT"


class TextTooLong(InvalidEvent):
    code = "TEXT_TOO_LONG"


class NestingTooDeep(InvalidEvent):
    code = "NESTING_TOO_DEEP"


class NoUsableIdentifier(InvalidEvent):
    code = "NO_USABLE_IDENTIFIER"


class InvalidCursor(InvalidInput):
    code = "INVALID_CURSOR"


class LimitExceeded(InvalidInput):
    code = "LIMIT_EXCEEDED"


class InvalidWebhook(InvalidInput):
    code = "INVALID_WEBHOOK"


class AlreadyDecided(InvalidInput):
    code = "ALREADY_DECIDED"


class NotFound(GraphCdpError):
    code = "NOT_FOUND"


class ProfileNotFound(NotFound):
    code = "PROFILE_NOT_FOUND"


class IdentifierNotFound(NotFound):
    code = "IDENTIFIER_NOT_FOUND"


class JobNotFound(NotFound):
    code = "JOB_NOT_FOUND"


class WebhookNotFound(NotFound):
    code = "WEBHOOK_NOT_FOUND"


class MatchCandidateNotFound(NotFound):
    code = "MATCH_CANDIDATE_NOT_FOUND"


class MergeRefused(GraphCdpError):
    code = "MERGE_REFUSED"


class ResolutionError(GraphCdpError):
    code = "RESOLUTION_FAILED"


class StoreUnavailable(GraphCdpError):
    code = "STORE_UNAVAILABLE"
    retryable = True
    retry_after: int | None = 5


class StoreAuthFailed(StoreUnavailable):
    """Neo4j refused NEO4J_USER/NEO4J_PASSWORD: sending the request again will not help."""

    retryable = False
    retry_after = None


class StoreBusy(GraphCdpError):
    """A deadlock, lock timeout or other transient error, still there after the retries.

    The transaction was rolled back: nothing of the request was written.
    """

    code = "STORE_BUSY"
    retryable = True
    retry_after: int | None = 1


class StoreError(GraphCdpError):
    code = "STORE_ERROR"


class RequestTimeout(GraphCdpError):
    code = "TIMEOUT"


class LocalServerError(GraphCdpError):
    code = "LOCAL_SERVER_ERROR"
