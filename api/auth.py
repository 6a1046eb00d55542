"""API keys and scopes.

``GRAPH_CDP_API_KEYS`` holds the keys, separated by ``;`` (or new lines)::

    name:secret:scopes[;name:secret:scopes...]

* ``name`` names the key in logs (``[A-Za-z0-9_.-]+``, unique); never the secret.
* ``secret`` is what clients send as ``Authorization: Bearer <secret>``: at least 16
  characters, no ``:``, ``;`` or white space, unique.
* ``scopes`` is ``read``, ``write`` or ``read+write``. Queries need ``read``; mutations
  need ``write``. The scopes are independent: a pipeline that only ingests can hold
  ``write`` alone.

Without keys the API is open, and only on a loopback host (see :func:`require_safe_host`).
"""

from __future__ import annotations

import enum
import hashlib
import ipaddress
import logging
import re
from dataclasses import dataclass

from api.errors import Forbidden, Unauthenticated
from graph_cdp.config import Settings
from graph_cdp.errors import ConfigurationError

logger = logging.getLogger("graph_cdp.api.auth")

MIN_SECRET_LENGTH = 16
_NAME_RE = re.compile(r"[A-Za-z0-9_.-]+")
_SECRET_RE = re.compile(r"[^\s:;]+")
_LOOPBACK_NAMES = frozenset({"localhost", "localhost.localdomain", "ip6-localhost"})


class Scope(enum.StrEnum):
    READ = "read"
    WRITE = "write"


@dataclass(frozen=True)
class Principal:
    """Who is calling: a configured key, or everyone when the API runs open."""

    name: str
    scopes: frozenset[Scope]

    def require(self, scope: Scope) -> None:
        if scope not in self.scopes:
            raise Forbidden(
                f"The API key {self.name!r} lacks the {scope.value!r} scope",
                required=scope.value,
            )


OPEN = Principal("open", frozenset(Scope))
NOBODY = Principal("nobody", frozenset())


def _digest(secret: str) -> bytes:
    return hashlib.sha256(secret.encode()).digest()


def _parse_entry(entry: str) -> tuple[str, str, frozenset[Scope]]:
    parts = entry.split(":")
    if len(parts) != 3:
        raise ConfigurationError(
            "GRAPH_CDP_API_KEYS: each key is name:secret:scopes "
            f"(got an entry with {len(parts)} part(s))"
        )
    name, secret, scope_text = (p.strip() for p in parts)
    if not _NAME_RE.fullmatch(name):
        raise ConfigurationError(f"GRAPH_CDP_API_KEYS: bad key name {name!r}")
    if not _SECRET_RE.fullmatch(secret) or len(secret) < MIN_SECRET_LENGTH:
        raise ConfigurationError(
            f"GRAPH_CDP_API_KEYS: the secret of {name!r} must be at least "
            f"{MIN_SECRET_LENGTH} characters without ':', ';' or spaces"
        )
    try:
        scopes = frozenset(Scope(s.strip()) for s in scope_text.split("+"))
    except ValueError:
        raise ConfigurationError(
            f"GRAPH_CDP_API_KEYS: the scopes of {name!r} must be read, write or read+write "
            f"(got {scope_text!r})"
        ) from None
    return name, secret, scopes


class KeyRing:
    """The configured keys, looked up by the SHA-256 of the secret (never stored in clear)."""

    def __init__(self, keys: dict[bytes, Principal]) -> None:
        self._keys = keys

    @classmethod
    def parse(cls, text: str) -> KeyRing:
        keys: dict[bytes, Principal] = {}
        names: set[str] = set()
        for raw in re.split(r"[;\n]", text):
            if not raw.strip():
                continue
            name, secret, scopes = _parse_entry(raw.strip())
            digest = _digest(secret)
            if name in names or digest in keys:
                raise ConfigurationError(f"GRAPH_CDP_API_KEYS: {name!r} is not unique")
            names.add(name)
            keys[digest] = Principal(name, scopes)
        return cls(keys)

    @property
    def open(self) -> bool:
        return not self._keys

    def names(self) -> list[str]:
        return sorted(p.name for p in self._keys.values())

    def principal_for(self, secret: str) -> Principal | None:
        """The principal whose secret this is, or None."""
        return self._keys.get(_digest(secret))

    def authenticate(self, authorization: str | None) -> Principal:
        """The principal for an ``Authorization`` header value; raise Unauthenticated."""
        if self.open:
            return OPEN
        if not authorization:
            raise Unauthenticated("Send an API key as 'Authorization: Bearer <key>'")
        scheme, _, token = authorization.strip().partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise Unauthenticated("The Authorization header must be 'Bearer <key>'")
        principal = self._keys.get(_digest(token.strip()))
        if principal is None:
            raise Unauthenticated("Unknown API key")
        return principal


def is_loopback(host: str) -> bool:
    if host.lower() in _LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def require_safe_host(settings: Settings, keys: KeyRing) -> None:
    """Refuse to serve without keys anywhere but on a loopback host."""
    if keys.open and not is_loopback(settings.host):
        raise ConfigurationError(
            f"Refusing to serve the API on {settings.host!r} without API keys: set "
            "GRAPH_CDP_API_KEYS (name:secret:read+write;...) or bind GRAPH_CDP_HOST to "
            "127.0.0.1"
        )


def warn_if_open(settings: Settings, keys: KeyRing) -> None:
    if keys.open:
        logger.warning(
            "API keys are not configured (GRAPH_CDP_API_KEYS): the API is OPEN to anyone "
            "who can reach %s:%s; this is allowed only on a loopback host",
            settings.host,
            settings.port,
        )
    else:
        logger.info("API keys configured: %s", ", ".join(keys.names()))
