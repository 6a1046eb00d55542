"""Ingestion: validate, keep what is rejected, write what is accepted, resolve at once."""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from neo4j import AsyncManagedTransaction

from graph_cdp.domain import DeadLetter, IngestResult, Rejection
from graph_cdp.errors import InvalidEvent, InvalidInput
from graph_cdp.events import Event, EventLimits, check_batch_size, validate_event
from graph_cdp.identifiers import IdentifierPolicy, NormalizedIdentifier
from graph_cdp.match_records import event_traits
from graph_cdp.resolution.incremental import UnitHook
from graph_cdp.resolution.rules import Rules
from graph_cdp.store import Store, run
from graph_cdp.store.ingest import Written, write_events, write_identifiers
from graph_cdp.store.values import native

# Events per transaction: large enough to amortize round trips, small enough that a
# retried deadlock redoes little work.
CHUNK = 1000


def _reasons(exc: InvalidInput) -> list[str]:
    reasons = exc.details.get("reasons")
    if isinstance(reasons, list) and reasons:
        return [str(r) for r in reasons]
    return [exc.message]


def _dead_letter_id(payload: str) -> str:
    return "dl-" + hashlib.sha256(payload.encode()).hexdigest()[:32]


def _payload(raw: object) -> str:
    try:
        return json.dumps(raw, sort_keys=True, default=str)
    except (TypeError, ValueError):
        return json.dumps(repr(raw))


