"""The event stream of a synthetic sample: each customer's own activity plus hard cases.

Each customer's identifiers are either *linked* (seen together with another of the
customer's identifiers at least once) or, at `isolated_rate`, *isolated* (only ever seen
alone, like a cookie that only browsed anonymously). Events are drafted with canonical
values and rendered last, so format noise and duplicate deliveries never change what
the events mean.
"""

from __future__ import annotations

import copy
import itertools
import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from graph_cdp.sample.people import (
    IdentifierFactory,
    SampleCustomer,
    assign_households,
    make_customers,
    render_value,
    uuid4,
)
from graph_cdp.sample.truth import Event, GroundTruth, SampleData, SharedIdentifier

DEFAULT_START = datetime(2024, 1, 1, tzinfo=UTC)
Ident = tuple[str, str]  # (kind, canonical value)
_Shared = dict[str, tuple[str, list[int]]]  # key -> (reason, customers who used it)

# Placeholders clerks type when a customer will not give an address; valid, and junk.
JUNK_EMAILS = (
    "test@test.com", "none@none.com", "noemail@noemail.com", "no@email.com", "na@na.com",
    "declined@declined.com",
)  # fmt: skip
# Each is rejected by any validator: no @-sign, nothing after it, two dots, too short.
MALFORMED = (
    ("email", "not-an-email"), ("email", "john.smith@"), ("email", "jane..doe@gmail.com"),
    ("phone", "12"), ("phone", "555-12"),
)  # fmt: skip
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
_NAMES = ("firstName", "lastName")
_TRAITS = {
    "login": _NAMES, "purchase": (*_NAMES, "city"), "store_purchase": _NAMES,
    "form_fill": (*_NAMES, "birthDate", "city"),
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

    def __init__(self, rng: random.Random, ids: IdentifierFactory, span_ms: int) -> None:
        self.rng = rng
        self.ids = ids
        self.span_ms = span_ms
        self.drafts: list[Draft] = []

    def add(
        self, who: SampleCustomer, type_: str, idents: list[Ident], channel: str | None = None
    ) -> Draft:
        rng = self.rng
        draft = Draft(
            message_id=uuid4(rng),
            author=who.index,
            at_ms=rng.randrange(self.span_ms),
            type=type_,
            channel=channel or _channel(rng, type_, idents),
            idents=idents,
            traits=who.traits(_TRAITS.get(type_, ())),
            properties=self._properties(type_),
        )
        self.drafts.append(draft)
        return draft

    def customer(self, who: SampleCustomer, isolated_rate: float, mean_events: float) -> None:
        """The customer's everyday events: anchors for linked identifiers, then a mix."""
        rng = self.rng
        linked: list[Ident] = []
        isolated: list[Ident] = []
        for ident in who.identifiers():
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


def generate(
    customers: int,
    seed: int,
    start: datetime = DEFAULT_START,
    *,
    events_per_customer: float = 8.0,
    days: int = 90,
    isolated_rate: float = 0.05,
    household_rate: float = 0.08,
    public_computer_rate: float = 0.002,
    junk_email_rate: float = 0.10,
    call_center_rate: float = 0.05,
    duplicate_rate: float = 0.02,
    identical_duplicate_share: float = 0.3,
    format_noise_rate: float = 0.15,
    malformed_rate: float = 0.01,
) -> SampleData:
    """A deterministic sample of `customers` people, their events and the ground truth.

    Rates are fractions: `household_rate` of customers live in households of 2-4 sharing
    a tablet; `public_computer_rate` public cookies per customer (at least one), each
    used by 5-40 customers; `junk_email_rate` of customers with a loyalty id or phone
    get a store purchase with a clerk's junk email; `call_center_rate` of customers call
    the one call-centre number; `duplicate_rate` of accepted events are delivered twice
    under one messageId (`identical_duplicate_share` of them byte-identical, the rest
    re-formatted); each email, phone and device id is written noisily at
    `format_noise_rate`; `malformed_rate` of customers send one event with a malformed
    identifier (listed in `truth.expected_rejects`).
    """
    if customers < 0 or days < 1 or events_per_customer < 1:
        raise ValueError("need customers >= 0, days >= 1 and events_per_customer >= 1")
    if start.tzinfo is None:
        raise ValueError("start must be timezone-aware")
    rng = random.Random(seed)
    ids = IdentifierFactory(rng)
    households = assign_households(rng, customers, household_rate)
    people = make_customers(rng, ids, customers, households)
    drafter = Drafter(rng, ids, days * 86_400_000)
    for who in people:
        drafter.customer(who, isolated_rate, events_per_customer)
    shared: _Shared = {}
    _household_tablets(drafter, people, households, shared)
    _public_computers(drafter, people, public_computer_rate, shared)
    _call_center(drafter, people, call_center_rate, shared)
    _junk_emails(drafter, people, junk_email_rate, shared)
    rejects = _malformed(drafter, people, malformed_rate)
    drafts = sorted(drafter.drafts, key=lambda d: (d.at_ms, d.message_id))
    events: list[Event] = []
    duplicated: list[str] = []
    refused = set(rejects)
    accepted = [n for n, draft in enumerate(drafts) if draft.message_id not in refused]
    redeliver = set(rng.sample(accepted, round(len(accepted) * duplicate_rate)))
    for n, draft in enumerate(drafts):
        event = render(rng, draft, start, format_noise_rate)
        events.append(event)
        if n in redeliver:
            duplicated.append(draft.message_id)
            same = rng.random() < identical_duplicate_share
            again = copy.deepcopy(event)  # never share nested dicts between two events
            if not same:
                again["identifiers"] = render(rng, draft, start, 1.0)["identifiers"]
            events.append(again)
    truth = GroundTruth.from_events(
        events,
        owner={key: who.index for who in people for key in who.identifier_keys()},
        shared={
            key: SharedIdentifier(key, reason, tuple(sorted(set(users))))
            for key, (reason, users) in shared.items()
        },
        expected_rejects=frozenset(rejects),
        duplicate_message_ids=frozenset(duplicated),
        authors={d.message_id: d.author for d in drafts},
    )
    return SampleData(seed=seed, events=events, customers=people, truth=truth)


def _share(shared: _Shared, key: str, reason: str, user: int) -> None:
    shared.setdefault(key, (reason, []))[1].append(user)


def _household_tablets(
    d: Drafter,
    people: list[SampleCustomer],
    households: list[list[int]],
    shared: _Shared,
) -> None:
    """Each family member uses the family tablet for their own logins, apps and mail."""
    for members in households:
        tablet = ("device_id", d.ids.uuid())
        for index in members:
            who = people[index]
            own = [i for i in who.identifiers() if i[0] in ("email", "customer_id")]
            for _ in range(d.rng.randint(1, 3)):
                type_ = d.rng.choice(("login", "app_open", "email_open"))
                mine = own[0] if type_ == "email_open" else d.rng.choice(own)
                d.add(who, type_, [tablet, mine], channel="mobile_app")
                _share(shared, f"device_id:{tablet[1]}", "household_device", index)


def _public_computers(
    d: Drafter, people: list[SampleCustomer], rate: float, shared: _Shared
) -> None:
    """A library computer: one browser cookie, many customers logging in on it."""
    if rate <= 0 or len(people) < 5:
        return
    for _ in range(max(1, round(len(people) * rate))):
        cookie = ("cookie_id", d.ids.cookie())
        for index in d.rng.sample(range(len(people)), d.rng.randint(5, min(40, len(people)))):
            who = people[index]
            d.add(who, "login", [cookie, ("email", d.rng.choice(who.emails))])
            _share(shared, f"cookie_id:{cookie[1]}", "public_cookie", index)


def _call_center(d: Drafter, people: list[SampleCustomer], rate: float, shared: _Shared) -> None:
    """Orders and tickets taken by phone, logged with the call centre's own number."""
    callers = d.rng.sample(range(len(people)), round(len(people) * rate))
    if not callers:
        return
    phone = ("phone", d.ids.phone())
    for index in callers:
        who = people[index]
        own = [i for i in who.identifiers() if i[0] in ("email", "customer_id")]
        for _ in range(d.rng.randint(1, 2)):
            type_ = d.rng.choice(("purchase", "form_fill"))
            d.add(who, type_, [d.rng.choice(own), phone], channel="call_center")
            _share(shared, f"phone:{phone[1]}", "call_center_phone", index)


def _junk_emails(d: Drafter, people: list[SampleCustomer], rate: float, shared: _Shared) -> None:
    """A clerk types a placeholder email next to the loyalty card or phone."""
    eligible = [who for who in people if who.loyalty_id or who.phone]
    for who in d.rng.sample(eligible, round(len(eligible) * rate)):
        kind, value = ("loyalty_id", who.loyalty_id) if who.loyalty_id else ("phone", who.phone)
        junk = d.rng.choice(JUNK_EMAILS)
        d.add(who, "store_purchase", [(kind, str(value)), ("email", junk)])
        _share(shared, f"email:{junk}", "junk_email", who.index)


def _malformed(d: Drafter, people: list[SampleCustomer], rate: float) -> list[str]:
    """Events with one malformed identifier next to one valid owned identifier."""
    rejects = []
    for index in d.rng.sample(range(len(people)), round(len(people) * rate)):
        who = people[index]
        bad = d.rng.choice(MALFORMED)
        valid = ("email", who.emails[0]) if bad[0] == "phone" else ("cookie_id", who.cookies[0])
        draft = d.add(who, "form_fill", [valid, bad])
        draft.noisy = False
        rejects.append(draft.message_id)
    return rejects
