"""A sample grown with what real sources also send: invalid phones and junk fields.

:func:`dirty` takes a sample's events and returns copies in which, at
``invalid_phone_rate``, an event carries one more phone that no validator accepts (an
unassigned area code, a number typed short: about 4 % of web-form events), and, at
``junk_field_rate``, fields the event model does not know (Segment's ``integrations``,
``sentAt``, ``version``, a ``userAgent``, a mistyped field name) and a ``context``.

What the events mean is unchanged: an invalid phone links nothing and belongs to no
one, and unknown fields are not identity, so the sample's ground truth holds as it is.
Redeliveries stay byte-identical when they were (one random draw per message id).
"""

from __future__ import annotations

import copy
import random
from collections.abc import Mapping, Sequence
from typing import Any

# Each fails phonenumbers' validation and none is a placeholder (see test_sample).
INVALID_PHONES = (
    "+1 999 555 0123", "+1 212 555 01", "(415) 000-1234", "555-12345", "+44 20 7946 09",
    "+1 311 555 2368", "+1 (211) 555-0147",
)  # fmt: skip
_USER_AGENTS = ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X)", "okhttp/4.12.0")


def _junk(rng: random.Random, event: Mapping[str, Any]) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "integrations": {"All": True, "Mixpanel": rng.random() < 0.5},
        "sentAt": event.get("timestamp"),
        "version": rng.choice((1, 2, "1.1")),
        "context": {"ip": f"203.0.113.{rng.randint(1, 254)}", "locale": "en-US"},
    }
    pick = rng.random()
    if pick < 0.3:
        fields["userAgent"] = rng.choice(_USER_AGENTS)
    elif pick < 0.5:
        fields["propertes"] = {"typo": True}  # a mistyped field: kept, never a rejection
    return fields


def dirty(
    events: Sequence[Mapping[str, Any]],
    *,
    seed: int = 0,
    invalid_phone_rate: float = 0.04,
    junk_field_rate: float = 0.3,
) -> list[dict[str, Any]]:
    """Copies of ``events`` with invalid phones and junk fields (see the module doc)."""
    plan: dict[str, tuple[str | None, bool]] = {}
    rng = random.Random(seed)
    out: list[dict[str, Any]] = []
    for event in events:
        message_id = str(event["messageId"])
        if message_id not in plan:
            phone = rng.choice(INVALID_PHONES) if rng.random() < invalid_phone_rate else None
            plan[message_id] = (phone, rng.random() < junk_field_rate)
        phone, junk = plan[message_id]
        grown = copy.deepcopy(dict(event))
        if phone is not None:
            grown["identifiers"] = [*grown["identifiers"], {"kind": "phone", "value": phone}]
        if junk:
            grown.update(_junk(random.Random(f"{seed}:{message_id}"), grown))
        out.append(grown)
    return out
