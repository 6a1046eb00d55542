"""The rules that decide which identity evidence may merge customers.

Defaults are chosen for precision: a profile that merges strangers is worse than two
profiles of one person. All of them can be changed in a TOML file named by
``GRAPH_CDP_RULES_FILE`` (see docs/resolution.md); changing them and running a full
resolution job re-resolves what the change affects.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

from graph_cdp.errors import ConfigurationError
from graph_cdp.graph_types import BLOCKED, HUB, INVALID, OK, REVOKED

# Strongest first: when links compete, links between stronger kinds are applied first.
DEFAULT_PRIORITY = (
    "customer_id", "loyalty_id", "email", "phone", "device_id", "cookie_id", "anonymous_id",
)  # fmt: skip

# How a weak identifier seen with several anchored clusters decides (clustering.py):
# "evidence" weighs names, nicknames and birth dates and lets a nameless side join a
# named one; "strict" is the earlier rule (names must agree by spelling, a nameless
# side never does), kept to measure the trade-off and for operators who want it.
SHARED_DEVICE_RULES = ("evidence", "strict")

# Kinds that name a person. Two customers only ever merge through a link between two
# of these; weaker kinds (devices, cookies, anonymous ids) attach to at most one known
# person.
DEFAULT_ANCHORS = ("customer_id", "loyalty_id", "email", "phone")

# At most this many distinct values of a kind in one customer (loyalty: per program).
DEFAULT_LIMITS: Mapping[str, int] = MappingProxyType(
    {
        "customer_id": 1, "loyalty_id": 1, "email": 3, "phone": 3, "device_id": 10,
        "cookie_id": 50, "anonymous_id": 50,
    }
)  # fmt: skip

# An identifier linked to more distinct identifiers than this is a hub and links nothing.
DEFAULT_HUB_THRESHOLDS: Mapping[str, int] = MappingProxyType(
    {
        "customer_id": 30,
        "loyalty_id": 30,
        "email": 30,
        "phone": 15,
        "device_id": 30,
        "cookie_id": 40,
        # Segment's anonymousId is a browser's or an app install's id: a cookie's role.
        "anonymous_id": 40,
    }
)
DEFAULT_HUB_THRESHOLD = 30

# Which rule names the refusal of a link that several reasons refuse: an operator's
# revocation first, then the worst status of its ends. The one place this order lives:
# the Cypher that marks links (merge_links, refuse_links_of_inactive) takes it as
# ``$precedence``.
REFUSAL_PRECEDENCE = (REVOKED, INVALID, BLOCKED, HUB)


def refusal_rule(revoked: bool, statuses: Iterable[str]) -> str | None:
    """The rule refusing a link before any merge rule runs; None when both ends may link."""
    reasons = {s for s in statuses if s != OK}
    if revoked:
        reasons.add(REVOKED)
    for rule in REFUSAL_PRECEDENCE:
        if rule in reasons:
            return rule
    # A status this version does not know still refuses (named by the smallest, for determinism).
    return min(reasons) if reasons else None


def identifier_status(blocked: str | None, degree: int, hub_threshold: int) -> str:
    """Blocked over hub over ok (update_identifier_status.cypher computes the same in place)."""
    if blocked is not None:
        return BLOCKED
    return HUB if degree > hub_threshold else OK


@dataclass(frozen=True)
class Rules:
    priority: tuple[str, ...] = DEFAULT_PRIORITY
    anchors: frozenset[str] = frozenset(DEFAULT_ANCHORS)
    limits: Mapping[str, int] = field(default_factory=lambda: DEFAULT_LIMITS)
    hub_thresholds: Mapping[str, int] = field(default_factory=lambda: DEFAULT_HUB_THRESHOLDS)
    default_hub_threshold: int = DEFAULT_HUB_THRESHOLD
    shared_device: str = "evidence"  # one of SHARED_DEVICE_RULES

    def rank(self, kind: str) -> int:
        """Lower is stronger; kinds not listed rank after all listed ones."""
        try:
            return self.priority.index(kind)
        except ValueError:
            return len(self.priority)

    def hub_threshold(self, kind: str) -> int:
        return self.hub_thresholds.get(kind, self.default_hub_threshold)

    def is_anchor(self, kind: str) -> bool:
        return kind in self.anchors

    def to_dict(self) -> dict[str, Any]:
        return {
            "priority": list(self.priority),
            "anchors": sorted(self.anchors),
            "limits": dict(self.limits),
            "hub_thresholds": dict(self.hub_thresholds),
            "default_hub_threshold": self.default_hub_threshold,
            "shared_device": self.shared_device,
        }


# Kinds whose per-kind limit counts each program apart (its value names it: program:number).
PROGRAM_KINDS = frozenset({"loyalty_id"})


def limit_bucket(kind: str, value: str) -> str:
    """What a per-kind limit counts: the kind, or for loyalty ids the kind and program."""
    if kind in PROGRAM_KINDS and ":" in value:
        return f"loyalty_id:{value.split(':', 1)[0]}"
    return kind


def _int_map(raw: object, name: str) -> dict[str, int]:
    if not isinstance(raw, dict) or not all(
        isinstance(k, str) and isinstance(v, int) and not isinstance(v, bool) and v >= 1
        for k, v in raw.items()
    ):
        raise ConfigurationError(f"rules: [{name}] must map kinds to integers >= 1")
    return dict(raw)


def rules_from_mapping(data: Mapping[str, Any]) -> Rules:
    known = {
        "priority",
        "anchors",
        "limits",
        "hub_thresholds",
        "default_hub_threshold",
        "shared_device",
    }
    unknown = set(data) - known
    if unknown:
        raise ConfigurationError(f"rules: unknown keys {sorted(unknown)}; known: {sorted(known)}")
    base = Rules()
    priority = data.get("priority", list(base.priority))
    anchors = data.get("anchors", sorted(base.anchors))
    if not isinstance(priority, list) or not all(isinstance(k, str) for k in priority):
        raise ConfigurationError("rules: priority must be a list of kinds")
    if not isinstance(anchors, list) or not all(isinstance(k, str) for k in anchors):
        raise ConfigurationError("rules: anchors must be a list of kinds")
    limits = {**base.limits, **_int_map(data.get("limits", {}), "limits")}
    hubs = {**base.hub_thresholds, **_int_map(data.get("hub_thresholds", {}), "hub_thresholds")}
    default_hub = data.get("default_hub_threshold", base.default_hub_threshold)
    if not isinstance(default_hub, int) or isinstance(default_hub, bool) or default_hub < 1:
        raise ConfigurationError("rules: default_hub_threshold must be an integer >= 1")
    shared_device = data.get("shared_device", base.shared_device)
    if shared_device not in SHARED_DEVICE_RULES:
        raise ConfigurationError(f"rules: shared_device must be one of {list(SHARED_DEVICE_RULES)}")
    return Rules(
        priority=tuple(priority),
        anchors=frozenset(anchors),
        limits=MappingProxyType(limits),
        hub_thresholds=MappingProxyType(hubs),
        default_hub_threshold=default_hub,
        shared_device=shared_device,
    )


def load_rules(path: Path | None) -> Rules:
    """The rules in a TOML file, over the defaults; the defaults when ``path`` is None."""
    if path is None:
        return Rules()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigurationError(f"rules file {path} cannot be read: {exc}") from exc
    except UnicodeDecodeError as exc:
        raise ConfigurationError(f"rules file {path} is not UTF-8 text: {exc}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigurationError(f"rules file {path} is not valid TOML: {exc}") from exc
    return rules_from_mapping(data)
