"""The full job's read against the real Neo4j: key ranges read at once, in small pages,
give the same columns as one sequential read."""

from __future__ import annotations

import pytest

from graph_cdp.resolution import job_read
from graph_cdp.resolve_units import JobUnits
from graph_cdp.sample import generate
from graph_cdp.services import CdpService


async def test_ranges_read_at_once_give_the_sequential_read(
    service: CdpService, monkeypatch: pytest.MonkeyPatch
) -> None:
    await service.ingest_events(generate(customers=40, seed=3).events[:600])
    units = JobUnits(service.store, service.rules)
    monkeypatch.setattr(job_read, "READ_PAGE", 7)  # many pages, each range ending mid-page
    reads = []
    for parts in (1, 3):
        monkeypatch.setattr(job_read, "READ_CONCURRENCY", parts)
        assert len(await units.key_ranges(parts)) == parts
        reads.append(await job_read.read_snapshot(units, service.policy, service.rules))
    one, three = reads
    assert len(one.keys) > 50
    assert vars(one.ids) == vars(three.ids)
    assert one.cols.a.tolist() == three.cols.a.tolist()
    assert one.cols.b.tolist() == three.cols.b.tolist()
    assert one.status == three.status
    assert one.blocked_at == three.blocked_at
    assert any(one.blocked_at)  # the sample's junk values: judged page by page
    assert len(one.cols) > 30
