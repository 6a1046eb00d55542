"""Signing webhook requests: HMAC-SHA256 over ``timestamp.body``, as Stripe does.

The header is ``GraphCdp-Signature: t=<unix seconds>,v1=<hex digest>``. A receiver
recomputes the digest with the endpoint's secret, compares in constant time, and refuses
a timestamp too far from its clock (a replayed request).
"""

from __future__ import annotations

import hashlib
import hmac
import time

HEADER = "GraphCdp-Signature"
DEFAULT_TOLERANCE_SECONDS = 300


def sign(secret: str, body: bytes, timestamp: int | None = None) -> str:
    """The header value for ``body`` at ``timestamp`` (now when omitted)."""
    t = int(time.time()) if timestamp is None else timestamp
    digest = hmac.new(secret.encode(), f"{t}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={t},v1={digest}"


def verify(
    secret: str,
    body: bytes,
    header: str,
    tolerance: int = DEFAULT_TOLERANCE_SECONDS,
    now: int | None = None,
) -> bool:
    """Whether ``header`` signs ``body`` with ``secret``, within ``tolerance`` seconds."""
    parts = dict(p.split("=", 1) for p in header.split(",") if "=" in p)
    try:
        t = int(parts["t"])
    except (KeyError, ValueError):
        return False
    current = int(time.time()) if now is None else now
    if abs(current - t) > tolerance:
        return False
    expected = sign(secret, body, t).split(",v1=", 1)[1]
    return hmac.compare_digest(expected, parts.get("v1", ""))
