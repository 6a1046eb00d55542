"""Relay-style cursors over the service's pages.

The service pages with an opaque ``end_cursor`` per page. A client may resume after any
edge, not only after the last one, so each edge's cursor is ``(service cursor of its
page's start, position in that page)``: resuming after the last edge of a page uses the
service's own cursor and costs nothing extra; resuming mid-page refetches the few rows
before it, bounded by the page size limit.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Generic, Protocol, TypeVar

from strawberry.types.nodes import FragmentSpread, InlineFragment, SelectedField, Selection

from graph_cdp import cursors
from graph_cdp.errors import InvalidCursor, InvalidInput, LimitExceeded

if TYPE_CHECKING:
    from api.context import Info

T = TypeVar("T")
T_co = TypeVar("T_co", covariant=True)


class ServicePage(Protocol[T_co]):
    @property
    def items(self) -> Sequence[T_co]: ...
    @property
    def total(self) -> int: ...
    @property
    def end_cursor(self) -> str | None: ...
    @property
    def has_next_page(self) -> bool: ...


Fetch = Callable[[int, str | None], Awaitable[ServicePage[T]]]


@dataclass(frozen=True)
class Slice(Generic[T]):
    edges: list[tuple[T, str]]  # (item, cursor)
    total: int
    has_next_page: bool

    @property
    def end_cursor(self) -> str | None:
        return self.edges[-1][1] if self.edges else None


def encode_cursor(after: str | None, skip: int) -> str:
    return cursors.encode(after, skip)


def decode_cursor(cursor: str, max_skip: int) -> tuple[str | None, int]:
    after, skip = cursors.decode(cursor, 2)
    if not (after is None or isinstance(after, str)) or not isinstance(skip, int):
        raise InvalidCursor("'after' is not a cursor this API returned")
    if not 0 <= skip <= max_skip:
        raise InvalidCursor("'after' is not a cursor this API returned")
    return after, skip


def check_count(first: int, maximum: int, name: str = "first") -> None:
    if first < 1:
        raise InvalidInput(f"'{name}' must be at least 1", argument=name)
    if first > maximum:
        raise LimitExceeded(
            f"'{name}' is at most {maximum} (got {first})", argument=name, limit=maximum
        )


def window(
    first: int | None, after: str | None, maximum: int, default: int = 20
) -> tuple[int, str | None, int]:
    """What ``paginate`` fetches for the client's ``first`` and ``after``: (how many, the
    service cursor, how many of them come before the client's cursor)."""
    first = default if first is None else first
    check_count(first, maximum)
    start, skip = decode_cursor(after, maximum) if after else (None, 0)
    return first + skip, start, skip


async def paginate(
    fetch: Fetch[T], first: int | None, after: str | None, maximum: int, default: int = 20
) -> Slice[T]:
    """``first`` items after the client's cursor ``after``, each with its own cursor."""
    count, start, skip = window(first, after, maximum, default)
    page = await fetch(count, start)
    items = list(page.items)
    edges: list[tuple[T, str]] = []
    for index in range(skip, len(items)):
        last = index == len(items) - 1
        cursor = (
            encode_cursor(page.end_cursor, 0)
            if last and page.end_cursor is not None
            else encode_cursor(start, index + 1)
        )
        edges.append((items[index], cursor))
    return Slice(edges=edges, total=page.total, has_next_page=page.has_next_page)


def selections_of(info: Info, *path: str) -> list[SelectedField]:
    """Every selection at ``path`` (field names, one level each) under the field being
    resolved, through fragments too, with its arguments (variables filled in)."""

    def within(selections: Sequence[Selection], name: str) -> Iterator[SelectedField]:
        for selection in selections:
            if isinstance(selection, SelectedField) and selection.name == name:
                yield selection
            elif isinstance(selection, FragmentSpread | InlineFragment):
                yield from within(selection.selections, name)

    found: Sequence[Selection] = info.selected_fields
    for name in path:
        found = [inner for field in found for inner in within(field.selections, name)]
    return [field for field in found if isinstance(field, SelectedField)]


def asks_for(info: Info, *path: str) -> bool:
    """Whether the query selects ``path`` (a field directly under the field being
    resolved, or a field under that ...), so that a connection can leave out what nobody
    asked for."""
    return bool(selections_of(info, *path))
