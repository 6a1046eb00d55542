"""The FEBRL mapping: a row becomes Segment traits, standardised traits, and a valid
graph-cdp event whose only identifier is its own record id (kind febrl_id)."""

from __future__ import annotations

import datetime

from bench.febrl import pair_scores, records, truth
from bench.febrl_events import events, load_mapping, raw_traits
from bench.febrl_graph import profile_pairs, within_source
from graph_cdp.events import EventLimits, validate_event
from graph_cdp.identifiers import IdentifierPolicy

ROW = {
    "given_name": "mitchell",
    "surname": "green",
    "street_number": "7",
    "address_1": "wallaby place",
    "address_2": "delmar",
    "suburb": "cleveland",
    "postcode": "2119",
    "state": "sa",
    "date_of_birth": "19560409",
    "soc_sec_id": "1804974",
}


def test_row_to_traits() -> None:
    assert raw_traits(ROW, load_mapping()) == {
        "firstName": "mitchell",
        "lastName": "green",
        "birthday": "19560409",
        "nationalId": "1804974",
        "address": {
            "street": "7 wallaby place",
            "city": "cleveland",
            "postalCode": "2119",
            "state": "sa",
        },
    }
    missing = raw_traits({**ROW, "street_number": float("nan"), "surname": " "}, load_mapping())
    assert "lastName" not in missing
    assert missing["address"]["street"] == "wallaby place"


def test_row_to_record() -> None:
    (record,) = records([("rec-1-org", "a", ROW)])
    assert record.traits.street == "7 wallaby pl"
    assert record.traits.birth_date == datetime.date(1956, 4, 9)
    assert record.source == "a"


def test_events_validate_with_the_extra_kind() -> None:
    (event,) = events([("rec-1-dup-0", None, ROW)])
    policy = IdentifierPolicy(extra_kinds=("febrl_id",))
    valid = validate_event(event, policy, EventLimits(), datetime.datetime.now(datetime.UTC))
    assert [n.key for n in valid.identifiers] == ["febrl_id:rec-1-dup-0"]
    assert valid.traits["firstName"] == "mitchell"
    assert valid.source == "febrl3"


def test_febrl4_events_carry_their_file_as_source() -> None:
    a, b = events([("rec-1-org", "a", ROW), ("rec-1-dup-0", "b", ROW)], "febrl4")
    assert (a["source"], b["source"]) == ("febrl4-a", "febrl4-b")
    assert a["messageId"] != b["messageId"]


def test_profiles_become_pairs_and_are_scored() -> None:
    profiles = {"rec-1-org": "c1", "rec-1-dup-0": "c1", "rec-2-org": "c1", "rec-3-org": "c2"}
    pairs = profile_pairs(profiles)
    assert pairs == {
        ("rec-1-dup-0", "rec-1-org"),
        ("rec-1-dup-0", "rec-2-org"),
        ("rec-1-org", "rec-2-org"),
    }
    scores = pair_scores(pairs, {("rec-1-dup-0", "rec-1-org")})
    assert (scores["precision"], scores["recall"], scores["predicted"]) == (1 / 3, 1.0, 3)
    sources = {"rec-1-org": "a", "rec-1-dup-0": "b", "rec-2-org": "a", "rec-3-org": "a"}
    assert within_source(pairs, sources) == 1  # rec-1-org and rec-2-org, both of file a


def test_truth_pairs() -> None:
    ids = ["rec-1-org", "rec-1-dup-0", "rec-1-dup-1", "rec-2-org"]
    assert truth(ids, link_only=False) == {
        ("rec-1-dup-0", "rec-1-org"),
        ("rec-1-dup-1", "rec-1-org"),
        ("rec-1-dup-0", "rec-1-dup-1"),
    }
    assert truth(["rec-1-org", "rec-1-dup-0", "rec-2-org"], link_only=True) == {
        ("rec-1-dup-0", "rec-1-org")
    }
