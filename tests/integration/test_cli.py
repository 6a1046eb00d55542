"""The README's command line, run in-process against the real Neo4j."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from graph_cdp.cli import main
from graph_cdp.commands import checkpoint_path
from graph_cdp.store import Store


@pytest.fixture
def events_file(tmp_path: Path, store: Store) -> Path:
    path = tmp_path / "events.jsonl"
    assert main(["sample", str(path), "--customers", "40", "--seed", "5"]) == 0
    return path


def test_ingest_check_resolve_and_dead_letters(
    events_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with events_file.open("a", encoding="utf-8") as out:
        out.write("this line is not JSON\n")
    assert main(["ingest", str(events_file), "--batch", "64"]) == 0
    printed = capsys.readouterr().out
    assert "accepted" in printed
    assert "unreadable" in printed
    assert not checkpoint_path(events_file).exists()  # a finished run leaves no checkpoint
    assert main(["check"]) == 0
    assert "OK: all invariants hold" in capsys.readouterr().out
    assert main(["resolve", "--full"]) == 0
    assert "succeeded" in capsys.readouterr().out
    assert main(["dead-letters", "list"]) == 0
    assert "line " in capsys.readouterr().out  # the unreadable line is kept with its reason


def test_an_interrupted_ingest_resumes_after_its_checkpoint(
    events_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lines = events_file.read_text(encoding="utf-8").splitlines()
    done = 25
    # As if a run had committed the first 25 lines, then died.
    checkpoint_path(events_file).write_text(str(done))
    assert main(["ingest", str(events_file), "--batch", "10"]) == 0
    out = capsys.readouterr().out
    assert f"Resuming after line {done}" in out
    resumed = _count(out, "accepted") + _count(out, "duplicates") + _count(out, "rejected")
    assert resumed == len(lines) - done
    # Starting over ingests the skipped lines; everything else is now a duplicate.
    assert main(["ingest", str(events_file), "--restart"]) == 0
    again = capsys.readouterr().out
    skipped = [json.loads(line)["messageId"] for line in lines[:done]]
    assert 0 < _count(again, "accepted") <= len(set(skipped))


def _count(printed: str, label: str) -> int:
    for line in printed.splitlines():
        cells = [c.strip() for c in line.strip("│┃| ").split("│")]
        if len(cells) == 2 and cells[0] == label:
            return int(cells[1])
    raise AssertionError(f"{label!r} not in {printed!r}")
