"""Identifier kinds and normalization: plain tables of cases, no server."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from graph_cdp.config import Settings
from graph_cdp.errors import ConfigurationError, InvalidIdentifier, UnknownIdentifierKind
from graph_cdp.identifiers import (
    BUILTIN_KINDS,
    Identifier,
    IdentifierPolicy,
    NormalizedIdentifier,
)

POLICY = IdentifierPolicy()

GOOD = [
    # email: trimmed, whitespace and mailto: removed, whole address lower-cased
    ("email", "John.Doe@Gmail.COM", "john.doe@gmail.com"),
    ("email", "  jane@shop.io\n", "jane@shop.io"),
    ("email", "jane @ shop.io", "jane@shop.io"),
    ("email", "mailto:Jane@Shop.io", "jane@shop.io"),
    ("email", "jane+news@shop.io", "jane+news@shop.io"),
    ("email", "\ufeffjane@shop.io", "jane@shop.io"),
    ("email", "\uff4a\uff41\uff4e\uff45@shop.io", "jane@shop.io"),  # fullwidth, NFKC
    ("email", "x@xn--bcher-kva.ch", "x@bücher.ch"),
    # phone: E.164, default region US
    ("phone", "(415) 867-5309", "+14158675309"),
    ("phone", "415.867.5309", "+14158675309"),
    ("phone", "+1 415 867 5309 ext. 12", "+14158675309"),
    ("phone", "tel:+1-415-867-5309", "+14158675309"),
    ("phone", "+44 20 7946 0958", "+442079460958"),
    ("phone", "1-800-FLOWERS", "+18003569377"),
    # device_id: UUID forms to lower dashed; other ids lower-cased
    ("device_id", "6D92078A-8246-4BA4-AE5B-76104861E7DC", "6d92078a-8246-4ba4-ae5b-76104861e7dc"),
    ("device_id", "6D92078A82464BA4AE5B76104861E7DC", "6d92078a-8246-4ba4-ae5b-76104861e7dc"),
    (
        "device_id",
        "{6d92078a-8246-4ba4-ae5b-76104861e7dc}",
        "6d92078a-8246-4ba4-ae5b-76104861e7dc",
    ),
    ("device_id", " A1B2C3D4E5F60718 ", "a1b2c3d4e5f60718"),
    ("device_id", "Web:Fingerprint.v2_ab-12", "web:fingerprint.v2_ab-12"),
    # cookie_id, customer_id: trimmed, NFKC, case kept
    ("cookie_id", "  AbC-123_xyz  ", "AbC-123_xyz"),
    ("cookie_id", "\uff21\uff22\uff23\uff11\uff12\uff13", "ABC123"),
    ("customer_id", "CUST 00042", "CUST 00042"),
    ("customer_id", "x" * 256, "x" * 256),
    # loyalty_id: program prefix lower-cased, number kept
    ("loyalty_id", "ACME:Gold-123", "acme:Gold-123"),
    ("loyalty_id", "9876543", "9876543"),
    ("loyalty_id", "Gold Club:123", "Gold Club:123"),  # not a program code: kept whole
]


@pytest.mark.parametrize(("kind", "raw", "expected"), GOOD)
def test_normalizes_good_values(kind: str, raw: str, expected: str) -> None:
    result = POLICY.normalize(kind, raw)
    assert result.identifier == Identifier(kind, expected)
    assert result.label == BUILTIN_KINDS[kind]
    assert result.blocked is None


@pytest.mark.parametrize(("kind", "raw", "expected"), GOOD)
def test_normalization_is_idempotent(kind: str, raw: str, expected: str) -> None:
    assert POLICY.normalize(kind, expected).value == expected


BAD = [
    ("email", "john.doe", "@"),
    ("email", "john@@gmail.com", "invalid characters"),
    ("email", "john@localhost", "period"),
    ("email", "john@foo.test", "special-use"),
    ("email", "", "empty value"),
    ("email", "   ", "empty value"),
    ("phone", "abc", "not a phone number"),
    ("phone", "123", "not a valid phone number (default region US)"),
    ("phone", "+1 212 000 0000", "not a valid phone number"),
    ("device_id", "ab", "not a device id"),
    ("device_id", "has space 1234", "not a device id"),
    ("device_id", "....", "not a device id"),
    ("device_id", "x" * 129, "not a device id"),
    ("cookie_id", "abc\x00def", "U+0000"),
    ("cookie_id", "abc\tdef", "U+0009"),
    ("customer_id", "a\u200bb", "U+200B"),
    ("customer_id", "x" * 257, "longer than 256"),
    ("loyalty_id", "acme:\x07", "U+0007"),
]


@pytest.mark.parametrize(("kind", "raw", "reason"), BAD)
def test_rejects_malformed_values(kind: str, raw: str, reason: str) -> None:
    with pytest.raises(InvalidIdentifier) as info:
        POLICY.normalize(kind, raw)
    assert reason in info.value.details["reason"]  # type: ignore[operator]
    assert info.value.details["kind"] == kind
    assert info.value.details["value"] == raw
    assert f"invalid {kind}" in info.value.message


def test_rejects_non_string_value() -> None:
    with pytest.raises(InvalidIdentifier, match="expected a string, got int"):
        POLICY.normalize("customer_id", 42)  # type: ignore[arg-type]


def test_remembered_values_answer_as_the_first_time_and_errors_are_never_kept() -> None:
    policy = IdentifierPolicy()
    first = policy.normalize("email", " Ana.Lopez@Example.COM ")
    assert policy.normalize("email", " Ana.Lopez@Example.COM ") == first
    for _ in range(2):  # a malformed value is refused every time, not only the first
        with pytest.raises(InvalidIdentifier, match="invalid email"):
            policy.normalize("email", "ana.lopez@")
    with pytest.raises(InvalidIdentifier, match="expected a string, got list"):
        policy.normalize("email", ["not", "hashable"])  # type: ignore[arg-type]
    # Each policy remembers its own answers: the same digits differ by default region.
    uk_number = IdentifierPolicy(default_region="gb").normalize("phone", "020 7946 0958")
    assert uk_number.value == "+442079460958"
    with pytest.raises(InvalidIdentifier, match="default region US"):
        policy.normalize("phone", "020 7946 0958")
    assert policy.normalize("email", "ana.lopez@example.com").value == first.value


def test_default_region_changes_phone_parsing() -> None:
    uk = IdentifierPolicy(default_region="gb")
    assert uk.default_region == "GB"
    assert uk.normalize("phone", "020 7946 0958").value == "+442079460958"
    with pytest.raises(InvalidIdentifier, match="default region US"):
        POLICY.normalize("phone", "020 7946 0958")


ALIASES = [
    ("EMAIL", "email"),
    ("e-mail", "email"),
    ("emailAddress", "email"),
    ("phone_number", "phone"),
    ("Mobile", "phone"),
    ("device", "device_id"),
    ("deviceId", "device_id"),
    ("Device-ID", "device_id"),
    ("IDFA", "device_id"),
    ("gaid", "device_id"),
    ("cookie", "cookie_id"),
    ("anonymous_id", "anonymous_id"),
    ("anonymousId", "anonymous_id"),
    ("anon_id", "anonymous_id"),
    ("loyalty", "loyalty_id"),
    ("loyaltyId", "loyalty_id"),
    ("user_id", "customer_id"),
    ("userId", "customer_id"),
    ("customer", "customer_id"),
]


@pytest.mark.parametrize(("name", "kind"), ALIASES)
def test_aliases_resolve_case_insensitively(name: str, kind: str) -> None:
    assert POLICY.kind(name) == kind
    assert POLICY.label(name) == BUILTIN_KINDS[kind]
    sample = {"email": "a.b@shop.io", "phone": "4158675309"}.get(kind, "12345678")
    assert POLICY.normalize(name, sample).kind == kind


def test_unknown_kind_lists_known_kinds() -> None:
    with pytest.raises(UnknownIdentifierKind) as info:
        POLICY.normalize("passport", "X123")
    assert info.value.details["known_kinds"] == sorted(BUILTIN_KINDS)
    assert "customer_id" in info.value.message
    assert POLICY.resolve_kind("passport") is None


def test_kinds_mapping_is_read_only() -> None:
    assert dict(POLICY.kinds) == dict(BUILTIN_KINDS)
    with pytest.raises(TypeError):
        POLICY.kinds["x"] = "X"  # type: ignore[index]


EXTRA = [
    ("crm_id:CrmId", "crm_id", "CrmId"),
    ("crm_id", "crm_id", "CrmId"),
    ("shopify_customer_id", "shopify_customer_id", "ShopifyCustomerId"),
    (" pos_id : PosTerminal ", "pos_id", "PosTerminal"),
    ("mobile:MobileApp", "mobile", "MobileApp"),  # configuration takes over an alias
]


@pytest.mark.parametrize(("spec", "kind", "label"), EXTRA)
def test_extra_kinds(spec: str, kind: str, label: str) -> None:
    policy = IdentifierPolicy(extra_kinds=(spec,))
    assert policy.kinds[kind] == label
    result = policy.normalize(kind, "  \uff38y-1 ")
    assert result == NormalizedIdentifier(Identifier(kind, "Xy-1"), label, None)
    assert Identifier(kind, "v").label(policy) == label


def test_extra_kind_from_settings() -> None:
    policy = IdentifierPolicy.from_settings(Settings(extra_kinds=("crm_id:CrmId",)))
    assert policy.normalize("CRM-ID", "A1").key == "crm_id:A1"
    with pytest.raises(InvalidIdentifier, match=r"U\+0000"):
        policy.normalize("crm_id", "a\x00")


BAD_EXTRA = [
    ("CrmId", "the kind must match"),
    ("crm-id", "the kind must match"),
    ("9crm", "the kind must match"),
    ("crm_id:crmId", "the label must match"),
    ("crm_id:Crm Id", "the label must match"),
    ("crm_id:Crm`) DETACH DELETE (n", "the label must match"),
    ("email:Email2", "already a kind"),
    ("deviceid", "already a kind"),
    ("crm_id:Customer", "is taken"),
    ("crm_id:Email", "is taken"),
]


@pytest.mark.parametrize(("spec", "message"), BAD_EXTRA)
def test_bad_extra_kinds_are_configuration_errors(spec: str, message: str) -> None:
    with pytest.raises(ConfigurationError, match=message):
        IdentifierPolicy(extra_kinds=(spec,))


def test_duplicate_extra_kinds_are_configuration_errors() -> None:
    with pytest.raises(ConfigurationError, match="already a kind"):
        IdentifierPolicy(extra_kinds=("crm_id", "crmid:Crm2"))


def test_unknown_default_region_is_a_configuration_error() -> None:
    with pytest.raises(ConfigurationError, match="default region"):
        IdentifierPolicy(default_region="XX")


def test_identifier_key() -> None:
    assert Identifier("loyalty_id", "acme:123").key == "loyalty_id:acme:123"


@pytest.mark.parametrize("kind", sorted(BUILTIN_KINDS))
@given(raw=st.text(max_size=60))
def test_any_text_normalizes_or_raises_invalid(kind: str, raw: str) -> None:
    """Nothing but InvalidIdentifier escapes, and a normalized value is a fixed point."""
    try:
        first = POLICY.normalize(kind, raw)
    except InvalidIdentifier:
        return
    second = POLICY.normalize(kind, first.value)
    assert second == first
