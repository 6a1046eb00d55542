"""The event stream of a synthetic sample: each customer's own activity plus hard cases.

Each customer's identifiers are either *linked* (seen together with another of the
customer's identifiers at least once) or, at `isolated_rate`, *isolated* (only ever seen
alone, like a cookie that only browsed anonymously). Events are drafted with canonical
values and rendered last, so format noise and duplicate deliveries never change what
the events mean. The hard cases beside everyday life are in `cases.py`.
"""

from __future__ import annotations

import itertools
import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from graph_cdp.sample.people import SampleCustomer, render_value, uuid4
from graph_cdp.sample.traits import ADDRESS, BIRTHDAY, CITY, NAMES, web_traits
from graph_cdp.sample.truth import Event

if TYPE_CHECKING:
    from graph_cdp.sample.people import IdentifierFactory

DEFAULT_START = datetime(2024, 1, 1, tzinfo=UTC)
Ident = tuple[str, str]  # (kind, canonical value)
# (type, channel, slots): a slot names the kinds that may fill it. A "?" slot is filled
# whenever the customer has a linked identifier for it, a "~" slot only sometimes.
_TEMPLATES: dict[str, tuple[str, tuple[str, ...]]] = {
    "page_view": ("web", ("cookie_id",)),
    "login": ("web", ("cookie_id", "email", "?customer_id")),
    "purchase": ("web", ("customer_id|email", "cookie_id|device_id")),
    "email_open": ("email", ("email", "~device_id")),
    "app_open": ("mobile_app", ("device_id", "customer_id|email")),
    "form_fill": ("web", ("email", "?phone", "cookie_id")),
    "store_purchase": ("store", ("loyalty_id", "phone|email")),
}
# slot -> (chance to fill it when possible, None if required; the kinds it takes)
_SLOTS: dict[str, tuple[float | None, tuple[str, ...]]] = {
    slot: ({"?": 1.0, "~": 0.4}.get(slot[0]), tuple(slot.lstrip("?~").split("|")))
    for _, slots in _TEMPLATES.values()
    for slot in slots
}
_MIX = {  # weights of the everyday event types
    "page_view": 40, "login": 13, "purchase": 12, "email_open": 15, "app_open": 12,
    "form_fill": 6, "store_purchase": 12,
}  # fmt: skip
_MIX_TYPES = tuple(_MIX)
_MIX_CUMULATIVE = tuple(itertools.accumulate(_MIX.values()))
# What an identifier seen alone looks like: an anonymous visit, an unknown app user...
_SOLO = {
    "cookie_id": "page_view", "email": "email_open", "device_id": "app_open",
    "phone": "store_purchase", "loyalty_id": "store_purchase", "customer_id": "purchase",
}  # fmt: skip
_TRAITS = {
    "login": (NAMES,), "purchase": (NAMES, CITY), "store_purchase": (NAMES,),
    "form_fill": (NAMES, BIRTHDAY, ADDRESS),
}  # fmt: skip
# kind -> the event types with a slot for it
_ANCHORS = {
    kind: tuple(
        t for t, (_, slots) in _TEMPLATES.items() if any(kind in _SLOTS[s][1] for s in slots)
    )
    for kind in _SOLO
}
_NOISY = frozenset(("email", "phone", "device_id"))  # the kinds people write many ways
_PATHS = ("/", "/sale", "/products/shoes", "/products/jackets", "/cart", "/help", "/blog")


@dataclass(slots=True)
class Draft:
    """An event before rendering: canonical identifiers, time as ms after the start."""

    message_id: str
    author: int
    at_ms: int
    type: str
    channel: str
    idents: list[Ident]
    traits: dict[str, Any]
    properties: dict[str, Any]
    noisy: bool = True  # False keeps malformed values exactly as written


