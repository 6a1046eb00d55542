"""Per-field comparison levels, as in Splink's comparison library.

A comparison maps a pair of records to one of its levels, best first, the last being
``else``; a field missing on either side is the ``null`` level, which weighs nothing
(Fellegi & Sunter 1969: a missing value is no evidence either way). Similarities come
from jellyfish (Jaro-Winkler, Winkler 1990; Damerau-Levenshtein) and the ``metaphone``
package (Double Metaphone, Philips 2000). First names are nickname-aware through
``graph_cdp.resolution.names`` (the ``nicknames`` package's table). Birth dates
forgive one typed digit and a day/month swap; emails forgive a domain typo
(``gmial.com``) and one typed letter in the local part; phones match on their last
seven digits.

Each record is prepared once (folded values, phonetic codes, date digits) so that a
comparison is a few string operations.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass

import jellyfish
from metaphone import doublemetaphone

from graph_cdp.matching.records import MatchRecord
from graph_cdp.resolution.mailboxes import local_typo, near_domains, one_service
from graph_cdp.resolution.names import first_name_forms

NULL = -1


@functools.lru_cache(maxsize=131072)
def phonetic(name: str) -> frozenset[str]:
    """Double Metaphone codes of a name (primary and alternate), empty ones dropped."""
    return frozenset(code for code in doublemetaphone(name) if code)


@dataclass(frozen=True, slots=True)
class Prepared:
    """A record's values in the shapes the comparisons need, computed once."""

    first: str | None
    last: str | None
    dob: str | None  # "YYYYMMDD"
    street: str | None
    city: str | None
    postal: str | None
    state: str | None
    country: str | None
    gender: str | None
    national_id: str | None
    emails: tuple[tuple[str, str], ...]  # (local part, domain)
    phones: tuple[str, ...]  # digits


def prepare(record: MatchRecord) -> Prepared:
    t = record.traits
    emails = tuple(
        (local, domain)
        for local, _, domain in (e.lower().rpartition("@") for e in record.emails)
        if local
    )
    phones = tuple(d for d in ("".join(c for c in p if c.isdigit()) for p in record.phones) if d)
    return Prepared(
        first=t.first_name,
        last=t.last_name,
        dob=t.birth_date.strftime("%Y%m%d") if t.birth_date else None,
        street=t.street,
        city=t.city,
        postal=t.postal_code,
        state=t.state,
        country=t.country,
        gender=t.gender,
        national_id=t.national_id,
        emails=emails,
        phones=phones,
    )


Compare = Callable[[Prepared, Prepared], int]


@dataclass(frozen=True)
class Comparison:
    name: str
    levels: tuple[str, ...]  # best first; the last is "else"
    compare: Compare  # level index, or NULL
    tf_attr: str | None = None  # the Prepared attribute whose frequency adjusts "exact"
    fields: tuple[str, ...] = ()  # PersonTraits fields it reads (for EM sessions)


def _jw(a: str, b: str) -> float:
    return float(jellyfish.jaro_winkler_similarity(a, b))


def _dl(a: str, b: str) -> int:
    return int(jellyfish.damerau_levenshtein_distance(a, b))


def _swapped(a: str, b: str) -> bool:
    """Two neighbouring letters typed in each other's place, and nothing else."""
    if len(a) != len(b) or a == b:
        return False
    diff = [i for i in range(len(a)) if a[i] != b[i]]
    if len(diff) != 2 or diff[1] != diff[0] + 1:
        return False
    i, j = diff
    return a[i] == b[j] and a[j] == b[i]


def _slip(form: str, name: str) -> bool:
    """``name`` is ``form`` typed with one slip: close by Jaro-Winkler, or two neighbouring
    letters swapped (which Jaro-Winkler weighs low in a short name: "jeo", "joe")."""
    return _jw(form, name) >= 0.92 or _swapped(form, name)


def _first_name(a: Prepared, b: Prepared) -> int:
    x, y = a.first, b.first
    if x is None or y is None:
        return NULL
    return 0 if x == y else _first_level(x, y)


