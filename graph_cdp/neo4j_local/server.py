"""Start, stop and inspect the local Neo4j Community server (no Docker needed)."""

from __future__ import annotations

import json
import os
import secrets
import signal
import socket
import string
import subprocess
import time
import urllib.request
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import neo4j
from neo4j.exceptions import AuthError, Neo4jError, ServiceUnavailable

from graph_cdp.config import Settings
from graph_cdp.errors import LocalServerError
from graph_cdp.neo4j_local.assemble import Distribution, assemble, require_tool
from graph_cdp.neo4j_local.conf import JVM_FLAGS, ServerLayout, write_home

_PASSWORD_ALPHABET = string.ascii_letters + string.digits
_JAVA_HINT = (
    "Neo4j 5.26 needs Java 17 or 21 (Debian: apt-get install openjdk-17-jre-headless), "
    "or point NEO4J_URI at a running Neo4j 5."
)


@dataclass(frozen=True)
class ServerStatus:
    """What `graph-cdp neo4j status` reports."""

    running: bool
    pid: int | None
    answers: bool
    version: str | None
    edition: str | None
    bolt_uri: str
    browser_url: str
    detail: str = ""


def port_open(port: int, host: str = "127.0.0.1", timeout: float = 0.5) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(timeout)
        return sock.connect_ex((host, port)) == 0


