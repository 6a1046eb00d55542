"""Forgetting and revoking: remove or disarm evidence, then re-resolve what it touched."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime
from itertools import combinations

from neo4j import AsyncManagedTransaction

from graph_cdp.domain import DeleteResult
from graph_cdp.errors import IdentifierNotFound, ProfileNotFound
from graph_cdp.identifiers import IdentifierPolicy
from graph_cdp.resolution.incremental import Outcome, UnitHook, resolve_seeds
from graph_cdp.resolution.rules import Rules
from graph_cdp.store import Store, run


async def _refresh(
    tx: AsyncManagedTransaction,
    keys: list[str],
    policy: IdentifierPolicy,
    rules: Rules,
    now: datetime,
    reason: str,
    after: UnitHook | None = None,
) -> Outcome:
    """Degrees and statuses of identifiers whose links changed, then resolve their units."""
    if not keys:
        return Outcome()
    rows = await run(tx, "identifier_statuses", keys=keys)
    status_rows = [
        {"key": r["key"], "blocked": r["blocked"], "threshold": rules.hub_threshold(r["kind"])}
        for r in rows
    ]
    statuses = await run(tx, "update_identifier_status", rows=status_rows)
    inactive = sorted(r["key"] for r in statuses if r["status"] != "ok")
    if inactive:
        await run(tx, "refuse_links_of_inactive", keys=inactive)
    return await resolve_seeds(tx, keys, rules, now, reason=reason, after=after)


class Forgetter:
    def __init__(
        self,
        store: Store,
        policy: IdentifierPolicy,
        rules: Rules,
        after: UnitHook | None = None,
    ) -> None:
        self.store = store
        self.policy = policy
        self.rules = rules
        self.after = after

    async def delete_profile(self, customer_id: str) -> DeleteResult:
        """Erase a customer (right to be forgotten) and re-resolve its former neighbours."""
        rows = await self.store.query("resolve_customer", id=customer_id)
        if not rows:
            raise ProfileNotFound(f"no profile with id {customer_id!r}", id=customer_id)
        survivor = rows[0]["id"]
        now = datetime.now(UTC)

        async def work(tx: AsyncManagedTransaction) -> DeleteResult:
            await run(tx, "forget_match_evidence", id=survivor)
            result = await run(tx, "forget_customer", id=survivor)
            if not result:
                raise ProfileNotFound(f"no profile with id {customer_id!r}", id=customer_id)
            r = result[0]
            # Evidence between the remaining identifiers of deleted interactions goes too.
            pairs: Counter[tuple[str, str]] = Counter()
            for keys in r["remaining"]:
                pairs.update(combinations(sorted(set(keys)), 2))
            if pairs:
                rows = [{"a": a, "b": b, "count": n} for (a, b), n in sorted(pairs.items())]
                await run(tx, "decrement_links", rows=rows)
            touched = sorted(set(r["neighbours"]) | {k for keys in r["remaining"] for k in keys})
            outcome = await _refresh(
                tx, touched, self.policy, self.rules, now, "forget", self.after
            )
            return DeleteResult(
                profile_id=survivor,
                deleted=True,
                identifiers_deleted=int(r["nMembers"]),
                interactions_deleted=int(r["nInteractions"]),
                links_deleted=int(r["links"]),
                customers_touched=outcome.customers_created + outcome.identifiers_moved,
            )

        return await self.store.write(work)

    async def revoke_link(
        self, a: tuple[str, str], b: tuple[str, str], reason: str = "revoked by operator"
    ) -> Outcome:
        """Keep the evidence, never merge through it again; re-resolve its unit (may split)."""
        ka, kb = sorted((self.policy.normalize(*a).key, self.policy.normalize(*b).key))
        now = datetime.now(UTC)

        async def work(tx: AsyncManagedTransaction) -> Outcome:
            rows = await run(tx, "revoke_link", a=ka, b=kb, now=now, reason=reason)
            if not rows or rows[0]["revoked"] == 0:
                raise IdentifierNotFound(f"no link between {ka} and {kb}", a=ka, b=kb)
            return await resolve_seeds(
                tx, [ka, kb], self.rules, now, reason="revoke", after=self.after
            )

        return await self.store.write(work)
