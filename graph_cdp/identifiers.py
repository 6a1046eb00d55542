"""Identifier kinds and the normalization of their values.

Built-in kinds (caller-facing name -> Neo4j label)::

    email        Email        aliases: e-mail, email_address, emailAddress, mail
    phone        Phone        aliases: phone_number, phoneNumber, mobile, msisdn, tel, telephone
    device_id    Device       aliases: device, deviceId, idfa, idfv, gaid, adid,
                              advertising_id, android_id
    cookie_id    Cookie       aliases: cookie, cookieId
    anonymous_id AnonymousId  aliases: anonymousId, anon_id (Segment's anonymousId)
    loyalty_id   LoyaltyId    aliases: loyalty, loyaltyId, loyalty_number, loyalty_card
    customer_id  CustomerId   aliases: customer, customerId, user_id, userId, user

Kind names and aliases match case-insensitively and ignore ``_``, ``-``, ``.`` and
spaces, so ``Device-ID``, ``deviceId`` and ``device_id`` are one kind. More kinds come
from Settings.extra_kinds as ``"kind"`` or ``"kind:Label"``; an extra kind whose name
equals a built-in *alias* takes it over (configuration beats a guess), but one that
equals a built-in kind is a ConfigurationError.

Every value is first NFKC-normalized and trimmed (including a stray BOM or zero-width
space from a CSV export). Then, per kind:

* email: an optional ``mailto:`` and every whitespace character are removed, the
  address is checked by email-validator (no DNS) and the *whole* address is
  lower-cased. RFC 5321 lets the local part be case-sensitive, but no mailbox provider
  a CDP meets treats it so, and ``John@x.com`` vs ``john@x.com`` splitting a customer
  costs more than the theoretical collision. Dots and ``+tags`` are kept: removing
  them is right for Gmail only, and fuzzy matching proposes those links instead.
* phone: parsed with phonenumbers in the default region, must be a valid number,
  written E.164 (an extension is dropped). Placeholder numbers (see
  :mod:`graph_cdp.blocking`) are let through even when invalid, so that they can be
  kept and flagged instead of rejecting the whole event.
* device_id: a UUID (IDFA, GAID, IDFV; with or without dashes or braces) becomes its
  lower-case dashed form; another id (e.g. a 16-hex Android ID) is lower-cased and must
  match ``[a-z0-9._:-]{4,128}`` with at least one letter or digit.
* cookie_id, anonymous_id, customer_id and extra kinds: case kept (ids are opaque and often
  case-sensitive), 1..256 characters, no control or invisible characters.
* loyalty_id: as above; a ``program:number`` prefix has its program lower-cased
  (program codes are case-insensitive, card numbers may not be).

Junk (``null``, ``n/a``, placeholder emails, ...) is normalized and *flagged*, never an
exception: it is kept as evidence and resolution never links through it.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType

import email_validator
import phonenumbers

from graph_cdp.blocking import BlockList, is_junk_literal, phone_placeholder_reason
from graph_cdp.config import Settings
from graph_cdp.errors import ConfigurationError, InvalidIdentifier, UnknownIdentifierKind

BUILTIN_KINDS: Mapping[str, str] = MappingProxyType(
    {
        "email": "Email",
        "phone": "Phone",
        "device_id": "Device",
        "cookie_id": "Cookie",
        "anonymous_id": "AnonymousId",
        "loyalty_id": "LoyaltyId",
        "customer_id": "CustomerId",
    }
)

ALIASES: Mapping[str, str] = MappingProxyType(
    {
        **dict.fromkeys(("e-mail", "email_address", "mail"), "email"),
        **dict.fromkeys(("phone_number", "mobile", "msisdn", "tel", "telephone"), "phone"),
        **dict.fromkeys(
            ("device", "idfa", "idfv", "gaid", "adid", "advertising_id", "android_id"),
            "device_id",
        ),
        "cookie": "cookie_id",
        "anon_id": "anonymous_id",
        **dict.fromkeys(("loyalty", "loyalty_number", "loyalty_card"), "loyalty_id"),
        **dict.fromkeys(("customer", "user_id", "user"), "customer_id"),
    }
)

# Labels other parts of the graph already use: a kind must not reuse one.
RESERVED_LABELS: frozenset[str] = frozenset(
    {"Identifier", "Interaction", "Customer", "ResolutionJob", "Invalid", "Account", "DeadLetter"}
)

MAX_VALUE_LENGTH = 256
# Normalized values each policy remembers (about 200 bytes each).
NORMALIZED_VALUES_KEPT = 65_536
_KIND_RE = re.compile(r"[a-z][a-z0-9_]{0,63}")
_LABEL_RE = re.compile(r"[A-Z][A-Za-z0-9]{0,63}")
_UUID_RE = re.compile(
    r"\{?([0-9a-f]{8})-([0-9a-f]{4})-([0-9a-f]{4})-([0-9a-f]{4})-([0-9a-f]{12})\}?"
    r"|\{?([0-9a-f]{32})\}?"
)
_DEVICE_RE = re.compile(r"[a-z0-9._:-]{4,128}")
_PROGRAM_RE = re.compile(r"[a-z0-9][a-z0-9_.-]{0,63}")
_EDGE_INVISIBLES = " \t\r\n\f\v\ufeff\u200b\u200c\u200d\u2060"


class _Malformed(ValueError):
    """A value breaks its kind's rules; the policy turns it into InvalidIdentifier."""


