"""Names as a tie-breaker for weak evidence (jellyfish).

A device seen with two email addresses is usually a family tablet, but sometimes one
person reading two mailboxes. The names sent with the identifiers (``firstName`` and
``lastName`` traits) tell them apart: Jaro-Winkler similarity (Winkler 1990) of first
names and of last names, each on its own, so a typo is forgiven ("Amanda Kahn") but
two members of one family ("John" and "Joan" Smith) stay apart. Names are stored as
``"first|last"``, folded to ASCII lower case, or ``"first|last|YYYY-MM-DD"`` when the
event also carried a birth date (``signature``): what one event said about its sender.

``compare`` weighs two sides' signatures for the shared-device rule: the same person
(some first name is the other's or a nickname of it, last names agree, and the birth
dates, when both sides have some, share one), different people (both sides named and
nothing agrees, or both sides dated and no date in common), or unknown (a side says
nothing).

Nicknames ("Bill" and "William", "Liz" and "Elizabeth") come from the hand-curated
table of the ``nicknames`` package (Carlton Northern and Nick Crews, derived from the
``carltonnorthern/nicknames`` data set), shipped as data in that package.
"""

from __future__ import annotations

import functools
import unicodedata
from collections.abc import Iterable, Mapping
from enum import Enum

import jellyfish
from nicknames import NickNamer

from graph_cdp.dates import parse_date

SIMILAR = 0.9

_FIRST = ("firstName", "first_name", "firstname", "givenName", "given_name")
_LAST = ("lastName", "last_name", "lastname", "familyName", "family_name", "surname")
_BIRTH = ("birthday", "birthDate", "birth_date", "birthdate", "dateOfBirth", "dob")


def fold(text: str) -> str:
    """Case- and accent-folded, dots and runs of spaces made single spaces."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return " ".join(folded.lower().replace(".", " ").split())


@functools.cache
def _nick_namer() -> NickNamer:
    return NickNamer()


@functools.lru_cache(maxsize=65536)
def first_name_forms(name: str) -> frozenset[str]:
    """A first name with its nicknames and the names it is a nickname of (folded)."""
    folded = fold(name)
    if not folded:
        return frozenset()
    namer = _nick_namer()
    return frozenset({folded} | namer.nicknames_of(folded) | namer.canonicals_of(folded))


def same_first_name(a: str, b: str) -> bool:
    """One is the other, or a nickname of it ("tim" and "timothy"; not "john" and "joan")."""
    fa, fb = fold(a), fold(b)
    return bool(fa) and (fa == fb or fb in first_name_forms(fa) or fa in first_name_forms(fb))


def full_name(traits: Mapping[str, object]) -> str | None:
    """``"ann|lee"`` from ``{"firstName": "Ann", "lastName": "Lee"}``; None without both."""
    first = next((traits[k] for k in _FIRST if isinstance(traits.get(k), str)), None)
    last = next((traits[k] for k in _LAST if isinstance(traits.get(k), str)), None)
    if not isinstance(first, str) or not isinstance(last, str):
        return None
    first, last = fold(first), fold(last)
    return f"{first}|{last}" if first and last else None


def signature(traits: Mapping[str, object], *, day_first: bool = False) -> str | None:
    """``"ann|lee|1985-03-14"`` (or ``"ann|lee"`` without a usable birth date); None
    without both names, since a birth date alone says too little about who it is."""
    name = full_name(traits)
    if name is None:
        return None
    born = next(
        (b for k in _BIRTH if (b := parse_date(traits.get(k), day_first=day_first)) is not None),
        None,
    )
    return name if born is None else f"{name}|{born.isoformat()}"


def _parts(entry: str) -> tuple[str, str, str]:
    first, _, rest = entry.partition("|")
    last, _, born = rest.partition("|")
    return first, last, born


def _similar(x: str, y: str) -> bool:
    return jellyfish.jaro_winkler_similarity(x, y) >= SIMILAR


def _same(x: str, y: str) -> bool:
    (fx, lx, _), (fy, ly, _) = _parts(x), _parts(y)
    return _similar(fx, fy) and _similar(lx, ly)


def agree(a: Iterable[str], b: Iterable[str]) -> bool:
    """Some name on each side is the same person's by spelling alone, birth dates
    ignored (a nameless side never agrees): the ``strict`` shared-device rule."""
    names_b = list(b)
    return any(_same(x, y) for x in a for y in names_b)


class Verdict(Enum):
    SAME = "same"
    DIFFERENT = "different"
    UNKNOWN = "unknown"


def _same_name(x: tuple[str, str, str], y: tuple[str, str, str]) -> bool:
    """First names one or a nickname of the other (or a typo of it); last names alike."""
    first = same_first_name(x[0], y[0]) or _similar(x[0], y[0])
    return first and _similar(x[1], y[1])


def compare(a: Iterable[str], b: Iterable[str]) -> Verdict:
    """What two sides' signatures say: one person, several, or nothing (a side unnamed).

    Birth dates are compared side against side, not entry against entry: a junior whose
    older events carried no date must not pass as his father through an undated entry.
    """
    pa, pb = [_parts(x) for x in a], [_parts(y) for y in b]
    if not pa or not pb:
        return Verdict.UNKNOWN
    born_a, born_b = {p[2] for p in pa if p[2]}, {p[2] for p in pb if p[2]}
    if born_a and born_b and not born_a & born_b:
        return Verdict.DIFFERENT
    if any(_same_name(x, y) for x in pa for y in pb):
        return Verdict.SAME
    return Verdict.DIFFERENT


def consistent(entries: Iterable[str]) -> bool:
    """No two signatures seen with one identifier say different people."""
    items = sorted(set(entries))
    return all(
        compare([x], [y]) is not Verdict.DIFFERENT
        for i, x in enumerate(items)
        for y in items[i + 1 :]
    )
