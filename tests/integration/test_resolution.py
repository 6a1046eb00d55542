"""Resolution against the real Neo4j: merge, refuse, split, stable ids, explain, forget."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from types import MappingProxyType

import pytest

from graph_cdp import resolve_units
from graph_cdp.config import Settings
from graph_cdp.errors import ProfileNotFound
from graph_cdp.resolution.rules import DEFAULT_HUB_THRESHOLDS, Rules
from graph_cdp.services import CdpService
from graph_cdp.store import Store
from tests.integration.helpers import customer_of, ev, link, partition
from tests.matching_people import trained_model_json


async def test_shared_email_merges_and_the_oldest_customer_survives(service: CdpService) -> None:
    await service.ingest_events([ev("1", ("email", "ann@shop.io"), ("cookie_id", "k1"))])
    older = await customer_of(service.store, "email:ann@shop.io")
    await service.ingest_events([ev("2", ("phone", "+1 212 355 1123"), ("cookie_id", "k2"))])
    newer = await customer_of(service.store, "cookie_id:k2")
    assert older != newer

    result = await service.ingest_events(
        [ev("3", ("email", "Ann@Shop.io"), ("phone", "2123551123"))]
    )
    assert result.customers_merged == 1
    survivor = await customer_of(service.store, "cookie_id:k2")
    assert survivor == older
    assert await customer_of(service.store, "email:ann@shop.io") == older

    profile = await service.profile(newer)  # the old id still finds the survivor
    assert profile is not None
    assert profile.id == older
    assert profile.requested_id == newer
    assert newer in profile.merged_from
    assert {i.key for i in profile.identifiers} == {
        "email:ann@shop.io",
        "cookie_id:k1",
        "cookie_id:k2",
        "phone:+12123551123",
    }


async def test_two_customer_ids_never_merge_and_the_refusal_is_recorded(
    service: CdpService,
) -> None:
    await service.ingest_events(
        [
            ev("1", ("customer_id", "C-1"), ("email", "a@shop.io")),
            ev("2", ("customer_id", "C-2"), ("email", "b@shop.io")),
            ev("3", ("email", "a@shop.io"), ("email", "b@shop.io")),
        ]
    )
    assert await customer_of(service.store, "customer_id:C-1") != await customer_of(
        service.store, "customer_id:C-2"
    )
    refused = await link(service.store, "email:a@shop.io", "email:b@shop.io")
    assert refused["active"] is False
    assert refused["refusedBy"] == "limit:customer_id"
    explanation = await service.explain_link(("email", "a@shop.io"), ("email", "b@shop.io"))
    assert explanation is not None
    assert not explanation.same_customer
    assert [h.refused_by for h in explanation.path] == ["limit:customer_id"]
    assert "limit:customer_id" in explanation.reason


async def test_a_family_tablet_does_not_merge_the_family(service: CdpService) -> None:
    tablet = ("device_id", "6F1C1C0E-0B0A-4C5B-9A77-1D2E3F405060")
    await service.ingest_events(
        [
            ev("1", ("email", "mum@home.io"), tablet, type="app_open"),
            ev("2", ("email", "dad@home.io"), tablet, type="app_open"),
            ev("3", ("email", "kid@home.io"), tablet, type="app_open"),
        ]
    )
    owners = {
        await customer_of(service.store, f"email:{who}@home.io") for who in ("mum", "dad", "kid")
    }
    assert len(owners) == 3
    evidence = await link(
        service.store, "email:mum@home.io", "device_id:6f1c1c0e-0b0a-4c5b-9a77-1d2e3f405060"
    )
    assert evidence["refusedBy"] == "shared_identifier"


async def test_a_hub_stops_linking_and_is_reported(store: Store, settings: Settings) -> None:
    rules = Rules(hub_thresholds=MappingProxyType({**DEFAULT_HUB_THRESHOLDS, "cookie_id": 3}))
    service = CdpService(store, settings, rules=rules)
    events = [
        ev(f"e{i}", ("cookie_id", "library-pc"), ("loyalty_id", f"acme:{1000 + i}"))
        for i in range(4)
    ]
    await service.ingest_events(events)
    profile = await service.profile_by_identifier("cookie_id", "library-pc")
    assert profile is not None
    (cookie,) = profile.identifiers
    assert cookie.status == "hub"
    assert "hub threshold 3" in (cookie.status_reason or "")
    assert (await link(store, "cookie_id:library-pc", "loyalty_id:acme:1000"))["refusedBy"] == "hub"
    assert len({await customer_of(store, f"loyalty_id:acme:{1000 + i}") for i in range(4)}) == 4


async def test_revoking_a_link_splits_and_the_oldest_identifier_keeps_the_id(
    service: CdpService,
) -> None:
    phone = "phone:+12123551188"
    await service.ingest_events(
        [
            ev("1", ("email", "old@x.io"), ("customer_id", "C1"), timestamp="2025-01-01T00:00:00Z"),
            ev(
                "2",
                ("customer_id", "C1"),
                ("phone", "+12123551188"),
                timestamp="2025-06-01T00:00:00Z",
            ),
        ]
    )
    before = await customer_of(service.store, "email:old@x.io")
    assert await customer_of(service.store, phone) == before
    weak = await service.weak_points(before)
    assert {(w.a, w.b) for w in weak} == {
        ("customer_id:C1", "email:old@x.io"),
        ("customer_id:C1", phone),
    }
    assert all(w.side_sizes == (1, 2) for w in weak)
    assert await service.weak_points_for([before]) == [weak]  # the batched read agrees

    outcome = await service.revoke_link(("customer_id", "C1"), ("phone", "+12123551188"))
    assert outcome.splits == 1
    assert await customer_of(service.store, "email:old@x.io") == before
    split_off = await customer_of(service.store, phone)
    assert split_off != before
    records, _, _ = await service.store.driver.execute_query(
        "MATCH (:Customer {id: $new})-[s:SPLIT_FROM]->(:Customer {id: $old}) RETURN s.reason AS r",
        new=split_off,
        old=before,
    )
    assert [r["r"] for r in records] == ["revoke"]
    assert (await link(service.store, "customer_id:C1", phone))["refusedBy"] == "revoked"
    assert (await service.check()).ok


@pytest.mark.parametrize(
    ("first", "second", "merged"),
    [
        # Two mailboxes on one device, no names: could be two people, so it is shared.
        ((("email", "a@x.io"), None), (("email", "b@x.io"), None), False),
        # Same person, two mailboxes (names agree, a typo forgiven).
        (
            (("email", "a@x.io"), ("Amanda", "Khan")),
            (("email", "b@x.io"), ("Amanda", "Kahn")),
            True,
        ),
        # A family on one tablet: same last name, different first names.
        ((("email", "a@x.io"), ("John", "Smith")), (("email", "b@x.io"), ("Joan", "Smith")), False),
        # One person's email side and phone side: no kind named twice.
        ((("email", "a@x.io"), None), (("phone", "+12123551188"), None), True),
        # Two customer ids never meet through a cookie, whatever the names say.
        ((("customer_id", "A"), ("Ann", "Lee")), (("customer_id", "B"), ("Ann", "Lee")), False),
    ],
)
async def test_a_weak_identifier_joins_two_sides_only_if_they_can_be_one_person(
    service: CdpService,
    first: tuple[tuple[str, str], tuple[str, str] | None],
    second: tuple[tuple[str, str], tuple[str, str] | None],
    merged: bool,
) -> None:
    def traits(name: tuple[str, str] | None) -> dict[str, str]:
        return {} if name is None else {"firstName": name[0], "lastName": name[1]}

    await service.ingest_events(
        [
            ev("1", first[0], ("cookie_id", "c1"), traits=traits(first[1])),
            ev("2", second[0], ("cookie_id", "c1"), traits=traits(second[1])),
        ]
    )
    key_a, key_b = f"{first[0][0]}:{first[0][1]}", f"{second[0][0]}:{second[0][1]}"
    same = await customer_of(service.store, key_a) == await customer_of(service.store, key_b)
    assert same is merged
    if not merged:
        assert (await link(service.store, "cookie_id:c1", key_a))["refusedBy"] == (
            "shared_identifier"
        )
    assert (await service.check()).ok


async def test_explain_gives_the_evidence_path_hop_by_hop(service: CdpService) -> None:
    await service.ingest_events(
        [
            ev("1", ("email", "a@x.io"), ("customer_id", "C9"), timestamp="2025-01-01T00:00:00Z"),
            ev(
                "2",
                ("customer_id", "C9"),
                ("phone", "+12123551177"),
                timestamp="2025-01-02T00:00:00Z",
            ),
        ],
        source="crm",
    )
    explanation = await service.explain_link(("email", "A@X.io"), ("phone", "(212) 355-1177"))
    assert explanation is not None
    assert explanation.same_customer
    assert [(h.a, h.b) for h in explanation.path] == [
        ("customer_id:C9", "email:a@x.io"),
        ("customer_id:C9", "phone:+12123551177"),
    ]
    assert all(h.active and h.count == 1 and h.sources == ["crm"] for h in explanation.path)
    assert await service.explain_link(("email", "a@x.io"), ("email", "nobody@x.io")) is None


async def test_deleting_a_profile_forgets_it_and_re_resolves_the_rest(
    service: CdpService,
) -> None:
    await service.ingest_events(
        [
            ev("1", ("email", "gone@x.io"), ("cookie_id", "shared")),
            ev("2", ("email", "stay@x.io"), ("cookie_id", "shared")),
            ev("3", ("email", "stay@x.io"), ("phone", "+12123551166")),
        ]
    )
    # The cookie is shared by two people, so it belongs to neither.
    assert await customer_of(service.store, "cookie_id:shared") != await customer_of(
        service.store, "email:stay@x.io"
    )
    gone = await customer_of(service.store, "email:gone@x.io")
    result = await service.delete_profile(gone)
    assert result.identifiers_deleted == 1
    assert result.interactions_deleted == 1
    assert await service.profile(gone) is None
    assert await service.profile_by_identifier("email", "gone@x.io") is None
    # With the other person gone the cookie is no longer shared: it joins who is left.
    assert await customer_of(service.store, "cookie_id:shared") == await customer_of(
        service.store, "email:stay@x.io"
    )
    with pytest.raises(ProfileNotFound):
        await service.delete_profile(gone)
    assert (await service.check()).ok


async def test_checker_catches_a_corrupted_graph(service: CdpService) -> None:
    await service.ingest_events(
        [
            ev("1", ("email", "a@x.io"), ("cookie_id", "k")),
            ev("2", ("email", "b@x.io")),
            ev("3", ("email", "c@x.io")),
        ]
    )
    assert (await service.check()).ok
    run = service.store.driver.execute_query
    # An identifier with two customers, an active link across customers, an empty customer,
    # and a merge cycle.
    await run(
        "MATCH (i:Identifier {key: 'email:c@x.io'}), "
        "(c:Customer)<-[:BELONGS_TO]-(:Identifier {key: 'email:a@x.io'}) "
        "CREATE (i)-[:BELONGS_TO]->(c)"
    )
    await run("CREATE (:Customer {id: 'empty', createdAt: datetime()})")
    await run(
        "CREATE (a:Customer {id: 'm1', mergedInto: 'm2'})-[:MERGED_INTO]->"
        "(b:Customer {id: 'm2', mergedInto: 'm1'})-[:MERGED_INTO]->(a)"
    )
    await run(
        "MATCH (i:Identifier {key: 'email:b@x.io'}), (k:Identifier {key: 'cookie_id:k'}) "
        "CREATE (k)-[:LINKED {active: true, count: 1}]->(i)"
    )
    await run("MATCH (:Identifier {key: 'email:a@x.io'})-[l:LINKED]-() DELETE l")
    report = await service.check()
    assert not report.ok
    disconnected = [await customer_of(service.store, "cookie_id:k")]
    assert report.disconnected_customers.examples == disconnected
    assert report.identifiers_without_one_customer.examples == ["email:c@x.io"]
    assert report.empty_customers.examples == ["empty"]
    assert report.broken_merge_history.examples == ["m1", "m2"]
    assert report.links_across_customers.examples == ["cookie_id:k -- email:b@x.io"]
    assert report.identifiers_checked == 4
    assert any(line.startswith("FAIL") for line in report.lines())


async def test_full_job_agrees_with_incremental_and_reports(service: CdpService) -> None:
    from graph_cdp.sample import generate

    events = generate(customers=60, seed=3).events
    # A stored model scores every write, as the job does (without one the job trains one).
    await service.store.execute(
        "create_match_model",
        id="model_test",
        now=datetime.now(UTC),
        json=trained_model_json(),
        records=0,
    )
    for start in range(0, len(events), 97):
        await service.ingest_events(events[start : start + 97])
    incremental = await partition(service.store)
    job = await service.run_resolution("full")
    assert job.status == "succeeded"
    assert job.stats["unitsChanged"] == 0
    assert job.stats["merges"] == 0
    assert job.stats["splits"] == 0
    assert job.stats["customersBefore"] == job.stats["customersAfter"] == len(incremental)
    assert await partition(service.store) == incremental
    assert (await service.resolution_job(job.id)) == job


async def test_an_incremental_job_resolves_what_a_deferred_write_linked(
    service: CdpService,
) -> None:
    """Two customers a deferred write links after a job (both identifiers already had
    one): the next incremental job finds the write by its identifiers and joins them."""
    await service.ingest_events([ev("a", ("email", "ada@shop.io"), ("cookie_id", "c-1"))])
    await service.ingest_events([ev("b", ("phone", "+14155552671"), ("cookie_id", "c-2"))])
    ada, phone = "email:ada@shop.io", "phone:+14155552671"
    assert await customer_of(service.store, ada) != await customer_of(service.store, phone)
    await service.run_resolution("full")  # the last job: the next one starts from here
    linking = ev("c", ("email", "ada@shop.io"), ("phone", "+14155552671"))
    await service.ingest_events([linking], resolve=False)
    assert await customer_of(service.store, ada) != await customer_of(service.store, phone)
    job = await service.run_resolution("incremental")
    assert job.status == "succeeded"
    assert job.stats["merges"] == 1
    assert await customer_of(service.store, ada) == await customer_of(service.store, phone)


async def test_an_incremental_job_after_a_job_redoes_nothing_but_new_writes(
    service: CdpService, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A job's own locks are not writes: the incremental job after it re-resolves only
    what was written since it started (here with no overlap for writes that began before
    it: the overlap has its own test)."""
    monkeypatch.setattr(resolve_units, "WRITE_OVERLAP", timedelta(0))
    events = [ev(f"a{i}", ("email", f"u{i}@shop.io"), ("cookie_id", f"c-{i}")) for i in range(20)]
    await service.ingest_events(events, resolve=False)
    assert (await service.run_resolution("full")).stats["identifiers"] == 40
    assert (await service.run_resolution("incremental")).stats["identifiers"] == 0
    await service.ingest_events([ev("b", ("email", "u1@shop.io"), ("phone", "+14155552671"))])
    assert (await service.run_resolution("incremental")).stats["identifiers"] == 2
    assert (await service.run_resolution("incremental")).stats["identifiers"] == 0


