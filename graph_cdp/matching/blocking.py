"""Blocking: which pairs of records are compared at all.

A rule is a ``+``-joined list of parts (``last_metaphone+birth_year``); two records
share the rule's key when every part has a value on both and the values are equal.
Two records are compared iff they share a key of some rule, so the pairs compared are
the union of the rules' blocks, each pair counted once, under the first rule that
finds it (as Splink counts them). A block larger than ``max_block_size`` (a very
common surname born in one year) is skipped and reported, so the pairs compared grow
near-linearly with the records rather than with their square.
"""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

from metaphone import doublemetaphone

from graph_cdp.errors import ConfigurationError
from graph_cdp.matching.records import MatchRecord
from graph_cdp.resolution.names import first_name_forms

Part = Callable[[MatchRecord], tuple[str, ...]]


def _one(value: str | None) -> tuple[str, ...]:
    return (value,) if value else ()


# Names repeat (a write rebuilds the blocking keys of every record of the unit it
# touched, and a full job of every record): each distinct name is coded once.
@functools.lru_cache(maxsize=65536)
def _metaphone(value: str | None) -> tuple[str, ...]:
    return _one(doublemetaphone(value)[0] if value else None)


@functools.lru_cache(maxsize=65536)
def _forms(value: str | None) -> tuple[str, ...]:
    return tuple(sorted(first_name_forms(value))) if value else ()


def _email_locals(record: MatchRecord) -> tuple[str, ...]:
    return tuple(sorted({e.lower().rpartition("@")[0] for e in record.emails} - {""}))


def _phones_last7(record: MatchRecord) -> tuple[str, ...]:
    digits = ("".join(c for c in p if c.isdigit()) for p in record.phones)
    return tuple(sorted({d[-7:] for d in digits if len(d) >= 7}))


def _date(record: MatchRecord, fmt: str) -> tuple[str, ...]:
    d = record.traits.birth_date
    return (d.strftime(fmt),) if d else ()


PARTS: dict[str, tuple[Part, tuple[str, ...]]] = {
    # part name: (values of a record, the PersonTraits fields it reads)
    "first_name": (lambda r: _one(r.traits.first_name), ("first_name",)),
    "last_name": (lambda r: _one(r.traits.last_name), ("last_name",)),
    "first_initial": (lambda r: _one((r.traits.first_name or "")[:1]), ("first_name",)),
    "last_initial": (lambda r: _one((r.traits.last_name or "")[:1]), ("last_name",)),
    "first_metaphone": (lambda r: _metaphone(r.traits.first_name), ("first_name",)),
    # The name with its nicknames and what it is a nickname of: "mandy" meets "amanda".
    "first_forms": (lambda r: _forms(r.traits.first_name), ("first_name",)),
    "last_metaphone": (lambda r: _metaphone(r.traits.last_name), ("last_name",)),
    "birth_date": (lambda r: _date(r, "%Y%m%d"), ("birth_date",)),
    "birth_year": (lambda r: _date(r, "%Y"), ("birth_date",)),
    "birth_month_day": (lambda r: _date(r, "%m%d"), ("birth_date",)),
    "postal_code": (lambda r: _one(r.traits.postal_code), ("postal_code",)),
    "postal_prefix": (lambda r: _one((r.traits.postal_code or "")[:3]), ("postal_code",)),
    "street": (lambda r: _one(r.traits.street), ("street",)),
    "city": (lambda r: _one(r.traits.city), ("city",)),
    "state": (lambda r: _one(r.traits.state), ("state",)),
    "national_id": (lambda r: _one(r.traits.national_id), ("national_id",)),
    "email_local": (_email_locals, ("email",)),
    "phone_last7": (_phones_last7, ("phone",)),
}


@functools.lru_cache(maxsize=256)
def check_rule(rule: str) -> tuple[str, ...]:
    parts = tuple(rule.split("+"))
    for part in parts:
        if part not in PARTS:
            raise ConfigurationError(
                f"blocking rule {rule!r}: unknown part {part!r}; known: {', '.join(PARTS)}"
            )
    return parts


def rule_fields(rule: str) -> frozenset[str]:
    """The PersonTraits fields (and ``email``, ``phone``) a rule reads."""
    return frozenset(f for part in check_rule(rule) for f in PARTS[part][1])


def rule_keys(rule: str, record: MatchRecord) -> list[str]:
    """The keys of one rule for a record (several when a part has several values)."""
    keys = [rule + "="]
    for part in check_rule(rule):
        values = PARTS[part][0](record)
        if not values:
            return []
        keys = [f"{k}|{v}" if k[-1] != "=" else k + v for k in keys for v in values]
    return keys


@dataclass(frozen=True)
class BlockingStats:
    records: int
    pairs_compared: int  # what near-linear growth is reported on
    pairs_by_rule: dict[str, int]
    blocks_skipped: int = 0  # blocks over max_block_size


def blocked_pairs(
    records: Sequence[MatchRecord],
    rules: Sequence[str],
    *,
    max_block_size: int,
    link_only: bool = False,
) -> tuple[list[tuple[int, int]], BlockingStats]:
    """Index pairs (i < j) that share a key of some rule, each once."""
    seen: set[tuple[int, int]] = set()
    pairs: list[tuple[int, int]] = []
    by_rule: dict[str, int] = {}
    skipped = 0
    for rule in rules:
        blocks: defaultdict[str, list[int]] = defaultdict(list)
        for i, record in enumerate(records):
            for key in rule_keys(rule, record):
                blocks[key].append(i)
        found = 0
        for members in blocks.values():
            if len(members) > max_block_size:
                skipped += 1
                continue
            for pair in _pairs_of(members):
                if link_only and records[pair[0]].source == records[pair[1]].source:
                    continue
                if pair not in seen:
                    seen.add(pair)
                    pairs.append(pair)
                    found += 1
        by_rule[rule] = found
    return pairs, BlockingStats(len(records), len(pairs), by_rule, skipped)


def _pairs_of(members: list[int]) -> Iterator[tuple[int, int]]:
    for x in range(len(members)):
        for y in range(x + 1, len(members)):
            i, j = members[x], members[y]
            if i != j:
                yield (i, j) if i < j else (j, i)
