"""The graph-cdp exception tree.

    GraphCdpError                  root; every error graph-cdp raises on purpose
    ├── ConfigurationError         a setting is missing or malformed
    ├── InvalidInput               a caller sent something we cannot accept
    │   ├── InvalidIdentifier      an identifier value fails its kind's rules
    │   ├── UnknownIdentifierKind  the kind is not configured
    │   ├── InvalidEvent           an event fails validation (size, shape, type)
    │   ├── LimitExceeded          a batch, payload or page is larger than allowed
    │   └── AlreadyDecided         a match candidate was already accepted or rejected
    ├── NotFound                   something asked for by id does not exist
    │   ├── ProfileNotFound
    │   ├── IdentifierNotFound
    │   ├── JobNotFound
    │   └── MatchCandidateNotFound
    ├── MergeRefused               a rule refused to merge two customers
    ├── ResolutionError            resolution could not complete (job failed)
    ├── StoreUnavailable           Neo4j cannot be reached or refused the credentials
    ├── StoreError                 Neo4j answered with an error we did not expect
    └── LocalServerError           the local Neo4j server could not be provisioned or run

Each class carries a stable ``code`` that the GraphQL API puts in ``extensions.code``.
"""

from __future__ import annotations


class GraphCdpError(Exception):
    """Root of every error graph-cdp raises on purpose."""

    code = "INTERNAL"

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


class LimitExceeded(InvalidInput):
    code = "LIMIT_EXCEEDED"


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


class MatchCandidateNotFound(NotFound):
    code = "MATCH_CANDIDATE_NOT_FOUND"


class MergeRefused(GraphCdpError):
    code = "MERGE_REFUSED"


class ResolutionError(GraphCdpError):
    code = "RESOLUTION_FAILED"


class StoreUnavailable(GraphCdpError):
    code = "STORE_UNAVAILABLE"


class StoreError(GraphCdpError):
    code = "STORE_ERROR"


class LocalServerError(GraphCdpError):
    code = "LOCAL_SERVER_ERROR"
