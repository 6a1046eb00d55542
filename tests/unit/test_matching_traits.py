"""Trait standardisation: dates, aliases, names, streets; bad values never raise."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from graph_cdp.dates import parse_date
from graph_cdp.matching import PersonTraits, contacts, merge_traits, standardize
from graph_cdp.matching.addresses import standardize_postal_code, standardize_street

D = datetime.date


@pytest.mark.parametrize(
    ("text", "day_first", "expected"),
    [
        ("1985-03-14", False, D(1985, 3, 14)),
        ("1985/03/14", False, D(1985, 3, 14)),
        ("1985.3.4", False, D(1985, 3, 4)),
        ("1985-03-14T00:00:00Z", False, D(1985, 3, 14)),
        ("19850314", False, D(1985, 3, 14)),
        ("03/14/1985", False, D(1985, 3, 14)),
        ("03-14-1985", False, D(1985, 3, 14)),
        ("14/03/1985", False, D(1985, 3, 14)),  # first part > 12: day first
        ("04/03/1985", False, D(1985, 4, 3)),  # ambiguous: month first
        ("04/03/1985", True, D(1985, 3, 4)),  # ambiguous, configured day first
        ("03/14/1985", True, D(1985, 3, 14)),  # second part > 12: month first after all
        ("14.03.1985", False, D(1985, 3, 14)),  # dots: day first
        ("04.03.1985", False, D(1985, 3, 4)),
        ("03.14.1985", False, D(1985, 3, 14)),
        ("3/14/85", False, D(1985, 3, 14)),
        ("3/14/05", False, D(2005, 3, 14)),
        ("14 March 1985", False, D(1985, 3, 14)),
        ("March 14, 1985", False, D(1985, 3, 14)),
        ("mar 14 1985", False, D(1985, 3, 14)),
        ("  1985-03-14 ", False, D(1985, 3, 14)),
    ],
)
def test_dates_in_the_formats_people_type(
    text: str, day_first: bool, expected: datetime.date
) -> None:
    assert parse_date(text, day_first=day_first) == expected


@pytest.mark.parametrize(
    "value",
    [
        "",
        "1985-02-30",
        "13/13/1985",
        "19851399",
        "yesterday",
        "1700-01-01",
        "14 Smarch 1985",
        None,
        19850314,
        3.5,
        [],
        {},
        True,
    ],
)
def test_unreadable_dates_are_none(value: Any) -> None:
    assert parse_date(value) is None


def test_date_objects_pass_through() -> None:
    assert parse_date(D(1990, 1, 2)) == D(1990, 1, 2)
    assert parse_date(datetime.datetime(1990, 1, 2, 13, 0)) == D(1990, 1, 2)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ({"firstName": "Ann", "lastName": "Lee"}, PersonTraits(first_name="ann", last_name="lee")),
        ({"first_name": "ANN", "surname": "Lée"}, PersonTraits(first_name="ann", last_name="lee")),
        (
            {"given_name": "Zoë", "family_name": "Brontë"},
            PersonTraits(first_name="zoe", last_name="bronte"),
        ),
        ({"name": "Dr. John A. Smith Jr."}, PersonTraits(first_name="john", last_name="smith")),
        ({"name": "Smith, John"}, PersonTraits(first_name="john", last_name="smith")),
        ({"name": "Cher"}, PersonTraits(first_name="cher")),
        ({"lastName": "Smith Jr."}, PersonTraits(last_name="smith")),
        ({"birthday": "1985-03-14"}, PersonTraits(birth_date=D(1985, 3, 14))),
        ({"birthDate": "03/14/1985"}, PersonTraits(birth_date=D(1985, 3, 14))),
        ({"dob": "19850314"}, PersonTraits(birth_date=D(1985, 3, 14))),
        ({"date_of_birth": "14.03.1985"}, PersonTraits(birth_date=D(1985, 3, 14))),
        ({"gender": "Female"}, PersonTraits(gender="f")),
        ({"sex": "M"}, PersonTraits(gender="m")),
        ({"ssn": "123-45-6789"}, PersonTraits(national_id="123456789")),
        (
            {
                "address": {
                    "street": "12 North Main Street",
                    "city": "Springfield",
                    "postalCode": "62704-1234",
                    "state": "IL",
                    "country": "US",
                }
            },
            PersonTraits(
                street="12 n main st",
                city="springfield",
                postal_code="62704",
                state="il",
                country="us",
            ),
        ),
        (
            {"address": "12 Main St.", "postal_code": "sw1a 1aa", "town": "London"},
            PersonTraits(street="12 main st", city="london", postal_code="SW1A1AA"),
        ),
        ({"zip": 2119, "suburb": "Cleveland"}, PersonTraits(city="cleveland", postal_code="2119")),
        ({"zipCode": "02119"}, PersonTraits(postal_code="02119")),
    ],
)
def test_reserved_traits_and_aliases(raw: dict[str, Any], expected: PersonTraits) -> None:
    assert standardize(raw) == expected


def test_day_first_reaches_the_date() -> None:
    assert standardize({"dob": "04/03/1985"}, day_first=True).birth_date == D(1985, 3, 4)


@pytest.mark.parametrize(
    "raw",
    [
        {"firstName": 12, "lastName": ["x"], "birthday": {"y": 1}, "address": 7, "gender": None},
        {"address": {"street": None, "city": 3.5, "postalCode": True}},
        {"name": ",", "dob": "31/31/31", "zip": "   "},
        {1: "x", "firstName": ""},
        {},
    ],
)
def test_bad_values_never_raise(raw: dict[Any, Any]) -> None:
    traits = standardize(raw)
    assert traits.first_name is None
    assert traits.birth_date is None
    assert traits.postal_code is None


def test_not_a_mapping_is_empty() -> None:
    assert standardize("Ann Lee") == PersonTraits()  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("street", "expected"),
    [
        ("12 Main Street", "12 main st"),
        ("12 Main St.", "12 main st"),
        ("12 MAIN ST", "12 main st"),
        ("400 Fifth Avenue, Apartment 4", "400 fifth ave apt 4"),
        ("7 Wallaby Place", "7 wallaby pl"),
        ("1 South Elm Boulevard", "1 s elm blvd"),
        ("33 Calle Mayor #2", "33 calle mayor 2"),
        ("   ", None),
    ],
)
def test_street_suffixes_follow_usps_publication_28(street: str, expected: str | None) -> None:
    assert standardize_street(street) == expected


@pytest.mark.parametrize(
    ("code", "expected"),
    [("sw1a 1aa", "SW1A1AA"), ("62704-1234", "62704"), ("2119", "2119"), (" ", None)],
)
def test_postal_codes(code: str, expected: str | None) -> None:
    assert standardize_postal_code(code) == expected


def test_contacts_from_traits() -> None:
    assert contacts({"email": "Ann@Example.org", "phone": "+1 (555) 010-9999"}) == (
        ("ann@example.org",),
        ("15550109999",),
    )
    assert contacts({"emails": ["a@x.org", "a@x.org", "nope"], "phone": 5}) == (
        ("a@x.org",),
        ("5",),
    )


def test_merge_traits_takes_the_most_frequent_and_first_seen_on_ties() -> None:
    merged = merge_traits(
        [
            PersonTraits(first_name="tim", city="york"),
            PersonTraits(first_name="timothy", city="leeds", last_name="lee"),
            PersonTraits(first_name="timothy"),
        ]
    )
    assert merged == PersonTraits(first_name="timothy", last_name="lee", city="york")
