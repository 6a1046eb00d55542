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


# Mail services whose domains reach one mailbox: the same local part at any of them is
# one address. Google: googlemail.com is Gmail ("Gmail and Googlemail", Gmail Help);
# Proton: proton.me, protonmail.com, protonmail.ch and pm.me are one account's
# ("Proton Mail addresses", Proton support); Apple: an @me.com or @mac.com account
# also receives at @icloud.com (iCloud Mail, Apple Support). The other large free
# providers are a service each, so that two of them are never taken for each other's
# typo (``mail.com`` is not a slip of ``gmail.com``).
_SERVICES: tuple[tuple[str, ...], ...] = (
    ("gmail.com", "googlemail.com"),
    ("proton.me", "protonmail.com", "protonmail.ch", "pm.me"),
    ("icloud.com", "me.com", "mac.com"),
    ("outlook.com",), ("hotmail.com",), ("live.com",), ("msn.com",),
    ("yahoo.com",), ("ymail.com",), ("rocketmail.com",), ("aol.com",), ("aim.com",),
    ("mail.com",), ("gmx.com",), ("gmx.net",), ("gmx.de",), ("web.de",),
    ("yandex.com",), ("yandex.ru",), ("zoho.com",), ("fastmail.com",), ("hey.com",),
    ("comcast.net",), ("att.net",), ("verizon.net",), ("sbcglobal.net",), ("cox.net",),
    ("charter.net",), ("earthlink.net",), ("btinternet.com",), ("qq.com",), ("163.com",),
)  # fmt: skip
SERVICE_OF: dict[str, int] = {d: i for i, domains in enumerate(_SERVICES) for d in domains}


def _label_tld(domain: str) -> tuple[str, str]:
    label, _, tld = domain.partition(".")
    return label, tld


def _service_slip(typed: str, service: int) -> bool:
    """``typed`` is a service's domain with one slip in its name (``prtonmail.me``):
    checked as Mailcheck does, the name and the suffix apart, the suffix one the service
    uses."""
    label, tld = _label_tld(typed)
    parts = [_label_tld(d) for d in _SERVICES[service]]
    if len(label) < 4 or tld not in {t for _, t in parts}:
        return False
    return any(_dl(label, name) <= 1 for name, _ in parts)


@functools.lru_cache(maxsize=16384)
def one_service(a: str, b: str) -> bool:
    """Two domains of one mail service (``proton.me`` and ``protonmail.com``)."""
    service = SERVICE_OF.get(a)
    return service is not None and service == SERVICE_OF.get(b)


@functools.lru_cache(maxsize=16384)
def _typo_of(typed: str) -> frozenset[int]:
    """The mail services a domain that is none of theirs was typed for: the nearest of
    those within two edits of one of their domains or one slip from their name at one
    of their suffixes (``gmial.com`` is Gmail's, not mail.com's, as Mailcheck picks the
    closest)."""
    distances: dict[int, int] = {}
    for service, domains in enumerate(_SERVICES):
        distance = min(_dl(typed, d) for d in domains)
        if _service_slip(typed, service):
            distance = min(distance, 1)
        if distance <= 2:
            distances[service] = distance
    if not distances:
        return frozenset()
    nearest = min(distances.values())
    return frozenset(s for s, d in distances.items() if d == nearest)


@functools.lru_cache(maxsize=16384)
def near_domains(a: str, b: str) -> bool:
    """One domain typed for another (``gmial.com``, ``prtonmail.me``), or two domains of
    one mail service. Two known services are never each other's typo; a domain that is
    no known service is the typo of the nearest service (``_typo_of``); two domains
    neither of which is a service are near within two edits. Few domains, many pairs:
    cached."""
    sa, sb = SERVICE_OF.get(a), SERVICE_OF.get(b)
    if sa is not None and sb is not None:
        return sa == sb
    if sa is not None:
        return sa in _typo_of(b)
    if sb is not None:
        return sb in _typo_of(a)
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
