"""Every GraphQL block in the README runs as written against the real app."""

from __future__ import annotations

import re
from pathlib import Path

from tests.api.conftest import Api

README = Path(__file__).resolve().parents[2] / "README.md"


def readme_blocks() -> list[str]:
    return re.findall(r"```graphql\n(.*?)```", README.read_text(encoding="utf-8"), re.S)


async def test_the_readme_graphql_examples_work_in_order(api: Api) -> None:
    blocks = readme_blocks()
    assert len(blocks) >= 4
    results = [await api.data(block) for block in blocks]
    ingest = results[0]["ingestEvents"]
    assert ingest["accepted"] == 2
    assert ingest["rejected"] == []
    profile = results[1]["profileByIdentifier"]
    assert {(i["kind"], i["value"]) for i in profile["identifiers"]} >= {
        ("email", "ann.lee@northwind.io"),
        ("customer_id", "C-1"),
    }
    explanation = results[2]["explainLink"]
    assert explanation["sameCustomer"] is False
    assert "limit:customer_id" in explanation["reason"]
    assert results[3]["runResolution"]["status"] in {"running", "succeeded"}
    assert results[4]["registerWebhook"]["webhook"]["status"] == "active"
    assert results[5]["together"]["customersMerged"] == 1
    merged = [e["node"] for e in results[6]["changes"]["edges"]]
    assert [c["type"] for c in merged] == ["profile.merged"]
    assert len(merged[0]["profileIds"]) == 2