def _compact(name: str) -> str:
    return re.sub(r"[\s_.\-]", "", name).lower()


def _clean(raw: str) -> str:
    return unicodedata.normalize("NFKC", raw).strip(_EDGE_INVISIBLES).strip()


def _check_opaque(value: str) -> str:
    # Length is checked for every kind before this; here only the characters.
    for char in value:
        category = unicodedata.category(char)
        if category[0] == "C" or category in ("Zl", "Zp"):
            raise _Malformed(f"contains the control or invisible character U+{ord(char):04X}")
    return value


def _normalize_email(value: str) -> str:
    value = re.sub(r"\s+", "", value)
    if value[:7].lower() == "mailto:":
        value = value[7:]
    try:
        result = email_validator.validate_email(value, check_deliverability=False)
    except email_validator.EmailNotValidError as e:
        raise _Malformed(str(e)) from e
    # NFKC again: lower-casing can leave a character NFKC would still change.
    return unicodedata.normalize("NFKC", result.normalized.lower())


def _normalize_phone(value: str, region: str) -> str:
    try:
        number = phonenumbers.parse(value, region)
    except phonenumbers.NumberParseException as e:
        digits = re.sub(r"\D", "", value)
        if phone_placeholder_reason(digits):
            return "+" + digits
        detail = re.sub(r"^\(\d+\)\s*", "", str(e))
        raise _Malformed(f"not a phone number: {detail}") from e
    e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    if phone_placeholder_reason(phonenumbers.national_significant_number(number)):
        return e164
    if not phonenumbers.is_valid_number(number):
        where = "" if value.startswith("+") else f" (default region {region})"
        raise _Malformed(f"not a valid phone number{where}")
    return e164


def _normalize_device(value: str) -> str:
    value = value.lower()
    match = _UUID_RE.fullmatch(value)
    if match:
        hexes = match.group(6) or "".join(match.group(i) for i in range(1, 6))
        return "-".join((hexes[0:8], hexes[8:12], hexes[12:16], hexes[16:20], hexes[20:32]))
    if not _DEVICE_RE.fullmatch(value) or not re.search(r"[a-z0-9]", value):
        raise _Malformed(
            "not a device id: expected a UUID/IDFA/GAID or 4..128 characters of a-z 0-9 . _ : -"
        )
    return value


def _normalize_loyalty(value: str) -> str:
    value = _check_opaque(value)
    program, sep, number = value.partition(":")
    if sep and number and _PROGRAM_RE.fullmatch(program.lower()):
        return f"{program.lower()}:{number}"
    return value


@dataclass(frozen=True, slots=True)
class Identifier:
    """One normalized identifier value of one kind; ``key`` is unique in the graph."""

    kind: str
    value: str

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.value}"

    def label(self, policy: IdentifierPolicy) -> str:
        """The Neo4j label of this identifier's kind under ``policy``."""
        return policy.label(self.kind)


@dataclass(frozen=True, slots=True)
class NormalizedIdentifier:
    """The result of normalization: the identifier, its label and why it is blocked."""

    identifier: Identifier
    label: str
    blocked: str | None = None

    @property
    def key(self) -> str:
        return self.identifier.key

    @property
    def kind(self) -> str:
        return self.identifier.kind

    @property
    def value(self) -> str:
        return self.identifier.value

    @property
    def is_blocked(self) -> bool:
        return self.blocked is not None


def _parse_extra_kind(spec: str) -> tuple[str, str]:
    kind, sep, label = (part.strip() for part in spec.partition(":"))
    if not _KIND_RE.fullmatch(kind):
        raise ConfigurationError(
            f"extra kind {spec!r}: the kind must match ^[a-z][a-z0-9_]{{0,63}}$", spec=spec
        )
    if not sep:
        label = "".join(part.capitalize() for part in kind.split("_"))
    if not _LABEL_RE.fullmatch(label):
        raise ConfigurationError(
            f"extra kind {spec!r}: the label must match ^[A-Z][A-Za-z0-9]{{0,63}}$", spec=spec
        )
    return kind, label


def _build_kinds(extra_kinds: Iterable[str]) -> tuple[dict[str, str], dict[str, str]]:
    """The kind -> label table and the compact-name -> kind lookup."""
    kinds = dict(BUILTIN_KINDS)
    lookup = {_compact(alias): kind for alias, kind in ALIASES.items()}
    lookup.update({_compact(kind): kind for kind in kinds})
    builtin_compacts = {_compact(kind) for kind in BUILTIN_KINDS}
    extra_compacts: set[str] = set()
    for spec in extra_kinds:
        kind, label = _parse_extra_kind(spec)
        compact = _compact(kind)
        if compact in builtin_compacts or compact in extra_compacts:
            raise ConfigurationError(f"extra kind {kind!r} is already a kind", spec=spec)
        if label in RESERVED_LABELS or label in kinds.values():
            raise ConfigurationError(f"extra kind {kind!r}: label {label!r} is taken", spec=spec)
        extra_compacts.add(compact)
        kinds[kind] = label
        lookup[compact] = kind
    return kinds, lookup


