"""profile, profileByIdentifier, profiles, identityGraph and explainLink over HTTP."""

from __future__ import annotations

from typing import Any

import pytest

from tests.api.conftest import Api
from tests.api.helpers import BY_IDENTIFIER, INGEST, PROFILE, event

pytestmark = pytest.mark.api

DEVICE = "6D92078A-8246-4BA4-AE5B-76104861E7DC"
ANN_EVENTS = [
    event(
        "ann-1",
        ("email", "ann@northwind.io"),
        ("phone", "(415) 555-2671"),
        type="page_view",
        channel="web",
        timestamp="2024-05-01T10:00:00Z",
        traits={"first_name": "Ann"},
        properties={"url": "/home"},
    ),
    event(
        "ann-2",
        ("email", " ANN@Northwind.io "),
        ("device_id", DEVICE),
        type="login",
        channel="mobile_app",
        timestamp="2024-05-02T10:00:00Z",
        traits={"first_name": "Annie", "city": "Oslo"},
    ),
    event(
        "ann-3",
        ("device_id", DEVICE),
        type="app_open",
        channel="mobile_app",
        timestamp="2024-05-03T10:00:00Z",
    ),
]


async def ann_id(api: Api) -> str:
    await api.data(INGEST, {"events": ANN_EVENTS, "source": "sdk"})
    found = await api.data(BY_IDENTIFIER, {"kind": "email", "value": "ann@northwind.io"})
    profile_id: str = found["profileByIdentifier"]["id"]
    return profile_id


async def profile(api: Api, profile_id: str, **variables: Any) -> dict[str, Any]:
    result: dict[str, Any] = (await api.data(PROFILE, {"id": profile_id, **variables}))["profile"]
    return result


async def test_profile_by_identifier_normalizes_the_value(api: Api) -> None:
    profile_id = await ann_id(api)
    for kind, value in [
        ("email", "  Ann@NORTHWIND.io "),
        ("e-mail", "ann@northwind.io"),
        ("phone", "+1 (415) 555 2671"),
        ("device_id", DEVICE.lower()),
    ]:
        found = await api.data(BY_IDENTIFIER, {"kind": kind, "value": value})
        assert found["profileByIdentifier"]["id"] == profile_id, (kind, value)


async def test_profile_by_unknown_identifier_is_null(api: Api) -> None:
    await ann_id(api)
    found = await api.data(BY_IDENTIFIER, {"kind": "email", "value": "nobody@northwind.io"})
    assert found["profileByIdentifier"] is None


async def test_profile_by_invalid_identifier_says_why(api: Api) -> None:
    code = await api.error_code(BY_IDENTIFIER, {"kind": "email", "value": "not an email"})
    assert code == "INVALID_IDENTIFIER"


async def test_profile_has_identifiers_grouped_and_dated(api: Api) -> None:
    p = await profile(api, await ann_id(api))
    keys = {i["key"] for i in p["identifiers"]}
    assert keys == {"email:ann@northwind.io", "phone:+14155552671", f"device_id:{DEVICE.lower()}"}
    assert all(i["status"] == "ok" for i in p["identifiers"])
    email = next(i for i in p["identifiers"] if i["kind"] == "email")
    assert email["value"] == "ann@northwind.io"
    assert email["firstSeen"].startswith("2024-05-01")
    assert email["lastSeen"].startswith("2024-05-02")
    groups = {g["kind"]: [i["value"] for i in g["identifiers"]] for g in p["identifiersByKind"]}
    assert [g["kind"] for g in p["identifiersByKind"]] == sorted(groups)
    assert groups["email"] == ["ann@northwind.io"]
    assert groups["phone"] == ["+14155552671"]
    assert p["firstSeen"].startswith("2024-05-01")
    assert p["lastSeen"].startswith("2024-05-03")
    assert p["mergedFrom"] == []


async def test_profile_traits_are_the_latest_values_with_their_source(api: Api) -> None:
    p = await profile(api, await ann_id(api))
    traits = {t["name"]: t for t in p["traits"]}
    assert set(traits) == {"first_name", "city"}
    assert traits["first_name"]["value"] == "Annie"
    assert traits["first_name"]["source"] == "sdk"
    assert traits["first_name"]["at"].startswith("2024-05-02")
    assert traits["first_name"]["interactionId"] == "ann-2"
    assert traits["city"]["value"] == "Oslo"


