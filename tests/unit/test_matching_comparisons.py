"""Each comparison level, one case at least, and null when a side is missing."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from graph_cdp.matching import MatchRecord, PersonTraits
from graph_cdp.matching.comparisons import COMPARISONS, NULL, prepare

D = datetime.date


def _record(
    emails: tuple[str, ...] = (), phones: tuple[str, ...] = (), **traits: Any
) -> MatchRecord:
    return MatchRecord(id="x", traits=PersonTraits(**traits), emails=emails, phones=phones)


def _level(name: str, a: MatchRecord, b: MatchRecord) -> str:
    comparison = COMPARISONS[name]
    index = comparison.compare(prepare(a), prepare(b))
    return "null" if index == NULL else comparison.levels[index]


CASES: list[tuple[str, dict[str, Any], dict[str, Any], str]] = [
    ("first_name", {"first_name": "william"}, {"first_name": "william"}, "exact"),
    ("first_name", {"first_name": "william"}, {"first_name": "bill"}, "nickname"),
    ("first_name", {"first_name": "liz"}, {"first_name": "elizabeth"}, "nickname"),
    ("first_name", {"first_name": "williams"}, {"first_name": "william"}, "jaro_winkler>=0.92"),
    # A spelling of a nickname's name, or a nickname typed with a slip.
    ("first_name", {"first_name": "catherine"}, {"first_name": "kathryn"}, "nickname"),
    ("first_name", {"first_name": "richard"}, {"first_name": "dikc"}, "nickname"),
    # Two neighbouring letters swapped in a short nickname (Jaro-Winkler 0.56).
    ("first_name", {"first_name": "joseph"}, {"first_name": "jeo"}, "nickname"),
    ("first_name", {"first_name": "joseph"}, {"first_name": "eoj"}, "else"),
    ("first_name", {"first_name": "christopher"}, {"first_name": "kristofer"}, "metaphone"),
    ("first_name", {"first_name": "marta"}, {"first_name": "maria"}, "jaro_winkler>=0.80"),
    ("first_name", {"first_name": "j"}, {"first_name": "james"}, "initial"),
    ("first_name", {"first_name": "john"}, {"first_name": "peter"}, "else"),
    ("first_name", {"first_name": "john"}, {}, "null"),
    ("last_name", {"last_name": "smith"}, {"last_name": "smith"}, "exact"),
    ("last_name", {"last_name": "johnson"}, {"last_name": "johnsen"}, "jaro_winkler>=0.92"),
    ("last_name", {"last_name": "christina"}, {"last_name": "kristina"}, "metaphone"),
    ("last_name", {"last_name": "kahn"}, {"last_name": "khan"}, "jaro_winkler>=0.92"),
    # One slip early in a name of five letters or more is a typo whatever Jaro-Winkler
    # says (0.83); four-letter names one letter apart are often two names.
    ("last_name", {"last_name": "tanaka"}, {"last_name": "tnaka"}, "jaro_winkler>=0.92"),
    ("last_name", {"last_name": "hill"}, {"last_name": "hall"}, "metaphone"),
    ("last_name", {"last_name": "thompson"}, {"last_name": "thomas"}, "jaro_winkler>=0.80"),
    (
        "last_name",
        {"first_name": "lee", "last_name": "ann"},
        {"first_name": "ann", "last_name": "lee"},
        "swapped_with_first",
    ),
    ("last_name", {"last_name": "smith"}, {"last_name": "garcia"}, "else"),
    ("last_name", {}, {"last_name": "garcia"}, "null"),
    ("birth_date", {"birth_date": D(1985, 3, 14)}, {"birth_date": D(1985, 3, 14)}, "exact"),
    (
        "birth_date",
        {"birth_date": D(1985, 3, 4)},
        {"birth_date": D(1985, 4, 3)},
        "day_month_swapped",
    ),
    ("birth_date", {"birth_date": D(1985, 3, 14)}, {"birth_date": D(1986, 3, 14)}, "one_digit"),
    (
        "birth_date",
        {"birth_date": D(1985, 3, 12)},
        {"birth_date": D(1985, 3, 21)},
        "one_digit",
    ),  # transposed
    # A changed decade is a level of its own (a slip, or a junior and a senior); a
    # transposition into the decade is not a typo.
    ("birth_date", {"birth_date": D(1964, 3, 14)}, {"birth_date": D(1994, 3, 14)}, "decade"),
    ("birth_date", {"birth_date": D(1985, 3, 14)}, {"birth_date": D(1958, 3, 14)}, "else"),
    ("birth_date", {"birth_date": D(1985, 3, 14)}, {"birth_date": D(1985, 3, 28)}, "year_month"),
    ("birth_date", {"birth_date": D(1985, 3, 14)}, {"birth_date": D(1962, 11, 2)}, "else"),
    ("birth_date", {"birth_date": D(1985, 3, 14)}, {}, "null"),
    (
        "address",
        {"street": "12 main st", "postal_code": "62704"},
        {"street": "12 main st", "postal_code": "62704"},
        "exact",
    ),
    (
        "address",
        {"street": "12 main st", "city": "york"},
        {"street": "12 main st", "city": "york"},
        "exact",
    ),
    (
        "address",
        {"street": "12 main st", "postal_code": "62704"},
        {"street": "12 mian st", "postal_code": "62704"},
        "street_jaro_winkler>=0.90",
    ),
    (
        "address",
        {"street": "12 main st", "postal_code": "62704"},
        {"street": "12 main st", "postal_code": "62705"},
        "street_only",
    ),
    (
        "address",
        {"street": "12 main st", "postal_code": "62704"},
        {"street": "9 oak ave", "postal_code": "62704"},
        "postal_code",
    ),
    (
        "address",
        {"street": "12 main st", "city": "york", "postal_code": "1"},
        {"street": "9 oak ave", "city": "york", "postal_code": "2"},
        "city",
    ),
    (
        "address",
        {"street": "12 main st", "postal_code": "62704"},
        {"street": "9 oak ave", "postal_code": "10001"},
        "else",
    ),
    ("address", {"street": "12 main st"}, {"postal_code": "10001"}, "null"),
    ("street", {"street": "12 main st"}, {"street": "12 main st"}, "exact"),
    ("street", {"street": "12 main st"}, {"street": "12 mian st"}, "jaro_winkler>=0.90"),
    ("street", {"street": "12 main st"}, {"street": "9 oak ave"}, "else"),
    ("city", {"city": "springfield"}, {"city": "springfeild"}, "jaro_winkler>=0.90"),
    ("postal_code", {"postal_code": "62704"}, {"postal_code": "62704"}, "exact"),
    ("postal_code", {"postal_code": "62704"}, {"postal_code": "62740"}, "one_edit"),
    ("postal_code", {"postal_code": "62704"}, {"postal_code": "262704"}, "one_edit"),
    ("postal_code", {"postal_code": "12"}, {"postal_code": "21"}, "one_edit"),
    ("birth_date", {"birth_date": D(1985, 3, 14)}, {"birth_date": D(1985, 3, 15)}, "one_digit"),
    ("postal_code", {"postal_code": "62704"}, {"postal_code": "62799"}, "prefix3"),
    ("postal_code", {"postal_code": "62704"}, {"postal_code": "10001"}, "else"),
    ("state", {"state": "nsw"}, {"state": "nsw"}, "exact"),
    ("state", {"state": "nsw"}, {"state": "vic"}, "else"),
    ("gender", {"gender": "f"}, {"gender": "m"}, "else"),
    ("national_id", {"national_id": "1804974"}, {"national_id": "1804974"}, "exact"),
    ("national_id", {"national_id": "1804974"}, {"national_id": "1804975"}, "one_edit"),
    ("national_id", {"national_id": "1804974"}, {"national_id": "1809475"}, "two_edits"),
    ("national_id", {"national_id": "1804974"}, {"national_id": "6089216"}, "else"),
]


@pytest.mark.parametrize(("name", "a", "b", "expected"), CASES)
def test_trait_levels(name: str, a: dict[str, Any], b: dict[str, Any], expected: str) -> None:
    assert _level(name, _record(**a), _record(**b)) == expected
    assert _level(name, _record(**b), _record(**a)) == expected  # symmetric


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        (("tim.gonzalez@gmail.com",), ("tim.gonzalez@gmail.com",), "exact"),
        (("tim.gonzalez@gmail.com",), ("tim.gonzalez@gmial.com",), "domain_typo"),
        # A service's name with one slip, at one of its suffixes (as Mailcheck checks).
        (("jtanaka@proton.me",), ("jtanaka@prtonmail.me",), "domain_typo"),
        (("lewis.patricia@aol.com",), ("lewis.patricia@aol.co",), "domain_typo"),
        # One mail service's two domains: one mailbox.
        (("jtanaka@proton.me",), ("jtanaka@protonmail.com",), "exact"),
        (("tim.gonzalez@gmail.com",), ("tim.gonzalez@googlemail.com",), "exact"),
        # Two services, one edit apart, are two mailboxes (a namesake's).
        (("tim.gonzalez@gmail.com",), ("tim.gonzalez@mail.com",), "else"),
        (("tim.gonzalez@gmx.de",), ("tim.gonzalez@gmx.com",), "else"),
        # A typed domain is the nearest service's typo: gmial.com is Gmail's, not mail.com's.
        (("tim.gonzalez@mail.com",), ("tim.gonzalez@gmial.com",), "else"),
        # The same local part elsewhere is a namesake's as often as one's own: no level.
        (("tim.gonzalez@gmail.com",), ("tim.gonzalez@yahoo.com",), "else"),
        # A clerk's slip: a dropped, swapped or replaced letter, the digits kept.
        (("tim.gonzalez@gmail.com",), ("tim.gonzales@gmail.com",), "local_typo"),
        (("tim.gonzalez@gmail.com",), ("tmi.gonzalez@gmial.com",), "local_typo"),
        (("greenmateo63@icloud.com",), ("green.mateo63@icloud.com",), "local_typo"),
        (("awilson217@comcast.net",), ("awilso2n17@comcast.net",), "local_typo"),
        # Another separator and another letter: two namesakes' mailboxes.
        (("josephkhan@gmail.com",), ("jsoeph.khan@gmail.com",), "else"),
        (("noah.baker768@yahoo.com",), ("noahbaker78@yahoo.com",), "else"),
        # A dropped or swapped digit, the letters kept.
        (("sscott98@proton.me",), ("sscott8@proton.me",), "local_typo"),
        (("hiroshipatel175@gmail.com",), ("hiroshipatel157@gmail.com",), "local_typo"),
        # Namesakes' mailboxes: another separator, another number, a longer form.
        (("john.white@gmail.com",), ("johnwhite@gmail.com",), "else"),
        (("mjohnson@gmail.com",), ("mjohnson4@gmail.com",), "else"),
        (("mtaylor64@gmail.com",), ("mtaylor94@gmail.com",), "else"),
        (("sscott98@proton.me",), ("sscottt8@proton.me",), "else"),
        (("wei_nelson849@yahoo.com",), ("wei_nelson@yahoo.com",), "else"),
        (("tim.gonzalez@gmail.com",), ("ann.lee@gmail.com",), "else"),
        (("x@a.org", "tim.gonzalez@gmail.com"), ("tim.gonzalez@gmail.com",), "exact"),
        ((), ("tim.gonzalez@gmail.com",), "null"),
    ],
)
def test_email_levels(a: tuple[str, ...], b: tuple[str, ...], expected: str) -> None:
    assert _level("email", _record(emails=a), _record(emails=b)) == expected


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        (("+15550109999",), ("+15550109999",), "exact"),
        (("+15550109999",), ("5550109999",), "last_7_digits"),
        (("+15550109999",), ("+15550109998",), "one_digit"),
        (("+15550109999",), ("+447700900123",), "else"),
        (("+15550109999",), (), "null"),
    ],
)
def test_phone_levels(a: tuple[str, ...], b: tuple[str, ...], expected: str) -> None:
    assert _level("phone", _record(phones=a), _record(phones=b)) == expected


def test_every_level_is_covered_by_a_case() -> None:
    covered = {(name, level) for name, _, _, level in CASES}
    for name in ("first_name", "last_name", "birth_date", "address", "postal_code", "national_id"):
        for level in COMPARISONS[name].levels:
            assert (name, level) in covered, (name, level)
