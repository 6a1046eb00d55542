"""The change records of a resolution plan, signatures and back-off (pure)."""

from __future__ import annotations

import hashlib
import random

import pytest

from graph_cdp.errors import InvalidWebhook
from graph_cdp.feed.delivery import backoff_seconds
from graph_cdp.feed.signature import sign, verify
from graph_cdp.feed.webhooks import check_url
from graph_cdp.resolution.change_log import identifier_hash, plan_records


def h(key: str) -> dict[str, str]:
    return identifier_hash(key)


def test_a_hash_is_of_the_normalized_value_without_the_kind() -> None:
    assert h("email:a@x.io") == {
        "kind": "email",
        "sha256": hashlib.sha256(b"a@x.io").hexdigest(),
    }


def test_nothing_changed_gives_no_record() -> None:
    assert plan_records(current={"e:a": "c1"}, assign={}, created=[], merges=[]) == []


def test_a_merge_moves_nothing_else_into_updates() -> None:
    records = plan_records(
        current={"e:a": "c1", "e:b": "c2", "e:new": None},
        assign={"e:b": "c1", "e:new": "c1"},
        created=[],
        merges=[("c2", "c1")],
    )
    assert [(r.type, r.profile_ids) for r in records] == [
        ("profile.merged", ("c1", "c2")),
        ("profile.updated", ("c1",)),
    ]
    assert records[1].data == {"identifiersAdded": [h("e:new")]}


def test_a_split_is_one_record_per_old_customer() -> None:
    records = plan_records(
        current={"e:a": "c1", "e:b": "c1", "e:c": "c1"},
        assign={"e:b": "n1", "e:c": "n2"},
        created=[("n1", "c1"), ("n2", "c1")],
        merges=[],
    )
    assert len(records) == 1
    assert records[0].type == "profile.split"
    assert records[0].profile_ids == ("c1", "n1", "n2")
    assert records[0].data == {"from": "c1", "into": ["n1", "n2"], "moved": [h("e:b"), h("e:c")]}


def test_a_creation_takes_its_traits_and_an_existing_profile_is_updated() -> None:
    records = plan_records(
        current={"e:a": None, "e:b": "c1"},
        assign={"e:a": "n1"},
        created=[("n1", None)],
        merges=[],
        traits={"e:a": ["name"], "e:b": ["city", "name"]},
    )
    assert [(r.type, dict(r.data)) for r in records] == [
        ("profile.created", {"identifiers": [h("e:a")], "traits": ["name"]}),
        ("profile.updated", {"traits": ["city", "name"]}),
    ]


def test_a_signature_verifies_and_any_change_breaks_it() -> None:
    header = sign("s" * 20, b'{"a":1}', timestamp=1_700_000_000)
    assert header.startswith("t=1700000000,v1=")
    assert verify("s" * 20, b'{"a":1}', header, now=1_700_000_010)
    assert not verify("s" * 20, b'{"a":2}', header, now=1_700_000_010)
    assert not verify("t" * 20, b'{"a":1}', header, now=1_700_000_010)
    assert not verify("s" * 20, b'{"a":1}', header, now=1_700_001_000)  # replayed late
    assert not verify("s" * 20, b'{"a":1}', "v1=abc")


def test_back_off_doubles_with_jitter_up_to_the_cap() -> None:
    rng = random.Random(7)
    for failures, full in [(1, 1.0), (2, 2.0), (3, 4.0), (10, 60.0)]:
        delays = [backoff_seconds(failures, 1.0, 60.0, rng) for _ in range(50)]
        assert all(full / 2 <= d <= full for d in delays)
        assert len(set(delays)) > 1


@pytest.mark.parametrize(
    "url",
    ["ftp://x.io/hook", "file:///etc/passwd", "https://", "https://u:p@x.io/", "x.io/hook"],
)
def test_a_webhook_url_must_be_http_with_a_host(url: str) -> None:
    with pytest.raises(InvalidWebhook):
        check_url(url)


def test_a_good_url_is_kept() -> None:
    assert check_url(" https://hooks.example.com/cdp ") == "https://hooks.example.com/cdp"
