"""The synthetic data generator: determinism, hard cases at their rates, truth, metrics."""

from __future__ import annotations

import io
import json
from collections import Counter, defaultdict
from collections.abc import Callable, Hashable
from datetime import datetime, timedelta
from pathlib import Path

import phonenumbers
import pytest

from graph_cdp.dates import parse_date
from graph_cdp.errors import InvalidIdentifier
from graph_cdp.identifiers import IdentifierPolicy
from graph_cdp.resolution.names import same_first_name
from graph_cdp.sample import (
    DEFAULT_START,
    JUNK_EMAILS,
    MALFORMED,
    TRAP_KINDS,
    Event,
    GroundTruth,
    SampleCustomer,
    SampleData,
    SharedIdentifier,
    TrapPair,
    generate,
    normalized_key,
    pairwise_scores,
    write_jsonl,
)
from graph_cdp.sample.metrics import (
    Share,
    cross_channel_joined,
    person_scores,
    trap_pairs_merged,
    weak_only_joined,
)
from graph_cdp.sample.people import AREA_CODES

CUSTOMERS = 2_000
EVENT_FIELDS = {"messageId", "type", "channel", "timestamp", "identifiers", "traits", "properties"}
KINDS = {"email", "phone", "device_id", "cookie_id", "loyalty_id", "customer_id"}
TYPES = {
    "loyalty_signup",
    "page_view", "login", "purchase", "email_open", "app_open", "form_fill", "store_purchase",
}  # fmt: skip
CHANNELS = {"web", "email", "mobile_app", "store", "call_center", "social"}


@pytest.fixture(scope="module")
def sample() -> SampleData:
    return generate(CUSTOMERS, seed=11)


def _jsonl(data: SampleData) -> str:
    out = io.StringIO()
    write_jsonl(data.events, out)
    return out.getvalue()


def _keys(event: Event) -> list[str]:
    """Truth keys of an event's identifiers; malformed values (rejected events) skipped."""
    malformed = {value for _, value in MALFORMED}
    return [
        normalized_key(i["kind"], i["value"])
        for i in event["identifiers"]
        if i["value"] not in malformed
    ]


def _first_deliveries(data: SampleData) -> list[Event]:
    seen: set[str] = set()
    out = []
    for event in data.events:
        if event["messageId"] not in seen:
            seen.add(event["messageId"])
            out.append(event)
    return out


# --- determinism -------------------------------------------------------------------


def test_same_seed_gives_byte_identical_jsonl() -> None:
    assert _jsonl(generate(300, seed=5)) == _jsonl(generate(300, seed=5))


def test_other_seed_gives_other_data() -> None:
    a, b = generate(300, seed=5), generate(300, seed=6)
    assert _jsonl(a) != _jsonl(b)
    assert a.customers != b.customers


def test_shuffled_is_a_deterministic_permutation(sample: SampleData) -> None:
    once, again = list(sample.shuffled()), list(sample.shuffled())
    assert once == again
    assert once != sample.events
    assert sorted(map(json.dumps, once)) == sorted(map(json.dumps, sample.events))
    assert list(sample.shuffled(seed=1)) != once


