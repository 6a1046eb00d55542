"""Street lines and postal codes, standardised so that equal addresses compare equal.

Street suffixes, directionals and unit designators are abbreviated as USPS Publication
28 (Postal Addressing Standards, appendices C1 and C2) prescribes ("Street" and "St."
become ``st``, "Avenue" ``ave``, "North" ``n``, "Apartment" ``apt``), with the tables
that ``usaddress-scourgify`` ships (``scourgify.address_constants``) rather than a copy
of our own. Every token is mapped, not only the last one: both sides of a comparison
get the same treatment, which is all matching needs.
"""

from __future__ import annotations

import functools
import re

from graph_cdp.resolution.names import fold

_PUNCTUATION = re.compile(r"[,#;:()\"']+")
_ZIP_PLUS_FOUR = re.compile(r"(\d{5})-?\d{4}")


@functools.cache
def _abbreviations() -> dict[str, str]:
    # Imported on first use: scourgify loads usaddress's CRF model (about half a second).
    from scourgify import address_constants as usps

    table: dict[str, str] = {}
    for source in (
        usps.STREET_TYPE_ABBREVIATIONS,
        usps.DIRECTIONAL_REPLACEMENTS,
        usps.OCCUPANCY_TYPE_ABBREVIATIONS,
    ):
        table.update({k.lower(): v.lower() for k, v in source.items()})
    return table


def standardize_street(text: str) -> str | None:
    """``"12 North Main Street, Apt. 4"`` -> ``"12 n main st apt 4"``; None when empty."""
    folded = fold(_PUNCTUATION.sub(" ", text).replace("-", " "))
    if not folded:
        return None
    table = _abbreviations()
    return " ".join(table.get(token, token) for token in folded.split())


def standardize_postal_code(text: str) -> str | None:
    """Upper-cased without spaces; a US ZIP+4 keeps its five-digit ZIP."""
    compact = "".join(fold(text).split()).upper()
    if not compact:
        return None
    if m := _ZIP_PLUS_FOUR.fullmatch(compact):
        return m[1]
    return compact


def standardize_place(text: str) -> str | None:
    """A city, state or country: folded, None when empty."""
    folded = fold(_PUNCTUATION.sub(" ", text).replace("-", " "))
    return folded or None
