"""Synthetic customers, their identifiers, and how people type those identifiers.

Every value a customer owns is generated in its canonical form (the form the product's
normalization produces): emails lower-case, phones E.164, device ids lower-case UUIDs.
Noise is added only when an identifier is rendered into an event (`render_value`).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


_FIRST_NAMES = _words(
    """James Mary Robert Patricia John Jennifer Michael Linda David Elizabeth William Barbara
    Richard Susan Joseph Jessica Thomas Sarah Charles Karen Daniel Lisa Matthew Nancy Anthony
    Sandra Mark Ashley Steven Emily Andrew Michelle Joshua Amanda Kevin Melissa Brian Stephanie
    Jose Maria Wei Priya Mohammed Aisha Hiroshi Yuki Carlos Sofia Liam Olivia Noah Emma Mateo
    Chloe"""
)
_LAST_NAMES = _words(
    """Smith Johnson Williams Brown Jones Garcia Miller Davis Rodriguez Martinez Hernandez Lopez
    Gonzalez Wilson Anderson Thomas Taylor Moore Jackson Martin Lee Perez Thompson White Harris
    Sanchez Clark Ramirez Lewis Robinson Walker Young Allen King Wright Scott Torres Nguyen Hill
    Flores Green Adams Nelson Baker Hall Rivera Campbell Mitchell Carter Roberts Chen Patel Kim
    O'Brien Smith-Jones Tanaka Khan Murphy"""
)
# City -> its real area codes, so a customer's phone usually matches where they live.
_CITIES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("New York", ("212", "646", "718")),
    ("Chicago", ("312", "773")),
    ("San Francisco", ("415",)),
    ("Boston", ("617",)),
    ("Houston", ("713", "832")),
    ("Seattle", ("206",)),
    ("Denver", ("303", "720")),
    ("Atlanta", ("404", "678")),
    ("Miami", ("305", "786")),
    ("Portland", ("503", "971")),
    ("Los Angeles", ("213", "310", "323")),
    ("Dallas", ("214", "972")),
    ("Philadelphia", ("215", "267")),
    ("Phoenix", ("602", "480")),
    ("Austin", ("512", "737")),
    ("Minneapolis", ("612",)),
    ("Nashville", ("615",)),
    ("Detroit", ("313",)),
    ("Pittsburgh", ("412",)),
    ("Las Vegas", ("702",)),
    ("Charlotte", ("704", "980")),
    ("Salt Lake City", ("801", "385")),
    ("Raleigh", ("919", "984")),
    ("Washington", ("202",)),
    ("St. Louis", ("314",)),
    ("Kansas City", ("816",)),
    ("New Orleans", ("504",)),
    ("San Diego", ("619", "858")),
)
AREA_CODES: tuple[str, ...] = tuple(code for _, codes in _CITIES for code in codes)
# Repeats weight the draw: most personal addresses are at the big providers.
_EMAIL_DOMAINS = _words(
    """gmail.com gmail.com gmail.com gmail.com yahoo.com yahoo.com outlook.com hotmail.com
    icloud.com aol.com proton.me comcast.net"""
)
_WORK_DOMAINS = _words("acme-corp.com globex.com initech.com umbrella.co hooli.io")
_BIRTH_FROM = date(1945, 1, 1)
_BIRTH_DAYS = (date(2006, 12, 31) - _BIRTH_FROM).days

SECOND_EMAIL_RATE = 0.15
PHONE_RATE = 0.70
CUSTOMER_ID_RATE = 0.75
LOYALTY_RATE = 0.40
SECOND_DEVICE_RATE = 0.40


@dataclass(frozen=True, slots=True)
class SampleCustomer:
    """One real person and the identifiers they own, all in canonical form."""

    index: int
    first_name: str
    last_name: str
    birth_date: date
    city: str
    emails: tuple[str, ...]
    phone: str | None
    customer_id: str | None
    loyalty_id: str | None
    devices: tuple[str, ...]
    cookies: tuple[str, ...]
    household: int | None = None

    def identifiers(self) -> list[tuple[str, str]]:
        """(kind, canonical value) of everything this customer owns, in a fixed order."""
        out = [("email", e) for e in self.emails]
        if self.phone is not None:
            out.append(("phone", self.phone))
        if self.customer_id is not None:
            out.append(("customer_id", self.customer_id))
        if self.loyalty_id is not None:
            out.append(("loyalty_id", self.loyalty_id))
        out.extend(("device_id", d) for d in self.devices)
        out.extend(("cookie_id", c) for c in self.cookies)
        return out

    def identifier_keys(self) -> list[str]:
        """Truth keys ("kind:value") of everything this customer owns."""
        return [f"{kind}:{value}" for kind, value in self.identifiers()]

    def traits(self, names: tuple[str, ...]) -> dict[str, Any]:
        """The named traits, as an event carries them."""
        values = {
            "firstName": self.first_name,
            "lastName": self.last_name,
            "birthDate": self.birth_date.isoformat(),
            "city": self.city,
        }
        return {name: values[name] for name in names}


