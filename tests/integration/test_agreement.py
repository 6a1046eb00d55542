"""Property: incremental resolution (on every write) and the full batch job agree.

Hypothesis draws event streams over a small pool of identifiers, so that customers
collide often: shared devices, public cookies, junk emails, hubs, conflicting customer
ids, out-of-order timestamps, deletes and revocations; names, nicknames and birth dates
(in the formats people type) for the shared-device rule, under either of its forms. The
stream is written in random batches (incremental), then a full job recomputes everything from the evidence: it
must find nothing to change, and the graph must satisfy every invariant.
"""

from __future__ import annotations

import asyncio
import contextlib
from datetime import UTC, datetime
from types import MappingProxyType
from typing import Any

from hypothesis import HealthCheck, example, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from graph_cdp.config import Settings
from graph_cdp.errors import IdentifierNotFound
from graph_cdp.resolution.rules import DEFAULT_HUB_THRESHOLDS, Rules
from graph_cdp.services import CdpService
from graph_cdp.store import Store
from tests.conftest import wipe
from tests.integration.helpers import partition
from tests.matching_people import trained_model_json

POOL = (
    [("customer_id", f"C{i}") for i in range(4)]
    + [("email", f"p{i}@mail.io") for i in range(6)]
    + [("phone", f"+1212355{1000 + i}") for i in range(3)]
    + [("device_id", f"0f0e0d0c-0b0a-4000-8000-00000000000{i}") for i in range(3)]
    + [("cookie_id", f"ck{i}") for i in range(5)]
    + [("email", "test@test.com"), ("loyalty_id", "acme:1001"), ("loyalty_id", "acme:1002")]
)
HUBS = MappingProxyType({**DEFAULT_HUB_THRESHOLDS, "cookie_id": 5, "phone": 6})
RULES = Rules(hub_thresholds=HUBS)
STRICT = Rules(hub_thresholds=HUBS, shared_device="strict")
# (first, last, birthday): one person under a nickname and two date formats, his
# father of the same name, a family member, and namesakes told apart by birth date.
NAMES = (
    None,
    ("Ann", "Lee", None),
    ("Anne", "Lee", "1990-01-01"),
    ("Bob", "Lee", "01/01/1990"),
    ("Tim", "Gonzalez", "03/14/1985"),
    ("Timothy", "Gonzalez", "14.03.1985"),
    ("Tim", "Gonzalez", None),
    ("Tim", "Gonzalez", "19580402"),
)

event = st.fixed_dictionaries(
    {
        "identifiers": st.lists(st.sampled_from(POOL), min_size=1, max_size=3, unique=True),
        "day": st.integers(min_value=1, max_value=28),
        "name": st.sampled_from(NAMES),
    }
)
operation = st.one_of(
    st.tuples(st.just("delete"), st.sampled_from(POOL)),
    st.tuples(st.just("revoke"), st.tuples(st.sampled_from(POOL), st.sampled_from(POOL))),
)


@st.composite
def streams(draw: st.DrawFn) -> list[Any]:
    """Mostly events; a few deletes and revocations at random places among them."""
    actions: list[Any] = [("event", e) for e in draw(st.lists(event, min_size=6, max_size=30))]
    for position, op in draw(st.lists(st.tuples(st.integers(0, 30), operation), max_size=3)):
        actions.insert(min(position, len(actions)), op)
    return actions


batch_sizes = st.lists(st.integers(min_value=1, max_value=6), min_size=1, max_size=10)


def _event(i: int, e: dict[str, Any]) -> dict[str, Any]:
    return {
        "messageId": f"m{i}",
        "type": "login",
        "timestamp": f"2026-02-{e['day']:02d}T00:00:00Z",
        "identifiers": [{"kind": k, "value": v} for k, v in e["identifiers"]],
        "traits": _traits(e["name"]),
    }


def _traits(name: tuple[str, str, str | None] | None) -> dict[str, str]:
    if name is None:
        return {}
    first, last, born = name
    return {"firstName": first, "lastName": last} | ({"birthday": born} if born else {})


