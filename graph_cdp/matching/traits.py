"""Person traits as sent, standardised for matching.

The trait names are Segment's reserved traits (``firstName``, ``lastName``, ``name``,
``birthday``, ``address {street, city, postalCode, state, country}``, ``email``,
``phone``, ``gender``) and their common aliases (``first_name``, ``given_name``,
``surname``, ``birthDate``, ``dob``, ``date_of_birth``, ``postal_code``, ``postcode``,
``zip``, ``sex``, ...). Keys are compared case-insensitively and without ``_``, ``-``
or spaces, so ``first_name``, ``firstName`` and ``FirstName`` are one key. Address
parts are read from ``address`` (an object, or a string taken as the street line) or
from the top level. Standardisation never raises: a value that cannot be used (a
number for a name, an unreadable date) is None.
"""

from __future__ import annotations

import dataclasses
import datetime
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from graph_cdp.dates import parse_date
from graph_cdp.matching.addresses import (
    standardize_place,
    standardize_postal_code,
    standardize_street,
)
from graph_cdp.resolution.names import fold


@dataclass(frozen=True)
class PersonTraits:
    first_name: str | None = None  # folded (resolution.names.fold)
    last_name: str | None = None
    birth_date: datetime.date | None = None
    street: str | None = None  # folded, suffixes standardised ("12 main st")
    city: str | None = None
    postal_code: str | None = None  # upper-cased, spaces removed
    state: str | None = None
    country: str | None = None
    gender: str | None = None  # "f", "m", or the folded value sent
    national_id: str | None = None  # a social security number or the like, digits kept


FIELDS = tuple(f.name for f in dataclasses.fields(PersonTraits))

_FIRST = ("firstname", "givenname", "given", "fname", "first", "forename")
_LAST = ("lastname", "familyname", "surname", "lname", "last")
_FULL = ("name", "fullname")
_BIRTH = ("birthday", "birthdate", "dob", "dateofbirth", "born")
_STREET = ("street", "streetaddress", "line1", "address1", "addressline1", "street1")
_CITY = ("city", "town", "suburb", "locality")
_POSTAL = ("postalcode", "postcode", "zip", "zipcode", "postal")
_STATE = ("state", "region", "province", "county")
_COUNTRY = ("country", "countrycode")
_GENDER = ("gender", "sex")
_NATIONAL_ID = ("nationalid", "ssn", "socsecid", "socialsecuritynumber", "taxid")
_EMAIL = ("email", "emailaddress", "emails")
_PHONE = ("phone", "phonenumber", "mobile", "phones")

_TITLES = frozenset({"mr", "mrs", "ms", "miss", "dr", "prof", "sir"})
_SUFFIXES = frozenset({"jr", "sr", "ii", "iii", "iv", "junior", "senior"})
_GENDERS = {"m": "m", "male": "m", "man": "m", "f": "f", "female": "f", "woman": "f"}


def _key(name: str) -> str:
    return name.lower().replace("_", "").replace("-", "").replace(" ", "")


def _pick(fields: Mapping[str, Any], names: tuple[str, ...]) -> Any:
    for name in names:
        value = fields.get(name)
        if value is not None and value != "":
            return value
    return None


def _text(value: Any) -> str | None:
    if isinstance(value, bool) or not isinstance(value, str | int):
        return None
    return str(value).strip() or None


def _name(value: Any) -> str | None:
    if not isinstance(value, str):
        return None
    tokens = [t for t in fold(value.replace(",", " ")).split() if t not in _SUFFIXES]
    return " ".join(tokens) or None


def _split_full_name(value: Any) -> tuple[str | None, str | None]:
    """``"Smith, John"`` and ``"Dr. John A. Smith Jr."`` are both john / smith."""
    if not isinstance(value, str):
        return None, None
    if "," in value:
        last, _, first = value.partition(",")
        first_tokens = fold(first).split()
        return (first_tokens[0] if first_tokens else None), _name(last)
    tokens = [t for t in fold(value).split() if t not in _TITLES and t not in _SUFFIXES]
    if len(tokens) < 2:
        return (tokens[0] if tokens else None), None
    return tokens[0], tokens[-1]


def _gender(value: Any) -> str | None:
    text = _text(value)
    if text is None:
        return None
    folded = fold(text)
    return _GENDERS.get(folded, folded or None)


def _national_id(value: Any) -> str | None:
    text = _text(value)
    if text is None:
        return None
    compact = "".join(ch for ch in fold(text) if ch.isalnum())
    return compact.upper() or None


def _flat(raw: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    top = {_key(k): v for k, v in raw.items() if isinstance(k, str)}
    address = top.get("address")
    if isinstance(address, Mapping):
        parts = {_key(k): v for k, v in address.items() if isinstance(k, str)}
    elif isinstance(address, str):
        parts = {"street": address}
    else:
        parts = {}
    return top, parts


def standardize(raw: Mapping[str, Any], *, day_first: bool = False) -> PersonTraits:
    """Segment reserved traits and aliases to PersonTraits; never raises on bad values."""
    if not isinstance(raw, Mapping):
        return PersonTraits()
    top, address = _flat(raw)
    first = _name(_pick(top, _FIRST))
    last = _name(_pick(top, _LAST))
    if first is None or last is None:
        full_first, full_last = _split_full_name(_pick(top, _FULL))
        first, last = first or full_first, last or full_last
    if first is not None:
        first = first.split()[0]

    def part(names: tuple[str, ...]) -> str | None:
        return _text(_pick(address, names)) or _text(_pick(top, names))

    street, city, postal = part(_STREET), part(_CITY), part(_POSTAL)
    state, country = part(_STATE), part(_COUNTRY)
    return PersonTraits(
        first_name=first,
        last_name=last,
        birth_date=parse_date(_pick(top, _BIRTH), day_first=day_first),
        street=standardize_street(street) if street else None,
        city=standardize_place(city) if city else None,
        postal_code=standardize_postal_code(postal) if postal else None,
        state=standardize_place(state) if state else None,
        country=standardize_place(country) if country else None,
        gender=_gender(_pick(top, _GENDER)),
        national_id=_national_id(_pick(top, _NATIONAL_ID)),
    )


def contacts(raw: Mapping[str, Any]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Emails and phones sent as traits (a value or a list), trimmed; emails lower-cased.

    The graph normalizes them again as identifiers; this is for pure uses (FEBRL, tests).
    """
    if not isinstance(raw, Mapping):
        return (), ()
    top = {_key(k): v for k, v in raw.items() if isinstance(k, str)}

    def values(names: tuple[str, ...]) -> list[str]:
        found = _pick(top, names)
        items = found if isinstance(found, list | tuple) else [found]
        return [s for s in (_text(v) for v in items) if s]

    emails = tuple(dict.fromkeys(v.lower() for v in values(_EMAIL) if "@" in v))
    phones = tuple(
        dict.fromkeys(
            d for d in ("".join(c for c in v if c.isdigit()) for v in values(_PHONE)) if d
        )
    )
    return emails, phones


def merge_traits(values: Iterable[PersonTraits]) -> PersonTraits:
    """Most frequent non-null value per field; ties go to the value seen first."""
    counts: dict[str, Counter[Any]] = {name: Counter() for name in FIELDS}
    for traits in values:
        for name in FIELDS:
            value = getattr(traits, name)
            if value is not None:
                counts[name][value] += 1
    # Counter.most_common keeps insertion order among equal counts: first seen wins.
    return PersonTraits(
        **{name: (c.most_common(1)[0][0] if c else None) for name, c in counts.items()}
    )
