"""Blocking keys, pair counts per rule, skipped blocks, link-only, and incremental
candidates equal to the batch's."""

from __future__ import annotations

import datetime

import pytest

from graph_cdp.errors import ConfigurationError
from graph_cdp.matching import MatchConfig, Matcher, MatchRecord, PersonTraits
from graph_cdp.matching.blocking import blocked_pairs, check_rule, rule_fields, rule_keys

D = datetime.date


def _r(
    id: str, source: str | None = None, emails: tuple[str, ...] = (), **traits: object
) -> MatchRecord:
    return MatchRecord(id=id, traits=PersonTraits(**traits), emails=emails, source=source)  # type: ignore[arg-type]


RECORDS = [
    _r("a", first_name="ann", last_name="lee", birth_date=D(1980, 1, 2), postal_code="2119"),
    _r("b", first_name="anne", last_name="leigh", birth_date=D(1980, 1, 2), postal_code="2119"),
    _r("c", first_name="bob", last_name="lee", birth_date=D(1980, 5, 5), postal_code="3000"),
    _r("d", first_name="carl", last_name="ng", birth_date=D(1990, 1, 1), postal_code="4000"),
    _r("e", first_name="dan", last_name="ng", emails=("ann.lee@x.org",)),
    _r("f", first_name="eve", emails=("ann.lee@y.org",)),
]


def test_rule_keys() -> None:
    a = RECORDS[0]
    assert rule_keys("last_metaphone+birth_year", a) == ["last_metaphone+birth_year=L|1980"]
    assert rule_keys("postal_code+first_initial", a) == ["postal_code+first_initial=2119|a"]
    assert rule_keys("email_local", a) == []  # no email: no key
    assert rule_keys("email_local", RECORDS[4]) == ["email_local=ann.lee"]
    assert rule_fields("first_initial+postal_prefix") == {"first_name", "postal_code"}


def test_unknown_part_is_an_error() -> None:
    with pytest.raises(ConfigurationError, match="shoe_size"):
        check_rule("birth_year+shoe_size")


def test_pairs_are_counted_once_under_the_first_rule() -> None:
    pairs, stats = blocked_pairs(
        RECORDS, ["birth_date", "last_metaphone+birth_year", "email_local"], max_block_size=10
    )
    assert set(pairs) == {(0, 1), (0, 2), (1, 2), (4, 5)}
    # a-b share the birth date (first rule); a-c and b-c only the surname sound and year.
    assert stats.pairs_by_rule == {
        "birth_date": 1,
        "last_metaphone+birth_year": 2,
        "email_local": 1,
    }
    assert stats.pairs_compared == 4
    assert stats.records == 6


def test_blocks_over_the_limit_are_skipped_and_counted() -> None:
    many = [_r(str(i), birth_date=D(1980, 1, 1)) for i in range(6)]
    pairs, stats = blocked_pairs(many, ["birth_date"], max_block_size=5)
    assert pairs == []
    assert stats.blocks_skipped == 1
    pairs, _ = blocked_pairs(many, ["birth_date"], max_block_size=6)
    assert len(pairs) == 15


def test_link_only_compares_across_sources() -> None:
    records = [
        _r("a", "left", birth_date=D(1980, 1, 1)),
        _r("b", "left", birth_date=D(1980, 1, 1)),
        _r("c", "right", birth_date=D(1980, 1, 1)),
    ]
    pairs, _ = blocked_pairs(records, ["birth_date"], max_block_size=10, link_only=True)
    assert set(pairs) == {(0, 2), (1, 2)}


def test_incremental_candidates_equal_the_batch() -> None:
    matcher = Matcher(
        MatchConfig(u_sample_pairs=100, review_threshold=1e-30, merge_threshold=0.5, fixed_m={})
    )
    matcher.train(RECORDS)
    batch, _ = matcher.candidates(RECORDS)
    touched = [RECORDS[0]]
    others = [
        r for r in RECORDS[1:] if matcher.blocking_keys(r) & matcher.blocking_keys(touched[0])
    ]
    incremental = matcher.candidates_for(touched, others)
    assert incremental == [p for p in batch if "a" in (p.a, p.b)]
    assert {(p.a, p.b) for p in incremental} == {("a", "b"), ("a", "c")}
