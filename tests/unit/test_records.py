"""The typed parsers of compact Cypher rows (store/records.py), column by column."""

from __future__ import annotations

from graph_cdp.graph_types import OK, Link, Node, StatusChange, StatusInput
from graph_cdp.store import records


def test_unit_member_row() -> None:
    row = ["email:a@x.io", "email", "a@x.io", 1700, "hub", "cus_1", 1600, ["ann|lee"]]
    member = records.unit_member(row)
    assert member.node == Node("email:a@x.io", "email", "a@x.io", 1700, "hub", ("ann|lee",))
    assert (member.customer, member.customer_created) == ("cus_1", 1600)


def test_unit_member_row_without_customer_or_status() -> None:
    member = records.unit_member(["cookie_id:c", "cookie_id", "c", None, None, None, None, []])
    assert member.node == Node("cookie_id:c", "cookie_id", "c", 0, OK, ())
    assert (member.customer, member.customer_created) == (None, 0)


def test_stored_identifier_row_takes_kind_and_value_from_the_key() -> None:
    ident = records.stored_identifier(["loyalty_id:acme:L-1", 5, None, "cus_2", ["ada|lovelace"]])
    assert ident.node == Node(
        "loyalty_id:acme:L-1", "loyalty_id", "acme:L-1", 5, OK, ("ada|lovelace",)
    )
    assert ident.customer == "cus_2"


def test_identifier_columns_take_kind_and_value_from_the_key() -> None:
    columns = records.identifier_columns(
        [["email:a@x.io", 5, "hub", None, []], ["loyalty_id:acme:L-1", None, None, "cus_2", []]]
    )
    assert columns.kinds == ["email", "loyalty_id"]
    assert columns.values == ["a@x.io", "acme:L-1"]
    assert columns.stored == ["hub", OK]
    assert columns.first_seen == [5, 0]


def test_stored_links_rows() -> None:
    rows = [
        ["a", "b", 3, 10, True, None, False, "co_occurrence", 0.0, False],
        ["a", "c", 1, None, False, "hub", None, None, None, None],
        ["b", "c", 0, 20, False, "rejected", False, "fuzzy", 14.5, True],
    ]
    parsed = records.stored_links(rows)
    assert [(s.link, s.decision) for s in parsed] == [
        (Link("a", "b", 3, 10, False), (True, None)),
        (Link("a", "c", 1, 0, False), (False, "hub")),
        (Link("b", "c", 0, 20, False, "fuzzy", 14.5, True), (False, "rejected")),
    ]
    assert parsed[2].link.fuzzy
    assert not parsed[0].link.fuzzy
    assert records.stored_links([]) == []


def test_status_records() -> None:
    assert records.status_change(["k", "ok", "hub"]) == StatusChange("k", "ok", "hub")
    assert records.status_input(["k", "email", None]) == StatusInput("k", "email", None)