def discovery(http_port: int, timeout: float = 5.0) -> dict[str, str] | None:
    """Neo4j's HTTP discovery document (version, edition, Bolt address), if it answers."""
    request = urllib.request.Request(
        f"http://127.0.0.1:{http_port}/", headers={"Accept": "application/json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            body: dict[str, str] = json.loads(response.read().decode("utf-8"))
            return body
    except (OSError, ValueError):
        return None


def generate_password(length: int = 24) -> str:
    """Letters and digits only: neo4j-admin reads an argument that starts with "-" (which
    ``token_urlsafe`` can give) as an option, and refuses to set the password."""
    return "".join(secrets.choice(_PASSWORD_ALPHABET) for _ in range(length))


class LocalServer:
    """One Neo4j Community server assembled from Maven Central, living in a home folder."""

    def __init__(self, settings: Settings, *, extra_conf: Sequence[str] = ()) -> None:
        self.settings = settings
        self.layout = ServerLayout(settings.neo4j_home)
        self.bolt_port = settings.neo4j_bolt_port
        self.http_port = settings.neo4j_http_port
        self.extra_conf = tuple(extra_conf)
        # Set by start() when it generated the initial password (to be printed once).
        self.generated_password: str | None = None

    @property
    def bolt_uri(self) -> str:
        return f"bolt://127.0.0.1:{self.bolt_port}"

    @property
    def browser_url(self) -> str:
        return f"http://127.0.0.1:{self.http_port}/browser/"

    # --- process bookkeeping ---

    def pid(self) -> int | None:
        """The pid of our server if it is alive, else None (a stale pid file is removed)."""
        try:
            pid = int(self.layout.pid_file.read_text(encoding="utf-8").strip())
        except (OSError, ValueError):
            return None
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            self.layout.pid_file.unlink(missing_ok=True)
            return None
        except PermissionError:
            return pid
        return pid

    def log_tail(self, lines: int = 30) -> str:
        chunks = []
        for path in (self.layout.console_log, self.layout.logs / "neo4j.log"):
            if path.exists():
                text = path.read_text(encoding="utf-8", errors="replace").splitlines()
                chunks.append(f"--- {path} ---\n" + "\n".join(text[-lines:]))
        return "\n".join(chunks) or "(no log written)"

    # --- readiness ---

    def answers(self) -> tuple[bool, str]:
        """True when a query runs on the configured database with the configured password."""
        s = self.settings
        try:
            # An auto-commit query: not retried, so a refused connection fails fast.
            with (
                neo4j.GraphDatabase.driver(
                    self.bolt_uri, auth=(s.neo4j_user, s.neo4j_password), connection_timeout=3
                ) as driver,
                driver.session(database=s.neo4j_database) as session,
            ):
                session.run("RETURN 1").consume()
            return True, ""
        except AuthError as exc:
            return False, f"authentication failed: {exc.message}"
        except (ServiceUnavailable, Neo4jError, OSError) as exc:
            return False, str(exc)

    def wait_ready(self, timeout: float, alive: Callable[[], bool]) -> None:
        deadline = time.monotonic() + timeout
        last = ""
        while time.monotonic() < deadline:
            if not alive():
                raise LocalServerError(f"Neo4j exited during start-up.\n{self.log_tail()}")
            ok, last = self.answers()
            if ok:
                return
            if last.startswith("authentication failed"):
                raise LocalServerError(
                    f"Neo4j runs but refuses the password ({last}). The initial password "
                    f"is fixed at first start: NEO4J_PASSWORD as it was then, or (when it "
                    f"was unset) the one stored in {self.layout.password_file}; or remove "
                    f"{self.layout.home}/data to start afresh."
                )
            time.sleep(1.0)
        raise LocalServerError(
            f"Neo4j did not answer within {timeout:.0f} s (last error: {last}).\n{self.log_tail()}"
        )

    # --- commands ---

    def start(self) -> tuple[bool, float]:
        """Start in the background and wait until a query answers.

        Returns (started_now, seconds). Starting a running server succeeds and says so.
        """
        began = time.monotonic()
        if self.pid() is not None:
            self.wait_ready(self.settings.neo4j_start_timeout, lambda: self.pid() is not None)
            return False, time.monotonic() - began
        for port in (self.bolt_port, self.http_port):
            if port_open(port):
                raise LocalServerError(
                    f"Port {port} on 127.0.0.1 is already taken by another process. Stop it, "
                    f"or choose other ports (NEO4J_URI's port for Bolt, "
                    f"GRAPH_CDP_NEO4J_HTTP_PORT for HTTP)."
                )
        java = require_tool("java", _JAVA_HINT)
        dist = self.distribution()
        s = self.settings
        write_home(
            self.layout,
            bolt_port=self.bolt_port,
            http_port=self.http_port,
            heap=s.neo4j_heap,
            pagecache=s.neo4j_pagecache,
            extra=self.extra_conf,
        )
        if not self.layout.initialized:
            self._set_initial_password(java, dist, self._initial_password())
        process = self._launch(java, dist)
        self.layout.pid_file.write_text(str(process.pid), encoding="utf-8")
        try:
            self.wait_ready(s.neo4j_start_timeout, lambda: process.poll() is None)
        except LocalServerError:
            if process.poll() is None:
                process.terminate()
            self.layout.pid_file.unlink(missing_ok=True)
            raise
        return True, time.monotonic() - began

    def stop(self, timeout: float = 60.0) -> bool:
        """Stop with SIGTERM (Neo4j shuts down cleanly). False when it was not running."""
        pid = self.pid()
        if pid is None:
            return False
        os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                break
            time.sleep(0.3)
        else:
            os.kill(pid, signal.SIGKILL)
        self.layout.pid_file.unlink(missing_ok=True)
        return True

    def status(self) -> ServerStatus:
        pid = self.pid()
        info = discovery(self.http_port) if (pid or port_open(self.http_port)) else None
        # Bolt is asked even when HTTP was slow to answer (a loaded machine).
        reachable = info is not None or pid is not None or port_open(self.bolt_port)
        ok, detail = self.answers() if reachable else (False, "not reachable")
        return ServerStatus(
            running=pid is not None,
            pid=pid,
            answers=ok,
            version=info.get("neo4j_version") if info else None,
            edition=info.get("neo4j_edition") if info else None,
            bolt_uri=self.bolt_uri,
            browser_url=self.browser_url,
            detail=detail,
        )

    def distribution(self) -> Distribution:
        s = self.settings
        return assemble(s.cache_dir, s.neo4j_version, s.browser_version)

    # --- internals ---

    def _env(self) -> dict[str, str]:
        home = str(self.layout.home.resolve())
        return {**os.environ, "NEO4J_HOME": home, "NEO4J_CONF": f"{home}/conf"}

    def _classpath(self, dist: Distribution) -> str:
        return f"{self.layout.conf.resolve()}/*:{dist.lib.resolve()}/*"

    def _initial_password(self) -> str:
        """NEO4J_PASSWORD when set; else a new random one, stored with mode 600 in the home."""
        if self.settings.password_given:
            password = self.settings.neo4j_password
            if len(password) < 8:
                raise LocalServerError(
                    "NEO4J_PASSWORD must have at least 8 characters for Neo4j 5."
                )
            return password
        password = generate_password()
        path = self.layout.password_file
        path.unlink(missing_ok=True)  # a leftover of a data folder removed since
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(password + "\n")
        self.generated_password = password
        self.settings = self.settings.model_copy(update={"neo4j_password": password})
        return password

    def _set_initial_password(self, java: str, dist: Distribution, password: str) -> None:
        proc = subprocess.run(
            [
                java,
                "-cp",
                self._classpath(dist),
                "org.neo4j.server.startup.Neo4jAdminCommand",
                "dbms",
                "set-initial-password",
                password,
            ],
            env=self._env(),
            capture_output=True,
            text=True,
            check=False,
        )
        if proc.returncode != 0:
            raise LocalServerError(
                f"Could not set the initial password:\n{proc.stdout}{proc.stderr}"
            )

    def _launch(self, java: str, dist: Distribution) -> subprocess.Popen[bytes]:
        home = self.layout.home.resolve()
        heap = self.settings.neo4j_heap
        command = [
            java,
            "-cp",
            self._classpath(dist),
            f"-Xms{heap}",
            f"-Xmx{heap}",
            *JVM_FLAGS,
            "org.neo4j.server.CommunityEntryPoint",
            f"--home-dir={home}",
            f"--config-dir={home / 'conf'}",
        ]
        with Path(self.layout.console_log).open("ab") as log:
            # The child keeps its own copy of the descriptor after we close ours.
            return subprocess.Popen(
                command,
                cwd=home,
                env=self._env(),
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
            )