async def test_profile_counts_by_type_and_channel(api: Api) -> None:
    p = await profile(api, await ann_id(api))
    assert {c["key"]: c["count"] for c in p["countsByType"]} == {
        "page_view": 1,
        "login": 1,
        "app_open": 1,
    }
    assert {c["key"]: c["count"] for c in p["countsByChannel"]} == {"web": 1, "mobile_app": 2}


async def test_interactions_are_newest_first_and_paginate(api: Api) -> None:
    profile_id = await ann_id(api)
    first = (await profile(api, profile_id, first=2))["interactions"]
    assert first["totalCount"] == 3
    assert [e["node"]["id"] for e in first["edges"]] == ["ann-3", "ann-2"]
    assert first["pageInfo"]["hasNextPage"] is True
    assert first["pageInfo"]["endCursor"] == first["edges"][-1]["cursor"]
    rest = (await profile(api, profile_id, first=2, after=first["pageInfo"]["endCursor"]))[
        "interactions"
    ]
    assert [e["node"]["id"] for e in rest["edges"]] == ["ann-1"]
    assert rest["pageInfo"]["hasNextPage"] is False
    node = rest["edges"][0]["node"]
    assert node["type"] == "page_view"
    assert node["channel"] == "web"
    assert node["source"] == "sdk"
    assert node["properties"] == {"url": "/home"}
    assert node["traits"] == {"first_name": "Ann"}
    assert set(node["identifiers"]) == {"email:ann@northwind.io", "phone:+14155552671"}


async def test_interactions_resume_after_any_edge(api: Api) -> None:
    profile_id = await ann_id(api)
    page = (await profile(api, profile_id, first=3))["interactions"]
    after_first = page["edges"][0]["cursor"]
    resumed = (await profile(api, profile_id, first=5, after=after_first))["interactions"]
    assert [e["node"]["id"] for e in resumed["edges"]] == ["ann-2", "ann-1"]
    assert resumed["pageInfo"]["hasNextPage"] is False


@pytest.mark.parametrize(
    ("filters", "ids"),
    [
        ({"type": "login"}, ["ann-2"]),
        ({"channel": "mobile_app"}, ["ann-3", "ann-2"]),
        ({"type": "page_view", "channel": "mobile_app"}, []),
    ],
)
async def test_interactions_filter_by_type_and_channel(
    api: Api, filters: dict[str, str], ids: list[str]
) -> None:
    p = await profile(api, await ann_id(api), **filters)
    assert [e["node"]["id"] for e in p["interactions"]["edges"]] == ids
    assert p["interactions"]["totalCount"] == len(ids)


async def test_weak_points_name_the_bridges(api: Api) -> None:
    p = await profile(api, await ann_id(api))
    # phone - email - device: both links are bridges.
    assert len(p["weakPoints"]) == 2
    for w in p["weakPoints"]:
        assert sorted(w["sideSizes"]) == [1, 2]
        assert w["count"] >= 1
        assert w["rule"]


async def test_old_ids_resolve_to_the_survivor_after_a_merge(api: Api) -> None:
    await api.data(INGEST, {"events": [event("a", ("email", "ann@northwind.io"))]})
    await api.data(INGEST, {"events": [event("b", ("email", "bea@northwind.io"))]})
    ids = {}
    for name in ("ann", "bea"):
        found = await api.data(BY_IDENTIFIER, {"kind": "email", "value": f"{name}@northwind.io"})
        ids[name] = found["profileByIdentifier"]["id"]
    assert ids["ann"] != ids["bea"]
    both = event("c", ("email", "ann@northwind.io"), ("email", "bea@northwind.io"))
    merged = (await api.data(INGEST, {"events": [both]}))["ingestEvents"]
    assert merged["customersMerged"] >= 1
    survivor = (await profile(api, ids["ann"]))["id"]
    assert survivor == ids["ann"]  # the oldest customer keeps its id
    old = await profile(api, ids["bea"])
    assert old["id"] == survivor
    assert ids["bea"] in old["mergedFrom"]
    assert len(old["identifiers"]) == 2


async def test_profiles_paginate_with_cursors_and_a_total(api: Api) -> None:
    events = [event(f"m-{i}", ("email", f"p{i}@northwind.io")) for i in range(5)]
    await api.data(INGEST, {"events": events})
    doc = """query($first: Int, $after: String) { profiles(first: $first, after: $after) {
        totalCount pageInfo { hasNextPage endCursor }
        edges { cursor node { id identifiers { value } } } } }"""
    page1 = (await api.data(doc, {"first": 2}))["profiles"]
    assert page1["totalCount"] == 5
    assert len(page1["edges"]) == 2
    assert page1["pageInfo"]["hasNextPage"] is True
    seen = [e["node"]["id"] for e in page1["edges"]]
    after = page1["pageInfo"]["endCursor"]
    while after:
        page = (await api.data(doc, {"first": 2, "after": after}))["profiles"]
        seen += [e["node"]["id"] for e in page["edges"]]
        after = page["pageInfo"]["endCursor"] if page["pageInfo"]["hasNextPage"] else None
    assert len(seen) == 5
    assert len(set(seen)) == 5
    mid = (await api.data(doc, {"first": 3, "after": page1["edges"][0]["cursor"]}))["profiles"]
    assert [e["node"]["id"] for e in mid["edges"]] == seen[1:4]