class Ingestor:
    def __init__(
        self,
        store: Store,
        policy: IdentifierPolicy,
        limits: EventLimits,
        rules: Rules,
        *,
        after: UnitHook | None = None,
        day_first: bool = False,
    ) -> None:
        self.store = store
        self.policy = policy
        self.limits = limits
        self.rules = rules
        self.after = after  # probabilistic matching on each resolved unit
        self.day_first = day_first

    async def ingest(
        self,
        raw_events: Sequence[Mapping[str, Any]],
        *,
        source: str | None = None,
        resolve: bool = True,
    ) -> IngestResult:
        check_batch_size(len(raw_events), self.limits)
        now = datetime.now(UTC)
        accepted: list[Event] = []
        rejected: list[tuple[int, str | None, list[str], str]] = []
        ids_seen: set[str] = set()
        in_batch_duplicates: list[str] = []
        for index, raw in enumerate(raw_events):
            try:
                event = validate_event(raw, self.policy, self.limits, now)
            except InvalidInput as exc:
                message_id = raw.get("messageId") if isinstance(raw, Mapping) else None
                rejected.append(
                    (index, str(message_id) if message_id else None, _reasons(exc), _payload(raw))
                )
                continue
            if source is not None and event.source is None:
                event = replace(event, source=source)
            if event.message_id in ids_seen:
                in_batch_duplicates.append(event.message_id)
                continue
            ids_seen.add(event.message_id)
            accepted.append(event)

        dead_ids = await self._keep_dead_letters(rejected, source, now)
        total = Written()
        for start in range(0, len(accepted), CHUNK):
            chunk = accepted[start : start + CHUNK]
            written = await self._write_chunk(chunk, now, resolve)
            total.created += written.created
            total.duplicates += written.duplicates
            total.blocked += written.blocked
            total.outcome.add(written.outcome)
        duplicates = total.duplicates + in_batch_duplicates
        return IngestResult(
            accepted=len(total.created),
            duplicates=len(duplicates),
            rejected=[
                Rejection(index, mid, reasons, dead)
                for (index, mid, reasons, _), dead in zip(rejected, dead_ids, strict=True)
            ],
            accepted_ids=total.created,
            duplicate_ids=duplicates,
            blocked_identifiers=sorted(set(total.blocked)),
            customers_created=total.outcome.customers_created,
            customers_merged=total.outcome.merges,
        )

    async def _write_chunk(self, chunk: list[Event], now: datetime, resolve: bool) -> Written:
        batch_id = uuid.uuid4().hex
        # Standardised once per event, outside the transaction: a retry does not redo it.
        person = [event_traits(e.traits, day_first=self.day_first) for e in chunk]

        async def work(tx: AsyncManagedTransaction) -> Written:
            return await write_events(
                tx, chunk, self.rules, now, batch_id, resolve, person, after=self.after
            )

        return await self.store.write(work)

    async def push(
        self, raw: Sequence[Mapping[str, Any]], *, source: str | None = None
    ) -> IngestResult:
        """Identifiers a source says belong together (explicit evidence)."""
        check_batch_size(len(raw), self.limits)
        if not raw:
            raise InvalidEvent("pushIdentifiers needs at least one identifier", reasons=[])
        normalized: list[NormalizedIdentifier] = []
        reasons: list[str] = []
        for i, item in enumerate(raw):
            try:
                normalized.append(self.policy.normalize(str(item["kind"]), str(item["value"])))
            except InvalidInput as exc:
                reasons.append(f"identifiers[{i}]: {exc.message}")
            except KeyError as exc:
                reasons.append(f"identifiers[{i}]: missing {exc.args[0]!r}")
        if reasons:
            raise InvalidEvent("; ".join(reasons), reasons=reasons)
        now = datetime.now(UTC)

        async def work(tx: AsyncManagedTransaction) -> Written:
            return await write_identifiers(
                tx, normalized, self.rules, now, source, after=self.after
            )

        written = await self.store.write(work)
        return IngestResult(
            accepted=len(normalized),
            duplicates=0,
            rejected=[],
            accepted_ids=[n.key for n in normalized],
            duplicate_ids=[],
            blocked_identifiers=sorted(set(written.blocked)),
            customers_created=written.outcome.customers_created,
            customers_merged=written.outcome.merges,
        )

    async def keep_unreadable(
        self, lines: Sequence[tuple[int, object]], source: str | None = None
    ) -> list[str]:
        """Lines of an input file that are not a JSON object: kept as dead letters too."""
        rejected: list[tuple[int, str | None, list[str], str]] = [
            (n, None, [f"line {n} is not a JSON object"], _payload({"line": n, "text": text}))
            for n, text in lines
        ]
        return await self._keep_dead_letters(rejected, source, datetime.now(UTC))

    async def _keep_dead_letters(
        self,
        rejected: list[tuple[int, str | None, list[str], str]],
        source: str | None,
        now: datetime,
    ) -> list[str]:
        if not rejected:
            return []
        rows: list[dict[str, Any]] = [
            {
                "id": _dead_letter_id(payload),
                "payload": payload,
                "messageId": mid,
                "reasons": reasons,
                "source": source,
            }
            for _, mid, reasons, payload in rejected
        ]

        async def work(tx: AsyncManagedTransaction) -> list[dict[str, Any]]:
            return await run(tx, "store_dead_letters", rows=rows, now=now)

        await self.store.write(work)
        return [str(row["id"]) for row in rows]

    async def dead_letters(self, first: int, include_replayed: bool = False) -> list[DeadLetter]:
        records = await self.store.query(
            "list_dead_letters", first=first, includeReplayed=include_replayed
        )
        return [
            DeadLetter(
                id=r["id"],
                at=native(r["at"]),
                reasons=list(r["reasons"]),
                payload=json.loads(r["payload"]),
                replayed=bool(r["replayed"]),
            )
            for r in records
        ]

    async def replay(self, first: int = 1000) -> IngestResult:
        """Validate dead letters again (after a rule change) and ingest what now passes."""
        letters = [d for d in await self.dead_letters(first) if isinstance(d.payload, dict)]
        if not letters:
            return IngestResult(0, 0, [], [], [], [])
        result = await self.ingest([d.payload for d in letters])
        still = {r.index: r.reasons for r in result.rejected}
        rows = [
            {"id": d.id, "replayed": i not in still, "reasons": still.get(i, d.reasons)}
            for i, d in enumerate(letters)
        ]
        await self.store.execute("mark_dead_letters", rows=rows, now=datetime.now(UTC))
        return result
