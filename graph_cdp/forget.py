"""Forgetting and revoking: remove or disarm evidence, then re-resolve what it touched."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime
from itertools import combinations

from neo4j import AsyncManagedTransaction

from graph_cdp.domain import DeleteResult, RevokeResult
from graph_cdp.errors import IdentifierNotFound, ProfileNotFound
from graph_cdp.identifiers import IdentifierPolicy
from graph_cdp.resolution.change_log import deleted_record
from graph_cdp.resolution.incremental import Outcome
from graph_cdp.resolution.rules import Rules
from graph_cdp.resolve_units import UnitHook, refresh_statuses, resolve_seeds
from graph_cdp.store import Store, run
from graph_cdp.store.changes import append_changes, change_log_on
from graph_cdp.store.statuses import read_status_inputs


async def _refresh(
    tx: AsyncManagedTransaction,
    keys: list[str],
    rules: Rules,
    now: datetime,
    reason: str,
    after: UnitHook | None = None,
) -> Outcome:
    """Degrees and statuses of identifiers whose links changed, then resolve their units."""
    if not keys:
        return Outcome()
    await refresh_statuses(tx, await read_status_inputs(tx, keys), rules)
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
            if change_log_on.get():  # what goes, told to everyone downstream (hashes only)
                for s in await run(tx, "erasure_subjects", id=survivor):
                    rows = [deleted_record(survivor, s["merged"], s["keys"]).row()]
                    await append_changes(tx, rows, cause="forget", job_id=None, now=now)
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
            outcome = await _refresh(tx, touched, self.rules, now, "forget", self.after)
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
    ) -> RevokeResult:
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

        outcome = await self.store.write(work)
        return RevokeResult(
            a=ka,
            b=kb,
            unit_size=outcome.unit_size,
            customers_created=outcome.customers_created,
            splits=outcome.splits,
            merges=outcome.merges,
            identifiers_moved=outcome.identifiers_moved,
        )
