"""Write the schema's SDL to schema.graphql: ``python -m api.export_schema [--check]``."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from api.schema import build_schema
from graph_cdp.config import Settings

SCHEMA_FILE = Path(__file__).resolve().parent.parent / "schema.graphql"


def sdl() -> str:
    """The schema as SDL (settings only change limits, never the schema's shape)."""
    return build_schema(Settings()).as_str() + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m api.export_schema", description=__doc__)
    parser.add_argument("--output", type=Path, default=SCHEMA_FILE)
    parser.add_argument("--check", action="store_true", help="fail if the file is not current")
    args = parser.parse_args(argv)
    current = sdl()
    if args.check:
        if not args.output.exists() or args.output.read_text() != current:
            print(f"{args.output} is stale: run python -m api.export_schema", file=sys.stderr)
            return 1
        print(f"{args.output} is current")
        return 0
    args.output.write_text(current)
    print(f"wrote {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
