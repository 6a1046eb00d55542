"""How people write their traits, under Segment's reserved trait names.

Segment's reserved identify traits (``firstName``, ``lastName``, ``birthday``,
``address {street, city, postalCode, state, country}``, ``phone``, ``email``) are what
the product's standardisation reads. Web forms write a customer's traits cleanly, in a
date format of the form's choosing and sometimes under a nickname; a clerk typing a
loyalty signup in a store adds typos, swaps day and month, and abbreviates the street
suffix (``St`` / ``Street``).
"""

from __future__ import annotations

import random
from datetime import date
from typing import Any

from graph_cdp.sample.people import STREET_SUFFIXES, SampleCustomer, render_value

# strftime patterns of the formats people type; the product reads all of them (slashes
# month first, dots day first: graph_cdp.dates.parse_date).
BIRTH_FORMATS = ("%Y-%m-%d", "%m/%d/%Y", "%d.%m.%Y", "%Y%m%d")
_SUFFIX_FORMS = {
    "Street": ("St", "St.", "Street", "Str"), "Avenue": ("Ave", "Ave.", "Av", "Avenue"),
    "Road": ("Rd", "Rd.", "Road"), "Drive": ("Dr", "Dr.", "Drive"), "Lane": ("Ln", "Lane"),
    "Boulevard": ("Blvd", "Blvd.", "Boulevard"), "Court": ("Ct", "Court"),
    "Place": ("Pl", "Place"),
}  # fmt: skip
assert set(_SUFFIX_FORMS) == set(STREET_SUFFIXES)
NAMES, CITY, BIRTHDAY, ADDRESS = "names", "city", "birthday", "address"


def birthday(rng: random.Random, born: date) -> str:
    return born.strftime(rng.choice(BIRTH_FORMATS))


def typo(rng: random.Random, word: str) -> str:
    """One slip of the finger: a dropped, swapped or doubled letter (never a no-op)."""
    if len(word) < 3:
        return word + word[-1:]
    at = rng.randrange(1, len(word) - 1)
    style = rng.randrange(3)
    if style == 0:
        out = word[:at] + word[at + 1 :]
    elif style == 1 and word[at] != word[at + 1]:
        out = word[:at] + word[at + 1] + word[at] + word[at + 2 :]
    else:
        out = word[:at] + word[at] + word[at:]
    return out


def street(rng: random.Random, canonical: str, *, typos: float = 0.0) -> str:
    """ "12 Oak Street" as someone writes it: "12 Oak St", "12 OAK ST.", "12 Oka Street"."""
    number, name, suffix = canonical.split(" ", 2)
    if rng.random() < typos:
        name = typo(rng, name)
    text = f"{number} {name} {rng.choice(_SUFFIX_FORMS[suffix])}"
    roll = rng.random()
    return text.upper() if roll < 0.15 else text.lower() if roll < 0.25 else text


def first_name(rng: random.Random, who: SampleCustomer, nickname_share: float = 0.5) -> str:
    if who.nickname is not None and rng.random() < nickname_share:
        return who.nickname
    return who.first_name


def web_traits(rng: random.Random, who: SampleCustomer, fields: tuple[str, ...]) -> dict[str, Any]:
    """A web or app form's traits: names (perhaps the nickname), birthday, address."""
    out: dict[str, Any] = {}
    if NAMES in fields:
        out["firstName"] = first_name(rng, who)
        out["lastName"] = who.last_name
    if BIRTHDAY in fields:
        out["birthday"] = birthday(rng, who.birth_date)
    if ADDRESS in fields and who.address is not None:
        a = who.address
        out["address"] = {
            "street": street(rng, a.street),
            "city": a.city,
            "postalCode": a.postal_code,
            "state": a.state,
            "country": a.country,
        }
    elif CITY in fields:
        out["address"] = {"city": who.city}
    return out


def store_traits(rng: random.Random, who: SampleCustomer, typos: float) -> dict[str, Any]:
    """A loyalty signup typed by a clerk: every field, each noisy at about ``typos``."""
    first = first_name(rng, who, 0.3)
    last = who.last_name
    if rng.random() < typos:
        first = typo(rng, first)
    if rng.random() < typos:
        last = typo(rng, last)
    born = who.birth_date
    text = birthday(rng, born)
    roll = rng.random()
    if roll < typos / 2 and born.day <= 12 and born.day != born.month:
        text = born.replace(month=born.day, day=born.month).strftime("%m/%d/%Y")
    elif roll < typos:
        digits = [i for i, ch in enumerate(text) if ch.isdigit()]
        at = digits[-1 - rng.randrange(2)]  # the last digits: a day or a year slip
        text = text[:at] + str((int(text[at]) + rng.randint(1, 8)) % 10) + text[at + 1 :]
    out: dict[str, Any] = {"firstName": first, "lastName": last, "birthday": text}
    if who.address is not None:
        a = who.address
        postal = a.postal_code
        if rng.random() < typos / 2:
            postal = postal[:-1] + str((int(postal[-1]) + 1) % 10)
        out["address"] = {
            "street": street(rng, a.street, typos=typos),
            "city": a.city,
            "postalCode": postal,
            "state": a.state,
            "country": a.country,
        }
    for kind, value in who.store_identifiers:
        if kind in ("phone", "email"):
            out[kind] = render_value(rng, kind, value) if rng.random() < 0.5 else value
    return out
