"""A profile's traits and counts, read in one pass over its interactions."""

from __future__ import annotations

from graph_cdp.services import CdpService
from tests.integration.helpers import ev


async def _profile_id(service: CdpService, email: str) -> str:
    found = await service.profile_by_identifier("email", email)
    assert found is not None
    return found.id


async def test_details_give_the_newest_trait_values_and_every_count(service: CdpService) -> None:
    await service.ingest_events(
        [
            ev(
                "d1",
                ("email", "dee@shop.io"),
                type="login",
                channel="web",
                timestamp="2026-01-01T00:00:00Z",
                traits={"plan": "free", "city": "Oslo"},
            ),
            ev(
                "d2",
                ("email", "dee@shop.io"),
                type="purchase",
                channel="store",
                timestamp="2026-01-02T00:00:00Z",
                traits={"plan": "pro", "city": ""},
            ),
            ev(
                "d3",
                ("email", "dee@shop.io"),
                type="login",
                timestamp="2026-01-03T00:00:00Z",
                traits={"plan": "pro", "city": ""},
            ),
        ]
    )
    profile_id = await _profile_id(service, "dee@shop.io")
    (details,) = await service.profile_details([profile_id])
    assert {t.name: (t.value, t.interaction_id) for t in details.traits} == {
        "city": ("Oslo", "d1"),  # the newer values are empty: the newest non-empty one
        "plan": ("pro", "d3"),
    }
    assert [(c.key, c.count) for c in details.by_type] == [("login", 2), ("purchase", 1)]
    assert [(c.key, c.count) for c in details.by_channel] == [
        ("store", 1),
        ("unknown", 1),
        ("web", 1),
    ]
    # The old entry points agree with the one query.
    assert await service.traits_for([profile_id]) == [details.traits]
    assert await service.counts_for([profile_id]) == [(details.by_type, details.by_channel)]


async def test_a_part_left_out_is_empty_and_unknown_ids_get_nothing(service: CdpService) -> None:
    await service.ingest_events(
        [ev("e1", ("email", "eve@shop.io"), traits={"plan": "free"}, type="login")]
    )
    profile_id = await _profile_id(service, "eve@shop.io")
    counts_only, missing = await service.profile_details([profile_id, "cus_nobody"], traits=False)
    assert counts_only.traits == []
    assert [(c.key, c.count) for c in counts_only.by_type] == [("login", 1)]
    assert (missing.traits, missing.by_type, missing.by_channel) == ([], [], [])
    (traits_only,) = await service.profile_details([profile_id], counts=False)
    assert [t.name for t in traits_only.traits] == ["plan"]
    assert (traits_only.by_type, traits_only.by_channel) == ([], [])
