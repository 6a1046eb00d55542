"""Names as a tie-breaker for weak evidence (jellyfish).

A device seen with two email addresses is usually a family tablet, but sometimes one
person reading two mailboxes. The names sent with the identifiers (``firstName`` and
``lastName`` traits) tell them apart: Jaro-Winkler similarity (Winkler 1990) of first
names and of last names, each on its own, so a typo is forgiven ("Amanda Kahn") but
two members of one family ("John" and "Joan" Smith) stay apart. Names are stored as
``"first|last"``, folded to ASCII lower case.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping

import jellyfish

SIMILAR = 0.9
MAX_NAMES = 5

_FIRST = ("firstName", "first_name", "firstname", "givenName", "given_name")
_LAST = ("lastName", "last_name", "lastname", "familyName", "family_name", "surname")


def _clean(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return " ".join(folded.lower().replace(".", " ").split())


def full_name(traits: Mapping[str, object]) -> str | None:
    """``"ann|lee"`` from ``{"firstName": "Ann", "lastName": "Lee"}``; None without both."""
    first = next((traits[k] for k in _FIRST if isinstance(traits.get(k), str)), None)
    last = next((traits[k] for k in _LAST if isinstance(traits.get(k), str)), None)
    if not isinstance(first, str) or not isinstance(last, str):
        return None
    first, last = _clean(first), _clean(last)
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
