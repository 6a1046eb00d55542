"""Segment's HTTP Tracking API on graph-cdp's app: ``POST /v1/{call}``, ``/v1/batch``.

Answers as Segment does: ``200 {"success": true}`` once the request is read, with what
happened to each message added (``accepted``, ``duplicates``, ``rejected`` with codes,
``warnings`` with Segment field paths); a refused request answers 400 (401 or 403 for
the write key) with ``{"success": false, "code", "message"}``, the shape Segment's and
RudderStack's libraries read. Messages rejected inside a batch are dead letters; a
single call whose message is rejected answers 400 with the message's code.

Limits (Segment's): 32 KB per call and per message in a batch, 500 KB per batch, of
JSON after gzip is undone. A gzip body is inflated only up to the limit, so a small
"zip bomb" costs no more memory than an honest request.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from api import jsonbody
from api.errors import Forbidden, Unauthenticated
from api.middleware import record_of
from api.segment.keys import WriteKeys
from api.segment.mapping import CALLS, Mapped, segment_path, to_event
from graph_cdp.domain import IngestResult
from graph_cdp.errors import GraphCdpError, InvalidInput
from graph_cdp.services import CdpService

MAX_CALL_BYTES = 32 * 1024
MAX_BATCH_BYTES = 500 * 1024
BATCH_CALLS = ("batch", "import")
SOURCE_PREFIX = "segment:"
PATHS = frozenset(f"/v1/{c}" for c in (*CALLS, *BATCH_CALLS))


class _Refused(Exception):
    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


def _refusal(status: int, code: str, message: str, **extra: Any) -> JSONResponse:
    body = {"success": False, "code": code, "message": message, **extra}
    return JSONResponse(body, status_code=status)


def _inflate(body: bytes, encoding: str, limit: int) -> bytes:
    if encoding in ("", "identity"):
        return body
    if encoding != "gzip":
        raise _Refused(400, "UNSUPPORTED_ENCODING", f"Content-Encoding {encoding!r}: use gzip")
    inflater = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
    try:
        data = inflater.decompress(body, limit + 1)
    except zlib.error as e:
        raise _Refused(400, "INVALID_GZIP", f"the gzip body cannot be read: {e}") from None
    if len(data) <= limit and not inflater.eof:
        raise _Refused(400, "INVALID_GZIP", "the gzip body is cut short")
    return data


def _read_json(data: bytes, limit: int, what: str) -> dict[str, Any]:
    if len(data) > limit:
        raise _Refused(
            400, "LIMIT_EXCEEDED", f"{what} is over {limit // 1024} KB of JSON (Segment's limit)"
        )
    try:
        parsed = jsonbody.loads(data)
    except jsonbody.UnreadableJson as e:
        raise _Refused(400, "INVALID_JSON", f"the body is not JSON: {e}") from None
    if not isinstance(parsed, dict):
        raise _Refused(400, "INVALID_JSON", "the body must be a JSON object")
    return parsed


def _messages(call: str, body: dict[str, Any], received_at: datetime) -> list[Mapped | object]:
    """Each message as a mapped event; a message that is not an object stays as it is
    (validation rejects it as a dead letter)."""
    if call not in BATCH_CALLS:
        return [to_event(call, body, received_at=received_at)]
    batch = body.get("batch")
    if not isinstance(batch, list):
        raise _Refused(400, "INVALID_BATCH", "a batch needs 'batch': [messages]")
    context = body.get("context") if isinstance(body.get("context"), Mapping) else None
    out: list[Mapped | object] = []
    for message in batch:
        kind = message.get("type") if isinstance(message, Mapping) else None
        if isinstance(kind, str) and kind in CALLS:
            out.append(
                to_event(
                    kind,
                    message,
                    received_at=received_at,
                    batch_sent_at=body.get("sentAt"),
                    batch_context=context,
                )
            )
        elif isinstance(message, Mapping):
            # No known type: kept whole as a dead letter with the reason.
            out.append({**message, "type": None, "segmentType": kind})
        else:
            out.append(message)
    return out


def _details(
    result: IngestResult, mapped: Sequence[Mapped | object], offset: int
) -> dict[str, Any]:
    def paths(index: int) -> list[str]:
        item = mapped[index - offset] if 0 <= index - offset < len(mapped) else None
        return item.paths if isinstance(item, Mapped) else []

    return {
        "rejected": [
            {
                "index": r.index + offset,
                "messageId": r.message_id,
                "code": r.code,
                "reasons": r.reasons,
                "deadLetterId": r.dead_letter_id,
            }
            for r in result.rejected
        ],
        "warnings": [
            {
                "index": w.index + offset,
                "messageId": w.message_id,
                "path": segment_path(w.path, paths(w.index)),
                "reason": w.reason,
            }
            for w in result.warnings
        ],
    }


async def _deliver(
    service: CdpService, mapped: list[Mapped | object], source: str, chunk: int
) -> dict[str, Any]:
    """Ingest in batches the service accepts, then push each new alias as evidence."""
    accepted = duplicates = 0
    rejected: list[Any] = []
    warnings: list[Any] = []
    for start in range(0, len(mapped), chunk):
        part = mapped[start : start + chunk]
        events = [m.event if isinstance(m, Mapped) else m for m in part]
        result = await service.ingest_events(
            events,  # type: ignore[arg-type]  # non-objects are rejected, on purpose
            source=source,
            max_event_bytes=MAX_CALL_BYTES,
        )
        accepted += result.accepted
        duplicates += result.duplicates
        details = _details(result, part, start)
        rejected += details["rejected"]
        warnings += details["warnings"]
        new = set(result.accepted_ids)
        for index, m in enumerate(part, start):
            if isinstance(m, Mapped) and m.alias and m.event.get("messageId") in new:
                try:
                    await service.push_identifiers(m.alias, source=source)
                except InvalidInput as exc:  # the event is stored; say why it links nothing
                    warnings.append(
                        {
                            "index": index,
                            "messageId": m.event.get("messageId"),
                            "path": "previousId",
                            "reason": exc.message,
                        }
                    )
    return {
        "accepted": accepted,
        "duplicates": duplicates,
        "rejected": rejected,
        "warnings": warnings,
    }


def segment_routes(
    service: Callable[[], CdpService], keys: WriteKeys, batch_size: int
) -> list[Route]:
    """The ``/v1/*`` routes; ``service`` gives the running service (the app's lifespan)."""

    async def endpoint(request: Request) -> Response:
        call = request.path_params["call"]
        if call not in CALLS and call not in BATCH_CALLS:
            known = ", ".join(f"/v1/{c}" for c in (*CALLS, *BATCH_CALLS))
            return _refusal(404, "NOT_FOUND", f"no such call; the calls are {known}")
        record = record_of(request.scope)
        record.operation = f"segment {call}"
        try:
            source = SOURCE_PREFIX + keys.authenticate(request.headers.get("authorization"))
        except (Unauthenticated, Forbidden) as exc:
            record.error_codes.append(exc.code)
            status = 401 if isinstance(exc, Unauthenticated) else 403
            return _refusal(status, exc.code, exc.message)
        record.key = source
        limit = MAX_BATCH_BYTES if call in BATCH_CALLS else MAX_CALL_BYTES
        received_at = datetime.now(UTC)
        try:
            data = _inflate(
                await request.body(), request.headers.get("content-encoding", ""), limit
            )
            mapped = _messages(call, _read_json(data, limit, f"a {call} call"), received_at)
            if not mapped:
                raise _Refused(400, "INVALID_BATCH", "the batch holds no messages")
            outcome = await _deliver(service(), mapped, source, batch_size)
        except _Refused as exc:
            record.error_codes.append(exc.code)
            return _refusal(exc.status, exc.code, exc.message)
        except InvalidInput as exc:
            record.error_codes.append(exc.code)
            return _refusal(400, exc.code, exc.message)
        except GraphCdpError as exc:
            record.error_codes.append(exc.code)
            return _refusal(503, exc.code, "The service cannot store events now; retry later")
        if call not in BATCH_CALLS and outcome["rejected"]:
            first = outcome["rejected"][0]
            record.error_codes.append(first["code"])
            return _refusal(400, first["code"], "; ".join(first["reasons"]), **outcome)
        return JSONResponse({"success": True, **outcome})

    return [Route("/v1/{call:str}", endpoint, methods=["POST"])]
