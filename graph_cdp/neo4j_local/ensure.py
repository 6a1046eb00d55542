"""Make sure some real Neo4j answers, in the order the README promises.

1. a reachable ``NEO4J_URI`` is used as it is;
2. else, when a Docker engine answers, the compose service ``neo4j`` is started;
3. else the local Community server is provisioned from Maven Central and started.
"""

from __future__ import annotations

import shutil
import subprocess
import time
from dataclasses import dataclass

import neo4j
from neo4j.exceptions import AuthError, Neo4jError, ServiceUnavailable

from graph_cdp.config import Settings
from graph_cdp.errors import LocalServerError
from graph_cdp.neo4j_local.server import LocalServer


@dataclass(frozen=True)
class Ensured:
    how: str  # "existing" | "docker" | "local"
    started_now: bool
    seconds: float
    generated_password: str | None = None  # a fresh local server's, to be printed once


def _answers(settings: Settings) -> bool:
    try:
        with (
            neo4j.GraphDatabase.driver(
                settings.neo4j_uri,
                auth=(settings.neo4j_user, settings.neo4j_password),
                connection_timeout=3,
            ) as driver,
            driver.session(database=settings.neo4j_database) as session,
        ):
            session.run("RETURN 1").consume()
        return True
    except AuthError as exc:
        raise LocalServerError(
            f"Neo4j at {settings.neo4j_uri} refuses NEO4J_USER/NEO4J_PASSWORD: {exc.message}"
        ) from exc
    except (ServiceUnavailable, Neo4jError, OSError, ValueError):
        return False


def _docker_answers() -> bool:
    docker = shutil.which("docker")
    if docker is None:
        return False
    proc = subprocess.run([docker, "info"], capture_output=True, timeout=15, check=False)
    return proc.returncode == 0


def ensure_neo4j(settings: Settings, *, allow_docker: bool = True) -> Ensured:
    began = time.monotonic()
    if _answers(settings):
        return Ensured("existing", False, time.monotonic() - began)
    if allow_docker and _docker_answers():
        subprocess.run(["docker", "compose", "up", "-d", "--wait", "neo4j"], check=True)
        return Ensured("docker", True, time.monotonic() - began)
    server = LocalServer(settings)
    started, _ = server.start()
    return Ensured("local", started, time.monotonic() - began, server.generated_password)