@functools.lru_cache(maxsize=262144)
def _first_level(x: str, y: str) -> int:
    """The level of two different first names (a function of the names alone, and the
    same names meet again and again: cached)."""
    fx, fy = first_name_forms(x), first_name_forms(y)
    if y in fx or x in fy:
        return 1
    jw = _jw(x, y)
    if jw >= 0.92:
        return 2
    # A nickname typed with a slip ("dikc" for dick, of richard; "jeo" for joe, of
    # joseph): a nickname still.
    if any(_slip(f, y) for f in fx) or any(_slip(f, x) for f in fy):
        return 1
    if phonetic(x) & phonetic(y):
        return 3
    if jw >= 0.80:
        return 4
    if (len(x) == 1 or len(y) == 1) and x[0] == y[0]:
        return 5
    return 6


def _last_name(a: Prepared, b: Prepared) -> int:
    x, y = a.last, b.last
    if x is None or y is None:
        return NULL
    if x == y:
        return 0
    level = _last_level(x, y)
    # Given and family names typed in each other's place.
    if level == 5 and a.first is not None and x == b.first and y == a.first:
        return 4
    return level


@functools.lru_cache(maxsize=262144)
def _last_level(x: str, y: str) -> int:
    jw = _jw(x, y)
    # One slip (a dropped, doubled or swapped letter) in a name of five letters or more
    # is a typo however Jaro-Winkler weighs where it falls ("tnaka", "tanka": tanaka).
    if jw >= 0.92 or (min(len(x), len(y)) >= 5 and _dl(x, y) <= 1):
        return 1
    if phonetic(x) & phonetic(y):
        return 2
    if jw >= 0.80:
        return 3
    return 5


def _birth_date(a: Prepared, b: Prepared) -> int:
    x, y = a.dob, b.dob
    if x is None or y is None:
        return NULL
    if x == y:
        return 0
    if x[:4] == y[:4] and x[4:6] == y[6:8] and x[6:8] == y[4:6]:
        return 1
    # One typed digit, but not in the year's first three: a changed decade (1964 and
    # 1994) is how a junior and a senior of one name and address differ, so it is
    # never forgiven as a typo.
    if x[:3] == y[:3] and _dl(x, y) <= 1:
        return 2
    # Only the decade differs: a clerk's slip on one digit, or a junior and a senior.
    # A level of its own, whose m the default configuration pins (``config``) so that
    # names and an address alone never merge such a pair, while an independent
    # identifier that agrees (a mistyped email, a phone) still can.
    if x[:2] == y[:2] and x[3:] == y[3:]:
        return 3
    if x[:6] == y[:6]:
        return 4
    return 5


def _fuzzy(attr: str, threshold: float) -> Compare:
    def compare(a: Prepared, b: Prepared) -> int:
        x, y = getattr(a, attr), getattr(b, attr)
        if x is None or y is None:
            return NULL
        if x == y:
            return 0
        return 1 if _jw(x, y) >= threshold else 2

    return compare


def _equal(attr: str) -> Compare:
    def compare(a: Prepared, b: Prepared) -> int:
        x, y = getattr(a, attr), getattr(b, attr)
        if x is None or y is None:
            return NULL
        return 0 if x == y else 1

    return compare


def _postal_code(a: Prepared, b: Prepared) -> int:
    x, y = a.postal, b.postal
    if x is None or y is None:
        return NULL
    if x == y:
        return 0
    # One edit of a code of three or more characters leaves its first or its last.
    if (len(x) < 3 or x[0] == y[0] or x[-1] == y[-1]) and _dl(x, y) <= 1:
        return 1
    return 2 if len(x) >= 4 and x[:3] == y[:3] else 3


def _address(a: Prepared, b: Prepared) -> int:
    """One comparison over street, postal code and city: they are not independent, so
    counting them as three would count one household three times."""
    streets = a.street is not None and b.street is not None
    postals = a.postal is not None and b.postal is not None
    cities = a.city is not None and b.city is not None
    if not (streets or postals or cities):
        return NULL
    same_postal = postals and a.postal == b.postal
    same_city = cities and a.city == b.city
    area = same_postal or (same_city and not postals)
    if streets:
        if a.street == b.street:
            return 0 if area else 2
        if area and _jw(str(a.street), str(b.street)) >= 0.90:
            return 1
    if same_postal:
        return 3
    return 4 if same_city else 5


