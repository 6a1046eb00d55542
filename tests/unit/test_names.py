"""Name folding and nickname-aware first names (the shared name rules)."""

from __future__ import annotations

import pytest

from graph_cdp.dates import parse_date
from graph_cdp.resolution.names import (
    Verdict,
    agree,
    compare,
    consistent,
    first_name_forms,
    fold,
    full_name,
    same_first_name,
    signature,
)


@pytest.mark.parametrize(
    ("raw", "folded"),
    [("  José  ", "jose"), ("ÅSA", "asa"), ("J. R.", "j r"), ("Zoë-Anne", "zoe-anne"), ("", "")],
)
def test_fold(raw: str, folded: str) -> None:
    assert fold(raw) == folded


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("Tim", "Timothy", True),
        ("timothy", "TIM", True),
        ("Bill", "William", True),
        ("Liz", "Elizabeth", True),
        ("Peggy", "Margaret", True),
        ("John", "Joan", False),
        ("James", "Mary", False),
        ("", "", False),
        ("Ann", "ann", True),
    ],
)
def test_same_first_name(a: str, b: str, same: bool) -> None:
    assert same_first_name(a, b) is same
    assert same_first_name(b, a) is same


def test_forms_hold_the_name_and_its_nicknames() -> None:
    forms = first_name_forms("William")
    assert {"william", "bill", "will"} <= forms
    assert first_name_forms("  ") == frozenset()


def test_full_name_folds_both_parts() -> None:
    assert full_name({"firstName": "Émile", "lastName": " Zola "}) == "emile|zola"


@pytest.mark.parametrize(
    ("raw", "born"),
    [
        ("1985-03-14", "1985-03-14"),
        ("1985-03-14T00:00:00Z", "1985-03-14"),
        ("03/14/1985", "1985-03-14"),
        ("3/4/1985", "1985-03-04"),  # slashes, year last: month first
        ("14.03.1985", "1985-03-14"),
        ("04.03.1985", "1985-03-04"),  # dots, year last: day first
        ("14-03-1985", "1985-03-14"),  # over 12 first: day first
        ("03-04-1985", "1985-03-04"),  # dashes, year last: month first
        ("14/03/1985", "1985-03-14"),
        ("03.14.1985", "1985-03-14"),  # dots, but the second part over 12
        ("19850314", "1985-03-14"),
        ("1985/03/14", "1985-03-14"),
        ("13/13/1985", None),  # no 13th month either way
        ("1985-02-30", None),
        ("March 14", None),
        ("", None),
        (19850314, None),
    ],
)
def test_birth_date_reads_what_people_type(raw: object, born: str | None) -> None:
    parsed = parse_date(raw)
    assert (parsed.isoformat() if parsed else None) == born


@pytest.mark.parametrize(
    ("traits", "expected"),
    [
        (
            {"firstName": "Tim", "lastName": "Gonzalez", "birthday": "03/14/1985"},
            "tim|gonzalez|1985-03-14",
        ),
        ({"firstName": "Tim", "lastName": "Gonzalez", "birthday": "soon"}, "tim|gonzalez"),
        (
            {"firstName": "Tim", "lastName": "Gonzalez", "dob": "19850314"},
            "tim|gonzalez|1985-03-14",
        ),
        ({"firstName": "Tim", "birthday": "1985-03-14"}, None),
        ({}, None),
    ],
)
def test_signature(traits: dict[str, object], expected: str | None) -> None:
    assert signature(traits) == expected


@pytest.mark.parametrize(
    ("a", "b", "verdict"),
    [
        (["tim|gonzalez"], ["timothy|gonzalez"], Verdict.SAME),
        (["bill|jones|1970-02-03"], ["william|jones|1970-02-03"], Verdict.SAME),
        (["amanda|khan"], ["amanda|kahn"], Verdict.SAME),
        (["john|smith"], ["joan|smith"], Verdict.DIFFERENT),
        (["tim|gonzalez|1958-04-02"], ["tim|gonzalez|1987-11-30"], Verdict.DIFFERENT),
        (
            ["tim|gonzalez|1958-04-02", "tim|gonzalez"],
            ["tim|gonzalez|1987-11-30", "tim|gonzalez"],
            Verdict.DIFFERENT,
        ),
        (["tim|gonzalez|1958-04-02"], ["tim|gonzalez"], Verdict.SAME),
        (["ann|lee|1990-01-01"], ["bob|lee|1990-01-01"], Verdict.DIFFERENT),
        (["ann|lee"], [], Verdict.UNKNOWN),
        ([], [], Verdict.UNKNOWN),
    ],
)
def test_compare(a: list[str], b: list[str], verdict: Verdict) -> None:
    assert compare(a, b) is verdict
    assert compare(b, a) is verdict


def test_consistent() -> None:
    assert consistent(["tim|gonzalez", "timothy|gonzalez|1985-03-14"])
    assert not consistent(["mary|smith", "john|smith"])
    assert consistent([])


def test_agree_ignores_birth_dates() -> None:
    assert agree(["tim|gonzalez|1958-04-02"], ["tim|gonzalez|1987-11-30"])
    assert not agree(["tim|gonzalez"], [])
