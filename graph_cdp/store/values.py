"""Conversions between Neo4j's temporal values and Python's."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from neo4j.time import DateTime as Neo4jDateTime

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def native(value: Any) -> datetime:
    """A timezone-aware datetime from whatever the driver returned (None: the epoch).

    An integer is microseconds since the epoch: the read queries return times so,
    because hydrating the driver's temporal values costs more than the query itself."""
    if value is None:
        return EPOCH
    if isinstance(value, int):
        return EPOCH + timedelta(microseconds=value)
    if isinstance(value, Neo4jDateTime):
        value = value.to_native()
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    raise TypeError(f"not a datetime: {value!r}")


def maybe_native(value: Any) -> datetime | None:
    return None if value is None else native(value)