class Drafter:
    """Writes the drafts of one sample; every draw comes from the sample's rng."""

    def __init__(
        self, rng: random.Random, ids: IdentifierFactory, span_ms: int, nameless_rate: float = 0.0
    ) -> None:
        self.rng = rng
        self.ids = ids
        self.span_ms = span_ms
        self.nameless_rate = nameless_rate
        self.drafts: list[Draft] = []

    def add(
        self,
        who: SampleCustomer,
        type_: str,
        idents: list[Ident],
        channel: str | None = None,
        traits: dict[str, Any] | None = None,
    ) -> Draft:
        rng = self.rng
        if traits is None:
            traits = web_traits(rng, who, _TRAITS.get(type_, ()))
            if "firstName" in traits and rng.random() < self.nameless_rate:
                del traits["firstName"], traits["lastName"]  # the form did not ask
        draft = Draft(
            message_id=uuid4(rng),
            author=who.index,
            at_ms=rng.randrange(self.span_ms),
            type=type_,
            channel=channel or _channel(rng, type_, idents),
            idents=idents,
            traits=traits,
            properties=self._properties(type_),
        )
        self.drafts.append(draft)
        return draft

    def customer(self, who: SampleCustomer, isolated_rate: float, mean_events: float) -> None:
        """The customer's everyday events: anchors for linked identifiers, then a mix."""
        rng = self.rng
        linked: list[Ident] = []
        isolated: list[Ident] = []
        for ident in who.everyday():
            (isolated if rng.random() < isolated_rate else linked).append(ident)
        covered: set[Ident] = set()
        anchors = 0
        for ident in linked:
            if ident in covered:
                continue
            # A weighted random order (Efraimidis-Spirakis keys): common types anchor most.
            types = sorted(_ANCHORS[ident[0]], key=lambda t: -(rng.random() ** (1 / _MIX[t])))
            for type_ in types:
                idents = _fill(rng, type_, linked, must=ident, prefer=covered)
                if idents is not None and len(idents) > 1:
                    self.add(who, type_, idents)
                    covered.update(idents)
                    anchors += 1
                    break
        # No partner could be found for these: they are isolated after all.
        isolated += [i for i in linked if i not in covered]
        linked = [i for i in linked if i in covered]
        for ident in isolated:
            self.add(who, _SOLO[ident[0]], [ident])
        # Uniform on [k, 2m-k] has mean m whatever the k events already written.
        written = anchors + len(isolated)
        target = rng.randint(written, max(written, round(2 * mean_events) - written))
        everything = linked + isolated
        for _ in range(target - written):
            type_ = rng.choices(_MIX_TYPES, cum_weights=_MIX_CUMULATIVE)[0]
            idents = _fill(rng, type_, linked)
            if idents is None:
                ident = rng.choice(everything)
                type_, idents = _SOLO[ident[0]], [ident]
            elif len(idents) == 1:
                # Seen alone, so an isolated identifier of the same kind may be the one.
                kind = idents[0][0]
                idents = [rng.choice([i for i in everything if i[0] == kind])]
            self.add(who, type_, idents)

    def _properties(self, type_: str) -> dict[str, Any]:
        rng = self.rng
        if type_ == "page_view":
            return {"path": rng.choice(_PATHS)}
        if type_ == "login":
            return {"method": rng.choice(("password", "password", "magic_link", "sso"))}
        if type_ in ("purchase", "store_purchase"):
            props: dict[str, Any] = {
                "orderId": f"o-{self.ids.serial():09d}",
                "amount": rng.randrange(500, 40_000) / 100,
                "currency": "USD",
            }
            if type_ == "store_purchase":
                props["storeId"] = f"store-{rng.randrange(1, 120):03d}"
            return props
        if type_ == "email_open":
            return {"campaign": rng.choice(("spring-sale", "welcome", "newsletter", "winback"))}
        if type_ == "loyalty_signup":
            return {"storeId": f"store-{rng.randrange(1, 120):03d}", "program": "acme"}
        if type_ == "app_open":
            return {"os": rng.choice(("ios", "android")), "appVersion": "4.2.1"}
        return {"form": rng.choice(("newsletter", "contact", "warranty", "survey"))}


def _channel(rng: random.Random, type_: str, idents: list[Ident]) -> str:
    if type_ == "page_view" and rng.random() < 0.15:
        return "social"  # arrived from a social ad: same cookie, another channel
    if type_ == "purchase" and any(kind == "device_id" for kind, _ in idents):
        return "mobile_app"
    return _TEMPLATES[type_][0]


def _fill(
    rng: random.Random,
    type_: str,
    pool: list[Ident],
    must: Ident | None = None,
    prefer: set[Ident] | None = None,
) -> list[Ident] | None:
    """Identifiers for one `type_` event from `pool`, or None when a slot cannot be filled.

    Partners from `prefer` win when a slot allows them, so each anchor joins the
    customer's growing cluster instead of starting a separate one.
    """
    out: list[Ident] = []
    placed = must is None
    for slot in _TEMPLATES[type_][1]:
        chance, kinds = _SLOTS[slot]
        if not placed and must is not None and must[0] in kinds:
            out.append(must)
            placed = True
            continue
        choices = [i for i in pool if i[0] in kinds and i != must]
        if prefer:
            choices = [i for i in choices if i in prefer] or choices
        if chance is None and not choices:
            return None
        if choices and (chance is None or chance == 1.0 or rng.random() < chance):
            out.append(rng.choice(choices))
    return out if placed else None


def render(rng: random.Random, draft: Draft, start: datetime, noise_rate: float) -> Event:
    """The API's EventInput for a draft; emails, phones and device ids noisy at `noise_rate`.

    The event shares the draft's traits and properties dicts: render a draft once, or copy.
    """
    at = start + timedelta(milliseconds=draft.at_ms)
    return {
        "messageId": draft.message_id,
        "type": draft.type,
        "channel": draft.channel,
        "timestamp": at.isoformat(timespec="milliseconds"),
        "identifiers": [
            {
                "kind": kind,
                "value": render_value(rng, kind, value)
                if draft.noisy and kind in _NOISY and rng.random() < noise_rate
                else value,
            }
            for kind, value in draft.idents
        ],
        "traits": draft.traits,
        "properties": draft.properties,
    }