async def test_an_incremental_job_finds_a_write_that_began_before_the_last_job(
    service: CdpService, store: Store
) -> None:
    """A write is marked with its transaction's start; one that began before the last
    job and committed after it read the graph is still found by the next incremental job
    (it looks ``WRITE_OVERLAP`` further back)."""
    await service.ingest_events([ev("a", ("email", "ada@shop.io"), ("cookie_id", "c-1"))])
    await service.ingest_events([ev("b", ("phone", "+14155552671"), ("cookie_id", "c-2"))])
    job = await service.run_resolution("full")
    linking = ev("c", ("email", "ada@shop.io"), ("phone", "+14155552671"))
    await service.ingest_events([linking], resolve=False)
    # As if its transaction had begun a few minutes before the job started.
    await store.driver.execute_query(
        "MATCH (j:ResolutionJob {id: $job}) MATCH (i:Identifier) WHERE i.key IN $keys "
        "SET i.writtenAt = j.startedAt - duration({minutes: 5})",
        job=job.id,
        keys=["email:ada@shop.io", "phone:+14155552671"],
        database_=store.database,
    )
    assert (await service.run_resolution("incremental")).stats["merges"] == 1
    ada, phone = "email:ada@shop.io", "phone:+14155552671"
    assert await customer_of(store, ada) == await customer_of(store, phone)


