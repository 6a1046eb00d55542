"""Why cross-channel persons stay apart, and how often a slip in an email is a stranger's.

Two measurements beside the accuracy table, both from the ground truth:

- ``mailbox_slips``: over every pair of mailboxes in the sample, how many that
  ``mailboxes.mistyped`` takes for one mailbox typed twice belong to one person and how
  many to two, for a slip in the local part and for the same local part at a mistyped
  domain; and, for the mailboxes with exactly one such neighbour, whether it is their
  owner's. This is what a rule joining on a mistyped email alone would merge.
- ``cross_channel_misses``: each cross-channel person left apart, by cause: the two
  sides share only a name and a city; the store side's email is one slip from a web
  mailbox whose profile holds no match record (a mailbox seen alone, on email opens:
  nothing but the slip to go on); the store side has no email; or else.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from itertools import combinations
from typing import Any

from graph_cdp.resolution.mailboxes import mistyped
from graph_cdp.sample import GroundTruth


def _neighbourhood(local: str) -> Iterable[str]:
    """The local part and every form of it with one character deleted: two local parts
    one edit apart share one of these (the symmetric-delete index)."""
    yield local
    for i in range(len(local)):
        yield local[:i] + local[i + 1 :]


def slip_pairs(emails: Iterable[str]) -> set[tuple[str, str]]:
    """Every pair of addresses (a < b) that ``mistyped`` takes for one mailbox."""
    index: defaultdict[str, set[str]] = defaultdict(set)
    for email in emails:
        for key in _neighbourhood(email.rpartition("@")[0]):
            index[key].add(email)
    found = set()
    for group in index.values():
        for a, b in combinations(sorted(group), 2):
            if mistyped(a, b):
                found.add((a, b))
    return found


def mailbox_slips(truth: GroundTruth) -> dict[str, Any]:
    owner = {k[len("email:") :]: c for k, c in truth.owner.items() if k.startswith("email:")}
    counts: Counter[str] = Counter()
    neighbours: defaultdict[str, set[str]] = defaultdict(set)
    for a, b in slip_pairs(owner):
        kind = "domain" if a.rpartition("@")[0] == b.rpartition("@")[0] else "local"
        counts[f"{kind}_{'same' if owner[a] == owner[b] else 'different'}_person"] += 1
        neighbours[a].add(b)
        neighbours[b].add(a)
    only = Counter(
        "same_person" if owner[next(iter(n))] == owner[e] else "different_person"
        for e, n in neighbours.items()
        if len(n) == 1
    )
    return {
        "mailboxes": len(owner),
        "pairs": dict(sorted(counts.items())),
        "one_neighbour": dict(sorted(only.items())),
    }


def cross_channel_misses(
    predicted: Mapping[str, Any],
    truth: GroundTruth,
    evidenced: set[int],
    with_records: set[Any],
) -> dict[str, int]:
    """``evidenced``: the persons whose sides share more than a name and a city;
    ``with_records``: the entities (customers) that hold a match record."""
    keys: defaultdict[int, set[str]] = defaultdict(set)
    for key, customer in truth.owner.items():
        keys[customer].add(key)
    causes: Counter[str] = Counter()
    for who, store in truth.cross_channel.items():
        web = keys[who] - store
        sides = {predicted[k] for k in store if k in predicted}
        if any(predicted.get(k) in sides for k in web):
            continue
        causes[_cause(who, store, web, predicted, evidenced, with_records)] += 1
    return dict(sorted(causes.items()))


def _cause(
    who: int,
    store: frozenset[str],
    web: set[str],
    predicted: Mapping[str, Any],
    evidenced: set[int],
    with_records: set[Any],
) -> str:
    if who not in evidenced:
        return "a name and a city only"
    typed = [k[len("email:") :] for k in store if k.startswith("email:")]
    if not typed:
        return "store side without an email"
    near = [k for k in web if k.startswith("email:") and mistyped(typed[0], k[len("email:") :])]
    if near and not any(predicted.get(k) in with_records for k in near):
        return "store email one slip from a mailbox without a record"
    return "other"
