"""Fuzzy links in the guarded components: last, strongest first, under limits and cannot-links."""

from __future__ import annotations

import pytest

from graph_cdp.graph_types import FUZZY, REJECTED, Link, Node
from graph_cdp.resolution.clustering import resolve
from graph_cdp.resolution.rules import Rules

RULES = Rules()
CA, CB = "customer_id:A", "customer_id:B"
EA, EB, EC = "email:a@x.io", "email:b@x.io", "email:c@x.io"
LA = "loyalty_id:acme:1"
PA = "phone:+15550001"
K1 = "cookie_id:k1"


def _nodes(*keys: str) -> dict[str, Node]:
    return {k: Node(k, k.split(":", 1)[0], k.split(":", 1)[1], 0) for k in keys}


def _seen(a: str, b: str) -> Link:
    return Link(a, b, 1, 0)


def _fuzzy(a: str, b: str, weight: float = 10.0, *, rejected: bool = False) -> Link:
    return Link(a, b, 0, 0, rule=FUZZY, weight=weight, rejected=rejected)


def test_a_fuzzy_link_joins_two_people_who_share_no_identifier() -> None:
    nodes = _nodes(EA, K1, LA, PA)
    links = [_seen(EA, K1), _seen(LA, PA), _fuzzy(EA, LA)]
    result = resolve(nodes, links, RULES)
    assert result.clusters == [[K1, EA, LA, PA]]
    assert result.base == [[K1, EA], [LA, PA]]
    assert result.refused == {}


def test_a_fuzzy_link_never_merges_two_customer_ids() -> None:
    nodes = _nodes(CA, EA, CB, EB)
    links = [_seen(CA, EA), _seen(CB, EB), _fuzzy(EA, EB)]
    result = resolve(nodes, links, RULES)
    assert result.clusters == [[CA, EA], [CB, EB]]
    assert result.refused == {(EA, EB): "limit:customer_id"}


def test_fuzzy_evidence_ranks_below_deterministic_evidence() -> None:
    # Deterministic: CA-EA and CB-EB would both want EC; the fuzzy link EA~EC is strong,
    # but the co-occurrence EC-CB is applied first and wins.
    nodes = _nodes(CA, EA, CB, EB, EC)
    links = [_seen(CA, EA), _seen(CB, EB), _seen(EC, CB), _fuzzy(EA, EC, weight=40.0)]
    result = resolve(nodes, links, RULES)
    assert result.clusters == [[CA, EA], [CB, EB, EC]]
    assert result.refused[(EA, EC)] == "limit:customer_id"


def test_the_stronger_fuzzy_link_is_applied_first() -> None:
    # EC could join either customer, not both (one customer id each): the higher match
    # weight decides, whatever the order the links come in.
    nodes = _nodes(CA, EA, CB, EB, EC)
    for links in (
        [_seen(CA, EA), _seen(CB, EB), _fuzzy(EA, EC, 5.0), _fuzzy(EB, EC, 9.0)],
        [_fuzzy(EB, EC, 9.0), _fuzzy(EA, EC, 5.0), _seen(CB, EB), _seen(CA, EA)],
    ):
        result = resolve(nodes, links, RULES)
        assert result.clusters == [[CA, EA], [CB, EB, EC]]
        assert result.refused == {(EA, EC): "limit:customer_id"}


@pytest.mark.parametrize(
    "links",
    [
        # the rejected pair itself
        [_fuzzy(EA, EB, rejected=True), _fuzzy(EA, EB)],
        # and through a third record: EA~EC~EB would bring EA and EB together
        [_fuzzy(EA, EB, rejected=True), _fuzzy(EA, EC, 12.0), _fuzzy(EC, EB, 11.0)],
    ],
)
def test_a_rejected_pair_is_never_joined_by_fuzzy_evidence(links: list[Link]) -> None:
    result = resolve(_nodes(EA, EB, EC), links, RULES)
    assert not any(EA in c and EB in c for c in result.clusters)
    assert result.refused[(EA, EB)] == REJECTED


def test_deterministic_evidence_is_not_vetoed_by_a_rejection() -> None:
    result = resolve(_nodes(EA, EB), [_fuzzy(EA, EB, rejected=True)], RULES)
    assert result.clusters == [[EA], [EB]]
    # A co-occurrence turns the link into deterministic evidence (the store keeps one link).
    result = resolve(_nodes(EA, EB), [_seen(EA, EB)], RULES)
    assert result.clusters == [[EA, EB]]


def test_a_revoked_fuzzy_link_is_refused() -> None:
    link = Link(EA, EB, 0, 0, revoked=True, rule=FUZZY, weight=20.0)
    result = resolve(_nodes(EA, EB), [link], RULES)
    assert result.clusters == [[EA], [EB]]
    assert result.refused == {(EA, EB): "revoked"}


WEB = ("email:kevin_obrien@yahoo.com", "email:k.obrien@gmail.com", "email:kob1966@aol.com")


@pytest.mark.parametrize(
    ("store_email", "joined"),
    [
        # A clerk's slip on one of the three web mailboxes: one mailbox, typed twice.
        ("email:kevin_obrien@yaho.com", True),
        ("email:kevin_obien@yahoo.com", True),
        # A fourth mailbox of its own: the email limit (3) refuses the union.
        ("email:kevin.obrien@outlook.com", False),
        ("email:kob1996@aol.com", False),  # another number, not a slip
    ],
)
def test_a_mistyped_copy_of_an_email_is_not_one_more_mailbox(
    store_email: str, joined: bool
) -> None:
    nodes = _nodes(CA, *WEB, LA, store_email)
    links = [*(_seen(CA, e) for e in WEB), _seen(LA, store_email), _fuzzy(CA, LA, 20.0)]
    result = resolve(nodes, links, RULES)
    assert (len(result.clusters) == 1) is joined
    assert result.refused == ({} if joined else {(CA, LA): "limit:email"})


def test_a_mistyped_copy_does_not_lift_the_limit_for_deterministic_links() -> None:
    # Co-occurrence is rule 2: a fourth email seen with the customer is refused even
    # when it is a slip away from one of the three, as before.
    typo = "email:kevin_obrien@yaho.com"
    nodes = _nodes(CA, *WEB, typo)
    links = [*(_seen(CA, e) for e in WEB), _seen(CA, typo)]
    result = resolve(nodes, links, RULES)
    assert list(result.refused.values()) == ["limit:email"]
    [customer] = [c for c in result.clusters if CA in c]
    assert sum(k.startswith("email:") for k in customer) == 3
