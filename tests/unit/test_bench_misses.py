"""The accuracy bench's account of missed cross-channel persons and of mailbox slips."""

from __future__ import annotations

from bench.misses import cross_channel_misses, mailbox_slips, slip_pairs
from graph_cdp.sample import GroundTruth


def _truth(owner: dict[str, int], cross_channel: dict[int, frozenset[str]]) -> GroundTruth:
    return GroundTruth(owner=owner, shared={}, links=(), cross_channel=cross_channel)


def test_slip_pairs_finds_every_pair_one_slip_apart_and_no_other() -> None:
    emails = [
        "richard_wilson@gmail.com",
        "rcihard_wilson@gmail.com",  # two letters swapped
        "richardwilson@gmail.com",  # a separator only: a namesake's
        "liamclark@gmail.com",
        "liamclark@gmial.com",  # a mistyped domain
        "liamclark@mail.com",  # another service
        "wclark@gmail.com",
        "yclark@gmail.com",  # one letter replaced: a slip, or a stranger
    ]
    assert slip_pairs(emails) == {
        ("rcihard_wilson@gmail.com", "richard_wilson@gmail.com"),
        ("liamclark@gmail.com", "liamclark@gmial.com"),
        ("wclark@gmail.com", "yclark@gmail.com"),
    }


def test_mailbox_slips_counts_one_person_and_two_apart() -> None:
    truth = _truth(
        {
            "email:rcihard_wilson@gmail.com": 1,
            "email:richard_wilson@gmail.com": 1,
            "email:liamclark@gmial.com": 2,
            "email:liamclark@gmail.com": 2,
            "email:wclark@gmail.com": 3,
            "email:yclark@gmail.com": 4,
            "phone:+15550100000": 4,
        },
        {},
    )
    found = mailbox_slips(truth)
    assert found["mailboxes"] == 6
    assert found["pairs"] == {
        "domain_same_person": 1,
        "local_different_person": 1,
        "local_same_person": 1,
    }
    assert found["one_neighbour"] == {"same_person": 4, "different_person": 2}


def test_each_missed_person_gets_one_cause() -> None:
    owner = {
        # 1: joined; 2: nothing but a name and a city; 3: the store email's mailbox has
        # no record; 4: store side with a phone; 5: a record beside the mailbox.
        **{"email:a.one@x.com": 1, "loyalty_id:1": 1},
        **{"cookie_id:c2": 2, "loyalty_id:2": 2, "phone:+15550100002": 2},
        **{"email:richard_wilson@gmail.com": 3, "loyalty_id:3": 3},
        **{"email:rcihard_wilson@gmail.com": 3},
        **{"cookie_id:c4": 4, "loyalty_id:4": 4, "phone:+15550100004": 4},
        **{"email:jchen@icloud.com": 5, "email:jcen@icloud.com": 5, "loyalty_id:5": 5},
        **{"email:sadra.jones@x.com": 6, "email:sandra.jones@x.com": 6, "loyalty_id:6": 6},
    }
    store = {
        1: frozenset({"loyalty_id:1"}),
        2: frozenset({"loyalty_id:2", "phone:+15550100002"}),
        3: frozenset({"loyalty_id:3", "email:rcihard_wilson@gmail.com"}),
        4: frozenset({"loyalty_id:4", "phone:+15550100004"}),
        5: frozenset({"loyalty_id:5", "email:jcen@icloud.com"}),
        6: frozenset({"loyalty_id:6", "email:sadra.jones@x.com"}),
    }
    predicted = {key: key for key in owner}  # every identifier alone ...
    predicted["loyalty_id:1"] = predicted["email:a.one@x.com"]  # ... but person 1
    with_records = {"email:jchen@icloud.com", "email:sandra.jones@x.com"}
    misses = cross_channel_misses(
        predicted, _truth(owner, store), evidenced={1, 3, 4, 5, 6}, with_records=with_records
    )
    assert misses == {
        "a name and a city only": 1,  # 2
        "other": 2,  # 5 (jcen: four letters, not taken for a slip), 6 (the mailbox has a record)
        "store email one slip from a mailbox without a record": 1,  # 3
        "store side without an email": 1,  # 4
    }
