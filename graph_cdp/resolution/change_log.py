"""What one resolution pass changed, as change records for the change log (pure).

A pass turns an old partition of a unit into a new one (see resolution/assignment.py).
Its records, in the order they are written:

- ``profile.created``: a customer that did not exist, split from nobody;
- ``profile.split``: the customers cut off one old customer (one record per old customer);
- ``profile.merged``: the customers merged into one survivor (one record per survivor);
- ``profile.updated``: a customer that existed before and after, whose identifiers or
  traits were written by this pass.

Identifiers appear only as ``{kind, sha256}`` of their normalized value, never raw: the
log outlives an erasure, so it must not hold what an erasure removes.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

CREATED = "profile.created"
UPDATED = "profile.updated"
MERGED = "profile.merged"
SPLIT = "profile.split"
DELETED = "profile.deleted"
TYPES = (CREATED, UPDATED, MERGED, SPLIT, DELETED)

# The resolution pass's reason, as the cause a consumer reads.
_CAUSES = {"full resolution": "job"}


def cause_of(reason: str) -> str:
    return _CAUSES.get(reason, reason)


def identifier_hash(key: str) -> dict[str, str]:
    """``{kind, sha256}`` of an identifier key ``kind:normalized value``."""
    kind, _, value = key.partition(":")
    return {"kind": kind, "sha256": hashlib.sha256(value.encode()).hexdigest()}


def _hashes(keys: Sequence[str]) -> list[dict[str, str]]:
    return [identifier_hash(k) for k in sorted(keys)]


@dataclass(frozen=True)
class ChangeRecord:
    """One change before it has a sequence number; ``data`` is its type's payload."""

    type: str
    profile_ids: tuple[str, ...]
    data: Mapping[str, Any] = field(default_factory=dict)

    def row(self) -> dict[str, Any]:
        """The row the store writes (``data`` as JSON text: Neo4j has no map properties)."""
        return {
            "type": self.type,
            "profileIds": list(self.profile_ids),
            "data": json.dumps(self.data, sort_keys=True, separators=(",", ":")),
        }


def plan_records(
    *,
    current: Mapping[str, str | None],
    assign: Mapping[str, str],
    created: Sequence[tuple[str, str | None]],
    merges: Sequence[tuple[str, str]],
    traits: Mapping[str, Sequence[str]] | None = None,
) -> list[ChangeRecord]:
    """The records of one pass: ``current`` is identifier key -> customer before it,
    ``assign``/``created``/``merges`` are its plan, ``traits`` maps an identifier key
    to the trait names written with it in this pass."""
    new_ids = {cid for cid, _ in created}
    merged_away = {m for m, _ in merges}
    after = {k: assign.get(k, c) for k, c in current.items()}
    records: list[ChangeRecord] = []
    # Identifier keys by the customer they end in, in ``current``'s order (one pass, not
    # one per new customer: a first job creates thousands in one unit set).
    members: dict[str | None, list[str]] = {}
    for k, c in after.items():
        members.setdefault(c, []).append(k)

    for cid, origin in created:
        if origin is None:
            records.append(
                ChangeRecord(CREATED, (cid,), {"identifiers": _hashes(members.get(cid, []))})
            )
    split_into: dict[str, list[str]] = {}
    for cid, origin in created:
        if origin is not None:
            split_into.setdefault(origin, []).append(cid)
    for origin, parts in sorted(split_into.items()):
        moved = [k for part in parts for k in members.get(part, []) if current.get(k) == origin]
        data = {"from": origin, "into": sorted(parts), "moved": _hashes(moved)}
        records.append(ChangeRecord(SPLIT, (origin, *sorted(parts)), data))
    survivors: dict[str, list[str]] = {}
    for merged, survivor in merges:
        survivors.setdefault(survivor, []).append(merged)
    for survivor, gone in sorted(survivors.items()):
        data = {"survivor": survivor, "merged": sorted(gone)}
        records.append(ChangeRecord(MERGED, (survivor, *sorted(gone)), data))

    # Updates: identifiers that came from no customer (or a surviving other one), and traits.
    added: dict[str, list[str]] = {}
    removed: dict[str, list[str]] = {}
    for key, target in assign.items():
        before = current.get(key)
        if target in new_ids or before in merged_away:
            continue
        added.setdefault(target, []).append(key)
        if before is not None and before not in new_ids:
            removed.setdefault(before, []).append(key)
    written: dict[str, set[str]] = {}
    for key, names in (traits or {}).items():
        owner = after.get(key)
        if owner is not None and names:
            written.setdefault(owner, set()).update(names)
    for cid in sorted((set(added) | set(removed) | set(written)) - new_ids - merged_away):
        changed: dict[str, Any] = {}
        if cid in added:
            changed["identifiersAdded"] = _hashes(added[cid])
        if cid in removed:
            changed["identifiersRemoved"] = _hashes(removed[cid])
        if cid in written:
            changed["traits"] = sorted(written[cid])
        records.append(ChangeRecord(UPDATED, (cid,), changed))
    # A new customer's traits belong to its creation, not to a separate update.
    for i, record in enumerate(records):
        if record.type == CREATED:
            sent = written.get(record.profile_ids[0])
            if sent:
                records[i] = ChangeRecord(
                    CREATED, record.profile_ids, {**record.data, "traits": sorted(sent)}
                )
    return records


def deleted_record(profile_id: str, merged_ids: Sequence[str], keys: Sequence[str]) -> ChangeRecord:
    """An erasure: the profile, the old ids that resolved to it, its identifiers' hashes."""
    data = {"identifiers": _hashes(keys), "mergedIds": sorted(merged_ids)}
    return ChangeRecord(DELETED, (profile_id, *sorted(merged_ids)), data)