def _national_id(a: Prepared, b: Prepared) -> int:
    x, y = a.national_id, b.national_id
    if x is None or y is None:
        return NULL
    if x == y:
        return 0
    if abs(len(x) - len(y)) > 2:
        return 3
    distance = _dl(x, y)
    return 1 if distance <= 1 else 2 if distance <= 2 else 3


def _email(a: Prepared, b: Prepared) -> int:
    """Exact (or the same local part at another domain of one mail service,
    ``proton.me`` and ``protonmail.com``); the same local part at a mistyped domain
    (``gmial.com``, ``prtonmail.me``); a typo in the local part at the same (or a
    mistyped) domain; else. The same local part at another
    provider is *else*: local parts are made of names, so two namesakes share them, and
    the names comparison already counts that agreement (counting it twice would make
    every namesake with a mailbox look like one person)."""
    if not a.emails or not b.emails:
        return NULL
    best = 3
    for la, da in a.emails:
        for lb, db in b.emails:
            domains = da == db or near_domains(da, db)
            if la == lb:
                level = 0 if da == db or one_service(da, db) else 1 if domains else 3
            elif domains and local_typo(la, lb):
                level = 2
            else:
                continue
            best = min(best, level)
    return best


def _phone(a: Prepared, b: Prepared) -> int:
    if not a.phones or not b.phones:
        return NULL
    best = 3
    for x in a.phones:
        for y in b.phones:
            if x == y:
                return 0
            if len(x) >= 7 and x[-7:] == y[-7:]:
                best = min(best, 1)
            elif len(x) == len(y) and _dl(x, y) <= 1:
                best = min(best, 2)
    return best


JW = "jaro_winkler"
COMPARISONS: dict[str, Comparison] = {
    c.name: c
    for c in (
        Comparison(
            "first_name",
            ("exact", "nickname", f"{JW}>=0.92", "metaphone", f"{JW}>=0.80", "initial", "else"),
            _first_name,
            "first",
            ("first_name",),
        ),
        Comparison(
            "last_name",
            ("exact", f"{JW}>=0.92", "metaphone", f"{JW}>=0.80", "swapped_with_first", "else"),
            _last_name,
            "last",
            ("last_name",),
        ),
        Comparison(
            "birth_date",
            ("exact", "day_month_swapped", "one_digit", "decade", "year_month", "else"),
            _birth_date,
            "dob",
            ("birth_date",),
        ),
        Comparison(
            "address",
            ("exact", f"street_{JW}>=0.90", "street_only", "postal_code", "city", "else"),
            _address,
            None,
            ("street", "postal_code", "city"),
        ),
        Comparison(
            "street",
            ("exact", f"{JW}>=0.90", "else"),
            _fuzzy("street", 0.90),
            "street",
            ("street",),
        ),
        Comparison(
            "city", ("exact", f"{JW}>=0.90", "else"), _fuzzy("city", 0.90), "city", ("city",)
        ),
        Comparison(
            "postal_code",
            ("exact", "one_edit", "prefix3", "else"),
            _postal_code,
            "postal",
            ("postal_code",),
        ),
        Comparison("state", ("exact", "else"), _equal("state"), "state", ("state",)),
        Comparison("country", ("exact", "else"), _equal("country"), None, ("country",)),
        Comparison("gender", ("exact", "else"), _equal("gender"), None, ("gender",)),
        Comparison(
            "national_id",
            ("exact", "one_edit", "two_edits", "else"),
            _national_id,
            None,
            ("national_id",),
        ),
        Comparison(
            "email",
            ("exact", "domain_typo", "local_typo", "else"),
            _email,
            None,
            ("email",),
        ),
        Comparison(
            "phone", ("exact", "last_7_digits", "one_digit", "else"), _phone, None, ("phone",)
        ),
    )
}
