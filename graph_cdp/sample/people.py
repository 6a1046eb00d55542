"""Synthetic customers, their identifiers, and how people type those identifiers.

Every value a customer owns is generated in its canonical form (the form the product's
normalization produces): emails lower-case, phones E.164, device ids lower-case UUIDs.
Noise is added only when an identifier is rendered into an event (`render_value`);
how people write their traits (nicknames, date formats, street suffixes, typos) is in
`traits.py`.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

from graph_cdp.resolution.names import first_name_forms, fold, same_first_name


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


_FIRST_NAMES = _words(
    """James Mary Robert Patricia John Jennifer Michael Linda David Elizabeth William Barbara
    Richard Susan Joseph Jessica Thomas Sarah Charles Karen Daniel Lisa Matthew Nancy Anthony
    Sandra Mark Ashley Steven Emily Andrew Michelle Joshua Amanda Kevin Melissa Brian Stephanie
    Jose Maria Wei Priya Mohammed Aisha Hiroshi Yuki Carlos Sofia Liam Olivia Noah Emma Mateo
    Chloe Timothy Katherine"""
)
_LAST_NAMES = _words(
    """Smith Johnson Williams Brown Jones Garcia Miller Davis Rodriguez Martinez Hernandez Lopez
    Gonzalez Wilson Anderson Thomas Taylor Moore Jackson Martin Lee Perez Thompson White Harris
    Sanchez Clark Ramirez Lewis Robinson Walker Young Allen King Wright Scott Torres Nguyen Hill
    Flores Green Adams Nelson Baker Hall Rivera Campbell Mitchell Carter Roberts Chen Patel Kim
    O'Brien Smith-Jones Tanaka Khan Murphy"""
)
# City -> its real area codes (so a customer's phone usually matches where they live),
# its state and the first three digits of its ZIP codes.
_CITIES: tuple[tuple[str, tuple[str, ...], str, str], ...] = (
    ("New York", ("212", "646", "718"), "NY", "100"),
    ("Chicago", ("312", "773"), "IL", "606"),
    ("San Francisco", ("415",), "CA", "941"),
    ("Boston", ("617",), "MA", "021"),
    ("Houston", ("713", "832"), "TX", "770"),
    ("Seattle", ("206",), "WA", "981"),
    ("Denver", ("303", "720"), "CO", "802"),
    ("Atlanta", ("404", "678"), "GA", "303"),
    ("Miami", ("305", "786"), "FL", "331"),
    ("Portland", ("503", "971"), "OR", "972"),
    ("Los Angeles", ("213", "310", "323"), "CA", "900"),
    ("Dallas", ("214", "972"), "TX", "752"),
    ("Philadelphia", ("215", "267"), "PA", "191"),
    ("Phoenix", ("602", "480"), "AZ", "850"),
    ("Austin", ("512", "737"), "TX", "787"),
    ("Minneapolis", ("612",), "MN", "554"),
    ("Nashville", ("615",), "TN", "372"),
    ("Detroit", ("313",), "MI", "482"),
    ("Pittsburgh", ("412",), "PA", "152"),
    ("Las Vegas", ("702",), "NV", "891"),
    ("Charlotte", ("704", "980"), "NC", "282"),
    ("Salt Lake City", ("801", "385"), "UT", "841"),
    ("Raleigh", ("919", "984"), "NC", "276"),
    ("Washington", ("202",), "DC", "200"),
    ("St. Louis", ("314",), "MO", "631"),
    ("Kansas City", ("816",), "MO", "641"),
    ("New Orleans", ("504",), "LA", "701"),
    ("San Diego", ("619", "858"), "CA", "921"),
)
AREA_CODES: tuple[str, ...] = tuple(code for _, codes, _, _ in _CITIES for code in codes)
_STREETS = _words(
    """Main Oak Maple Cedar Pine Elm Washington Lake Hill Park Sunset Lincoln Jackson Church
    Highland Madison Franklin Ridge Spring Walnut Chestnut Willow Jefferson River Forest"""
)
# Canonical suffixes; traits.py writes them the many ways people do.
STREET_SUFFIXES = ("Street", "Avenue", "Road", "Drive", "Lane", "Boulevard", "Court", "Place")
_POSTAL_CODES_PER_CITY = 30  # few enough that namesakes and neighbours share them
# Repeats weight the draw: most personal addresses are at the big providers.
_EMAIL_DOMAINS = _words(
    """gmail.com gmail.com gmail.com gmail.com yahoo.com yahoo.com outlook.com hotmail.com
    icloud.com aol.com proton.me comcast.net"""
)
_WORK_DOMAINS = _words("acme-corp.com globex.com initech.com umbrella.co hooli.io")
_DOMAIN_TYPOS = {
    "gmail.com": "gmial.com", "yahoo.com": "yaho.com", "outlook.com": "outlok.com",
    "hotmail.com": "hotmial.com", "icloud.com": "iclod.com", "aol.com": "aol.co",
    "proton.me": "prtonmail.me", "comcast.net": "comcast.ne",
}  # fmt: skip
_BIRTH_FROM = date(1945, 1, 1)
_BIRTH_DAYS = (date(2006, 12, 31) - _BIRTH_FROM).days

