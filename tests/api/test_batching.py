"""A page of profiles costs a bounded number of service calls (per-request DataLoaders)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Awaitable, Callable, Iterator
from typing import Any

import pytest

from graph_cdp.services import CdpService
from tests.api.conftest import Api, LiveServer
from tests.api.helpers import INGEST, event

pytestmark = pytest.mark.api

BATCHED = (
    "profile_details",
    "traits_for",
    "counts_for",
    "weak_points_for",
    "weak_points",
    "profiles",
    "profile",
    "profile_by_identifier_with_details",
    "interaction_pages",
    "profiles_with_details",
)


@pytest.fixture
def calls(server: LiveServer) -> Iterator[Counter[str]]:
    """Count the calls the live app makes to its real service (a spy; nothing is replaced)."""
    service: CdpService = server.app.state.runtime.service
    counted: Counter[str] = Counter()
    originals = {name: getattr(service, name) for name in BATCHED}

    def spy(name: str, method: Callable[..., Awaitable[Any]]) -> Callable[..., Awaitable[Any]]:
        async def wrapper(*args: Any, **kwargs: Any) -> Any:
            counted[name] += 1
            return await method(*args, **kwargs)

        return wrapper

    for name, method in originals.items():
        setattr(service, name, spy(name, method))
    yield counted
    for name in originals:
        delattr(service, name)  # the instance attribute goes; the class method is back


async def test_a_page_of_profiles_loads_traits_and_counts_once(
    api: Api, calls: Counter[str]
) -> None:
    events = [
        event(f"m-{i}", ("email", f"p{i}@northwind.io"), traits={"n": i}, type="login")
        for i in range(8)
    ]
    await api.data(INGEST, {"events": events})
    doc = """{ profiles(first: 8) { edges { node {
        id traits { name value } countsByType { key count } countsByChannel { key count } } } } }"""
    data = await api.data(doc)
    edges = data["profiles"]["edges"]
    assert len(edges) == 8
    assert all(e["node"]["traits"][0]["name"] == "n" for e in edges)
    assert all(e["node"]["countsByType"] == [{"key": "login", "count": 1}] for e in edges)
    # Traits and counts come from one pass over the interactions, in the page's query.
    assert calls == Counter({"profiles_with_details": 1})


async def test_aliased_profiles_share_one_trait_load(api: Api, calls: Counter[str]) -> None:
    await api.data(INGEST, {"events": [event("a", ("email", "a@northwind.io"), traits={"x": 1})]})
    found = await api.data('{ profileByIdentifier(kind: "email", value: "a@northwind.io") { id } }')
    profile_id = found["profileByIdentifier"]["id"]
    doc = """query($id: ID!) {
        a: profile(id: $id) { traits { name } } b: profile(id: $id) { traits { name } } }"""
    data = await api.data(doc, {"id": profile_id})
    assert data["a"] == data["b"] == {"traits": [{"name": "x"}]}
    assert calls["profile_details"] == 1
    assert calls["profile"] == 2


async def test_a_page_of_profiles_loads_weak_points_once(api: Api, calls: Counter[str]) -> None:
    events = [
        event(f"w-{i}", ("email", f"w{i}@northwind.io"), ("customer_id", f"W{i}"), type="login")
        for i in range(5)
    ]
    await api.data(INGEST, {"events": events})
    doc = "{ profiles(first: 5) { edges { node { id weakPoints { a b rule sideSizes } } } } }"
    edges = (await api.data(doc))["profiles"]["edges"]
    assert len(edges) == 5
    for edge in edges:
        (weak,) = edge["node"]["weakPoints"]  # email -- customer id is the one bridge
        assert weak["sideSizes"] == [1, 1]
        assert weak["a"].startswith("customer_id:W")
    assert calls["weak_points_for"] == 1
    assert calls["weak_points"] == 0


async def test_a_page_counts_every_profile_only_when_the_query_asks(
    api: Api, server: LiveServer
) -> None:
    await api.data(
        INGEST, {"events": [event(f"t-{i}", ("email", f"t{i}@nw.io")) for i in range(3)]}
    )
    service: CdpService = server.app.state.runtime.service
    original = service.profiles_with_details
    asked: list[bool] = []
    parts: list[tuple[bool, bool]] = []

    async def spy(first: int, after: str | None, *, with_total: bool, **more: bool) -> Any:
        asked.append(with_total)
        parts.append((more["traits"], more["counts"]))
        return await original(first, after, with_total=with_total, **more)

    service.profiles_with_details = spy  # type: ignore[method-assign]
    try:
        plain = await api.data(
            "{ profiles(first: 2) { edges { node { id } } pageInfo { hasNextPage } } }"
        )
        counted = await api.data("{ profiles(first: 2) { totalCount edges { node { id } } } }")
        fragment = await api.data(
            "query { profiles(first: 2) { ...Count } } "
            "fragment Count on ProfileConnection { totalCount }"
        )
        await api.data("{ profiles(first: 2) { edges { node { traits { name } } } } }")
        await api.data(
            "query { profiles(first: 2) { edges { node { ...Counts } } } } "
            "fragment Counts on Profile { countsByChannel { key } }"
        )
    finally:
        del service.profiles_with_details
    # Counting reads every customer; the page alone reads the page; the interactions are
    # read only for the traits or counts selected under the page's nodes.
    assert asked == [False, True, True, False, False]
    assert parts == [(False, False)] * 3 + [(True, False), (False, True)]
    assert len(plain["profiles"]["edges"]) == 2
    assert plain["profiles"]["pageInfo"]["hasNextPage"] is True
    assert counted["profiles"]["totalCount"] == fragment["profiles"]["totalCount"] == 3


async def test_a_profile_by_identifier_reads_its_traits_and_counts_in_its_own_query(
    api: Api, calls: Counter[str]
) -> None:
    events = [
        event("d-1", ("email", "dana@northwind.io"), traits={"plan": "pro"}, type="login"),
        event("d-2", ("email", "dana@northwind.io"), traits={"city": "Oslo"}, type="purchase"),
    ]
    await api.data(INGEST, {"events": events})
    fields = "id traits { name value } countsByType { key count } countsByChannel { key count }"
    by_identifier = await api.data(
        f'{{ profileByIdentifier(kind: "email", value: "Dana@northwind.io") {{ {fields} }} }}'
    )
    found = by_identifier["profileByIdentifier"]
    assert calls == Counter({"profile_by_identifier_with_details": 1})  # no profile_details
    assert {t["name"]: t["value"] for t in found["traits"]} == {"plan": "pro", "city": "Oslo"}
    assert found["countsByType"] == [{"key": "login", "count": 1}, {"key": "purchase", "count": 1}]
    # The same answers as the data loader's query, which profile(id:) still uses.
    by_id = await api.data(
        f"query($id: ID!) {{ profile(id: $id) {{ {fields} }} }}", {"id": found["id"]}
    )
    assert by_id["profile"] == found
    assert calls["profile_details"] == 1


async def test_a_profile_by_identifier_reads_no_interactions_unless_asked(
    api: Api, server: LiveServer
) -> None:
    await api.data(INGEST, {"events": [event("e-1", ("email", "eli@northwind.io"))]})
    service: CdpService = server.app.state.runtime.service
    original = service.profile_by_identifier_with_details
    asked: list[tuple[bool, bool]] = []

    async def spy(kind: str, value: str, *, traits: bool, counts: bool, **more: Any) -> Any:
        asked.append((traits, counts))
        return await original(kind, value, traits=traits, counts=counts, **more)

    service.profile_by_identifier_with_details = spy  # type: ignore[method-assign]
    try:
        lookup = 'profileByIdentifier(kind: "email", value: "eli@northwind.io")'
        for document in (
            f"{{ {lookup} {{ id }} }}",
            f"{{ {lookup} {{ traits {{ name }} }} }}",
            f"{{ {lookup} {{ countsByChannel {{ key }} }} }}",
            f"query {{ {lookup} {{ ...Counts }} }} "
            "fragment Counts on Profile { countsByType { key } }",
        ):
            await api.data(document)
    finally:
        del service.profile_by_identifier_with_details
    assert asked == [(False, False), (True, False), (False, True), (False, True)]


async def test_a_full_profile_by_identifier_is_one_query_with_its_interactions(
    api: Api, calls: Counter[str]
) -> None:
    events = [
        event(f"f-{i}", ("email", "fay@northwind.io"), traits={"n": i}, type=kind)
        for i, kind in enumerate(("login", "purchase", "login", "page_view", "login"))
    ]
    await api.data(INGEST, {"events": events})
    fields = """id traits { name value } countsByType { key count }
        interactions(first: 2, type: $type, after: $after) {
          totalCount pageInfo { hasNextPage endCursor } edges { cursor node { id type at } } }"""
    lookup = 'profileByIdentifier(kind: "email", value: "fay@northwind.io")'
    document = f"query($type: String, $after: String) {{ {lookup} {{ {fields} }} }}"
    first = await api.data(document, {"type": "login", "after": None})
    assert calls == Counter({"profile_by_identifier_with_details": 1})  # no interaction_pages
    found = first["profileByIdentifier"]
    page = found["interactions"]
    assert page["totalCount"] == 3
    assert [e["node"]["type"] for e in page["edges"]] == ["login", "login"]
    assert page["pageInfo"]["hasNextPage"] is True
    # The next page, by the cursor of the last edge and of the first (a mid-page resume).
    rest = await api.data(document, {"type": "login", "after": page["pageInfo"]["endCursor"]})
    tail = rest["profileByIdentifier"]["interactions"]
    logins = [e["node"]["id"] for e in await _all(api, found["id"])]
    assert [e["node"]["id"] for e in tail["edges"]] == logins[2:]
    assert tail["pageInfo"]["hasNextPage"] is False
    mid = await api.data(document, {"type": "login", "after": page["edges"][0]["cursor"]})
    assert [e["node"]["id"] for e in mid["profileByIdentifier"]["interactions"]["edges"]] == [
        page["edges"][1]["node"]["id"],
        tail["edges"][0]["node"]["id"],
    ]
    assert calls["profile_by_identifier_with_details"] == 3
    assert calls["interaction_pages"] == 1  # _all's, through profile(id:)
    # The data loader's query, which profile(id:) still uses, gives the same answer.
    by_id = await api.data(
        f"query($id: ID!, $type: String, $after: String) {{ profile(id: $id) {{ {fields} }} }}",
        {"id": found["id"], "type": "login", "after": None},
    )
    assert by_id["profile"] == found
    assert calls["interaction_pages"] == 2


async def _all(api: Api, profile_id: str) -> list[dict[str, Any]]:
    data = await api.data(
        """query($id: ID!) { profile(id: $id) {
            interactions(first: 50, type: "login") { edges { node { id } } } } }""",
        {"id": profile_id},
    )
    return list(data["profile"]["interactions"]["edges"])


async def test_two_pages_of_interactions_under_one_profile_go_to_the_data_loader(
    api: Api, calls: Counter[str]
) -> None:
    await api.data(INGEST, {"events": [event("g-1", ("email", "gus@northwind.io"))]})
    data = await api.data(
        """{ profileByIdentifier(kind: "email", value: "gus@northwind.io") {
            a: interactions(first: 1) { totalCount }
            b: interactions(first: 5) { totalCount edges { node { id } } } } }"""
    )
    found = data["profileByIdentifier"]
    assert found["a"]["totalCount"] == found["b"]["totalCount"] == 1
    assert len(found["b"]["edges"]) == 1
    assert calls == Counter({"profile_by_identifier_with_details": 1, "interaction_pages": 1})


async def test_a_refused_interactions_page_is_refused_by_its_field(
    api: Api, calls: Counter[str]
) -> None:
    await api.data(INGEST, {"events": [event("h-1", ("email", "hal@northwind.io"))]})
    _, body = await api.post(
        """{ profileByIdentifier(kind: "email", value: "hal@northwind.io") {
            id interactions(first: 0) { totalCount } } }"""
    )
    assert [e["extensions"]["code"] for e in body["errors"]] == ["BAD_INPUT"]
    assert body["errors"][0]["path"] == ["profileByIdentifier", "interactions"]