async def test_a_rule_change_is_applied_by_the_full_job(store: Store, settings: Settings) -> None:
    await CdpService(store, settings).ingest_events(
        [
            ev("1", ("customer_id", "A"), ("email", "x@x.io")),
            ev("2", ("customer_id", "B"), ("email", "x@x.io")),
        ]
    )
    assert await customer_of(store, "customer_id:A") != await customer_of(store, "customer_id:B")
    relaxed = CdpService(store, settings, rules=Rules(limits=MappingProxyType({"customer_id": 2})))
    job = await relaxed.run_resolution("full")
    assert job.stats["merges"] == 1
    assert job.stats["unitsChanged"] == 1
    assert await customer_of(store, "customer_id:A") == await customer_of(store, "customer_id:B")
    again = await relaxed.run_resolution("full")
    assert again.stats["unitsChanged"] == 0
    # Back to the default rules: the merge is undone by a split.
    strict = await CdpService(store, settings).run_resolution("full")
    assert strict.stats["splits"] == 1
    assert await customer_of(store, "customer_id:A") != await customer_of(store, "customer_id:B")
    assert (await CdpService(store, settings).check()).ok


async def test_a_job_killed_half_way_leaves_a_consistent_graph_and_can_be_rerun(
    store: Store, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    from graph_cdp.resolution import batch
    from graph_cdp.sample import generate

    await CdpService(store, settings).ingest_events(generate(customers=60, seed=8).events[:800])
    # A stricter hub rule changes many units at once.
    strict = Rules(
        hub_thresholds=MappingProxyType(dict.fromkeys(DEFAULT_HUB_THRESHOLDS, 2)),
        default_hub_threshold=2,
    )
    service = CdpService(store, settings, rules=strict)
    monkeypatch.setattr(batch, "UNITS_PER_TX_IDENTIFIERS", 5)  # many small transactions

    class Killed(Exception):
        pass

    def die_after_first_batch(stage: str, done: int, total: int) -> None:
        if stage == "apply" and done < total:
            raise Killed(f"killed after {done} of {total} units")

    with pytest.raises(Killed):
        await service.run_resolution("full", die_after_first_batch)
    failed = await store.query("last_successful_job")
    records, _, _ = await store.driver.execute_query(
        "MATCH (j:ResolutionJob) RETURN j.status AS status, j.error AS error"
    )
    assert [r["status"] for r in records] == ["failed"]
    assert "killed after" in records[0]["error"]
    assert failed == []
    assert (await service.check()).ok  # every committed unit is whole

    rerun = await service.run_resolution("full")
    assert rerun.status == "succeeded"
    assert rerun.stats["unitsChanged"] > 0
    finished = await partition(store)
    assert (await service.run_resolution("full")).stats["unitsChanged"] == 0
    assert await partition(store) == finished
    assert (await service.check()).ok
