"""Without NEO4J_PASSWORD the settings read the local server's stored password."""

from __future__ import annotations

from pathlib import Path

import pytest

from graph_cdp.config import COMPOSE_PASSWORD, Settings
from graph_cdp.neo4j_local import LocalServer
from graph_cdp.neo4j_local.server import generate_password


@pytest.fixture
def home(tmp_path: Path) -> Path:
    (tmp_path / "password").write_text("s3cret-generated-value\n")
    return tmp_path


def test_the_stored_password_is_read_when_neo4j_password_is_unset(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("NEO4J_PASSWORD", raising=False)
    settings = Settings(GRAPH_CDP_NEO4J_HOME=home)
    assert settings.neo4j_password == "s3cret-generated-value"
    assert not settings.password_given


def test_neo4j_password_wins(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEO4J_PASSWORD", "chosen-by-the-user")
    settings = Settings(GRAPH_CDP_NEO4J_HOME=home)
    assert settings.neo4j_password == "chosen-by-the-user"
    assert settings.password_given


def test_without_either_the_compose_default_is_used_but_never_for_a_new_server(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("NEO4J_PASSWORD", raising=False)
    settings = Settings(GRAPH_CDP_NEO4J_HOME=tmp_path)
    assert settings.neo4j_password == COMPOSE_PASSWORD  # docker-compose.yml's default
    server = LocalServer(settings)
    server.layout.home.mkdir(parents=True, exist_ok=True)
    password = server._initial_password()
    assert password != COMPOSE_PASSWORD
    assert server.generated_password == password
    assert (tmp_path / "password").read_text().strip() == password
    assert (tmp_path / "password").stat().st_mode & 0o777 == 0o600


def test_generated_passwords_are_never_read_as_an_option() -> None:
    """neo4j-admin takes an argument starting with '-' for an option: none may."""
    passwords = {generate_password() for _ in range(2000)}
    assert len(passwords) == 2000
    assert all(p.isalnum() and len(p) == 24 for p in passwords)
