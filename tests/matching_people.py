"""People with traits for matching tests: a population to train on, and the hard cases.

The population is a few hundred people seen on the web (email + cookie, with the
traits they typed), a third of them also in a store under a loyalty id and a phone of
their own, with the typing noise of a clerk (a misspelt or short first name, another
date format, "St" for "Street"). Training on it gives the model real matches to learn.
"""

from __future__ import annotations

import functools
import random
from datetime import date, timedelta
from typing import Any


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


FIRST = _words(
    "james mary robert patricia john jennifer michael linda david elizabeth william barbara "
    "richard susan joseph jessica thomas sarah charles karen christopher nancy daniel lisa "
    "matthew betty anthony margaret mark sandra donald ashley steven kimberly paul emily "
    "andrew donna joshua michelle kenneth carol kevin amanda brian melissa george deborah "
    "timothy stephanie ronald rebecca edward sharon jason laura jeffrey cynthia ryan kathleen"
)
LAST = _words(
    "smith johnson williams brown jones garcia miller davis rodriguez martinez hernandez "
    "lopez gonzalez wilson anderson thomas taylor moore jackson martin lee perez thompson "
    "white harris sanchez clark ramirez lewis robinson walker young allen king wright scott "
    "torres nguyen hill flores green adams nelson baker hall rivera campbell mitchell carter "
    "roberts gomez phillips evans turner diaz parker cruz edwards collins reyes stewart morris"
)
STREETS = _words("main oak pine maple cedar elm washington lake hill park")
POSTAL = [f"{2100 + i * 7:05d}" for i in range(40)]
NICK = {"william": "Bill", "robert": "Bob", "elizabeth": "Liz", "timothy": "Tim", "james": "Jim"}


def web_event(mid: str, email: str, cookie: str, traits: dict[str, Any]) -> dict[str, Any]:
    return {
        "messageId": mid,
        "type": "form_fill",
        "channel": "web",
        "timestamp": "2026-01-10T10:00:00Z",
        "identifiers": [{"kind": "email", "value": email}, {"kind": "cookie_id", "value": cookie}],
        "traits": traits,
    }


def store_event(mid: str, loyalty: str, phone: str, traits: dict[str, Any]) -> dict[str, Any]:
    return {
        "messageId": mid,
        "type": "store_purchase",
        "channel": "store",
        "timestamp": "2026-01-12T15:00:00Z",
        "identifiers": [
            {"kind": "loyalty_id", "value": loyalty},
            {"kind": "phone", "value": phone},
        ],
        "traits": traits,
    }


def traits(
    first: str, last: str, born: date, number: int, street: str, postal: str
) -> dict[str, Any]:
    return {
        "firstName": first.title(),
        "lastName": last.title(),
        "birthday": born.isoformat(),
        "address": {"street": f"{number} {street.title()} Street", "postalCode": postal},
    }


def noisy(t: dict[str, Any], rng: random.Random) -> dict[str, Any]:
    """What a store clerk types for the same person."""
    first = t["firstName"]
    roll = rng.random()
    if first.lower() in NICK and roll < 0.5:
        first = NICK[first.lower()]
    elif roll < 0.3 and len(first) > 4:
        i = rng.randrange(1, len(first) - 1)
        first = first[:i] + first[i + 1 :]  # a dropped letter
    born = date.fromisoformat(t["birthday"])
    street = t["address"]["street"].replace("Street", "St")
    return {
        "first_name": first,
        "last_name": t["lastName"].upper(),
        "dob": born.strftime("%m/%d/%Y"),
        "address": {"street": street, "zip": t["address"]["postalCode"]},
    }


def population(people: int = 300, seed: int = 5, store_rate: float = 0.35) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    events: list[dict[str, Any]] = []
    for i in range(people):
        first, last = rng.choice(FIRST), rng.choice(LAST)
        born = date(1945, 1, 1) + timedelta(days=rng.randrange(22_000))
        t = traits(
            first, last, born, rng.randrange(1, 400), rng.choice(STREETS), rng.choice(POSTAL)
        )
        events.append(web_event(f"pop-w{i}", f"pop{i}@mailbox.io", f"pop-ck{i}", t))
        if rng.random() < store_rate:
            phone = f"+1617253{1000 + i:04d}"
            events.append(store_event(f"pop-s{i}", f"acme:{5000 + i}", phone, noisy(t, rng)))
    return events


@functools.cache
def trained_model_json() -> str:
    """A model trained once on the population, without a database (the matcher is pure)."""
    from graph_cdp.match_records import event_traits, traits_from_json
    from graph_cdp.matching.config import MatchConfig
    from graph_cdp.matching.matcher import Matcher
    from graph_cdp.matching.records import MatchRecord

    records = []
    for e in population():
        text = event_traits(e["traits"])
        assert text is not None
        records.append(MatchRecord(e["messageId"], traits_from_json(text)))
    return Matcher(MatchConfig()).train(records).to_json()
