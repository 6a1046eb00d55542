"""Conversions between Neo4j's temporal values and Python's, both ways."""

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


def wire(value: datetime) -> str:
    """A datetime as the ISO 8601 text that Cypher's ``datetime()`` reads (naive: UTC).

    Rows of writes carry their times so: the driver turns each datetime parameter into
    its wire form in Python (about 0.1 ms a value, more than the server spends writing
    the row), while a string is packed natively and parsed by the server. The stored
    value is the same DateTime, offset included."""
    return (value if value.tzinfo else value.replace(tzinfo=UTC)).isoformat()