SECOND_EMAIL_RATE = 0.15
SECOND_DEVICE_RATE = 0.40
SENIOR_BORN_BY = date(1972, 12, 31)
JUNIOR_AFTER = (24, 34)  # years between a senior and a junior of the same name


@dataclass(frozen=True, slots=True)
class Address:
    street: str  # canonical: "12 Oak Street"
    city: str
    postal_code: str
    state: str
    country: str = "US"


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
    address: Address | None = None
    nickname: str | None = None  # another form of the first name they sometimes write
    # Mailboxes read only on their own devices (never with a customer id or a phone).
    personal_emails: tuple[str, ...] = ()
    # The store side of a cross-channel person: a loyalty signup with identifiers that
    # their web side never shows (a loyalty id, another phone or a mistyped email).
    store_identifiers: tuple[tuple[str, str], ...] = ()

    def everyday(self) -> list[tuple[str, str]]:
        """(kind, canonical value) of what their everyday events draw from."""
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

    def identifiers(self) -> list[tuple[str, str]]:
        """(kind, canonical value) of everything this customer owns, in a fixed order."""
        return (
            self.everyday()
            + [("email", e) for e in self.personal_emails]
            + list(self.store_identifiers)
        )

    def store_keys(self) -> frozenset[str]:
        return frozenset(f"{kind}:{value}" for kind, value in self.store_identifiers)

    def identifier_keys(self) -> list[str]:
        """Truth keys ("kind:value") of everything this customer owns."""
        return [f"{kind}:{value}" for kind, value in self.identifiers()]


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
        return self._claim(local, domain)

    def personal_email(self, first: str, last: str, birth: date) -> str:
        """Another mailbox of the same person: "gonzalez.tim@..." beside "tim.gonzalez@..."."""
        rng = self._rng
        f, l_ = _ascii(first), _ascii(last)
        local = rng.choice(
            (f"{l_}.{f}", f"{f}.{l_}", f"{f}{l_}{birth.year % 100:02d}", f"{f[0]}.{l_}", f"{l_}{f}")
        )
        return self._claim(local, rng.choice(_EMAIL_DOMAINS))

    def mistyped_email(self, email: str) -> str:
        """``email`` as a clerk might mistype it: a dropped or swapped letter, a domain typo."""
        rng = self._rng
        local, _, domain = email.partition("@")
        style = rng.randrange(3)
        if style == 0 and domain in _DOMAIN_TYPOS:
            domain = _DOMAIN_TYPOS[domain]
        elif len(local) > 3:
            at = rng.randrange(1, len(local) - 1)
            if style == 1 or local[at] == local[at + 1]:
                local = local[:at] + local[at + 1 :]  # a dropped letter
            else:
                local = local[:at] + local[at + 1] + local[at] + local[at + 2 :]
        else:
            local += local[-1]
        return self._claim(local.strip(".") or local, domain)

    def _claim(self, local: str, domain: str) -> str:
        value = f"{local}@{domain}"
        while not self._unique(value):
            value = f"{local}{self._rng.randrange(1, 10_000)}@{domain}"
        return value

    def address(self, city_no: int) -> Address:
        rng = self._rng
        city, _, state, zip3 = _CITIES[city_no]
        street = f"{rng.randrange(1, 2500)} {rng.choice(_STREETS)} {rng.choice(STREET_SUFFIXES)}"
        zip_code = f"{zip3}{rng.randrange(_POSTAL_CODES_PER_CITY):02d}"
        return Address(street=street, city=city, postal_code=zip_code, state=state)


def city_count() -> int:
    return len(_CITIES)


def city_number(city: str) -> int:
    return next(n for n, row in enumerate(_CITIES) if row[0] == city)


def area_codes_of(city_no: int) -> tuple[str, ...]:
    return _CITIES[city_no][1]


def draw_first_name(rng: random.Random, unlike: tuple[str, ...] = ()) -> str:
    """A first name that is none of ``unlike`` nor a nickname of one (siblings, twins)."""
    while True:
        name = rng.choice(_FIRST_NAMES)
        if not any(same_first_name(name, other) for other in unlike):
            return name


def draw_last_name(rng: random.Random) -> str:
    return rng.choice(_LAST_NAMES)


def draw_birth(rng: random.Random, latest: date | None = None) -> date:
    days = _BIRTH_DAYS if latest is None else (latest - _BIRTH_FROM).days
    return _BIRTH_FROM + timedelta(days=rng.randrange(days))


def nickname_of(rng: random.Random, first: str) -> str | None:
    """Another form of ``first`` from the nicknames table the product uses, if it has one."""
    forms = sorted(first_name_forms(first) - {fold(first)})
    return rng.choice(forms).capitalize() if forms else None


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
