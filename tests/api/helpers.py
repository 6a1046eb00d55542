"""Events and documents the API tests share."""

from __future__ import annotations

from typing import Any

INGEST = """
mutation Ingest($events: [EventInput!]!, $source: String) {
  ingestEvents(events: $events, source: $source) {
    accepted duplicates acceptedIds duplicateIds blockedIdentifiers
    customersCreated customersMerged
    rejected { index messageId reasons deadLetterId }
  }
}
"""

PUSH = """
mutation Push($identifiers: [IdentifierInput!]!, $source: String) {
  pushIdentifiers(identifiers: $identifiers, source: $source) {
    accepted duplicates rejected { index reasons }
  }
}
"""

BY_IDENTIFIER = """
query ByIdentifier($kind: String!, $value: String!) {
  profileByIdentifier(kind: $kind, value: $value) {
    id mergedFrom firstSeen lastSeen
    identifiers { kind value key firstSeen lastSeen status }
  }
}
"""

PROFILE = """
query Profile($id: ID!, $first: Int, $after: String, $type: String, $channel: String) {
  profile(id: $id) {
    id createdAt updatedAt firstSeen lastSeen mergedFrom
    identifiers { kind value key firstSeen lastSeen status statusReason }
    identifiersByKind { kind identifiers { value } }
    traits { name value source at interactionId }
    countsByType { key count }
    countsByChannel { key count }
    weakPoints { a b rule count sideSizes }
    interactions(first: $first, after: $after, type: $type, channel: $channel) {
      totalCount
      pageInfo { hasNextPage endCursor }
      edges { cursor node { id type channel source at properties traits identifiers } }
    }
  }
}
"""


def event(
    message_id: str,
    *identifiers: tuple[str, str],
    type: str = "page_view",
    channel: str | None = "web",
    timestamp: str = "2024-05-01T10:00:00Z",
    traits: dict[str, Any] | None = None,
    properties: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """An EventInput as GraphQL variables."""
    raw: dict[str, Any] = {
        "messageId": message_id,
        "type": type,
        "channel": channel,
        "timestamp": timestamp,
        "identifiers": [{"kind": k, "value": v} for k, v in identifiers],
    }
    if traits is not None:
        raw["traits"] = traits
    if properties is not None:
        raw["properties"] = properties
    return raw
