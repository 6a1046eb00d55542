"""The one refusal precedence and the one status rule, as tables of cases."""

from __future__ import annotations

import pytest

from graph_cdp.graph_types import BLOCKED, HUB, INVALID, OK, REVOKED
from graph_cdp.resolution.rules import REFUSAL_PRECEDENCE, identifier_status, refusal_rule


@pytest.mark.parametrize(
    ("revoked", "statuses", "rule"),
    [
        (False, (OK, OK), None),
        (True, (OK, OK), REVOKED),
        (False, (HUB, OK), HUB),
        (False, (OK, BLOCKED), BLOCKED),
        (False, (HUB, BLOCKED), BLOCKED),
        (False, (BLOCKED, HUB), BLOCKED),
        (True, (BLOCKED, HUB), REVOKED),
        (False, (INVALID, HUB), INVALID),
        (False, (HUB, INVALID), INVALID),
        (False, (BLOCKED, INVALID), INVALID),
        (False, ("quarantined", OK), "quarantined"),  # unknown statuses still refuse
        (False, (HUB, "quarantined"), HUB),
    ],
)
def test_refusal_rule(revoked: bool, statuses: tuple[str, str], rule: str | None) -> None:
    assert refusal_rule(revoked, statuses) == rule
    assert refusal_rule(revoked, statuses[::-1]) == rule  # the order of the ends never matters


def test_the_precedence_names_every_inactive_status_once() -> None:
    assert REFUSAL_PRECEDENCE[0] == REVOKED
    assert sorted(REFUSAL_PRECEDENCE[1:]) == sorted({BLOCKED, HUB, INVALID})


@pytest.mark.parametrize(
    ("blocked", "degree", "threshold", "status"),
    [
        (None, 0, 30, OK),
        (None, 30, 30, OK),
        (None, 31, 30, HUB),
        ("placeholder email", 0, 30, BLOCKED),
        ("placeholder email", 99, 30, BLOCKED),
    ],
)
def test_identifier_status(blocked: str | None, degree: int, threshold: int, status: str) -> None:
    assert identifier_status(blocked, degree, threshold) == status
