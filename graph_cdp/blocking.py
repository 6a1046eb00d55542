"""Blocked identifier values: junk that must never link two customers.

A blocked value is not an error. The identifier is normalized, stored and shown as
evidence, but resolution never links through it: `test@test.com` typed by fifty store
clerks must not merge fifty customers. This module only answers "is this normalized
value blocked, and why"; :mod:`graph_cdp.identifiers` decides when to ask.

Built in (every reason starts with ``blocked value:`` or ``blocked pattern:``):

* junk literals, for every kind, compared case-insensitively:
  ``null``, ``undefined``, ``n/a``, ``na``, ``none``, ``unknown``, ``-``, ``0``, plus
  ``nil``, ``nan``, ``(null)`` and ``[object object]``, which leak from code that
  stringifies a missing value;
* email: well-known placeholder addresses (``test@test.com``, ``a@a.com``, ...), any
  address at the reserved example domains ``example.com``/``.org``/``.net`` and their
  subdomains (RFC 2606), and the no-reply or placeholder local parts (``noreply``,
  ``no-reply``, ``donotreply``, ``do-not-reply``, ``noemail``, ``nomail``, ``test``,
  ``declined`` (a till's "customer declined"), ``none``, ``null``, ...) at any domain:
  a system or form-filler address, never a person;
* phone: national numbers of one repeated digit (``0000000000``, ``+15555555555``),
  counting sequences (``1234567890``, ``9876543210``) and the fictional NANP range
  555-0100..555-0199 in any area code;
* device_id: all zeros in any length (the IDFA/GAID of a user who limited ad
  tracking), one repeated character, and the Android ID ``9774d56d682e549c`` that a
  platform bug gave to millions of devices;
* loyalty_id: a junk literal after the program prefix (``acme:0``).

Configured (Settings.blocked_values / blocked_patterns): ``"kind:value"`` compares the
kind's normalized value exactly; a plain ``"value"`` applies to every kind and compares
case-insensitively, since there is no kind to normalize it with. ``"kind:regex"`` and
``"regex"`` must fullmatch the normalized value. A prefix counts as a kind only when it
names a configured kind, so a plain regex such as ``(?:a|b)`` is not misread.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import phonenumbers

from graph_cdp.errors import ConfigurationError, InvalidIdentifier

JUNK_LITERALS: frozenset[str] = frozenset(
    {
        "null",
        "undefined",
        "n/a",
        "na",
        "none",
        "unknown",
        "-",
        "0",
        "nil",
        "nan",
        "(null)",
        "[object object]",
    }
)

PLACEHOLDER_EMAILS: frozenset[str] = frozenset(
    {
        "test@test.com",
        "none@none.com",
        "noemail@noemail.com",
        "no@email.com",
        "na@na.com",
        "email@email.com",
        "asdf@asdf.com",
        "a@a.com",
        "x@x.com",
        "xxx@xxx.com",
        "abc@abc.com",
        "no@no.com",
        "null@null.com",
        "nobody@nobody.com",
        "noone@noone.com",
        "none@email.com",
        "noemail@email.com",
        "declined@declined.com",
    }
)

EXAMPLE_EMAIL_DOMAINS: frozenset[str] = frozenset({"example.com", "example.org", "example.net"})

NO_REPLY_LOCAL_PARTS: frozenset[str] = frozenset(
    {"noreply", "no-reply", "no_reply", "donotreply", "do-not-reply", "do_not_reply"}
)

PLACEHOLDER_LOCAL_PARTS: frozenset[str] = frozenset(
    {
        "noemail",
        "no-email",
        "nomail",
        "none",
        "null",
        "undefined",
        "unknown",
        "test",
        "asdf",
        "declined",
    }
)

SHARED_DEVICE_IDS: frozenset[str] = frozenset({"9774d56d682e549c"})

# Any 7+ digit run of these is a "counting" placeholder; the cycle lets 7890123 match.
_ASCENDING = "0123456789" * 3
_DESCENDING = "9876543210" * 3
_MIN_PLACEHOLDER_DIGITS = 6
_MIN_SEQUENCE_DIGITS = 7


def is_junk_literal(text: str) -> bool:
    """Whether a trimmed value is one of the junk literals that mean "no value"."""
    return text.casefold() in JUNK_LITERALS


def phone_placeholder_reason(digits: str) -> str | None:
    """Why a national significant number (digits only) is a placeholder, if it is."""
    if len(digits) >= _MIN_PLACEHOLDER_DIGITS and len(set(digits)) == 1:
        return "blocked value: placeholder phone (one repeated digit)"
    if len(digits) >= _MIN_SEQUENCE_DIGITS and (digits in _ASCENDING or digits in _DESCENDING):
        return "blocked value: placeholder phone (counting sequence)"
    return None


def _nanp_fictional(country_code: int, national: str) -> bool:
    # 555-0100..555-0199 is reserved for fiction in every NANP area code.
    return (
        country_code == 1
        and len(national) == 10
        and national[3:6] == "555"
        and 100 <= int(national[6:]) <= 199
    )


_E164 = re.compile(r"\+[1-9]\d{6,14}")


def _split_e164(value: str) -> tuple[int, str] | None:
    """Country code and national significant number of a stored E.164 value, read off
    its digits: country codes are prefix-free, so the first of one, two or three
    digits that phonenumbers knows is it. None when the value is not E.164. The full
    job judges every phone of the graph, and parsing each costs more than the rest of
    the check (the same split, ``test_blocking`` checks, as parse gives)."""
    if not _E164.fullmatch(value):
        return None
    for width in (1, 2, 3):
        code = int(value[1 : 1 + width])
        if code in phonenumbers.COUNTRY_CODE_TO_REGION_CODE:
            return code, value[1 + width :]
    return None


def _phone_reason(value: str) -> str | None:
    split = _split_e164(value)
    if split is None:
        try:
            number = phonenumbers.parse(value, None)
        except phonenumbers.NumberParseException:
            # The normalizer only lets an unparsable number through when its digits are
            # a placeholder, so judging the bare digits is enough here.
            return phone_placeholder_reason(re.sub(r"\D", "", value))
        split = number.country_code or 0, phonenumbers.national_significant_number(number)
    country_code, national = split
    if _nanp_fictional(country_code, national):
        return "blocked value: placeholder phone (fictional 555-01XX range)"
    return phone_placeholder_reason(national)


def _email_reason(value: str) -> str | None:
    local, _, domain = value.rpartition("@")
    if value in PLACEHOLDER_EMAILS or local in PLACEHOLDER_LOCAL_PARTS:
        return "blocked value: placeholder email"
    if domain in EXAMPLE_EMAIL_DOMAINS or domain.endswith(
        tuple("." + d for d in EXAMPLE_EMAIL_DOMAINS)
    ):
        return "blocked value: reserved example domain (RFC 2606)"
    if local in NO_REPLY_LOCAL_PARTS:
        return "blocked value: no-reply address"
    return None


# What separates a device id's groups; dropped by str.translate (a full job judges every
# device of the graph, and a regex substitution cost three times as much).
_DEVICE_SEPARATORS = str.maketrans("", "", "-._:{}")


def _device_reason(value: str) -> str | None:
    bare = value.translate(_DEVICE_SEPARATORS)
    if bare and set(bare) == {"0"}:
        return "blocked value: all-zero device id"
    if len(bare) >= _MIN_PLACEHOLDER_DIGITS and len(set(bare)) == 1:
        return "blocked value: device id of one repeated character"
    if value in SHARED_DEVICE_IDS:
        return "blocked value: Android ID shared by many devices"
    return None


def _loyalty_reason(value: str) -> str | None:
    _, sep, number = value.partition(":")
    if sep and is_junk_literal(number):
        return f"blocked value: junk literal {number!r} after the program prefix"
    return None


_BUILTIN_RULES: dict[str, Callable[[str], str | None]] = {
    "email": _email_reason,
    "phone": _phone_reason,
    "device_id": _device_reason,
    "loyalty_id": _loyalty_reason,
}


def builtin_block_reason(kind: str, value: str) -> str | None:
    """Why a normalized value is blocked by the built-in rules, else None."""
    if is_junk_literal(value):
        return f"blocked value: junk literal {value!r}"
    rule = _BUILTIN_RULES.get(kind)
    return rule(value) if rule else None


def _split_kind(entry: str, resolve_kind: Callable[[str], str | None]) -> tuple[str | None, str]:
    prefix, sep, rest = entry.partition(":")
    if sep:
        kind = resolve_kind(prefix.strip())
        if kind is not None:
            return kind, rest.strip()
    return None, entry.strip()


@dataclass(frozen=True)
class BlockList:
    """The built-in rules plus the configured exact values and patterns."""

    by_kind: frozenset[tuple[str, str]] = frozenset()
    any_kind: frozenset[str] = frozenset()
    patterns: tuple[tuple[str | None, re.Pattern[str]], ...] = ()

    @classmethod
    def from_config(
        cls,
        values: Iterable[str],
        patterns: Iterable[str],
        *,
        resolve_kind: Callable[[str], str | None],
        normalize: Callable[[str, str], str],
    ) -> BlockList:
        """Parse configured entries; a malformed entry is a ConfigurationError.

        ``resolve_kind`` maps a kind name or alias to its canonical kind (None when
        unknown); ``normalize`` gives the normalized value of one kind, so that
        ``phone:(415) 555-0132`` blocks ``+14155550132``.
        """
        by_kind: set[tuple[str, str]] = set()
        any_kind: set[str] = set()
        for entry in values:
            kind, value = _split_kind(entry, resolve_kind)
            if not value:
                raise ConfigurationError(f"empty blocked value {entry!r}", entry=entry)
            if kind is None:
                any_kind.add(value.casefold())
                continue
            try:
                by_kind.add((kind, normalize(kind, value)))
            except InvalidIdentifier as e:
                raise ConfigurationError(
                    f"blocked value {entry!r} is not a valid {kind}: {e.details.get('reason')}",
                    entry=entry,
                ) from e
        compiled: list[tuple[str | None, re.Pattern[str]]] = []
        for entry in patterns:
            kind, text = _split_kind(entry, resolve_kind)
            try:
                compiled.append((kind, re.compile(text)))
            except re.error as e:
                raise ConfigurationError(
                    f"blocked pattern {entry!r} is not a valid regular expression: {e}",
                    entry=entry,
                ) from e
        return cls(frozenset(by_kind), frozenset(any_kind), tuple(compiled))

    def reason(self, kind: str, value: str) -> str | None:
        """Why the normalized ``value`` of ``kind`` is blocked, else None."""
        builtin = builtin_block_reason(kind, value)
        if builtin is not None:
            return builtin
        # A full job asks for every identifier of the graph: skip what is not configured.
        if self.by_kind and (kind, value) in self.by_kind:
            return f"blocked value: configured ({kind}:{value})"
        if self.any_kind and value.casefold() in self.any_kind:
            return f"blocked value: configured ({value})"
        for pattern_kind, pattern in self.patterns:
            if pattern_kind in (None, kind) and pattern.fullmatch(value):
                return f"blocked pattern: configured ({pattern.pattern})"
        return None
