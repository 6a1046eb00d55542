"""Neo4j Browser: where it is, the graph style, the saved queries and the guide.

Everything lives as files in ``cypher/browser/`` (shipped in the wheel with the rest of
``cypher/``): one ``.cypher`` file per saved query, described by its leading ``//``
lines; ``style.grass``, the Graph Style Sheet (Browser accepts a dropped style file only
with that extension, and its parser knows no comments, so the file has none);
``guide.html``, a ``:play``-able guide into which :func:`guide_text` writes the queries.
"""

from __future__ import annotations

import html
import re
import textwrap
from collections.abc import Mapping
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib.resources.abc import Traversable

from graph_cdp.config import PASSWORD_FILE, Settings
from graph_cdp.errors import ConfigurationError
from graph_cdp.store.cypher import cypher_root, load

# In the order a tour reads them: find a customer, open it, question its links.
SAVED_QUERIES: tuple[str, ...] = (
    "largest_customers",
    "customer_graph",
    "evidence_path",
    "refused_merges",
    "fuzzy_matches",
    "hubs_and_blocked",
    "last_job_changes",
)

# What to put in each parameter, printed as `:param` lines for people to edit.
PARAM_PLACEHOLDERS: Mapping[str, str] = {
    "customerId": "<a customer id from largest_customers>",
    "a": "email:<an email>",
    "b": "phone:<an E.164 phone>",
}

_PARAM = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")
_GRASS_RULE = re.compile(r"^node\.(\w+)\s*\{([^}]*)\}", re.MULTILINE)
_GRASS_COLOR = re.compile(r"(?:^|;|\s)color:\s*(#[0-9A-Fa-f]{6})")
_GUIDE_SLOT = re.compile(r"<!--\s*query:([a-z_]+)\s*-->")


@dataclass(frozen=True)
class SavedQuery:
    """One ``cypher/browser/<name>.cypher`` file, ready to paste into Browser.

    Its leading ``//`` lines describe it: the first is ``Title: summary`` (short, since
    Browser names a favorite by it), the others give the details.
    """

    name: str
    title: str
    summary: str
    details: str
    cypher: str
    params: tuple[str, ...]

    def param_lines(self, values: Mapping[str, object] | None = None) -> list[str]:
        """The ``:param`` commands to run first; placeholders for missing values."""
        given = values or {}
        return [
            f":param {p} => {cypher_literal(given.get(p, PARAM_PLACEHOLDERS.get(p, '')))}"
            for p in self.params
        ]


