"""One mailbox typed twice: whether two email addresses are one mailbox with a slip.

A store clerk types the address a customer says aloud: a letter dropped or swapped, a
digit dropped, ``gmial.com``. Matching's email comparison (``matching.comparisons``)
scores such a pair as a typo level, and resolution (``clustering``, rule 5) does not
count such a copy as one more mailbox against the email limit when a fuzzy link joins
the two sides. Local parts are made of names, so the test is narrow on purpose: see
``local_typo``.
"""

from __future__ import annotations

import functools

import jellyfish


def _dl(a: str, b: str) -> int:
    return int(jellyfish.damerau_levenshtein_distance(a, b))


@functools.lru_cache(maxsize=65536)
def _local_key(local: str) -> tuple[str, str]:
    """A local part's letters and digits (separators dropped), and its digits alone."""
    return "".join(ch for ch in local if ch.isalnum()), "".join(ch for ch in local if ch.isdigit())


def local_typo(x: str, y: str) -> bool:
    """One slip of a clerk's finger in a local part, not another person's mailbox.

    Local parts are made of names (``tim.gonzalez``, ``tgonzalez``, ``gonzalez.tim``), so
    two namesakes' mailboxes are alike in every way that does not change a letter: a
    dot or underscore more, another number at the end. Only a dropped, doubled,
    swapped or replaced *letter* with the digits and separators kept is taken as a
    typo; a difference in separators alone counts only when the same digits (a birth
    year, a serial) follow.
    With the letters kept, a dropped, added or swapped *digit* is a typo too
    (``sscott98`` and ``sscott8``, ``patel175`` and ``patel157``), but a replaced one is
    another number (``mtaylor64`` and ``mtaylor94`` are a senior and a junior), and a
    number on one side only is a namesake's (``mjohnson`` taken, ``mjohnson4`` given).
    """
    (kx, dx), (ky, dy) = _local_key(x), _local_key(y)
    if min(len(kx), len(ky)) < 5 or abs(len(kx) - len(ky)) > 1:
        return False
    if kx == ky:
        return bool(dx)  # separators only: the same number must follow
    # One slip in the local part as typed: another separator *and* another letter
    # (``josephkhan`` and ``jsoeph.khan``) is how two namesakes' mailboxes differ.
    if _dl(x, y) != 1:
        return False
    if dx == dy:
        return True
    lx, ly = (ch for ch in kx if ch.isalpha()), (ch for ch in ky if ch.isalpha())
    moved = len(dx) != len(dy) or sorted(dx) == sorted(dy)
    return bool(dx and dy) and moved and "".join(lx) == "".join(ly)


@functools.lru_cache(maxsize=16384)
def near_domains(a: str, b: str) -> bool:
    """A mistyped domain (``gmial.com``): few domains, many pairs, so cached."""
    return _dl(a, b) <= 2


def mistyped(a: str, b: str) -> bool:
    """Two different normalized addresses that are one mailbox with one slip: the same
    local part at a mistyped domain, or a typo in the local part (``local_typo``) at the
    same or a mistyped domain."""
    la, _, da = a.lower().rpartition("@")
    lb, _, db = b.lower().rpartition("@")
    if not la or not lb or (la, da) == (lb, db):
        return False
    if da != db and not near_domains(da, db):
        return False
    return la == lb or local_typo(la, lb)
