"""Configuration, packaging and the compose file, without a server."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
import yaml

from graph_cdp.config import Settings
from graph_cdp.store.cypher import all_names, load, statements

ROOT = Path(__file__).resolve().parents[2]


def test_settings_defaults_match_the_local_server() -> None:
    s = Settings()
    assert s.neo4j_bolt_port == 7687 or s.neo4j_uri.startswith("bolt://")
    assert s.neo4j_user
    assert s.neo4j_version.startswith("5.26")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("a@b.com", ("a@b.com",)),
        (" a@b.com , phone:+15550100 ,", ("a@b.com", "phone:+15550100")),
        ("", ()),
    ],
)
def test_list_settings_are_comma_separated(raw: str, expected: tuple[str, ...]) -> None:
    assert Settings(GRAPH_CDP_BLOCKED_VALUES=raw).blocked_values == expected


def test_settings_are_frozen() -> None:
    s = Settings()
    with pytest.raises(ValueError, match="frozen"):
        s.neo4j_uri = "bolt://elsewhere:7687"  # type: ignore[misc]


@pytest.mark.parametrize(
    ("uri", "port"), [("bolt://127.0.0.1:7700", 7700), ("neo4j://localhost", 7687)]
)
def test_bolt_port_comes_from_the_uri(uri: str, port: int) -> None:
    assert Settings(NEO4J_URI=uri).neo4j_bolt_port == port


def test_cypher_loader_finds_every_file() -> None:
    names = all_names()
    assert names, "no .cypher files found"
    for name in names:
        assert load(name).strip()


def test_schema_statements_split() -> None:
    assert len(statements("schema")) >= 5


def test_compose_file_matches_the_compose_spec() -> None:
    exe = shutil.which("check-jsonschema", path=str(Path(sys.executable).parent))
    assert exe is not None
    proc = subprocess.run(
        [exe, "--builtin-schema", "vendor.compose-spec", str(ROOT / "docker-compose.yml")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_compose_runs_neo4j_526_with_a_healthcheck_and_the_api_waits() -> None:
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    neo4j = compose["services"]["neo4j"]
    assert neo4j["image"] == "neo4j:5.26-community"
    assert "test" in neo4j["healthcheck"]
    api = compose["services"]["api"]
    assert api["depends_on"]["neo4j"]["condition"] == "service_healthy"
    assert api["environment"]["NEO4J_URI"] == "bolt://neo4j:7687"


def test_wheel_ships_the_cypher_folder(tmp_path: Path) -> None:
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-w",
            str(tmp_path),
            str(ROOT),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    wheel = next(tmp_path.glob("graph_cdp-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    assert "graph_cdp/_cypher/schema.cypher" in names
    assert any(n.startswith("api/") for n in names)


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _isolated(tmp_path: Path) -> Settings:
    return Settings(
        NEO4J_URI=f"bolt://127.0.0.1:{_free_port()}",
        GRAPH_CDP_NEO4J_HTTP_PORT=_free_port(),
        GRAPH_CDP_NEO4J_HOME=str(tmp_path / "home"),
        GRAPH_CDP_CACHE_DIR=str(tmp_path / "cache"),
    )


def test_start_says_what_to_install_without_java(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from graph_cdp.errors import LocalServerError
    from graph_cdp.neo4j_local import LocalServer

    monkeypatch.setenv("PATH", str(tmp_path / "empty-bin"))
    with pytest.raises(LocalServerError, match=r"`java` was not found.*openjdk-17"):
        LocalServer(_isolated(tmp_path)).start()


def test_start_says_what_to_install_without_maven(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from graph_cdp.errors import LocalServerError
    from graph_cdp.neo4j_local import LocalServer

    java = shutil.which("java")
    assert java is not None
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "java").symlink_to(java)
    monkeypatch.setenv("PATH", str(bin_dir))
    with pytest.raises(LocalServerError, match=r"`mvn` was not found.*Maven"):
        LocalServer(_isolated(tmp_path)).start()