def test_write_jsonl_to_a_path_round_trips(tmp_path: Path, sample: SampleData) -> None:
    path = tmp_path / "events.jsonl"
    assert write_jsonl(sample.events[:50], path) == 50
    lines = path.read_text(encoding="utf-8").splitlines()
    assert [json.loads(line) for line in lines] == sample.events[:50]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"customers": -1, "seed": 0}, "customers"),
        ({"customers": 1, "seed": 0, "start": datetime(2024, 1, 1)}, "timezone"),
        ({"customers": 1, "seed": 0, "days": 0}, "days"),
    ],
)
def test_bad_arguments_are_refused(kwargs: Event, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        generate(**kwargs)


# --- event shape -------------------------------------------------------------------


def test_events_have_the_api_shape(sample: SampleData) -> None:
    end = DEFAULT_START + timedelta(days=90)
    for event in sample.events:
        assert set(event) == EVENT_FIELDS
        assert event["type"] in TYPES
        assert event["channel"] in CHANNELS
        at = datetime.fromisoformat(event["timestamp"])
        assert at.tzinfo is not None
        assert DEFAULT_START <= at < end
        assert event["identifiers"], event["messageId"]
        assert {i["kind"] for i in event["identifiers"]} <= KINDS
    json.dumps(sample.events)  # serializable, or this raises


def test_events_are_sorted_by_time(sample: SampleData) -> None:
    stamps = [datetime.fromisoformat(e["timestamp"]) for e in sample.events]
    assert stamps == sorted(stamps)


def test_every_type_and_channel_occurs(sample: SampleData) -> None:
    assert {e["type"] for e in sample.events} == TYPES
    assert {e["channel"] for e in sample.events} == CHANNELS


def test_average_events_per_customer(sample: SampleData) -> None:
    per_customer = len(_first_deliveries(sample)) / CUSTOMERS
    assert 7.5 <= per_customer <= 9.5


def test_an_event_never_mixes_two_customers_identifiers(sample: SampleData) -> None:
    truth = sample.truth
    for event in sample.events:
        owners = {truth.owner[k] for k in _keys(event) if k in truth.owner}
        assert owners <= {truth.authors[event["messageId"]]}


# --- hard cases at their rates ----------------------------------------------------


def _household_share(data: SampleData) -> float:
    return sum(1 for c in data.customers if c.household is not None) / CUSTOMERS


def _junk_share(data: SampleData) -> float:
    eligible = sum(1 for c in data.customers if c.loyalty_id or c.phone)
    users = {u for k in data.truth.junk_keys for u in data.truth.shared[k].users}
    return len(users) / eligible


def _reason_users(reason: str) -> Callable[[SampleData], float]:
    def share(data: SampleData) -> float:
        shared = data.truth.shared.values()
        return len({u for s in shared if s.reason == reason for u in s.users}) / CUSTOMERS

    return share


def _duplicate_share(data: SampleData) -> float:
    accepted = len(_first_deliveries(data)) - len(data.truth.expected_rejects)
    return len(data.truth.duplicate_message_ids) / accepted


def _noise_share(data: SampleData) -> float:
    noisy = total = 0
    for event in _first_deliveries(data):
        if event["messageId"] in data.truth.expected_rejects:
            continue
        for ident in event["identifiers"]:
            if ident["kind"] in ("email", "phone", "device_id"):
                total += 1
                canonical = normalized_key(ident["kind"], ident["value"]).partition(":")[2]
                noisy += ident["value"] != canonical
    return noisy / total


@pytest.mark.parametrize(
    ("measure", "rate", "tolerance"),
    [
        pytest.param(_household_share, 0.08, 0.002, id="households"),
        pytest.param(_reason_users("call_center_phone"), 0.05, 0.001, id="call-centre"),
        pytest.param(_junk_share, 0.10, 0.002, id="junk-emails"),
        pytest.param(_duplicate_share, 0.02, 0.001, id="duplicates"),
        pytest.param(lambda d: len(d.truth.expected_rejects) / CUSTOMERS, 0.01, 0, id="malformed"),
        pytest.param(_noise_share, 0.15, 0.015, id="format-noise"),
    ],
)
def test_hard_case_rate(
    sample: SampleData, measure: Callable[[SampleData], float], rate: float, tolerance: float
) -> None:
    assert measure(sample) == pytest.approx(rate, abs=tolerance)


def test_household_tablets_are_shared_within_one_household(sample: SampleData) -> None:
    tablets = [s for s in sample.truth.shared.values() if s.reason == "household_device"]
    assert tablets
    for tablet in tablets:
        families = {sample.customers[u].household for u in tablet.users}
        assert 2 <= len(tablet.users) <= 4
        assert len(families) == 1
        assert len({sample.customers[u].last_name for u in tablet.users}) == 1


def test_public_computers_have_five_to_forty_users(sample: SampleData) -> None:
    cookies = [s for s in sample.truth.shared.values() if s.reason == "public_cookie"]
    assert len(cookies) == round(CUSTOMERS * 0.002)
    logins: Counter[str] = Counter()
    for event in sample.events:
        if event["type"] == "login":
            logins.update(k for k in _keys(event) if k in sample.truth.shared)
    for cookie in cookies:
        assert 5 <= len(cookie.users) <= 40
        assert logins[cookie.key] >= len(cookie.users)


def test_one_call_centre_phone_in_call_centre_events(sample: SampleData) -> None:
    (phone,) = [s for s in sample.truth.shared.values() if s.reason == "call_center_phone"]
    channels = {e["channel"] for e in sample.events if phone.key in _keys(e)}
    assert channels == {"call_center"}


def test_junk_emails_ride_with_a_loyalty_id_or_phone(sample: SampleData) -> None:
    junk = sample.truth.junk_keys
    assert junk <= {f"email:{e}" for e in JUNK_EMAILS}
    for event in sample.events:
        keys = _keys(event)
        if junk.intersection(keys):
            assert event["type"] == "store_purchase"
            assert any(k.startswith(("loyalty_id:", "phone:")) for k in keys)


def test_duplicates_share_a_message_id_and_a_meaning(sample: SampleData) -> None:
    by_id: defaultdict[str, list[Event]] = defaultdict(list)
    for event in sample.events:
        by_id[event["messageId"]].append(event)
    twice = {m for m, copies in by_id.items() if len(copies) > 1}
    assert twice == sample.truth.duplicate_message_ids
    identical = 0
    for message_id in twice:
        first, second = by_id[message_id]
        assert _keys(first) == _keys(second)
        assert {**first, "identifiers": []} == {**second, "identifiers": []}
        identical += first == second
    assert 0 < identical < len(twice)  # some byte-identical, some re-formatted


def test_malformed_events_are_the_expected_rejects(sample: SampleData) -> None:
    malformed = {v for _, v in MALFORMED}
    carrying = {
        e["messageId"]
        for e in sample.events
        if any(i["value"] in malformed for i in e["identifiers"])
    }
    assert carrying == sample.truth.expected_rejects


# --- agreement with the product -----------------------------------------------------


def test_area_codes_make_valid_us_numbers() -> None:
    for npa in AREA_CODES:
        number = phonenumbers.parse(f"+1{npa}2345678")
        assert phonenumbers.is_valid_number(number), npa
        assert phonenumbers.region_code_for_number(number) == "US"


def test_product_normalization_agrees_on_every_value(sample: SampleData) -> None:
    policy = IdentifierPolicy(default_region="US")
    truth = sample.truth
    for event in sample.events:
        if event["messageId"] in truth.expected_rejects:
            continue
        for ident in event["identifiers"]:
            normalized = policy.normalize(ident["kind"], ident["value"])
            key = normalized_key(ident["kind"], ident["value"])
            assert normalized.key == key
            assert normalized.is_blocked == (key in truth.junk_keys), key


@pytest.mark.parametrize(("kind", "value"), MALFORMED)
def test_product_rejects_each_malformed_value(kind: str, value: str) -> None:
    with pytest.raises(InvalidIdentifier):
        IdentifierPolicy(default_region="US").normalize(kind, value)


@pytest.mark.parametrize(
    ("kind", "raw", "key"),
    [
        ("email", "  John.Smith@Example.COM ", "email:john.smith@example.com"),
        ("phone", "(212) 355-1234", "phone:+12123551234"),
        ("phone", "+1 212 355 1234", "phone:+12123551234"),
        ("phone", "212.355.1234", "phone:+12123551234"),
        ("phone", "1-212-355-1234", "phone:+12123551234"),
        (
            "device_id",
            "0F6C3B9E-0000-4000-8000-00000000ABCD",
            "device_id:0f6c3b9e-0000-4000-8000-00000000abcd",
        ),
        ("cookie_id", "Ab12", "cookie_id:Ab12"),
        ("loyalty_id", "acme:12345678", "loyalty_id:acme:12345678"),
        ("customer_id", "cust_00000001", "customer_id:cust_00000001"),
    ],
)
def test_normalized_key(kind: str, raw: str, key: str) -> None:
    assert normalized_key(kind, raw) == key


@pytest.mark.parametrize(("kind", "raw"), [("phone", "12"), ("fax", "123")])
def test_normalized_key_refuses_what_it_does_not_know(kind: str, raw: str) -> None:
    with pytest.raises(ValueError, match=kind if kind == "fax" else "phone"):
        normalized_key(kind, raw)


# --- ground truth --------------------------------------------------------------------


def test_every_owned_identifier_is_observed(sample: SampleData) -> None:
    observed = {
        k
        for e in sample.events
        if e["messageId"] not in sample.truth.expected_rejects
        for k in _keys(e)
    }
    owned = {k for c in sample.customers for k in c.identifier_keys()}
    assert owned == set(sample.truth.owner)
    assert owned <= observed


def test_shared_and_junk_keys_are_owned_by_no_one(sample: SampleData) -> None:
    truth = sample.truth
    assert truth.shared_keys
    assert truth.junk_keys
    assert not (truth.shared_keys | truth.junk_keys) & set(truth.owner)


def test_reachable_clusters_partition_each_customer(sample: SampleData) -> None:
    truth = sample.truth
    clusters = truth.reachable_clusters()
    assert sum(len(c) for c in clusters) == len(truth.owner)
    for cluster in clusters:
        assert len({truth.owner[k] for k in cluster}) == 1
        assert not cluster & (truth.shared_keys | truth.junk_keys)
    linked = sum(len(c) for c in clusters if len(c) > 1) / len(truth.owner)
    assert 0.85 <= linked < 0.99  # most identifiers are reachable, not all


def _tiny_truth() -> GroundTruth:
    owner = {
        "email:a1": 0,
        "cookie_id:a2": 0,
        "cookie_id:a3": 0,
        "email:b1": 1,
        "phone:+12123550002": 1,
    }
    owner["email:c1"] = 2
    tablet = SharedIdentifier("device_id:t", "household_device", (0, 1))
    junk = SharedIdentifier("email:test@test.com", "junk_email", (1, 2))

    def event(message_id: str, *keys: str) -> Event:
        idents = [{"kind": k.partition(":")[0], "value": k.partition(":")[2]} for k in keys]
        return {"messageId": message_id, "identifiers": idents}

    events = [
        event("m1", "email:a1", "cookie_id:a2"),
        event("m1", "email:a1", "cookie_id:a2"),  # a duplicate delivery
        event("m2", "cookie_id:a3", "device_id:t"),
        event("m3", "email:b1", "device_id:t"),  # the tablet joins no one
        event("m4", "email:b1", "phone:+12123550002"),
        event("m5", "phone:+12123550002", "email:test@test.com"),
        event("m6", "email:c1", "email:test@test.com"),
        event("m7", "email:c1", "cookie_id:a3"),  # rejected: proves nothing
    ]
    return GroundTruth.from_events(
        events,
        owner,
        {s.key: s for s in (tablet, junk)},
        expected_rejects=frozenset({"m7"}),
    )


def test_reachable_clusters_ignore_shared_junk_and_rejected() -> None:
    clusters = set(_tiny_truth().reachable_clusters())
    assert clusters == {
        frozenset({"email:a1", "cookie_id:a2"}),
        frozenset({"cookie_id:a3"}),
        frozenset({"email:b1", "phone:+12123550002"}),
        frozenset({"email:c1"}),
    }


# --- metrics -------------------------------------------------------------------------

_PERFECT = {"email:a1": "A", "cookie_id:a2": "A", "email:b1": "B", "phone:+12123550002": "B"}


@pytest.mark.parametrize(
    ("predicted", "precision", "recall", "over_merged", "split", "largest"),
    [
        pytest.param(_PERFECT, 1.0, 1.0, 0, 0, 2, id="perfect"),
        pytest.param({}, 1.0, 0.0, 0, 2, 1, id="all-singletons"),
        pytest.param(
            dict.fromkeys(
                [
                    "email:a1",
                    "cookie_id:a2",
                    "cookie_id:a3",
                    "email:b1",
                    "phone:+12123550002",
                    "email:c1",
                ],
                "X",
            ),
            2 / 15,
            1.0,
            1,
            0,
            6,
            id="everything-merged",
        ),
        pytest.param(
            {**_PERFECT, "cookie_id:a3": "A", "device_id:t": "A"},
            2 / 4,
            1.0,
            0,
            0,
            4,
            id="unreachable-but-same-customer",
        ),
        pytest.param(
            {**_PERFECT, "cookie_id:a2": "A2", "email:c1": "B"},
            1 / 3,
            1 / 2,
            1,
            1,
            3,
            id="split-and-over-merged",
        ),
    ],
)
def test_pairwise_scores_on_tiny_cases(
    predicted: dict[str, Hashable],
    precision: float,
    recall: float,
    over_merged: int,
    split: int,
    largest: int,
) -> None:
    scores = pairwise_scores(predicted, _tiny_truth())
    assert scores.true_pairs == 2
    assert scores.precision == pytest.approx(precision)
    assert scores.recall == pytest.approx(recall)
    expected_f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0
    assert scores.f1 == pytest.approx(expected_f1)
    assert scores.over_merged == over_merged
    assert scores.split_clusters == split
    assert scores.largest_entity == largest


def test_truth_scores_perfectly_against_itself(sample: SampleData) -> None:
    truth = sample.truth
    scores = pairwise_scores({k: truth.cluster_of(k) for k in truth.owner}, truth)
    assert (scores.precision, scores.recall, scores.over_merged) == (1.0, 1.0, 0)
    assert scores.true_pairs > CUSTOMERS


def test_naive_components_over_merge_the_sample(sample: SampleData) -> None:
    parent: dict[str, str] = {}

    def find(key: str) -> str:
        parent.setdefault(key, key)
        while parent[key] != key:
            key = parent[key]
        return key

    for event in sample.events:
        if event["messageId"] not in sample.truth.expected_rejects:
            first, *rest = _keys(event)
            for key in rest:
                parent[find(key)] = find(first)
    scores = pairwise_scores({k: find(k) for k in parent}, sample.truth)
    assert scores.over_merged > 0
    assert scores.precision < 0.5  # the shared identifiers glue customers together
    assert scores.recall == 1.0


# --- the grown cases: traits, nicknames, mailboxes, cross-channel persons, traps ----

SEGMENT_TRAITS = {"firstName", "lastName", "birthday", "address", "phone", "email"}
ADDRESS_FIELDS = {"street", "city", "postalCode", "state", "country"}


def test_traits_use_segment_reserved_names(sample: SampleData) -> None:
    for event in sample.events:
        traits = event["traits"]
        assert set(traits) <= SEGMENT_TRAITS, traits
        assert set(traits.get("address", {})) <= ADDRESS_FIELDS, traits
        assert ("firstName" in traits) == ("lastName" in traits)


def _web(data: SampleData) -> list[Event]:
    return [e for e in _first_deliveries(data) if e["type"] != "loyalty_signup"]


def test_web_traits_are_the_authors_own(sample: SampleData) -> None:
    """Names under a nickname at most, birthdays in any format but the right day."""
    nicknamed = formats = 0
    seen_formats: set[str] = set()
    for event in _web(sample):
        who = sample.customers[sample.truth.authors[event["messageId"]]]
        traits = event["traits"]
        if "firstName" in traits:
            assert traits["lastName"] == who.last_name
            assert same_first_name(traits["firstName"], who.first_name)
            nicknamed += traits["firstName"] != who.first_name
        if "birthday" in traits:
            assert parse_date(traits["birthday"]) == who.birth_date
            seen_formats.add("".join("9" if ch.isdigit() else ch for ch in traits["birthday"]))
            formats += 1
        if "street" in traits.get("address", {}):
            assert who.address is not None
            assert traits["address"]["postalCode"] == who.address.postal_code
    assert nicknamed > 100
    assert formats > 100
    assert seen_formats == {"9999-99-99", "99/99/9999", "99.99.9999", "99999999"}


def test_some_events_that_carry_names_carry_none(sample: SampleData) -> None:
    logins = [e for e in _web(sample) if e["type"] == "login"]
    nameless = sum("firstName" not in e["traits"] for e in logins)
    assert 0.08 <= nameless / len(logins) <= 0.2  # 10 %, plus personal mailboxes' logins


def test_personal_mailboxes_are_seen_only_with_their_owners_weak_identifiers(
    sample: SampleData,
) -> None:
    owners = {e: c for c in sample.customers for e in c.personal_emails}
    assert len(owners) > CUSTOMERS * 0.08
    truth = sample.truth
    for event in _first_deliveries(sample):
        keys = _keys(event)
        mine = [k for k in keys if k.startswith("email:") and k[6:] in owners]
        for key in mine:
            who = owners[key[6:]]
            others = [k for k in keys if k != key]
            assert others
            assert all(k.split(":")[0] in ("cookie_id", "device_id") for k in others)
            assert all(truth.owner[k] == who.index for k in others)


def test_cross_channel_store_sides_share_no_identifier_with_the_web_side(
    sample: SampleData,
) -> None:
    truth = sample.truth
    assert len(truth.cross_channel) == pytest.approx(CUSTOMERS * 0.05, rel=0.25)
    for index, store in truth.cross_channel.items():
        who = sample.customers[index]
        assert who.loyalty_id is None
        assert {k.split(":")[0] for k in store} in (
            {"loyalty_id", "phone"},
            {"loyalty_id", "email"},
        )
        web = set(who.identifier_keys()) - store
        assert web
        assert all(truth.cluster_of(k) != truth.cluster_of(s) for k in web for s in store)
    signups = [e for e in _first_deliveries(sample) if e["type"] == "loyalty_signup"]
    assert len(signups) == len(truth.cross_channel)
    for event in signups:
        assert {"firstName", "lastName", "birthday", "address"} <= set(event["traits"])
        assert event["channel"] == "store"


def test_store_sides_are_typed_with_noise(sample: SampleData) -> None:
    signups = [e for e in _first_deliveries(sample) if e["type"] == "loyalty_signup"]
    wrong_name = wrong_birth = short_suffix = 0
    for event in signups:
        who = sample.customers[sample.truth.authors[event["messageId"]]]
        traits = event["traits"]
        wrong_name += traits["lastName"] != who.last_name
        wrong_birth += parse_date(traits["birthday"]) != who.birth_date
        assert who.address is not None
        short_suffix += traits["address"]["street"].split()[-1].lower() != (
            who.address.street.split()[-1].lower()
        )
    assert 0 < wrong_name < len(signups) / 3
    assert 0 < wrong_birth < len(signups) / 3
    assert short_suffix > len(signups) / 3


def _trap_pairs(data: SampleData, kind: str) -> list[tuple[SampleCustomer, SampleCustomer]]:
    return [(data.customers[t.a], data.customers[t.b]) for t in data.truth.traps if t.kind == kind]


def test_traps_look_alike_as_their_kind_says(sample: SampleData) -> None:
    kinds = Counter(t.kind for t in sample.truth.traps)
    assert set(kinds) == set(TRAP_KINDS)
    assert kinds["namesake"] == round(CUSTOMERS * 0.01)
    for a, b in _trap_pairs(sample, "family"):
        assert a.household == b.household is not None
        assert (a.last_name, a.address) == (b.last_name, b.address)
        assert not same_first_name(a.first_name, b.first_name)
    for a, b in _trap_pairs(sample, "junior_senior"):
        assert (a.first_name, a.last_name, a.address) == (b.first_name, b.last_name, b.address)
        assert 24 <= b.birth_date.year - a.birth_date.year <= 34
    for a, b in _trap_pairs(sample, "twin"):
        assert (a.last_name, a.address, a.birth_date) == (b.last_name, b.address, b.birth_date)
        assert not same_first_name(a.first_name, b.first_name)
    for a, b in _trap_pairs(sample, "namesake"):
        assert (a.first_name, a.last_name) == (b.first_name, b.last_name)
        assert a.address is not None
        assert b.address is not None
        assert a.address.postal_code == b.address.postal_code
        assert a.address != b.address
        assert a.birth_date != b.birth_date
        assert a.household is None
        assert b.household is None


def test_everyone_in_a_trap_tells_their_birthday_once(sample: SampleData) -> None:
    dated = {
        sample.truth.authors[e["messageId"]]
        for e in _web(sample)
        if "birthday" in e["traits"] and "firstName" in e["traits"]
    }
    assert {i for t in sample.truth.traps for i in (t.a, t.b)} <= dated


def test_the_grown_cases_can_be_left_out() -> None:
    data = generate(
        300,
        seed=5,
        nickname_rate=0,
        nameless_rate=0,
        personal_email_rate=0,
        cross_channel_rate=0,
        namesake_rate=0,
        junior_senior_share=0,
        twin_share=0,
    )
    assert not data.truth.cross_channel
    assert {t.kind for t in data.truth.traps} <= {"family"}
    assert all(not c.personal_emails and c.nickname is None for c in data.customers)
    assert all(e["type"] != "loyalty_signup" for e in data.events)


# --- the grown metrics -----------------------------------------------------------------


def _owner_truth() -> GroundTruth:
    """Customer 0: web side a1+a2, store side s1+s2; customers 1 and 2: a trap pair."""
    owner = {"email:a1": 0, "cookie_id:a2": 0, "loyalty_id:s1": 0, "phone:+12123550009": 0}
    owner |= {"email:b1": 1, "device_id:b2": 1, "email:c1": 2}
    events = [
        {
            "messageId": "m1",
            "identifiers": [{"kind": "email", "value": "a1"}, {"kind": "cookie_id", "value": "a2"}],
        },
        {
            "messageId": "m2",
            "identifiers": [
                {"kind": "loyalty_id", "value": "s1"},
                {"kind": "phone", "value": "+12123550009"},
            ],
        },
        {
            "messageId": "m3",
            "identifiers": [{"kind": "email", "value": "b1"}, {"kind": "device_id", "value": "b2"}],
        },
    ]
    return GroundTruth.from_events(
        events,
        owner,
        {},
        cross_channel={0: frozenset({"loyalty_id:s1", "phone:+12123550009"})},
        traps=(TrapPair("twin", 1, 2),),
    )


@pytest.mark.parametrize(
    ("predicted", "joined", "merged", "person_precision", "oracle_precision"),
    [
        pytest.param(
            {"email:a1": "A", "cookie_id:a2": "A", "loyalty_id:s1": "S", "phone:+12123550009": "S"},
            0,
            0,
            1.0,
            1.0,
            id="deterministic",
        ),
        pytest.param(
            {"email:a1": "A", "cookie_id:a2": "A", "loyalty_id:s1": "A", "phone:+12123550009": "A"},
            1,
            0,
            1.0,
            2 / 6,
            id="cross-channel joined",
        ),
        pytest.param(
            {"email:a1": "A", "cookie_id:a2": "A", "email:b1": "B", "email:c1": "B"},
            0,
            1,
            0.5,
            0.5,
            id="twins merged",
        ),
    ],
)
def test_grown_metrics_on_a_tiny_case(
    predicted: dict[str, Hashable],
    joined: int,
    merged: int,
    person_precision: float,
    oracle_precision: float,
) -> None:
    truth = _owner_truth()
    assert cross_channel_joined(predicted, truth) == Share(joined, 1)
    assert trap_pairs_merged(predicted, truth)["twin"] == Share(merged, 1)
    assert person_scores(predicted, truth).precision == pytest.approx(person_precision)
    assert pairwise_scores(predicted, truth).precision == pytest.approx(oracle_precision)


def test_weak_only_joins_count_anchor_groups_met_through_a_weak_identifier() -> None:
    owner = {"email:a1": 0, "email:a2": 0, "cookie_id:k": 0, "customer_id:c": 0}
    events = [
        {
            "messageId": "m1",
            "identifiers": [{"kind": "email", "value": "a1"}, {"kind": "cookie_id", "value": "k"}],
        },
        {
            "messageId": "m2",
            "identifiers": [{"kind": "email", "value": "a2"}, {"kind": "cookie_id", "value": "k"}],
        },
        {
            "messageId": "m3",
            "identifiers": [
                {"kind": "email", "value": "a1"},
                {"kind": "customer_id", "value": "c"},
            ],
        },
    ]
    truth = GroundTruth.from_events(events, owner, {})
    whole = {"email:a1": "X", "email:a2": "X", "cookie_id:k": "X", "customer_id:c": "X"}
    apart = {**whole, "email:a2": "Y"}
    assert weak_only_joined(whole, truth, same_kind=True) == Share(1, 1)
    assert weak_only_joined(apart, truth, same_kind=True) == Share(0, 1)
    assert weak_only_joined(apart, truth) == Share(0, 1)
