"""Blocked values: built-in junk and configured values and patterns."""

from __future__ import annotations

import pytest

from graph_cdp.config import Settings
from graph_cdp.errors import ConfigurationError
from graph_cdp.identifiers import IdentifierPolicy

POLICY = IdentifierPolicy()

BLOCKED = [
    # junk literals, any kind, kept as (case-folded) evidence instead of raising
    ("email", "null", "null", "junk literal 'null'"),
    ("email", " NULL ", "null", "junk literal 'null'"),
    ("phone", "undefined", "undefined", "junk literal"),
    ("device_id", "N/A", "n/a", "junk literal"),
    ("cookie_id", "none", "none", "junk literal"),
    ("customer_id", "0", "0", "junk literal '0'"),
    ("customer_id", "-", "-", "junk literal"),
    ("loyalty_id", "Unknown", "unknown", "junk literal"),
    ("cookie_id", "[object Object]", "[object object]", "junk literal"),
    # placeholder emails
    ("email", "TEST@test.com", "test@test.com", "placeholder email"),
    ("email", "none@none.com", "none@none.com", "placeholder email"),
    ("email", "noemail@noemail.com", "noemail@noemail.com", "placeholder email"),
    ("email", "no@email.com", "no@email.com", "placeholder email"),
    ("email", "na@na.com", "na@na.com", "placeholder email"),
    ("email", "email@email.com", "email@email.com", "placeholder email"),
    ("email", "asdf@asdf.com", "asdf@asdf.com", "placeholder email"),
    ("email", "a@a.com", "a@a.com", "placeholder email"),
    ("email", "null@null.com", "null@null.com", "placeholder email"),
    ("email", "test@gmail.com", "test@gmail.com", "placeholder email"),
    ("email", "declined@declined.com", "declined@declined.com", "placeholder email"),
    ("email", "Declined@shop.io", "declined@shop.io", "placeholder email"),
    ("email", "example@example.com", "example@example.com", "example domain"),
    ("email", "jane@example.org", "jane@example.org", "example domain"),
    ("email", "jane@mail.example.net", "jane@mail.example.net", "example domain"),
    ("email", "noreply@shop.io", "noreply@shop.io", "no-reply address"),
    ("email", "Do-Not-Reply@shop.io", "do-not-reply@shop.io", "no-reply address"),
    # placeholder phones (invalid numbers are kept, not rejected)
    ("phone", "0000000000", "+10000000000", "one repeated digit"),
    ("phone", "111-111-1111", "+11111111111", "one repeated digit"),
    ("phone", "+1 555 555 5555", "+15555555555", "one repeated digit"),
    ("phone", "+0000000000", "+0000000000", "one repeated digit"),
    ("phone", "1234567890", "+11234567890", "counting sequence"),
    ("phone", "987-654-3210", "+19876543210", "counting sequence"),
    ("phone", "(415) 555-0100", "+14155550100", "fictional 555-01XX"),
    ("phone", "212-555-0199", "+12125550199", "fictional 555-01XX"),
    # device ids
    ("device_id", "00000000-0000-0000-0000-000000000000", None, "all-zero"),
    ("device_id", "00000000000000000000000000000000", None, "all-zero"),
    ("device_id", "0000", "0000", "all-zero"),
    ("device_id", "ffffffffffffffff", "ffffffffffffffff", "one repeated character"),
    ("device_id", "9774D56D682E549C", "9774d56d682e549c", "shared"),
    # loyalty with a program prefix
    ("loyalty_id", "ACME:0", "acme:0", "junk literal '0' after the program prefix"),
]


@pytest.mark.parametrize(("kind", "raw", "value", "reason"), BLOCKED)
def test_builtin_blocked_values_are_flagged_not_raised(
    kind: str, raw: str, value: str | None, reason: str
) -> None:
    result = POLICY.normalize(kind, raw)
    assert result.blocked is not None
    assert result.blocked.startswith("blocked value: ")
    assert reason in result.blocked
    assert result.is_blocked
    if value is not None:
        assert result.value == value
    # a flagged value re-normalizes to itself, still flagged (dead-letter replay)
    assert POLICY.normalize(kind, result.value) == result


NOT_BLOCKED = [
    ("email", "testing@gmail.com"),
    ("email", "jane@example.co"),
    ("email", "jane@myexample.com"),
    ("email", "anna@a.co"),
    ("phone", "(415) 555-0200"),
    ("phone", "(415) 867-5309"),
    ("device_id", "00000000-0000-0000-0000-000000000001"),
    ("customer_id", "00"),
    ("customer_id", "nullable"),
    ("loyalty_id", "acme:01"),
]