async def test_profiles_default_page(api: Api) -> None:
    data = await api.data(
        "{ profiles { totalCount edges { node { id } } pageInfo { hasNextPage endCursor } } }"
    )
    assert data["profiles"] == {
        "totalCount": 0,
        "edges": [],
        "pageInfo": {"hasNextPage": False, "endCursor": None},
    }


GRAPH = """query($id: ID!, $max: Int) { identityGraph(profileId: $id, maxNodes: $max) {
    profileId truncated totalNodes
    nodes { id label caption properties }
    edges { source target type properties } } }"""


async def test_identity_graph_has_nodes_and_edges_to_draw(api: Api) -> None:
    profile_id = await ann_id(api)
    graph = (await api.data(GRAPH, {"id": profile_id}))["identityGraph"]
    assert graph["profileId"] == profile_id
    assert graph["truncated"] is False
    ids = {n["id"] for n in graph["nodes"]}
    assert {"email:ann@northwind.io", "phone:+14155552671", f"customer:{profile_id}"} <= ids
    assert graph["totalNodes"] >= len(graph["nodes"])
    labels = {n["label"] for n in graph["nodes"]}
    assert {"Email", "Phone", "Device", "Customer"} <= labels
    for edge in graph["edges"]:
        assert edge["source"] in ids
        assert edge["target"] in ids
    assert "LINKED" in {e["type"] for e in graph["edges"]}


async def test_identity_graph_is_capped_by_max_nodes(api: Api) -> None:
    profile_id = await ann_id(api)
    graph = (await api.data(GRAPH, {"id": profile_id, "max": 2}))["identityGraph"]
    assert graph["truncated"] is True
    assert len(graph["nodes"]) <= 2
    assert graph["totalNodes"] > 2
    ids = {n["id"] for n in graph["nodes"]}
    assert all(e["source"] in ids and e["target"] in ids for e in graph["edges"])


EXPLAIN = """query($a: IdentifierInput!, $b: IdentifierInput!) { explainLink(a: $a, b: $b) {
    a b sameCustomer customerA customerB reason
    path { a b rule active count sources firstSeen lastSeen refusedBy } } }"""


async def test_explain_link_shows_the_evidence_path(api: Api) -> None:
    profile_id = await ann_id(api)
    a = {"kind": "phone", "value": "415-555-2671"}
    b = {"kind": "device_id", "value": DEVICE}
    explained = (await api.data(EXPLAIN, {"a": a, "b": b}))["explainLink"]
    assert explained["sameCustomer"] is True
    assert explained["customerA"] == explained["customerB"] == profile_id
    assert explained["a"] == "phone:+14155552671"
    assert len(explained["path"]) == 2  # phone - email - device
    assert all(h["active"] for h in explained["path"])
    # Each hop's times are those of the one event that saw its two ends (ann-1, ann-2).
    seen = sorted((h["firstSeen"][:16], h["lastSeen"][:16]) for h in explained["path"])
    assert seen == [("2024-05-01T10:00",) * 2, ("2024-05-02T10:00",) * 2]
    assert explained["reason"]


async def test_explain_link_between_two_customers(api: Api) -> None:
    await ann_id(api)
    await api.data(INGEST, {"events": [event("bob", ("email", "bob@northwind.io"))]})
    a = {"kind": "email", "value": "ann@northwind.io"}
    b = {"kind": "email", "value": "bob@northwind.io"}
    explained = (await api.data(EXPLAIN, {"a": a, "b": b}))["explainLink"]
    assert explained["sameCustomer"] is False
    assert explained["customerA"] != explained["customerB"]


async def test_explain_link_with_an_unknown_identifier_is_null(api: Api) -> None:
    await ann_id(api)
    a = {"kind": "email", "value": "ann@northwind.io"}
    b = {"kind": "email", "value": "nobody@northwind.io"}
    assert (await api.data(EXPLAIN, {"a": a, "b": b}))["explainLink"] is None