def cypher_literal(value: object) -> str:
    """A Cypher literal for a ``:param`` line (strings, numbers, booleans, null)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    text = str(value).replace("\\", "\\\\").replace("'", "\\'")
    return f"'{text}'"


def saved_query(name: str) -> SavedQuery:
    """The saved query ``cypher/browser/<name>.cypher``."""
    text = load(f"browser/{name}")
    lines = text.splitlines()
    head = [line.removeprefix("//").strip() for line in _leading_comments(lines)]
    if not head or ":" not in head[0]:
        raise ConfigurationError(
            f"cypher/browser/{name}.cypher must start with a '// Title: summary' line."
        )
    title, _, summary = head[0].partition(":")
    code = "\n".join(line for line in lines if not line.lstrip().startswith("//"))
    params = tuple(dict.fromkeys(_PARAM.findall(code)))
    return SavedQuery(name, title.strip(), summary.strip(), " ".join(head[1:]), text, params)


def _leading_comments(lines: list[str]) -> list[str]:
    head: list[str] = []
    for line in lines:
        if not line.startswith("//"):
            break
        head.append(line)
    return head


def saved_queries() -> list[SavedQuery]:
    return [saved_query(name) for name in SAVED_QUERIES]


def _browser_file(name: str) -> Traversable:
    resource = cypher_root() / "browser" / name
    if not resource.is_file():
        raise ConfigurationError(f"cypher/browser/{name} is missing from this installation.")
    return resource


def style_path() -> str:
    """Where ``style.grass`` is on disk, for drag-and-drop onto Browser."""
    return str(_browser_file("style.grass"))


def style_text() -> str:
    """The Graph Style Sheet (GraSS)."""
    return _browser_file("style.grass").read_text(encoding="utf-8")


def style_colors() -> dict[str, str]:
    """The fill colour the style gives each node label (``node.Label { color: ... }``)."""
    return {
        label: color
        for label, body in _GRASS_RULE.findall(style_text())
        for color in _GRASS_COLOR.findall(body)
    }


def style_command() -> str:
    """The Browser command that applies the style: ``:style`` followed by the sheet."""
    return f":style {style_text().strip()}"


def guide_text() -> str:
    """The ``:play``-able guide, each ``<!-- query:name -->`` replaced by that query."""

    def slot(match: re.Match[str]) -> str:
        query = saved_query(match.group(1))
        lines = [*query.param_lines(), query.cypher] if query.params else [query.cypher]
        runnable = "\n".join(
            f'<pre class="pre-scrollable code runnable">{html.escape(line)}</pre>' for line in lines
        )
        about = f"{query.summary[:1].upper()}{query.summary[1:]}. {query.details}"
        return f"<h4>{html.escape(query.title)}</h4><p>{html.escape(about)}</p>\n{runnable}"

    return _GUIDE_SLOT.sub(slot, _browser_file("guide.html").read_text(encoding="utf-8"))


class _GuideHandler(BaseHTTPRequestHandler):
    """Serves the guide to Browser's ``:play``, which fetches it cross-origin with extra
    headers (``pragma``, ``cache-control``, Sentry's tracing ones), hence a CORS
    pre-flight whose asked-for headers are all allowed: the guide is public text."""

    def _cors(self) -> None:
        self.send_header("Access-Control-Allow-Origin", "*")
        asked = self.headers.get("Access-Control-Request-Headers")
        self.send_header("Access-Control-Allow-Headers", asked or "pragma, cache-control")
        self.send_header("Access-Control-Allow-Methods", "GET, OPTIONS")

    def do_OPTIONS(self) -> None:
        self.send_response(204)
        self._cors()
        self.end_headers()

    def do_GET(self) -> None:
        if self.path.split("?")[0] not in ("/", "/guide.html"):
            self.send_error(404)
            return
        body = guide_text().encode("utf-8")
        self.send_response(200)
        self._cors()
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        return  # quiet: the command that serves the guide prints what matters


def open_guide_server(port: int = 0) -> ThreadingHTTPServer:
    """An HTTP server for the guide on 127.0.0.1 (``port`` 0: any free one).

    The caller runs ``serve_forever()`` (or in a thread) and ``shutdown()``. Browser
    only plays guides from hosts its server allows, and ``localhost`` is in Neo4j's
    default ``browser.remote_content_hostname_allowlist``: use :func:`guide_url`.
    """
    return ThreadingHTTPServer(("127.0.0.1", port), _GuideHandler)


def guide_url(server: ThreadingHTTPServer) -> str:
    return f"http://localhost:{server.server_address[1]}/guide.html"


def browser_url(settings: Settings) -> str:
    return f"http://127.0.0.1:{settings.neo4j_http_port}/browser/"


def connect_url(settings: Settings) -> str:
    """The Browser URL with the connect form filled in for this server and user."""
    scheme, _, address = settings.neo4j_uri.partition("://")
    return f"{browser_url(settings)}?connectURL={scheme}://{settings.neo4j_user}@{address}"


def browser_command(settings: Settings) -> str:
    """What `graph-cdp browser` prints: where to go, how to style, what to run."""
    lines = [
        f"Neo4j Browser: {connect_url(settings)}",
        f"  connect to {settings.neo4j_uri} as {settings.neo4j_user} "
        f"with the password in NEO4J_PASSWORD (unset: the one in "
        f"{settings.neo4j_home / PASSWORD_FILE})",
        "",
        "Style (identifiers coloured by kind, customers large, interactions small):",
        f"  drag {style_path()} onto the Browser window,",
        "  or run `:style ` followed by the file's text (`:style reset` undoes it).",
        "",
        "Saved queries (cypher/browser/; drop a file on Browser to paste it or keep it",
        "as a favorite):",
    ]
    for query in saved_queries():
        lines.append(f"  {query.name}.cypher  {query.title}: {query.summary}")
        lines += textwrap.wrap(
            query.details,
            width=88,
            initial_indent="    ",
            subsequent_indent="    ",
            break_on_hyphens=False,
        )
        lines += [f"    {line}" for line in query.param_lines()]
    lines += ["", "Walkthrough: docs/browser.md"]
    return "\n".join(lines)
