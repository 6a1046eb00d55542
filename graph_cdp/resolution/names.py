"""Names as a tie-breaker for weak evidence (jellyfish).

A device seen with two email addresses is usually a family tablet, but sometimes one
person reading two mailboxes. The names sent with the identifiers (``firstName`` and
``lastName`` traits) tell them apart: Jaro-Winkler similarity (Winkler 1990) of first
names and of last names, each on its own, so a typo is forgiven ("Amanda Kahn") but
two members of one family ("John" and "Joan" Smith) stay apart. Names are stored as
``"first|last"``, folded to ASCII lower case.

Nicknames ("Bill" and "William", "Liz" and "Elizabeth") come from the hand-curated
table of the ``nicknames`` package (Carlton Northern and Nick Crews, derived from the
``carltonnorthern/nicknames`` data set), shipped as data in that package.
"""

from __future__ import annotations

import functools
import unicodedata
from collections.abc import Iterable, Mapping

import jellyfish
from nicknames import NickNamer

SIMILAR = 0.9

_FIRST = ("firstName", "first_name", "firstname", "givenName", "given_name")
_LAST = ("lastName", "last_name", "lastname", "familyName", "family_name", "surname")


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


def _same(x: str, y: str) -> bool:
    (fx, _, lx), (fy, _, ly) = x.partition("|"), y.partition("|")
    return (
        jellyfish.jaro_winkler_similarity(fx, fy) >= SIMILAR
        and jellyfish.jaro_winkler_similarity(lx, ly) >= SIMILAR
    )


def agree(a: Iterable[str], b: Iterable[str]) -> bool:
    """Some name on each side is the same person's (a nameless side never agrees)."""
    names_b = list(b)
    return any(_same(x, y) for x in a for y in names_b)
