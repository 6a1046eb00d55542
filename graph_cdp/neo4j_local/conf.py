"""The local server's home folder: neo4j.conf and the two log4j configurations.

Neo4j validates its configuration strictly (an unknown key stops start-up), so only
keys known to 5.26 are written here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from graph_cdp.config import PASSWORD_FILE

_SERVER_LOGS = """<?xml version="1.0" encoding="UTF-8"?>
<Configuration status="ERROR" monitorInterval="30" packages="org.neo4j.logging.log4j">
  <Appenders>
    <RollingRandomAccessFile name="DebugLog" fileName="${config:server.directories.logs}/debug.log"
        filePattern="${config:server.directories.logs}/debug.log.%02i">
      <Neo4jDebugLogLayout pattern="%d{yyyy-MM-dd HH:mm:ss.SSSZ}{GMT+0} %-5p [%c{1.}] %m%n"/>
      <Policies><SizeBasedTriggeringPolicy size="20 MB"/></Policies>
      <DefaultRolloverStrategy fileIndex="min" max="7"/>
    </RollingRandomAccessFile>
  </Appenders>
  <Loggers>
    <Root level="INFO"><AppenderRef ref="DebugLog"/></Root>
  </Loggers>
</Configuration>
"""

_USER_LOGS = """<?xml version="1.0" encoding="UTF-8"?>
<Configuration status="ERROR" monitorInterval="30" packages="org.neo4j.logging.log4j">
  <Appenders>
    <RandomAccessFile name="Neo4jLog" fileName="${config:server.directories.logs}/neo4j.log">
      <PatternLayout pattern="%d{yyyy-MM-dd HH:mm:ss.SSSZ}{GMT+0} %-5p %m%n"/>
    </RandomAccessFile>
  </Appenders>
  <Loggers>
    <Root level="INFO"><AppenderRef ref="Neo4jLog"/></Root>
  </Loggers>
</Configuration>
"""

# The JVM flags of the 5.26 distribution's default neo4j.conf (server.jvm.additional).
JVM_FLAGS = (
    "-XX:+UseG1GC",
    "-XX:-OmitStackTraceInFastThrow",
    "-XX:+UnlockExperimentalVMOptions",
    "-XX:+TrustFinalNonStaticFields",
    "-XX:+DisableExplicitGC",
    "-Djdk.nio.maxCachedBufferSize=1024",
    "-Dio.netty.tryReflectionSetAccessible=true",
    "-Djdk.tls.ephemeralDHKeySize=2048",
    "-Djdk.tls.rejectClientInitiatedRenegotiation=true",
    "-XX:FlightRecorderOptions=stackdepth=256",
    "-XX:+UnlockDiagnosticVMOptions",
    "-XX:+DebugNonSafepoints",
    "--add-opens=java.base/java.nio=ALL-UNNAMED",
    "--add-opens=java.base/java.io=ALL-UNNAMED",
    "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
    "--enable-native-access=ALL-UNNAMED",
    "-Dlog4j2.disable.jmx=true",
    "-Dfile.encoding=UTF-8",
)


@dataclass(frozen=True)
class ServerLayout:
    """Where one local server keeps its configuration, data, logs and pid."""

    home: Path

    @property
    def conf(self) -> Path:
        return self.home / "conf"

    @property
    def data(self) -> Path:
        return self.home / "data"

    @property
    def logs(self) -> Path:
        return self.home / "logs"

    @property
    def run(self) -> Path:
        return self.home / "run"

    @property
    def pid_file(self) -> Path:
        return self.run / "neo4j.pid"

    @property
    def password_file(self) -> Path:
        return self.home / PASSWORD_FILE

    @property
    def console_log(self) -> Path:
        return self.logs / "console.log"

    @property
    def initialized(self) -> bool:
        """True once the system database exists: the initial password is then fixed."""
        return (self.data / "databases" / "system").exists()


def write_home(
    layout: ServerLayout,
    *,
    bolt_port: int,
    http_port: int,
    heap: str,
    pagecache: str,
    extra: Sequence[str] = (),
) -> None:
    """Write neo4j.conf and the log configurations (every start, so settings apply)."""
    home = layout.home.resolve()
    for sub in ("conf", "data", "logs", "run", "plugins", "import"):
        (home / sub).mkdir(parents=True, exist_ok=True)
    lines = [
        "server.default_listen_address=127.0.0.1",
        "server.default_advertised_address=127.0.0.1",
        f"server.bolt.listen_address=127.0.0.1:{bolt_port}",
        f"server.http.listen_address=127.0.0.1:{http_port}",
        # Advertise the real ports: Browser's connect form and routing use them.
        f"server.bolt.advertised_address=127.0.0.1:{bolt_port}",
        f"server.http.advertised_address=127.0.0.1:{http_port}",
        "server.https.enabled=false",
        f"server.memory.heap.initial_size={heap}",
        f"server.memory.heap.max_size={heap}",
        f"server.memory.pagecache.size={pagecache}",
        "dbms.usage_report.enabled=false",
        f"server.directories.data={home / 'data'}",
        f"server.directories.logs={home / 'logs'}",
        f"server.directories.plugins={home / 'plugins'}",
        f"server.directories.import={home / 'import'}",
        f"server.directories.run={home / 'run'}",
        f"server.logs.config={home / 'conf' / 'server-logs.xml'}",
        f"server.logs.user.config={home / 'conf' / 'user-logs.xml'}",
        "db.tx_log.rotation.retention_policy=2 files",
        *extra,
    ]
    (home / "conf" / "neo4j.conf").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (home / "conf" / "server-logs.xml").write_text(_SERVER_LOGS, encoding="utf-8")
    (home / "conf" / "user-logs.xml").write_text(_USER_LOGS, encoding="utf-8")