async def _play(settings: Settings, actions: list[Any], sizes: list[int], rules: Rules) -> None:
    store = Store.open(settings)
    try:
        await wipe(store)
        await store.apply_schema()
        # The deterministic rules alone (matching is the fuzzy test's below): without a
        # model, writes score nothing, while a first full job stores the starting one.
        deterministic = settings.model_copy(update={"matching": False})
        service = CdpService(store, deterministic, rules=rules)
        pending: list[dict[str, Any]] = []
        size_iter = iter(sizes * 10)

        async def flush() -> None:
            while pending:
                n = next(size_iter, 3)
                await service.ingest_events(pending[:n])
                del pending[:n]

        for i, (kind, payload) in enumerate(actions):
            if kind == "event":
                pending.append(_event(i, payload))
                continue
            await flush()
            if kind == "delete":
                profile = await service.profile_by_identifier(*payload)
                if profile is not None:
                    await service.delete_profile(profile.id)
            else:
                a, b = payload
                if a != b:
                    with contextlib.suppress(IdentifierNotFound):  # no such link: no change
                        await service.revoke_link(a, b)
        await flush()

        incremental = await partition(store)
        assert (await service.check()).ok
        job = await service.run_resolution("full")
        assert job.status == "succeeded"
        assert job.stats["unitsChanged"] == 0, job.stats
        assert await partition(store) == incremental
    finally:
        await store.close()


@hsettings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(actions=streams(), sizes=batch_sizes, rules=st.sampled_from((RULES, RULES, STRICT)))
def test_incremental_and_batch_resolution_agree(
    settings: Settings, actions: list[Any], sizes: list[int], rules: Rules
) -> None:
    asyncio.run(_play(settings, actions, sizes, rules))


async def test_deferred_bulk_load_then_full_job_equals_resolving_every_write(
    store: Store, settings: Settings
) -> None:
    from graph_cdp.sample import generate

    async def stored_model() -> None:
        # Both ways score with the same stored model: without one, a write matches
        # nothing while the full job trains one, and fuzzy links would differ by design.
        await store.execute(
            "create_match_model",
            id="model_test",
            now=datetime.now(UTC),
            json=trained_model_json(),
            records=0,
        )

    events = generate(customers=80, seed=21).events
    service = CdpService(store, settings)
    await stored_model()
    for start in range(0, len(events), 150):
        await service.ingest_events(events[start : start + 150])
    incremental = await partition(store)

    await wipe(store)
    await store.apply_schema()
    await stored_model()
    for start in range(0, len(events), 150):
        result = await service.ingest_events(events[start : start + 150], resolve=False)
        assert result.customers_created == 0
    assert await partition(store) == set()
    job = await service.run_resolution("full")
    assert job.stats["identifiers"] == sum(len(p) for p in incremental)
    assert job.stats["matching"]["modelId"] == "model_test"
    assert await partition(store) == incremental
    assert (await service.check()).ok


# --- with fuzzy evidence: a stored model scores every write; the job must agree ---

PERSONAS = [
    None,
    {
        "firstName": "Katherine",
        "lastName": "Okafor",
        "birthday": "1985-03-14",
        "address": {"street": "12 Willow Avenue", "postalCode": "02139"},
    },
    {
        "first_name": "Kathrine",
        "last_name": "OKAFOR",
        "dob": "03/14/1985",
        "address": {"street": "12 Willow Ave", "zip": "02139"},
    },
    {
        "firstName": "Kate",
        "lastName": "Okafor",
        "birthday": "1985-03-14",
        "address": {"postalCode": "02139"},
    },
    # her twin, her father (one address), and a namesake of hers elsewhere
    {
        "firstName": "Grace",
        "lastName": "Okafor",
        "birthday": "1985-03-14",
        "address": {"street": "12 Willow Avenue", "postalCode": "02139"},
    },
    {
        "firstName": "Samuel",
        "lastName": "Okafor",
        "birthday": "1956-10-02",
        "address": {"street": "12 Willow Avenue", "postalCode": "02139"},
    },
    {
        "firstName": "Katherine",
        "lastName": "Okafor",
        "birthday": "1991-07-30",
        "address": {"postalCode": "02139"},
    },
]
fuzzy_event = st.fixed_dictionaries(
    {
        "identifiers": st.lists(st.sampled_from(POOL), min_size=1, max_size=2, unique=True),
        "day": st.integers(min_value=1, max_value=28),
        "traits": st.sampled_from(PERSONAS),
    }
)


