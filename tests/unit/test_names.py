"""Name folding and nickname-aware first names (the shared name rules)."""

from __future__ import annotations

import pytest

from graph_cdp.resolution.names import first_name_forms, fold, full_name, same_first_name


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