class IdentifierFactory:
    """Draws unique identifier values; one per generated sample, sharing its rng."""

    def __init__(self, rng: random.Random) -> None:
        self._rng = rng
        # Membership tests only: iterating a str set would break determinism across runs.
        self._used: set[str] = set()
        self._serial = 0

    def _unique(self, value: str) -> bool:
        if value in self._used:
            return False
        self._used.add(value)
        return True

    def phone(self, area_codes: tuple[str, ...] = AREA_CODES) -> str:
        """A valid US number in E.164: real NPA, NXX 2-9xx that is neither N11 nor 555."""
        rng = self._rng
        while True:
            nxx = rng.randrange(200, 1000)
            if nxx % 100 == 11 or nxx == 555:
                continue
            value = f"+1{rng.choice(area_codes)}{nxx}{rng.randrange(10_000):04d}"
            if self._unique(value):
                return value

    def uuid(self) -> str:
        while True:
            value = uuid4(self._rng)
            if self._unique(value):
                return value

    def cookie(self) -> str:
        while True:
            value = f"{self._rng.getrandbits(80):020x}"
            if self._unique(value):
                return value

    def loyalty_id(self) -> str:
        while True:
            value = f"acme:{self._rng.randrange(10_000_000, 100_000_000)}"
            if self._unique(value):
                return value

    def serial(self) -> int:
        self._serial += 1
        return self._serial

    def email(self, first: str, last: str, birth: date, *, work: bool = False) -> str:
        rng = self._rng
        f, l_ = _ascii(first), _ascii(last)
        local = rng.choice((f"{f}.{l_}", f"{f}{l_}", f"{f[0]}{l_}", f"{f}_{l_}", f"{l_}.{f}"))
        if rng.random() < 0.5:
            local += rng.choice((str(birth.year % 100).zfill(2), str(rng.randrange(1, 1000))))
        domain = rng.choice(_WORK_DOMAINS if work else _EMAIL_DOMAINS)
        value = f"{local}@{domain}"
        while not self._unique(value):
            value = f"{local}{rng.randrange(1, 10_000)}@{domain}"
        return value


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


def make_customers(
    rng: random.Random, ids: IdentifierFactory, count: int, households: list[list[int]]
) -> list[SampleCustomer]:
    """`count` customers; members of each household share a last name and a city."""
    family: dict[int, tuple[int, str, int]] = {}
    for number, members in enumerate(households):
        last, city = rng.choice(_LAST_NAMES), rng.randrange(len(_CITIES))
        for index in members:
            family[index] = (number, last, city)
    return [_make_customer(rng, ids, index, family.get(index)) for index in range(count)]


def _make_customer(
    rng: random.Random, ids: IdentifierFactory, index: int, family: tuple[int, str, int] | None
) -> SampleCustomer:
    first = rng.choice(_FIRST_NAMES)
    if family is None:
        household, last, city_no = None, rng.choice(_LAST_NAMES), rng.randrange(len(_CITIES))
    else:
        household, last, city_no = family
    city, area_codes = _CITIES[city_no]
    birth = _BIRTH_FROM + timedelta(days=rng.randrange(_BIRTH_DAYS))
    emails = [ids.email(first, last, birth)]
    if rng.random() < SECOND_EMAIL_RATE:
        emails.append(ids.email(first, last, birth, work=rng.random() < 0.5))
    phone = None
    if rng.random() < PHONE_RATE:
        # People move: one phone in five keeps an area code from elsewhere.
        phone = ids.phone(area_codes if rng.random() < 0.8 else AREA_CODES)
    customer_id = f"cust_{ids.serial():08d}" if rng.random() < CUSTOMER_ID_RATE else None
    loyalty_id = ids.loyalty_id() if rng.random() < LOYALTY_RATE else None
    devices = [ids.uuid() for _ in range(2 if rng.random() < SECOND_DEVICE_RATE else 1)]
    cookies = [ids.cookie() for _ in range(rng.randint(1, 3))]
    return SampleCustomer(
        index=index,
        first_name=first,
        last_name=last,
        birth_date=birth,
        city=city,
        emails=tuple(emails),
        phone=phone,
        customer_id=customer_id,
        loyalty_id=loyalty_id,
        devices=tuple(devices),
        cookies=tuple(cookies),
        household=household,
    )


def uuid4(rng: random.Random) -> str:
    """A random (version 4) UUID drawn from `rng`; `uuid.uuid4` would ignore the seed."""
    bits = rng.getrandbits(128)
    bits = (bits & ~(0xF000 << 64) & ~(0xC000 << 48)) | (0x4000 << 64) | (0x8000 << 48)
    h = f"{bits:032x}"
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def _ascii(name: str) -> str:
    return "".join(ch for ch in name.lower() if ch.isascii() and ch.isalnum())


def render_value(rng: random.Random, kind: str, value: str) -> str:
    """How a person, a form or a clerk might type the canonical `value` instead."""
    if kind == "email":
        local, _, domain = value.partition("@")
        style = rng.randrange(4)
        if style == 0:
            text = value.upper()
        elif style == 1:
            text = f"{'.'.join(p.capitalize() for p in local.split('.'))}@{domain.title()}"
        else:
            text = "".join(ch.upper() if rng.random() < 0.3 else ch for ch in value)
        text = " " * rng.randint(0, 2) + text + " " * rng.randint(0, 2)
        # Noise must be visible, or noise-rate checks would count clean values as noisy.
        return text if text != value else f" {value}"
    if kind == "phone":
        npa, nxx, line = value[2:5], value[5:8], value[8:]
        return rng.choice(
            (
                f"({npa}) {nxx}-{line}",
                f"+1 {npa} {nxx} {line}",
                f"{npa}.{nxx}.{line}",
                f"{npa}-{nxx}-{line}",
                f"1-{npa}-{nxx}-{line}",
                f"{npa}{nxx}{line}",
            )
        )
    if kind == "device_id":
        return value.upper()
    return value
