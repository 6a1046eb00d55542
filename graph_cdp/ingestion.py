"""Ingestion, the write path: validate, keep what is rejected, write what is accepted,
refresh statuses and resolve, all of a chunk in one transaction.

The store writes the evidence (``store/ingest.py``); this module then calls the status
refresh and resolution (``resolve_units.py``), so the store never drives resolution.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from neo4j import AsyncManagedTransaction

from graph_cdp.domain import DeadLetter, IngestResult, IngestWarning, Rejection
from graph_cdp.errors import InvalidEvent, InvalidInput
from graph_cdp.events import Event, EventLimits, check_batch_size, check_text, validate_event
from graph_cdp.identifiers import IdentifierPolicy, NormalizedIdentifier
from graph_cdp.match_records import event_traits
from graph_cdp.rawjson import capped_dump, shown, text_problem
from graph_cdp.resolution.incremental import Outcome
from graph_cdp.resolution.names import signature
from graph_cdp.resolution.rules import REFUSAL_PRECEDENCE, Rules
from graph_cdp.resolve_units import UnitHook, refresh_statuses, resolve_seeds
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


def _message_id(raw: object, limits: EventLimits) -> str | None:
    """The messageId of a rejected event as it can be stored and shown: real text only,
    and cut short (the reasons say what was wrong with it)."""
    value = raw.get("messageId") if isinstance(raw, Mapping) else None
    if value is None or isinstance(value, bool):
        return None
    text = value if isinstance(value, str) else str(value)
    if text_problem(text):
        return shown(text.encode("utf-8", "backslashreplace").decode(), limits.max_text_length)
    return text[: limits.max_text_length] or None


# (index in the batch, messageId, reasons, error code, the raw event)
_Rejected = tuple[int, str | None, list[str], str, object]


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
        max_event_bytes: int | None = None,
    ) -> IngestResult:
        check_batch_size(len(raw_events), self.limits)
        source = check_text(source, "source", self.limits)
        limits = self.limits
        if max_event_bytes is not None:
            limits = replace(limits, max_event_bytes=min(max_event_bytes, limits.max_event_bytes))
        now = datetime.now(UTC)
        accepted: list[Event] = []
        rejected: list[_Rejected] = []
        warnings: list[IngestWarning] = []
        ids_seen: set[str] = set()
        in_batch_duplicates: list[str] = []
        for index, raw in enumerate(raw_events):
            try:
                event = validate_event(raw, self.policy, limits, now)
            except InvalidInput as exc:
                mid = _message_id(raw, self.limits)
                rejected.append((index, mid, _reasons(exc), exc.code, raw))
                continue
            if source is not None and event.source is None:
                event = replace(event, source=source)
            if event.message_id in ids_seen:
                in_batch_duplicates.append(event.message_id)
                continue
            ids_seen.add(event.message_id)
            accepted.append(event)
            warnings.extend(
                IngestWarning(index, event.message_id, w.path, w.reason) for w in event.warnings
            )

        dead_ids = await self._keep_dead_letters(rejected, source, now)
        total = Written()
        outcome = Outcome()
        for start in range(0, len(accepted), CHUNK):
            chunk = accepted[start : start + CHUNK]
            written, resolved = await self._write_chunk(chunk, now, resolve)
            total.created += written.created
            total.duplicates += written.duplicates
            total.blocked += written.blocked
            outcome.add(resolved)
        duplicates = total.duplicates + in_batch_duplicates
        return IngestResult(
            accepted=len(total.created),
            duplicates=len(duplicates),
            rejected=[
                Rejection(index, mid, reasons, dead, code)
                for (index, mid, reasons, code, _), dead in zip(rejected, dead_ids, strict=True)
            ],
            accepted_ids=total.created,
            duplicate_ids=duplicates,
            blocked_identifiers=sorted(set(total.blocked)),
            customers_created=outcome.customers_created,
            customers_merged=outcome.merges,
            warnings=warnings,
        )

    async def _settle(
        self,
        tx: AsyncManagedTransaction,
        written: Written,
        now: datetime,
        reason: str,
        resolve: bool = True,
        traits: dict[str, list[str]] | None = None,
    ) -> Outcome:
        """After the evidence: statuses of what it touched, then the units it touched."""
        if not written.touched:
            return Outcome()
        await refresh_statuses(tx, written.touched, self.rules)
        if not resolve:
            return Outcome()
        keys = [s.key for s in written.touched]
        return await resolve_seeds(
            tx, keys, self.rules, now, reason=reason, traits=traits, after=self.after
        )

    async def _write_chunk(
        self, chunk: list[Event], now: datetime, resolve: bool
    ) -> tuple[Written, Outcome]:
        """``resolve=False`` is the bulk-load path: evidence and statuses are written,
        customers are left to a full job (which gives the same result, see test_agreement)."""
        batch_id = uuid.uuid4().hex
        names = [signature(e.traits, day_first=self.day_first) for e in chunk]
        # Standardised once per event, outside the transaction: a retry does not redo it.
        person = [event_traits(e.traits, day_first=self.day_first) for e in chunk]

        async def work(tx: AsyncManagedTransaction) -> tuple[Written, Outcome]:
            written = await write_events(
                tx, chunk, names, now, batch_id, REFUSAL_PRECEDENCE, person
            )
            # For the change log: which trait names each identifier's new events wrote.
            created = set(written.created)
            traits: dict[str, list[str]] = {}
            for e in chunk:
                if e.traits and e.message_id in created:
                    for key in e.identifier_keys:
                        traits.setdefault(key, []).extend(sorted(e.traits))
            return written, await self._settle(tx, written, now, "ingest", resolve, traits)

        return await self.store.write(work)

    async def push(
        self, raw: Sequence[Mapping[str, Any]], *, source: str | None = None
    ) -> IngestResult:
        """Identifiers a source says belong together (explicit evidence)."""
        check_batch_size(len(raw), self.limits)
        if not raw:
            raise InvalidEvent("pushIdentifiers needs at least one identifier", reasons=[])
        source = check_text(source, "source", self.limits)
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

        async def work(tx: AsyncManagedTransaction) -> tuple[Written, Outcome]:
            written = await write_identifiers(tx, normalized, now, source, REFUSAL_PRECEDENCE)
            return written, await self._settle(tx, written, now, "push")

        written, outcome = await self.store.write(work)
        return IngestResult(
            accepted=len(normalized),
            duplicates=0,
            rejected=[],
            accepted_ids=[n.key for n in normalized],
            duplicate_ids=[],
            blocked_identifiers=sorted(set(written.blocked)),
            customers_created=outcome.customers_created,
            customers_merged=outcome.merges,
        )

    async def keep_unreadable(
        self, lines: Sequence[tuple[int, object]], source: str | None = None
    ) -> list[str]:
        """Lines of an input file that are not a JSON object: kept as dead letters too."""
        rejected: list[_Rejected] = [
            (
                n,
                None,
                [f"line {n} is not a JSON object"],
                "INVALID_EVENT",
                {"line": n, "text": text},
            )
            for n, text in lines
        ]
        return await self._keep_dead_letters(rejected, source, datetime.now(UTC))

    async def _keep_dead_letters(
        self,
        rejected: list[_Rejected],
        source: str | None,
        now: datetime,
    ) -> list[str]:
        """Keep what was refused: its payload's JSON cut to ``max_dead_letter_bytes``
        (and at the nesting limit), with the whole size and whether it was cut."""
        if not rejected:
            return []
        rows: list[dict[str, Any]] = []
        for _, mid, reasons, code, raw in rejected:
            payload, size, truncated = capped_dump(
                raw, self.limits.max_json_depth, self.limits.max_dead_letter_bytes
            )
            rows.append(
                {
                    "id": _dead_letter_id(payload),
                    "payload": payload,
                    "payloadBytes": size,
                    "truncated": truncated,
                    "messageId": mid,
                    "code": code,
                    "reasons": [r[: self.limits.max_dead_letter_bytes] for r in reasons],
                    "source": source,
                }
            )

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
                payload=r["payload"] if r["truncated"] else json.loads(r["payload"]),
                replayed=bool(r["replayed"]),
                payload_bytes=int(r["payloadBytes"] or len(r["payload"])),
                truncated=bool(r["truncated"]),
            )
            for r in records
        ]

    async def replay(self, first: int = 1000) -> IngestResult:
        """Validate dead letters again (after a rule change) and ingest what now passes.

        A truncated dead letter is not replayed: only its first bytes were kept."""
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
