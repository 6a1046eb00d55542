"""Reading unified profiles: identifiers, traits, interactions, counts, merge history."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from graph_cdp import cursors
from graph_cdp.domain import (
    Count,
    IdentifierView,
    InteractionPage,
    InteractionView,
    Profile,
    ProfilePage,
    TraitValue,
)
from graph_cdp.errors import InvalidCursor, LimitExceeded
from graph_cdp.identifiers import IdentifierPolicy
from graph_cdp.store import Store
from graph_cdp.store.values import maybe_native, native

TRAIT_SOURCES_PER_PROFILE = 500


@dataclass(frozen=True)
class ProfileDetails:
    """What a profile's interactions say: its traits, and its counts by type and channel."""

    traits: list[TraitValue]
    by_type: list[Count]
    by_channel: list[Count]


@dataclass(frozen=True)
class InteractionRequest:
    """One page of one customer's interactions (hashable: a data loader's key)."""

    customer_id: str
    first: int
    after: str | None = None
    type: str | None = None
    channel: str | None = None


@dataclass(frozen=True)
class PageAsk:
    """A page of interactions asked for with a profile, before its id is known."""

    first: int
    after: str | None = None
    type: str | None = None
    channel: str | None = None

    def of(self, customer_id: str) -> InteractionRequest:
        return InteractionRequest(customer_id, self.first, self.after, self.type, self.channel)


_EMPTY = ProfileDetails([], [], [])


@dataclass(frozen=True)
class PageRead:
    """A page of profiles and, when asked, each one's details (by profile id)."""

    page: ProfilePage
    details: dict[str, ProfileDetails]


@dataclass(frozen=True)
class ProfileRead:
    """What one profile read gives: the profile, its details (empty parts where not
    asked for) and, when asked, a page of its interactions."""

    profile: Profile
    details: ProfileDetails
    interactions: InteractionPage | None = None


def identifier_view(row: dict[str, Any]) -> IdentifierView:
    return IdentifierView(
        kind=row["kind"],
        value=row["value"],
        key=row["key"],
        first_seen=maybe_native(row.get("firstSeen")),
        last_seen=maybe_native(row.get("lastSeen")),
        status=row.get("status") or "ok",
        status_reason=row.get("statusReason"),
    )


def _profile(row: dict[str, Any], requested: str | None = None) -> Profile:
    return Profile(
        id=row["id"],
        created_at=native(row["createdAt"]),
        updated_at=native(row["updatedAt"]),
        identifiers=[identifier_view(i) for i in row["identifiers"]],
        first_seen=maybe_native(row["firstSeen"]),
        last_seen=maybe_native(row["lastSeen"]),
        merged_from=list(row["mergedFrom"]),
        requested_id=requested if requested != row["id"] else None,
    )


