"""Assemble Neo4j Community and Neo4j Browser from Maven Central, once, into a cache.

The official tarball is not attached to ``org.neo4j.assembly:neo4j-community-standalone``
on Central, so the server is built from its artifacts: ``org.neo4j:neo4j`` (the
Community edition and its runtime dependencies, including ``neo4j-server`` with
``CommunityEntryPoint``) and ``org.neo4j.client:neo4j-browser`` (the Browser web app,
served at ``/browser`` when its jar is on the class path). Maven resolves them into
``<cache>/neo4j-<version>-browser-<version>/lib``; a marker file makes later starts
download nothing.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from graph_cdp.errors import LocalServerError

_POM = """<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>io.graph-cdp</groupId>
  <artifactId>neo4j-local</artifactId>
  <version>1</version>
  <packaging>pom</packaging>
  <dependencies>
    <dependency>
      <groupId>org.neo4j</groupId><artifactId>neo4j</artifactId>
      <version>{neo4j}</version>
    </dependency>
    <dependency>
      <groupId>org.neo4j.client</groupId><artifactId>neo4j-browser</artifactId>
      <version>{browser}</version>
    </dependency>
  </dependencies>
  <build><plugins><plugin>
    <groupId>org.apache.maven.plugins</groupId>
    <artifactId>maven-dependency-plugin</artifactId>
    <version>3.6.1</version>
    <executions><execution>
      <id>copy-runtime</id><phase>package</phase><goals><goal>copy-dependencies</goal></goals>
      <configuration>
        <outputDirectory>{lib}</outputDirectory>
        <includeScope>runtime</includeScope>
      </configuration>
    </execution></executions>
  </plugin></plugins></build>
</project>
"""

_MARKER = ".assembled"


@dataclass(frozen=True)
class Distribution:
    """The jars of one Neo4j version plus Browser, ready to put on a class path."""

    lib: Path
    neo4j_version: str
    browser_version: str

    @property
    def size_bytes(self) -> int:
        return sum(p.stat().st_size for p in self.lib.glob("*.jar"))


def distribution_dir(cache_dir: Path, neo4j_version: str, browser_version: str) -> Path:
    return cache_dir / f"neo4j-{neo4j_version}-browser-{browser_version}"


def require_tool(name: str, hint: str) -> str:
    """The path of a command, or an error that says what to install."""
    path = shutil.which(name)
    if path is None:
        raise LocalServerError(f"`{name}` was not found on PATH. {hint}")
    return path


def assemble(cache_dir: Path, neo4j_version: str, browser_version: str) -> Distribution:
    """Return the cached distribution, resolving it with Maven the first time."""
    root = distribution_dir(cache_dir, neo4j_version, browser_version)
    lib = root / "lib"
    dist = Distribution(lib, neo4j_version, browser_version)
    if (root / _MARKER).exists():
        return dist
    mvn = require_tool(
        "mvn",
        "graph-cdp assembles Neo4j from Maven Central: install Maven 3.8+ "
        "(Debian: apt-get install maven), or point NEO4J_URI at a running Neo4j 5.",
    )
    root.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix="lib-", dir=root))
    with tempfile.TemporaryDirectory(prefix="graph-cdp-mvn-") as work:
        pom = Path(work) / "pom.xml"
        pom.write_text(
            _POM.format(neo4j=neo4j_version, browser=browser_version, lib=staging),
            encoding="utf-8",
        )
        proc = subprocess.run(
            [mvn, "-B", "-q", "-f", str(pom), "package"],
            capture_output=True,
            text=True,
            check=False,
        )
    if proc.returncode != 0:
        shutil.rmtree(staging, ignore_errors=True)
        tail = "\n".join((proc.stdout + proc.stderr).strip().splitlines()[-15:])
        raise LocalServerError(
            f"Maven could not resolve Neo4j {neo4j_version} / Browser {browser_version} "
            f"from Maven Central:\n{tail}"
        )
    if lib.exists():
        shutil.rmtree(lib)
    staging.rename(lib)
    (root / _MARKER).write_text(f"{neo4j_version} {browser_version}\n", encoding="utf-8")
    return dist
