"""`check` reports true counts, a few examples, and how many identifiers it checked."""

from __future__ import annotations

import pytest

from graph_cdp.cli import main
from graph_cdp.services import CdpService
from tests.integration.helpers import ev


async def _orphans(service: CdpService, count: int) -> None:
    """Identifiers without any customer: a graph broken on purpose."""
    await service.store.driver.execute_query(
        "UNWIND range(1, $n) AS i "
        "CREATE (:Identifier:Cookie {key: 'cookie_id:orphan-' + i, kind: 'cookie_id'})",
        n=count,
        database_=service.store.database,
    )


async def test_counts_are_true_and_examples_capped(service: CdpService) -> None:
    await service.ingest_events([ev("1", ("email", "a@x.io"), ("cookie_id", "k"))])
    await _orphans(service, 60)  # more than the old cap of 50
    report = await service.check(examples=4)
    assert not report.ok
    finding = report.identifiers_without_one_customer
    assert finding.count == 60
    assert len(finding.examples) == 4
    assert all(e.startswith("cookie_id:orphan-") for e in finding.examples)
    assert report.identifiers_checked == 62
    assert report.identifiers_in_customers == 2
    assert report.customers_checked == 1
    assert report.lines()[0] == "checked 62 identifiers (2 in 1 customers)"
    assert report.lines()[1].startswith(
        "FAIL identifiers without exactly one current customer (60): "
    )


@pytest.fixture
async def twelve_orphans(service: CdpService) -> None:
    await _orphans(service, 12)


@pytest.mark.usefixtures("twelve_orphans")
def test_the_cli_prints_the_counts(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "--examples", "2"]) == 1
    out = capsys.readouterr().out
    assert "checked 12 identifiers (0 in 0 customers)" in out
    assert "FAIL identifiers without exactly one current customer (12): " in out
    assert out.count("cookie_id:orphan-") == 2
