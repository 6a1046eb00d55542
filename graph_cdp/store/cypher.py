"""The one loader of Cypher text: every statement lives in a ``.cypher`` file.

In a wheel the top-level ``cypher/`` folder ships as ``graph_cdp/_cypher``; in a
source checkout (editable install) it is read from the repository root.
"""

from __future__ import annotations

import functools
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import LiteralString, cast

from graph_cdp.errors import ConfigurationError


@functools.cache
def cypher_root() -> Traversable:
    packaged = resources.files("graph_cdp") / "_cypher"
    if packaged.is_dir():
        return packaged
    source = Path(__file__).resolve().parents[2] / "cypher"
    if source.is_dir():
        return source
    raise ConfigurationError("The cypher/ folder is missing from this installation.")


@functools.cache
def load(name: str) -> LiteralString:
    """The text of ``cypher/<name>.cypher`` (``name`` may hold a sub-folder)."""
    resource = cypher_root()
    for part in f"{name}.cypher".split("/"):
        resource = resource / part
    if not resource.is_file():
        raise ConfigurationError(f"No Cypher statement named {name!r}.")
    # The driver wants LiteralString: these texts come from our own files, never callers.
    # (mypy reads LiteralString as str, hence the ignore; pyright needs the cast.)
    return cast(LiteralString, resource.read_text(encoding="utf-8").strip())  # type: ignore[redundant-cast]


def statements(name: str) -> list[LiteralString]:
    """A multi-statement file (the schema) split on ``;``, comments dropped."""
    body: LiteralString = "\n".join(
        line for line in load(name).splitlines() if not line.lstrip().startswith("//")
    )
    text: LiteralString = body
    return [s.strip() for s in text.split(";") if s.strip()]


def all_names() -> list[str]:
    """Every single-statement file, for the EXPLAIN test."""
    names: list[str] = []

    def walk(node: Traversable, prefix: str) -> None:
        for child in node.iterdir():
            if child.is_dir():
                walk(child, f"{prefix}{child.name}/")
            elif child.name.endswith(".cypher") and child.name != "schema.cypher":
                names.append(prefix + child.name.removesuffix(".cypher"))

    walk(cypher_root(), "")
    return sorted(names)
