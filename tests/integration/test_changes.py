"""The change log against the real Neo4j: what each write records, atomically, in order."""

from __future__ import annotations

import asyncio
import hashlib
import json
from datetime import UTC, datetime

import pytest
from neo4j import AsyncManagedTransaction

from graph_cdp.config import Settings
from graph_cdp.errors import InvalidInput
from graph_cdp.events import EventLimits, validate_event
from graph_cdp.feed.log import Change, decode_cursor
from graph_cdp.identifiers import IdentifierPolicy
from graph_cdp.resolution.rules import REFUSAL_PRECEDENCE
from graph_cdp.resolve_units import refresh_statuses, resolve_seeds
from graph_cdp.services import CdpService
from graph_cdp.store import Store
from graph_cdp.store.ingest import write_events
from tests.integration.helpers import customer_of, ev

pytestmark = pytest.mark.integration


def sha(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


async def everything(service: CdpService) -> list[Change]:
    page = await service.change_page(None, 1000)
    assert not page.has_next_page
    return page.items


async def test_a_merge_is_one_change_with_both_ids_after_two_creations(
    service: CdpService,
) -> None:
    await service.ingest_events([ev("1", ("email", "ann@x.io"))])
    await service.ingest_events([ev("2", ("phone", "+12123551188"), traits={"name": "Ann"})])
    a = await customer_of(service.store, "email:ann@x.io")
    b = await customer_of(service.store, "phone:+12123551188")
    await service.ingest_events([ev("3", ("email", "ann@x.io"), ("phone", "+12123551188"))])

    changes = await everything(service)
    assert [c.seq for c in changes] == [1, 2, 3]
    assert [c.type for c in changes] == ["profile.created", "profile.created", "profile.merged"]
    assert changes[0].profile_ids == [a]
    assert changes[0].data["identifiers"] == [{"kind": "email", "sha256": sha("ann@x.io")}]
    assert changes[1].data["traits"] == ["name"]
    merged = changes[2]
    assert merged.data == {"survivor": a, "merged": [b]}
    assert merged.profile_ids == [a, b]
    assert {c.cause for c in changes} == {"ingest"}


async def test_traits_and_new_identifiers_update_an_existing_profile(
    service: CdpService,
) -> None:
    await service.ingest_events([ev("1", ("email", "ann@x.io"))])
    a = await customer_of(service.store, "email:ann@x.io")
    await service.ingest_events([ev("2", ("email", "ann@x.io"), traits={"city": "Oslo"})])
    await service.push_identifiers(
        [{"kind": "email", "value": "ann@x.io"}, {"kind": "device_id", "value": "DEV-1"}]
    )
    await service.ingest_events([ev("3", ("email", "ann@x.io"))])  # nothing new: no change

    changes = await everything(service)
    assert [(c.type, c.cause) for c in changes] == [
        ("profile.created", "ingest"),
        ("profile.updated", "ingest"),
        ("profile.updated", "push"),
    ]
    assert changes[1].profile_ids == [a]
    assert changes[1].data == {"traits": ["city"]}
    assert changes[2].data == {"identifiersAdded": [{"kind": "device_id", "sha256": sha("dev-1")}]}


async def test_revoking_a_link_records_the_split_and_what_moved(service: CdpService) -> None:
    await service.ingest_events(
        [
            ev("1", ("email", "old@x.io"), ("customer_id", "C1"), timestamp="2025-01-01T00:00:00Z"),
            ev("2", ("customer_id", "C1"), ("phone", "+12123551188")),
        ]
    )
    before = await customer_of(service.store, "email:old@x.io")
    head = (await service.change_page(None, 1000)).end_cursor
    await service.revoke_link(("customer_id", "C1"), ("phone", "+12123551188"))
    new = await customer_of(service.store, "phone:+12123551188")

    page = await service.change_page(head, 10)
    assert [c.type for c in page.items] == ["profile.split"]
    split = page.items[0]
    assert split.cause == "revoke"
    assert split.profile_ids == [before, new]
    assert split.data == {
        "from": before,
        "into": [new],
        "moved": [{"kind": "phone", "sha256": sha("+12123551188")}],
    }


async def test_a_deletion_carries_hashes_and_no_raw_value_stays_in_the_log(
    service: CdpService,
) -> None:
    await service.ingest_events([ev("1", ("email", "gone@x.io"))])
    await service.ingest_events([ev("2", ("phone", "+12123551188"))])
    old = await customer_of(service.store, "phone:+12123551188")
    await service.ingest_events([ev("3", ("email", "gone@x.io"), ("phone", "+12123551188"))])
    survivor = await customer_of(service.store, "email:gone@x.io")
    await service.delete_profile(old)  # an old id finds the survivor

    changes = await everything(service)
    deleted = changes[-1]
    assert deleted.type == "profile.deleted"
    assert deleted.cause == "forget"
    assert deleted.profile_ids == [survivor, old]
    assert deleted.data == {
        "identifiers": [
            {"kind": "email", "sha256": sha("gone@x.io")},
            {"kind": "phone", "sha256": sha("+12123551188")},
        ],
        "mergedIds": [old],
    }
    text = json.dumps([c.data for c in changes])
    assert "gone@x.io" not in text
    assert "2123551188" not in text


async def test_a_rolled_back_transaction_leaves_no_change_and_no_gap(
    service: CdpService, settings: Settings
) -> None:
    policy = IdentifierPolicy.from_settings(settings)
    limits = EventLimits.from_settings(settings)
    now = datetime.now(UTC)
    event = validate_event(ev("1", ("email", "ann@x.io")), policy, limits, now)

    async def work(tx: AsyncManagedTransaction) -> None:
        written = await write_events(tx, [event], [None], now, "b1", REFUSAL_PRECEDENCE)
        await refresh_statuses(tx, written.touched, service.rules)
        keys = [s.key for s in written.touched]
        await resolve_seeds(tx, keys, service.rules, now, reason="ingest")
        assert await service.changes.head() == 0  # not committed: not visible outside
        raise InvalidInput("the caller gives up after writing")

    with pytest.raises(InvalidInput):
        await service.store.write(work)
    assert await everything(service) == []
    assert await service.changes.head() == 0

    await service.ingest_events([ev("2", ("email", "bob@x.io"))])
    assert [c.seq for c in await everything(service)] == [1]


async def test_concurrent_writers_give_a_gap_free_log_in_commit_order(
    service: CdpService,
) -> None:
    # Overlapping batches: writers contend on units (deadlocks retried) and on the counter.
    batches = [
        [
            ev(f"{w}-{i}", ("email", f"p{(w * 7 + i) % 23}@x.io"), ("device_id", f"d{w}-{i}"))
            for i in range(6)
        ]
        for w in range(8)
    ]
    await asyncio.gather(*(service.ingest_events(b) for b in batches))

    changes = await everything(service)
    assert [c.seq for c in changes] == list(range(1, len(changes) + 1))
    created = [c for c in changes if c.type == "profile.created"]
    assert len(created) >= 23
    # Replaying the log gives the current profiles: later changes never precede earlier ones.
    alive: set[str] = set()
    for c in changes:
        if c.type == "profile.created":
            alive.add(c.profile_ids[0])
        elif c.type == "profile.merged":
            assert c.data["survivor"] in alive
            assert set(c.data["merged"]) <= alive
            alive -= set(c.data["merged"])
        else:
            assert set(c.profile_ids) <= alive
    records, _, _ = await service.store.driver.execute_query(
        "MATCH (c:Customer) WHERE c.mergedInto IS NULL RETURN collect(c.id) AS ids"
    )
    assert alive == set(records[0]["ids"])


async def test_filters_and_cursors_resume_without_skips(service: CdpService) -> None:
    await service.ingest_events([ev("1", ("email", "a@x.io"))])
    await service.ingest_events([ev("2", ("email", "b@x.io"))])
    await service.ingest_events([ev("3", ("email", "a@x.io"), ("email", "b@x.io"))])

    first = await service.change_page(None, 1)
    assert [c.seq for c in first.items] == [1]
    assert first.has_next_page
    rest = await service.change_page(first.end_cursor, 10)
    assert [c.seq for c in rest.items] == [2, 3]
    merges = await service.change_page(None, 10, ["profile.merged"])
    assert [c.seq for c in merges.items] == [3]
    nothing = await service.change_page(None, 10, ["profile.deleted"])
    assert nothing.items == []
    assert decode_cursor(nothing.end_cursor) == 3  # a filtered reader moves on too
    with pytest.raises(InvalidInput, match="unknown change type"):
        await service.change_page(None, 10, ["profile.exploded"])
    with pytest.raises(InvalidInput, match="malformed cursor"):
        await service.change_page("not-a-cursor", 10)


async def test_the_log_can_be_turned_off(store: Store, settings: Settings) -> None:
    off = CdpService(Store(store.driver, store.database, change_log=False), settings)
    await off.ingest_events([ev("1", ("email", "a@x.io")), ev("2", ("email", "b@x.io"))])
    await off.delete_profile(await customer_of(store, "email:a@x.io"))
    assert await off.changes.head() == 0
    assert (await off.change_page(None, 10)).items == []


def test_the_setting_reads_on_and_off() -> None:
    assert Settings(GRAPH_CDP_CHANGE_LOG="off").change_log is False
    assert Settings(GRAPH_CDP_CHANGE_LOG="on").change_log is True


async def test_a_full_job_records_what_it_changes_with_its_id(service: CdpService) -> None:
    events = [
        ev("1", ("email", "a@x.io"), ("phone", "+12123551188")),
        ev("2", ("email", "b@x.io")),
    ]
    await service.ingest_events(events, resolve=False)  # evidence only: no customer yet
    assert await everything(service) == []
    job = await service.run_resolution("full")

    changes = await everything(service)
    assert [(c.type, c.cause, c.job_id) for c in changes] == [
        ("profile.created", "job", job.id),
        ("profile.created", "job", job.id),
    ]
    sizes = sorted(len(c.data["identifiers"]) for c in changes)
    assert sizes == [1, 2]