class IdentifierPolicy:
    """What kinds exist, how their values normalize and which values are blocked."""

    def __init__(
        self,
        *,
        default_region: str = "US",
        extra_kinds: Iterable[str] = (),
        blocked_values: Iterable[str] = (),
        blocked_patterns: Iterable[str] = (),
    ) -> None:
        region = default_region.strip().upper()
        if region not in phonenumbers.SUPPORTED_REGIONS:
            raise ConfigurationError(
                f"default region {default_region!r} is not a region phonenumbers knows",
                default_region=default_region,
            )
        self.default_region = region
        kinds, self._lookup = _build_kinds(extra_kinds)
        self._kinds: Mapping[str, str] = MappingProxyType(kinds)
        self._normalizers: dict[str, Callable[[str], str]] = {
            "email": _normalize_email,
            "phone": lambda value: _normalize_phone(value, region),
            "device_id": _normalize_device,
            "loyalty_id": _normalize_loyalty,
        }
        self._remembered = functools.lru_cache(maxsize=NORMALIZED_VALUES_KEPT)(
            self._normalize_fresh
        )
        self.blocklist = BlockList.from_config(
            blocked_values,
            blocked_patterns,
            resolve_kind=self.resolve_kind,
            normalize=lambda kind, raw: self._normalize_value(kind, raw),
        )

    @classmethod
    def from_settings(cls, settings: Settings) -> IdentifierPolicy:
        return cls(
            default_region=settings.default_region,
            extra_kinds=settings.extra_kinds,
            blocked_values=settings.blocked_values,
            blocked_patterns=settings.blocked_patterns,
        )

    @property
    def kinds(self) -> Mapping[str, str]:
        """Every configured kind and its Neo4j label."""
        return self._kinds

    def resolve_kind(self, name: str) -> str | None:
        """The canonical kind for a kind name or alias, or None if there is none."""
        return self._lookup.get(_compact(name))

    def kind(self, name: str) -> str:
        """The canonical kind for a kind name or alias; UnknownIdentifierKind if none."""
        kind = self.resolve_kind(name)
        if kind is None:
            known = sorted(self._kinds)
            raise UnknownIdentifierKind(
                f"unknown identifier kind {name!r}; known kinds: {', '.join(known)}",
                kind=name,
                known_kinds=known,
            )
        return kind

    def label(self, kind: str) -> str:
        """The Neo4j label of a kind (or alias); UnknownIdentifierKind if none."""
        return self._kinds[self.kind(kind)]

    def normalize(self, kind: str, raw: str) -> NormalizedIdentifier:
        """Normalize one value; flag it if blocked, raise InvalidIdentifier if malformed."""
        canonical = self.kind(kind)
        value = self._normalize_value(canonical, raw)
        return NormalizedIdentifier(
            Identifier(canonical, value),
            self._kinds[canonical],
            self.blocklist.reason(canonical, value),
        )

    def identifier(self, kind: str, raw: str) -> Identifier:
        """Shorthand for ``normalize(kind, raw).identifier`` (lookups by value)."""
        return self.normalize(kind, raw).identifier

    def _normalize_value(self, kind: str, raw: str) -> str:
        """A canonical kind's value, normalized; the last values seen are remembered.

        The same few emails and devices arrive on event after event and lookup after
        lookup, and email and phone parsing costs tens of microseconds each. Malformed
        values raise every time (an exception is never cached)."""
        if not isinstance(raw, str):
            return self._normalize_fresh(kind, raw)
        return self._remembered(kind, raw)

    def _normalize_fresh(self, kind: str, raw: str) -> str:
        cleaned = self._clean_or_raise(kind, raw)
        if is_junk_literal(cleaned):
            # Junk fails most kinds' syntax; it is kept as flagged evidence instead.
            return cleaned.casefold()
        normalizer = self._normalizers.get(kind, _check_opaque)
        try:
            return normalizer(cleaned)
        except _Malformed as e:
            raise _invalid(kind, raw, str(e)) from e

    def _clean_or_raise(self, kind: str, raw: object) -> str:
        if not isinstance(raw, str):
            raise _invalid(kind, raw, f"expected a string, got {type(raw).__name__}")
        cleaned = _clean(raw)
        if not cleaned:
            raise _invalid(kind, raw, "empty value")
        if len(cleaned) > MAX_VALUE_LENGTH:
            raise _invalid(kind, raw, f"longer than {MAX_VALUE_LENGTH} characters")
        return cleaned


def _invalid(kind: str, raw: object, reason: str) -> InvalidIdentifier:
    shown = raw if not isinstance(raw, str) or len(raw) <= 80 else raw[:77] + "..."
    return InvalidIdentifier(
        f"invalid {kind} {shown!r}: {reason}", kind=kind, value=raw, reason=reason
    )
