"""`python -m api.serve` in its own process: uvicorn, JSON logs, the open-mode warning."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from graph_cdp.config import Settings
from tests.api.conftest import free_port

pytestmark = pytest.mark.api

ROOT = Path(__file__).resolve().parents[2]
SERVE = [sys.executable, "-m", "api.serve"]


def json_lines(text: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in text.splitlines() if line.startswith("{")]


def test_serve_runs_uvicorn_with_json_logs(settings: Settings, tmp_path: Path) -> None:
    port = free_port()
    env = {
        **os.environ,
        "NEO4J_URI": settings.neo4j_uri,
        "GRAPH_CDP_HOST": "127.0.0.1",
        "GRAPH_CDP_PORT": str(port),
        "GRAPH_CDP_API_KEYS": "",
    }
    log = tmp_path / "stderr.log"
    with log.open("w") as stderr:
        process = subprocess.Popen(SERVE, cwd=ROOT, env=env, stderr=stderr)
        try:
            deadline = time.monotonic() + 60
            while True:
                try:
                    ready = httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=2)
                    break
                except httpx.TransportError:
                    assert process.poll() is None, log.read_text()
                    assert time.monotonic() < deadline, "serve() did not start"
                    time.sleep(0.1)
            assert ready.status_code == 200
            answer = httpx.post(
                f"http://127.0.0.1:{port}/graphql",
                json={"query": "query Hello { profiles(first: 1) { totalCount } }"},
            )
            assert answer.status_code == 200
            assert "errors" not in answer.json()
        finally:
            process.terminate()
            process.wait(timeout=30)
    lines = json_lines(log.read_text())
    warnings = [e for e in lines if e["level"] == "WARNING" and e["logger"] == "graph_cdp.api.auth"]
    assert len(warnings) == 1
    assert "OPEN" in warnings[0]["message"]
    (hello,) = [e for e in lines if e.get("operation") == "Hello"]
    assert hello["logger"] == "graph_cdp.api.access"
    assert hello["status"] == 200
    assert hello["duration_ms"] > 0
    assert any(e["logger"].startswith("uvicorn") for e in lines)  # uvicorn logs JSON too


def test_serve_runs_the_configured_number_of_worker_processes(
    settings: Settings, tmp_path: Path
) -> None:
    port = free_port()
    env = {
        **os.environ,
        "NEO4J_URI": settings.neo4j_uri,
        "GRAPH_CDP_HOST": "127.0.0.1",
        "GRAPH_CDP_PORT": str(port),
        "GRAPH_CDP_API_KEYS": "",
        "GRAPH_CDP_WORKERS": "2",
    }
    log = tmp_path / "stderr.log"
    with log.open("w") as stderr:
        process = subprocess.Popen(SERVE, cwd=ROOT, env=env, stderr=stderr)
        try:
            deadline = time.monotonic() + 120
            while True:
                started = [
                    e
                    for e in json_lines(log.read_text())
                    if e["message"].startswith("Application startup complete")
                ]
                if len(started) == 2:
                    break
                assert process.poll() is None, log.read_text()
                assert time.monotonic() < deadline, log.read_text()
                time.sleep(0.2)
            answers = [
                httpx.post(
                    f"http://127.0.0.1:{port}/graphql",
                    json={"query": "{ profiles(first: 1) { totalCount } }"},
                    timeout=30,
                )
                for _ in range(4)
            ]
            assert all(a.status_code == 200 and "errors" not in a.json() for a in answers)
        finally:
            process.terminate()
            process.wait(timeout=60)
    lines = json_lines(log.read_text())
    workers = {e["message"] for e in lines if e["message"].startswith("Started server process")}
    assert len(workers) == 2  # two distinct worker pids
    assert not [e for e in lines if e["message"].endswith("died")], log.read_text()


def test_serve_refuses_an_open_server_off_loopback(settings: Settings) -> None:
    env = {
        **os.environ,
        "NEO4J_URI": settings.neo4j_uri,
        "GRAPH_CDP_HOST": "0.0.0.0",
        "GRAPH_CDP_PORT": str(free_port()),
        "GRAPH_CDP_API_KEYS": "",
    }
    done = subprocess.run(SERVE, cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode != 0
    assert "Refusing to serve the API on '0.0.0.0' without API keys" in done.stderr


def test_a_worker_leaves_its_start_up_objects_out_of_garbage_collection(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    import gc

    from api.serve import app_from_environment

    monkeypatch.setenv("GRAPH_CDP_API_KEYS", "")
    gc.unfreeze()
    try:
        app = app_from_environment()  # what each uvicorn worker process calls
        # The worker's modules and schema are in the permanent generation now.
        assert gc.get_freeze_count() > 10_000
        assert app.state.runtime.settings.neo4j_uri == settings.neo4j_uri
    finally:
        gc.unfreeze()  # this is a test process: let its objects be collected again