@pytest.mark.parametrize(("kind", "raw"), NOT_BLOCKED)
def test_near_misses_are_not_blocked(kind: str, raw: str) -> None:
    assert POLICY.normalize(kind, raw).blocked is None


def _configured(values: tuple[str, ...] = (), patterns: tuple[str, ...] = ()) -> IdentifierPolicy:
    settings = Settings(
        blocked_values=values,
        blocked_patterns=patterns,
        extra_kinds=("crm_id",),
    )
    return IdentifierPolicy.from_settings(settings)


CONFIGURED = [
    # exact "kind:value", compared after the kind's normalization
    (("email:Front.Desk@Shop.io",), (), "email", " front.desk@shop.io", "configured"),
    (("phone:(415) 867-5309",), (), "phone", "+1 415 867 5309", "configured (phone:+14158675309)"),
    (("phone:(415) 867-5309",), (), "customer_id", "(415) 867-5309", None),
    (("customer_id:GUEST",), (), "customer_id", "GUEST", "configured"),
    (("customer_id:GUEST",), (), "customer_id", "guest", None),  # ids keep case
    (("crm_id:X1",), (), "crm_id", "X1", "configured"),
    (("user:GUEST",), (), "customer_id", "GUEST", "configured"),  # alias as the prefix
    # plain "value": every kind, case-insensitive
    (("GUEST",), (), "cookie_id", "guest", "configured (guest)"),
    (("guest",), (), "customer_id", "GUEST", "configured"),
    (("acme:000",), (), "loyalty_id", "ACME:000", "configured"),  # acme is not a kind
    # patterns: fullmatch on the normalized value
    ((), (r"email:.*@mailinator\.com",), "email", "x@MAILINATOR.com", "blocked pattern"),
    ((), (r"email:.*@mailinator\.com",), "email", "x@mailinator.com.au", None),
    ((), (r"(?:tmp|temp)-\d+",), "cookie_id", "tmp-42", "blocked pattern"),
    ((), (r"(?:tmp|temp)-\d+",), "customer_id", "temp-7", "blocked pattern"),
    ((), (r"(?:tmp|temp)-\d+",), "customer_id", "xtemp-7", None),
    ((), (r"device_id:f{8}-.*",), "device_id", "FFFFFFFF-0000-1111-2222-333333333333", "pattern"),
    ((), (r"device_id:f{8}-.*",), "cookie_id", "ffffffff-0000", None),
]


@pytest.mark.parametrize(("values", "patterns", "kind", "raw", "reason"), CONFIGURED)
def test_configured_values_and_patterns(
    values: tuple[str, ...],
    patterns: tuple[str, ...],
    kind: str,
    raw: str,
    reason: str | None,
) -> None:
    blocked = _configured(values, patterns).normalize(kind, raw).blocked
    if reason is None:
        assert blocked is None
    else:
        assert blocked is not None
        assert reason in blocked


BAD_CONFIG = [
    (("email:not-an-email",), (), "not a valid email"),
    (("phone:123",), (), "not a valid phone"),
    (("email:",), (), "empty blocked value"),
    ((), ("email:(unclosed",), "not a valid regular expression"),
]


@pytest.mark.parametrize(("values", "patterns", "message"), BAD_CONFIG)
def test_bad_blocked_config_is_a_configuration_error(
    values: tuple[str, ...], patterns: tuple[str, ...], message: str
) -> None:
    with pytest.raises(ConfigurationError, match=message):
        _configured(values, patterns)


def test_configured_junk_literal_is_accepted() -> None:
    policy = _configured(values=("email:null", "phone:0000000000"))
    assert policy.normalize("email", "NULL").blocked == "blocked value: junk literal 'null'"


def test_a_stored_phone_is_split_as_phonenumbers_parses_it() -> None:
    # The full job reads every stored E.164 phone off its digits instead of parsing it:
    # for every region's example numbers of every type, the split is what parse gives.
    import phonenumbers

    from graph_cdp.blocking import _split_e164

    checked = 0
    for region in sorted(phonenumbers.SUPPORTED_REGIONS):
        for kind in (
            phonenumbers.PhoneNumberType.FIXED_LINE,
            phonenumbers.PhoneNumberType.MOBILE,
            phonenumbers.PhoneNumberType.TOLL_FREE,
        ):
            example = phonenumbers.example_number_for_type(region, kind)
            if example is None:
                continue
            value = phonenumbers.format_number(example, phonenumbers.PhoneNumberFormat.E164)
            parsed = phonenumbers.parse(value, None)
            assert _split_e164(value) == (
                parsed.country_code,
                phonenumbers.national_significant_number(parsed),
            ), value
            checked += 1
    assert checked > 400
    assert _split_e164("4155550100") is None  # not E.164: parsed as before
