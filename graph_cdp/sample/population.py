"""Who the sample's customers are: households, the four traps, and split persons.

The traps are pairs of different people that look alike and must never merge (each pair
is listed in the truth as a `TrapPair`):

- ``family``: members of one household (same last name and address, another first
  name and birth date), who share the household tablet;
- ``junior_senior``: two members of one household with the same first and last name,
  born 24-34 years apart;
- ``twin``: two members of one household born on the same day, other first names;
- ``namesake``: two people with the same first and last name in one postal code (other
  street, other birth date), who share nothing else.

"Another first name" is never a nickname of the other (Emily and Emma are one name to
the product): a trap must be a pair the evidence can tell apart.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, replace
from datetime import date

from graph_cdp.sample.people import (
    AREA_CODES,
    JUNIOR_AFTER,
    SECOND_DEVICE_RATE,
    SECOND_EMAIL_RATE,
    SENIOR_BORN_BY,
    IdentifierFactory,
    SampleCustomer,
    area_codes_of,
    city_count,
    city_number,
    draw_birth,
    draw_first_name,
    draw_last_name,
    nickname_of,
)

PHONE_RATE = 0.70
CUSTOMER_ID_RATE = 0.75
LOYALTY_RATE = 0.40
TRAP_KINDS = ("family", "junior_senior", "twin", "namesake")


@dataclass(frozen=True, slots=True)
class TrapPair:
    kind: str  # one of TRAP_KINDS
    a: int  # customer indices, a < b
    b: int


@dataclass(frozen=True, slots=True)
class Mix:
    """The rates of the grown cases (see `generate` for what each means)."""

    nickname_rate: float = 0.30
    personal_email_rate: float = 0.08
    cross_channel_rate: float = 0.05
    namesake_rate: float = 0.01
    junior_senior_share: float = 0.10
    twin_share: float = 0.10


@dataclass(frozen=True, slots=True)
class _Like:
    """Who a customer is drawn after, and how (a trap or a household member)."""

    kind: str
    of: int
    household: int | None = None


def assign_households(rng: random.Random, customers: int, rate: float) -> list[list[int]]:
    """Groups of 2-4 customer indices covering about `rate` of all customers."""
    pool = rng.sample(range(customers), min(customers, round(customers * rate)))
    households: list[list[int]] = []
    while len(pool) >= 2:
        size = min(rng.randint(2, 4), len(pool))
        if len(pool) - size == 1:
            size += 1  # never leave one person alone at the end
        households.append(sorted(pool[:size]))
        del pool[:size]
    return households


def _plan(
    rng: random.Random, count: int, households: list[list[int]], mix: Mix
) -> tuple[dict[int, _Like], list[TrapPair]]:
    plan: dict[int, _Like] = {}
    traps: list[TrapPair] = []
    for number, members in enumerate(households):
        head, *rest = members
        roll = rng.random()
        special = (
            "junior_senior"
            if roll < mix.junior_senior_share
            else "twin"
            if roll < mix.junior_senior_share + mix.twin_share
            else None
        )
        plan[head] = _Like("senior" if special == "junior_senior" else "head", head, number)
        for n, index in enumerate(rest):
            kind = special if n == 0 and special else "family"
            plan[index] = _Like(kind, head, number)
        for i, a in enumerate(members):
            for b in members[i + 1 :]:
                kind = special if special and a == head and b == rest[0] else "family"
                traps.append(TrapPair(kind, a, b))
    alone = [i for i in range(count) if i not in plan]
    pairs = min(len(alone) // 2, round(count * mix.namesake_rate))
    chosen = rng.sample(alone, 2 * pairs)
    for a, b in zip(chosen[::2], chosen[1::2], strict=True):
        a, b = min(a, b), max(a, b)
        plan[b] = _Like("namesake", a)
        traps.append(TrapPair("namesake", a, b))
    return plan, sorted(traps, key=lambda t: (t.a, t.b))


def make_customers(
    rng: random.Random,
    ids: IdentifierFactory,
    count: int,
    households: list[list[int]],
    mix: Mix,
) -> tuple[list[SampleCustomer], list[TrapPair]]:
    """`count` customers; households share a last name and an address; traps planted."""
    plan, traps = _plan(rng, count, households, mix)
    out: list[SampleCustomer] = []
    for index in range(count):
        like = plan.get(index)
        out.append(_make_customer(rng, ids, index, like, out, mix))
    return out, traps


def _make_customer(
    rng: random.Random,
    ids: IdentifierFactory,
    index: int,
    like: _Like | None,
    earlier: list[SampleCustomer],
    mix: Mix,
) -> SampleCustomer:
    model = earlier[like.of] if like is not None and like.of != index else None
    household = like.household if like is not None else None
    born: date | None = None
    if like is None or model is None:
        first, last = draw_first_name(rng), draw_last_name(rng)
        city_no = rng.randrange(city_count())
        address = ids.address(city_no)
        # A senior's junior, drawn later, is born decades after.
        senior = like is not None and like.kind == "senior"
        born = draw_birth(rng, SENIOR_BORN_BY if senior else None)
    else:
        assert model.address is not None
        address = model.address
        city_no = city_number(address.city)
        last = model.last_name
        if like.kind == "junior_senior":
            first = model.first_name
            born = _years_after(model.birth_date, rng.randint(*JUNIOR_AFTER))
        elif like.kind == "namesake":
            first = model.first_name
            address = replace(ids.address(city_no), postal_code=address.postal_code)
            while born is None or born == model.birth_date:
                born = draw_birth(rng)
        else:
            family = tuple(c.first_name for c in earlier if c.household == household)
            first = draw_first_name(rng, unlike=family)
            born = model.birth_date if like.kind == "twin" else draw_birth(rng)
    area_codes = area_codes_of(city_no)
    emails = [ids.email(first, last, born)]
    if rng.random() < SECOND_EMAIL_RATE:
        emails.append(ids.email(first, last, born, work=rng.random() < 0.5))
    phone = None
    if rng.random() < PHONE_RATE:
        # People move: one phone in five keeps an area code from elsewhere.
        phone = ids.phone(area_codes if rng.random() < 0.8 else AREA_CODES)
    customer_id = f"cust_{ids.serial():08d}" if rng.random() < CUSTOMER_ID_RATE else None
    loyalty_id = ids.loyalty_id() if rng.random() < LOYALTY_RATE else None
    devices = [ids.uuid() for _ in range(2 if rng.random() < SECOND_DEVICE_RATE else 1)]
    cookies = [ids.cookie() for _ in range(rng.randint(1, 3))]
    nickname = nickname_of(rng, first) if rng.random() < mix.nickname_rate else None
    personal: list[str] = []
    if rng.random() < mix.personal_email_rate:
        for _ in range(2 if rng.random() < 0.3 else 1):
            personal.append(ids.personal_email(rng.choice((first, nickname or first)), last, born))
    store: tuple[tuple[str, str], ...] = ()
    if rng.random() < mix.cross_channel_rate:
        # The store side: a new loyalty card and a phone or email the web never shows.
        loyalty_id = None
        contact = (
            ("phone", ids.phone(area_codes))
            if rng.random() < 0.5
            else ("email", ids.mistyped_email(emails[0]))
        )
        store = (("loyalty_id", ids.loyalty_id()), contact)
    return SampleCustomer(
        index=index,
        first_name=first,
        last_name=last,
        birth_date=born,
        city=address.city,
        emails=tuple(emails),
        phone=phone,
        customer_id=customer_id,
        loyalty_id=loyalty_id,
        devices=tuple(devices),
        cookies=tuple(cookies),
        household=household,
        address=address,
        nickname=nickname,
        personal_emails=tuple(personal),
        store_identifiers=store,
    )


def _years_after(born: date, years: int) -> date:
    try:
        return born.replace(year=born.year + years)
    except ValueError:  # 29 February in a year without one
        return born.replace(year=born.year + years, day=28)
