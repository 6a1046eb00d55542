"""Write keys: how a Segment client authenticates (HTTP Basic, the key as the user).

Segment's libraries send ``Authorization: Basic base64(writeKey + ":")``. A write key
is accepted when it is

* one of ``GRAPH_CDP_WRITE_KEYS`` (``name:secret[;name:secret...]``): keys that may
  only send events to ``/v1/*``. A browser or mobile app ships its write key to every
  user, so such a key must grant nothing else: not GraphQL, not reads, not deletes;
* or the secret of an API key with the ``write`` scope (``GRAPH_CDP_API_KEYS``), so a
  server-side pipeline can reuse the key it already holds.

When neither is configured the API is open (loopback only, see api.auth) and any or no
write key is accepted. Some clients put the key in the password instead: an empty user
with a password is read the same way.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from dataclasses import dataclass

from api.auth import KeyRing, Scope
from api.errors import Unauthenticated
from graph_cdp.errors import ConfigurationError

MIN_WRITE_KEY_LENGTH = 16
_NAME_RE = re.compile(r"[A-Za-z0-9_.-]+")
_SECRET_RE = re.compile(r"[^\s:;]+")


def _digest(secret: str) -> bytes:
    return hashlib.sha256(secret.encode()).digest()


@dataclass(frozen=True)
class WriteKeys:
    """Who may send Segment calls; ``authenticate`` gives the name for ``source``."""

    keys: dict[bytes, str]
    api_keys: KeyRing

    @classmethod
    def parse(cls, text: str, api_keys: KeyRing) -> WriteKeys:
        keys: dict[bytes, str] = {}
        for raw in re.split(r"[;\n]", text):
            entry = raw.strip()
            if not entry:
                continue
            name, sep, secret = (part.strip() for part in entry.partition(":"))
            if not sep or not _NAME_RE.fullmatch(name):
                raise ConfigurationError(
                    "GRAPH_CDP_WRITE_KEYS: each key is name:secret with a name of "
                    f"[A-Za-z0-9_.-] (got {name!r})"
                )
            if not _SECRET_RE.fullmatch(secret) or len(secret) < MIN_WRITE_KEY_LENGTH:
                raise ConfigurationError(
                    f"GRAPH_CDP_WRITE_KEYS: the secret of {name!r} must be at least "
                    f"{MIN_WRITE_KEY_LENGTH} characters without ':', ';' or spaces"
                )
            digest = _digest(secret)
            if digest in keys or name in keys.values():
                raise ConfigurationError(f"GRAPH_CDP_WRITE_KEYS: {name!r} is not unique")
            keys[digest] = name
        return cls(keys, api_keys)

    @property
    def open(self) -> bool:
        return not self.keys and self.api_keys.open

    def authenticate(self, authorization: str | None) -> str:
        """The name of the write key in an ``Authorization: Basic`` header."""
        if self.open:
            return "open"
        secret = _basic_secret(authorization)
        name = self.keys.get(_digest(secret))
        if name is not None:
            return name
        principal = self.api_keys.principal_for(secret)
        if principal is None:
            raise Unauthenticated("Unknown write key")
        principal.require(Scope.WRITE)
        return principal.name


def _basic_secret(authorization: str | None) -> str:
    if not authorization:
        raise Unauthenticated("Send the write key as HTTP Basic user ('Authorization: Basic')")
    scheme, _, token = authorization.strip().partition(" ")
    if scheme.lower() != "basic":
        raise Unauthenticated("The Authorization header must be 'Basic base64(writeKey:)'")
    try:
        decoded = base64.b64decode(token.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        raise Unauthenticated("The Basic credentials are not base64 of 'writeKey:'") from None
    user, _, password = decoded.partition(":")
    secret = user or password
    if not secret:
        raise Unauthenticated("The Basic credentials hold no write key")
    return secret