class ProfileReader:
    def __init__(self, store: Store, policy: IdentifierPolicy, max_page: int) -> None:
        self.store = store
        self.policy = policy
        self.max_page = max_page  # Settings.max_service_page

    def _check_page(self, first: int) -> None:
        if first < 1 or first > self.max_page:
            raise LimitExceeded(f"first must be between 1 and {self.max_page}, got {first}")

    async def survivor(self, customer_id: str) -> str | None:
        rows = await self.store.query("resolve_customer", id=customer_id)
        return rows[0]["id"] if rows else None

    async def profile(self, customer_id: str) -> Profile | None:
        rows = await self.store.query("get_profile", id=customer_id)
        return _profile(rows[0], customer_id) if rows else None

    async def profiles_by_ids(self, ids: Sequence[str]) -> list[Profile | None]:
        rows = {r["id"]: r for r in await self.store.query("get_profiles", ids=list(ids))}
        return [_profile(rows[i]) if i in rows else None for i in ids]

    async def by_identifier(self, kind: str, value: str) -> Profile | None:
        found = await self.by_identifier_with_details(kind, value, traits=False, counts=False)
        return found.profile if found else None

    async def by_identifier_with_details(
        self,
        kind: str,
        value: str,
        *,
        traits: bool,
        counts: bool,
        interactions: PageAsk | None = None,
    ) -> ProfileRead | None:
        """The profile holding an identifier and, from the same statement, its traits and
        counts as ``details`` gives them (a part not asked for is empty and not read) and,
        when ``interactions`` asks, the page ``interaction_pages`` would give."""
        key = self.policy.normalize(kind, value).key
        page = None
        if interactions is not None:
            self._check_page(interactions.first)
            page = _page_parameters(interactions)
        # An identifier always belongs to a current customer: no merge chain to follow.
        rows = await self.store.query(
            "get_profile_by_identifier",
            key=key,
            traits=traits,
            counts=counts,
            perProfile=TRAIT_SOURCES_PER_PROFILE,
            page=page,
        )
        if not rows:
            return None
        row = rows[0]
        details = _details(row["details"]) if row["details"] else ProfileDetails([], [], [])
        found = (
            _interaction_page(row["page"], interactions.first) if interactions is not None else None
        )
        return ProfileRead(_profile(row), details, found)

    async def page(self, first: int, after: str | None, *, with_total: bool = True) -> ProfilePage:
        """``with_total=False`` leaves the count of every current profile out (0): it
        reads every customer, while the page itself reads only the page."""
        read = await self.page_with_details(first, after, with_total=with_total)
        return read.page

    async def page_with_details(
        self,
        first: int,
        after: str | None,
        *,
        with_total: bool = True,
        traits: bool = False,
        counts: bool = False,
    ) -> PageRead:
        """A page and, from the same statement, each profile's traits and counts as
        ``details`` gives them (a part not asked for is empty and not read)."""
        self._check_page(first)
        after_id = cursors.decode(after, 1)[0] if after else None
        if after_id is not None and not isinstance(after_id, str):
            raise InvalidCursor("malformed cursor: not a customer id")
        row = (
            await self.store.query(
                "get_profile_page",
                after=after_id,
                limit=first + 1,
                withTotal=with_total,
                traits=traits,
                counts=counts,
                perProfile=TRAIT_SOURCES_PER_PROFILE,
            )
        )[0]
        rows = row["profiles"][:first]
        profiles = [_profile(p) for p in rows]
        details = (
            {p["id"]: _details(p["details"]) if p["details"] else _EMPTY for p in rows}
            if traits or counts
            else {}
        )
        page = ProfilePage(
            items=profiles,
            total=int(row["total"] or 0),
            end_cursor=cursors.encode(profiles[-1].id) if profiles else None,
            has_next_page=len(row["profiles"]) > first,
        )
        return PageRead(page, details)

    async def traits(self, ids: Sequence[str]) -> list[list[TraitValue]]:
        """Per trait, the most recent non-empty value, with its source and time."""
        return [d.traits for d in await self.details(ids, traits=True, counts=False)]

    async def counts(self, ids: Sequence[str]) -> list[tuple[list[Count], list[Count]]]:
        return [(d.by_type, d.by_channel) for d in await self.details(ids, traits=False)]

    async def details(
        self, ids: Sequence[str], *, traits: bool = True, counts: bool = True
    ) -> list[ProfileDetails]:
        """Traits and counts (either may be left out: empty) of each profile, in one query."""
        rows = await self.store.query(
            "profile_details",
            ids=list(ids),
            traits=traits,
            counts=counts,
            perProfile=TRAIT_SOURCES_PER_PROFILE,
        )
        found = {row["id"]: row for row in rows}
        empty = ProfileDetails([], [], [])
        return [_details(found[i]) if i in found else empty for i in ids]

    async def interactions(
        self,
        customer_id: str,
        *,
        first: int,
        after: str | None,
        type: str | None,
        channel: str | None,
    ) -> InteractionPage:
        request = InteractionRequest(customer_id, first, after, type, channel)
        return (await self.interaction_pages([request]))[0]

    async def interaction_pages(
        self, requests: Sequence[InteractionRequest]
    ) -> list[InteractionPage]:
        """A page of interactions per request, in one query (for data loaders)."""
        params = []
        for index, r in enumerate(requests):
            self._check_page(r.first)
            params.append({"index": index, "id": r.customer_id, **_page_parameters(r)})
        rows = await self.store.query("profile_interaction_pages", requests=params)
        found = {int(r["index"]): r for r in rows}
        return [_interaction_page(found.get(i), r.first) for i, r in enumerate(requests)]


def _counted(values: list[str]) -> list[Count]:
    return [Count(k, n) for k, n in sorted(Counter(values).items())]


def _details(row: dict[str, Any]) -> ProfileDetails:
    chosen: dict[str, TraitValue] = {}
    parsed: set[str] = set()
    for e in row["interactions"]:  # newest first
        text = e["traits"]
        if text in parsed:  # an older copy of the same traits: its values are all chosen
            continue
        parsed.add(text)
        for name, value in json.loads(text).items():
            if name in chosen or value in (None, "", [], {}):
                continue
            chosen[name] = TraitValue(name, value, e["source"], native(e["at"]), e["id"])
    traits = sorted(chosen.values(), key=lambda t: t.name)
    return ProfileDetails(traits, _counted(row["types"]), _counted(row["channels"]))


def _page_parameters(ask: PageAsk | InteractionRequest) -> dict[str, Any]:
    after_at, after_id = _interaction_cursor(ask.after)
    return {
        "type": ask.type,
        "channel": ask.channel,
        "afterAt": after_at,
        "afterId": after_id,
        "limit": ask.first + 1,  # one more says another page follows
    }


def _interaction_cursor(after: str | None) -> tuple[datetime | None, str | None]:
    if not after:
        return None, None
    at_text, after_id = cursors.decode(after, 2)
    if not isinstance(after_id, str):
        raise InvalidCursor("malformed cursor: not a time and an id")
    try:
        return datetime.fromisoformat(str(at_text)), after_id
    except ValueError:
        raise InvalidCursor("malformed cursor: not a time and an id") from None


def _interaction_page(row: dict[str, Any] | None, first: int) -> InteractionPage:
    rows = row["items"] if row else []
    items = [
        InteractionView(
            id=e["id"],
            type=e["type"],
            channel=e["channel"],
            source=e["source"],
            at=native(e["at"]),
            properties=json.loads(e["properties"] or "{}"),
            traits=json.loads(e["traits"] or "{}"),
            identifiers=tuple(e["identifierKeys"] or ()),
            context=json.loads(e.get("context") or "{}"),
        )
        for e in rows[:first]
    ]
    last = items[-1] if items else None
    return InteractionPage(
        items=items,
        total=int(row["total"]) if row else 0,
        end_cursor=cursors.encode(last.at.isoformat(), last.id) if last else None,
        has_next_page=len(rows) > first,
    )
