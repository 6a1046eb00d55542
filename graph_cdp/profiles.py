"""Reading unified profiles: identifiers, traits, interactions, counts, merge history."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
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
        survivor = await self.survivor(customer_id)
        if survivor is None:
            return None
        rows = await self.store.query("get_profiles", ids=[survivor])
        return _profile(rows[0], customer_id) if rows else None

    async def profiles_by_ids(self, ids: Sequence[str]) -> list[Profile | None]:
        rows = {r["id"]: r for r in await self.store.query("get_profiles", ids=list(ids))}
        return [_profile(rows[i]) if i in rows else None for i in ids]

    async def by_identifier(self, kind: str, value: str) -> Profile | None:
        key = self.policy.normalize(kind, value).key
        rows = await self.store.query("find_customer_by_identifier", key=key)
        if not rows:
            return None
        # An identifier always belongs to a current customer: no merge chain to follow.
        profiles = await self.store.query("get_profiles", ids=[rows[0]["id"]])
        return _profile(profiles[0]) if profiles else None

    async def page(self, first: int, after: str | None) -> ProfilePage:
        self._check_page(first)
        after_id = cursors.decode(after, 1)[0] if after else None
        if after_id is not None and not isinstance(after_id, str):
            raise InvalidCursor("malformed cursor: not a customer id")
        rows = await self.store.query("list_customers", after=after_id, limit=first + 1)
        ids = [r["id"] for r in rows[:first]]
        profiles = [p for p in await self.profiles_by_ids(ids) if p is not None]
        total = (await self.store.query("count_customers"))[0]["total"]
        return ProfilePage(
            items=profiles,
            total=int(total),
            end_cursor=cursors.encode(ids[-1]) if ids else None,
            has_next_page=len(rows) > first,
        )

    async def traits(self, ids: Sequence[str]) -> list[list[TraitValue]]:
        """Per trait, the most recent non-empty value, with its source and time."""
        rows = await self.store.query(
            "profile_traits", ids=list(ids), perProfile=TRAIT_SOURCES_PER_PROFILE
        )
        by_id: dict[str, list[TraitValue]] = {}
        for row in rows:
            chosen: dict[str, TraitValue] = {}
            for e in row["interactions"]:  # newest first
                for name, value in json.loads(e["traits"]).items():
                    if name in chosen or value in (None, "", [], {}):
                        continue
                    chosen[name] = TraitValue(name, value, e["source"], native(e["at"]), e["id"])
            by_id[row["id"]] = sorted(chosen.values(), key=lambda t: t.name)
        return [by_id.get(i, []) for i in ids]

    async def counts(self, ids: Sequence[str]) -> list[tuple[list[Count], list[Count]]]:
        rows = {r["id"]: r for r in await self.store.query("profile_counts", ids=list(ids))}

        def counted(values: list[str]) -> list[Count]:
            return [Count(k, n) for k, n in sorted(Counter(values).items())]

        return [
            (counted(rows[i]["types"]), counted(rows[i]["channels"])) if i in rows else ([], [])
            for i in ids
        ]

    async def interactions(
        self,
        customer_id: str,
        *,
        first: int,
        after: str | None,
        type: str | None,
        channel: str | None,
    ) -> InteractionPage:
        self._check_page(first)
        survivor = await self.survivor(customer_id) or customer_id
        after_at: datetime | None = None
        after_id: str | None = None
        if after:
            at_text, after_id = cursors.decode(after, 2)
            if not isinstance(after_id, str):
                raise InvalidCursor("malformed cursor: not a time and an id")
            try:
                after_at = datetime.fromisoformat(str(at_text))
            except ValueError:
                raise InvalidCursor("malformed cursor: not a time and an id") from None
        rows = await self.store.query(
            "profile_interactions",
            id=survivor,
            type=type,
            channel=channel,
            afterAt=after_at,
            afterId=after_id,
            limit=first + 1,
        )
        items = [
            InteractionView(
                id=r["e"]["id"],
                type=r["e"]["type"],
                channel=r["e"]["channel"],
                source=r["e"]["source"],
                at=native(r["e"]["at"]),
                properties=json.loads(r["e"]["properties"] or "{}"),
                traits=json.loads(r["e"]["traits"] or "{}"),
                identifiers=tuple(r["e"]["identifierKeys"] or ()),
                context=json.loads(r["e"].get("context") or "{}"),
            )
            for r in rows[:first]
        ]
        last = items[-1] if items else None
        return InteractionPage(
            items=items,
            total=int(rows[0]["total"]) if rows else 0,
            end_cursor=cursors.encode(last.at.isoformat(), last.id) if last else None,
            has_next_page=len(rows) > first,
        )
