"""Segment-compatible HTTP ingest: Segment's and RudderStack's libraries send unchanged.

See docs/ingest.md for the mapping, the limits and what happens to what is rejected.
"""

from __future__ import annotations

from api.segment.endpoints import MAX_BATCH_BYTES, MAX_CALL_BYTES, PATHS, segment_routes
from api.segment.keys import WriteKeys
from api.segment.mapping import to_event

__all__ = ["MAX_BATCH_BYTES", "MAX_CALL_BYTES", "PATHS", "WriteKeys", "segment_routes", "to_event"]
