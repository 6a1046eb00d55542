"""The review queue: pairs between the review and merge thresholds, decided by a person.

- **Accept** makes the pair must-link evidence: an explicit ``LINKED`` between the two
  record anchors (as ``pushIdentifiers`` writes, source ``review``), resolved at once
  under every guard (two customer ids still never merge; the refusal is recorded).
- **Reject** makes it a persistent cannot-link: a fuzzy ``LINKED {rejected: true}``
  between the anchors, which resolution refuses (``refusedBy='rejected'``) and through
  which no fuzzy evidence may ever join the two, here or in any later full job.

Both keep the candidate, with its status, as the record of the decision.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from neo4j import AsyncManagedTransaction

from graph_cdp import cursors
from graph_cdp.domain import FieldWeight, MatchCandidate, MatchCandidatePage, ReviewResult
from graph_cdp.errors import (
    AlreadyDecided,
    InvalidCursor,
    InvalidInput,
    LimitExceeded,
    MatchCandidateNotFound,
)
from graph_cdp.identifiers import IdentifierPolicy
from graph_cdp.resolution.incremental import Outcome
from graph_cdp.resolution.rules import REFUSAL_PRECEDENCE, Rules
from graph_cdp.resolve_units import UnitHook, refresh_statuses, resolve_seeds
from graph_cdp.store import Store, run
from graph_cdp.store.ingest import write_identifiers

MAX_PAGE = 500
STATUSES = ("pending", "accepted", "rejected")


def field_weights(props: dict[str, Any]) -> list[FieldWeight]:
    """The waterfall stored on a fuzzy link or a candidate (three parallel lists)."""
    names, levels, weights = (props.get(k) or [] for k in ("fields", "levels", "fieldWeights"))
    return [
        FieldWeight(str(f), str(level), float(w))
        for f, level, w in zip(names, levels, weights, strict=False)
    ]


def candidate_view(
    props: dict[str, Any], customer_a: str | None = None, customer_b: str | None = None
) -> MatchCandidate:
    return MatchCandidate(
        id=props["id"],
        a=props["a"],
        b=props["b"],
        probability=float(props["probability"]),
        weight=float(props["weight"]),
        fields=field_weights(props),
        status=props["status"],
        customer_a=customer_a,
        customer_b=customer_b,
    )


class Review:
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

    async def page(
        self, first: int, after: str | None, status: str = "pending"
    ) -> MatchCandidatePage:
        """Candidates of a status, most probable first."""
        if first < 1 or first > MAX_PAGE:
            raise LimitExceeded(f"first must be between 1 and {MAX_PAGE}, got {first}")
        if status not in STATUSES:
            raise InvalidInput(f"status must be one of {', '.join(STATUSES)}, got {status!r}")
        probability, after_id = cursors.decode(after, 2) if after else (None, None)
        if after is not None and not (
            isinstance(probability, int | float) and isinstance(after_id, str)
        ):
            raise InvalidCursor("malformed cursor: not a probability and an id")
        rows = await self.store.query(
            "list_match_candidates",
            status=status,
            afterProbability=probability,
            afterId=after_id,
            limit=first + 1,
        )
        total = int((await self.store.query("count_match_candidates", status=status))[0]["total"])
        items = [candidate_view(r["candidate"], r["customerA"], r["customerB"]) for r in rows]
        more = len(items) > first
        items = items[:first]
        end = cursors.encode(items[-1].probability, items[-1].id) if items else None
        return MatchCandidatePage(items, total, end, more)

    async def _decide(self, candidate_id: str, status: str) -> ReviewResult:
        now = datetime.now(UTC)

        async def work(tx: AsyncManagedTransaction) -> ReviewResult:
            rows = await run(tx, "get_match_candidate", id=candidate_id)
            if not rows:
                raise MatchCandidateNotFound(
                    f"no match candidate {candidate_id!r}", candidate_id=candidate_id
                )
            props = rows[0]["candidate"]
            if props["status"] == status:
                return ReviewResult(candidate_view(props), 0, 0)  # decided so already
            if props["status"] != "pending":
                raise AlreadyDecided(
                    f"match candidate {candidate_id!r} is already {props['status']}",
                    candidate_id=candidate_id,
                    status=props["status"],
                )
            # Decided first: re-scoring after the merge deletes only pending candidates.
            decided = await run(
                tx, "decide_match_candidate", id=candidate_id, status=status, now=now
            )
            outcome = await (self._accept if status == "accepted" else self._reject)(tx, props, now)
            view = candidate_view(decided[0]["candidate"])
            return ReviewResult(view, outcome.merges, outcome.splits)

        return await self.store.write(work)

    async def _accept(
        self, tx: AsyncManagedTransaction, props: dict[str, Any], now: datetime
    ) -> Outcome:
        identifiers = [
            self.policy.normalize(*key.split(":", 1)) for key in (props["a"], props["b"])
        ]
        written = await write_identifiers(tx, identifiers, now, "review", REFUSAL_PRECEDENCE)
        await refresh_statuses(tx, written.touched, self.rules)
        keys = [t.key for t in written.touched]
        return await resolve_seeds(tx, keys, self.rules, now, reason="review", after=self.after)

    async def _reject(
        self, tx: AsyncManagedTransaction, props: dict[str, Any], now: datetime
    ) -> Outcome:
        row = {k: props.get(k) or [] for k in ("fields", "levels", "fieldWeights")} | {
            "a": props["a"],
            "b": props["b"],
            "weight": props["weight"],
            "probability": props["probability"],
            "rejected": True,
        }
        await run(tx, "merge_fuzzy_links", rows=[row], now=now)
        keys = [props["a"], props["b"]]
        return await resolve_seeds(tx, keys, self.rules, now, reason="review", after=self.after)

    async def accept(self, candidate_id: str) -> ReviewResult:
        """Must-link: the pair merges, under the guards."""
        return await self._decide(candidate_id, "accepted")

    async def reject(self, candidate_id: str) -> ReviewResult:
        """Cannot-link: the pair stays apart, in every later resolution."""
        return await self._decide(candidate_id, "rejected")
