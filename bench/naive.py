"""The naive baseline: plain connected components over everything seen together."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from graph_cdp.errors import InvalidInput
from graph_cdp.identifiers import IdentifierPolicy


def naive_components(
    events: Iterable[Mapping[str, Any]], policy: IdentifierPolicy
) -> dict[str, int]:
    """Identifier key -> component, linking every pair in every event (no rules at all)."""
    index: dict[str, int] = {}
    rows: list[int] = []
    cols: list[int] = []
    for event in events:
        keys = []
        for ident in event["identifiers"]:
            try:
                keys.append(policy.normalize(ident["kind"], ident["value"]).key)
            except InvalidInput:
                continue
        ids = [index.setdefault(k, len(index)) for k in keys]
        rows.extend(ids[:1] * (len(ids) - 1))
        cols.extend(ids[1:])
    n = len(index)
    matrix = coo_matrix((np.ones(len(rows), np.int8), (rows, cols)), shape=(n, n))
    _, labels = connected_components(matrix, directed=False)
    return {key: int(labels[i]) for key, i in index.items()}