@st.composite
def fuzzy_streams(draw: st.DrawFn) -> list[Any]:
    actions: list[Any] = [
        ("event", e) for e in draw(st.lists(fuzzy_event, min_size=4, max_size=16))
    ]
    for position, op in draw(st.lists(st.tuples(st.integers(0, 16), operation), max_size=2)):
        actions.insert(min(position, len(actions)), op)
    return actions


async def _play_fuzzy(settings: Settings, actions: list[Any], sizes: list[int]) -> None:
    store = Store.open(settings)
    try:
        await wipe(store)
        await store.apply_schema()
        await store.execute(
            "create_match_model",
            id="model_test",
            now=datetime.now(UTC),
            json=trained_model_json(),
            records=0,
        )
        service = CdpService(store, settings, rules=RULES)
        converted = [(kind, {**p, "name": None} if kind == "event" else p) for kind, p in actions]
        pending: list[dict[str, Any]] = []
        size_iter = iter(sizes * 10)

        async def flush() -> None:
            while pending:
                n = next(size_iter, 3)
                await service.ingest_events(pending[:n])
                del pending[:n]

        for i, (kind, payload) in enumerate(converted):
            if kind == "event":
                pending.append({**_event(i, payload), "traits": payload["traits"] or {}})
                continue
            await flush()
            if kind == "delete":
                profile = await service.profile_by_identifier(*payload)
                if profile is not None:
                    await service.delete_profile(profile.id)
            else:
                a, b = payload
                if a != b:
                    with contextlib.suppress(IdentifierNotFound):
                        await service.revoke_link(a, b)
        await flush()

        incremental = await partition(store)
        assert (await service.check()).ok
        job = await service.run_resolution("full")
        assert job.status == "succeeded", job.error
        assert job.stats["unitsChanged"] == 0, job.stats
        matching = job.stats["matching"]
        assert matching["modelId"] == "model_test"
        for changed in (
            "recordsWritten",
            "recordsCleared",
            "linksWritten",
            "linksDeleted",
            "candidatesWritten",
            "candidatesDeleted",
        ):
            assert matching[changed] == 0, matching
        assert await partition(store) == incremental
    finally:
        await store.close()


def _seen(identifiers: list[tuple[str, str]], persona: int, day: int) -> tuple[str, Any]:
    return ("event", {"identifiers": identifiers, "traits": PERSONAS[persona], "day": day})


_HER_PHONE = [
    _seen([("cookie_id", "ck0"), ("customer_id", "C0")], 2, 16),
    _seen(
        [("phone", "+12123551002"), ("device_id", "0f0e0d0c-0b0a-4000-8000-000000000002")], 1, 18
    ),
    _seen([("email", "test@test.com")], 1, 1),
    _seen([("email", "p5@mail.io")], 1, 21),
    _seen([("cookie_id", "ck0"), ("loyalty_id", "acme:1002")], 1, 11),
    _seen([("customer_id", "C3")], 2, 1),
    _seen([("customer_id", "C2")], 2, 1),
    _seen([("cookie_id", "ck0"), ("device_id", "0f0e0d0c-0b0a-4000-8000-000000000000")], 6, 1),
]


@hsettings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(actions=fuzzy_streams(), sizes=batch_sizes)
# Found by this test: her phone, fuzzy-linked to six records that look like her, was made a
# hub by the next full job (which counted the fuzzy links) but not by the writes. Fuzzy
# links no longer count towards the hub threshold (phone: 6 here).
@example(actions=_HER_PHONE, sizes=[1])
def test_incremental_and_batch_agree_with_fuzzy_evidence(
    settings: Settings, actions: list[Any], sizes: list[int]
) -> None:
    asyncio.run(_play_fuzzy(settings, actions, sizes))
