"""GraphiQL end to end: headless Chromium opens the API's GraphiQL page, a query is pasted
into its editor and run, and the result pane shows the profile.

The page loads React and GraphiQL from unpkg.com (strawberry's template, with SRI
hashes). These machines reach package registries only, so :class:`UnpkgMirror` serves
those exact files from their npm tarballs (``npm pack``, cached under
``GRAPH_CDP_CACHE_DIR/unpkg``) over TLS on loopback, and Chromium resolves unpkg.com to
it. Chromium still checks every file against the page's ``integrity`` hash, so the page
runs the same bytes it would online. ``scripts/screenshots.py`` uses the same helpers.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import shutil
import ssl
import subprocess
import tarfile
import tempfile
import threading
import uuid
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Literal

import httpx
import pytest
from selenium import webdriver
from selenium.common.exceptions import TimeoutException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.chrome.webdriver import WebDriver
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

from graph_cdp.config import Settings
from tests.api.conftest import LiveServer, api_settings, start_server
from tests.browser.harness import CHROMIUM_FLAGS, find_chromium

pytestmark = pytest.mark.browser

CDN_HOST = "unpkg.com"
# src="https://unpkg.com/react@18.2.0/umd/react.production.min.js" integrity="sha384-..."
_ASSET = re.compile(
    r'(?:src|href)="https://unpkg\.com(/(@[^/"]+/[^@/"]+|[^@/"]+)@([^/"]+)/([^"]+))"\s+'
    r'integrity="(sha384-[^"]+)"'
)
_TYPES = {".js": "application/javascript", ".css": "text/css"}


class GraphiQLError(AssertionError):
    """The GraphiQL page did not do what was expected."""


def _npm_file(cache: Path, package: str, version: str, path: str) -> bytes:
    """One file of an npm package, from the cache or from ``npm pack``."""
    target = cache / f"{package}@{version}" / path
    if not target.is_file():
        npm = shutil.which("npm")
        if npm is None:
            raise GraphiQLError(
                "GraphiQL's assets come from npm: install `npm` (apt-get install npm)"
            )
        with tempfile.TemporaryDirectory(prefix="npm-pack-") as tmp:
            packed = subprocess.run(
                [npm, "pack", f"{package}@{version}", "--json", "--pack-destination", tmp],
                cwd=tmp,
                capture_output=True,
                text=True,
                timeout=300,
                check=False,
            )
            if packed.returncode != 0:
                raise GraphiQLError(f"npm pack {package}@{version} failed: {packed.stderr[-500:]}")
            tarball = Path(tmp) / json.loads(packed.stdout)[0]["filename"]
            with tarfile.open(tarball) as tar:
                member = tar.extractfile(f"package/{path}")
                if member is None:
                    raise GraphiQLError(f"{package}@{version} has no file {path}")
                body = member.read()
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(body)
    return target.read_bytes()


class _Handler(BaseHTTPRequestHandler):
    files: dict[str, bytes] = {}

    def do_GET(self) -> None:
        body = self.files.get(self.path)
        if body is None:
            self.send_error(404)
            return
        self.send_response(200)
        self.send_header("Content-Type", _TYPES.get(Path(self.path).suffix, "text/plain"))
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Access-Control-Allow-Origin", "*")  # the tags are crossorigin
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        pass


class UnpkgMirror:
    """The unpkg.com files a GraphiQL page names, served over TLS on 127.0.0.1."""

    def __init__(self, page_html: str, cache: Path) -> None:
        self.files: dict[str, bytes] = {}
        for url_path, package, version, path, integrity in _ASSET.findall(page_html):
            body = _npm_file(cache, package, version, path)
            digest = base64.b64encode(hashlib.sha384(body).digest()).decode()
            if f"sha384-{digest}" != integrity:
                raise GraphiQLError(f"{package}@{version}/{path} does not match {integrity}")
            self.files[url_path] = body
        if not self.files:
            raise GraphiQLError("the GraphiQL page names no unpkg.com assets: has it changed?")
        self._tmp = tempfile.TemporaryDirectory(prefix="unpkg-mirror-")
        cert, key = Path(self._tmp.name) / "cert.pem", Path(self._tmp.name) / "key.pem"
        openssl = ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2"]
        openssl += ["-subj", f"/CN={CDN_HOST}", "-keyout", str(key), "-out", str(cert)]
        subprocess.run(openssl, capture_output=True, check=True, timeout=60)
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(cert, key)
        handler = type("MirrorHandler", (_Handler,), {"files": self.files})
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.server.daemon_threads = True
        # The handshake happens in the handler's thread, not in the accepting one.
        self.server.socket = context.wrap_socket(
            self.server.socket, server_side=True, do_handshake_on_connect=False
        )
        self.port = int(self.server.server_address[1])
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self._thread.start()

    @property
    def chromium_flags(self) -> tuple[str, ...]:
        """Send unpkg.com to the mirror and accept its self-signed certificate."""
        return (
            f"--host-resolver-rules=MAP {CDN_HOST} 127.0.0.1:{self.port}",
            "--ignore-certificate-errors",
        )

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self._thread.join(timeout=10)
        self._tmp.cleanup()


def launch_chromium_with(
    profile_dir: Path, extra_flags: tuple[str, ...], width: int = 1400, height: int = 1000
) -> WebDriver:
    """tests.browser.harness.launch_chromium, plus ``extra_flags``."""
    browser, driver = find_chromium()
    options = webdriver.ChromeOptions()
    options.binary_location = browser
    for flag in (*CHROMIUM_FLAGS, *extra_flags):
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={profile_dir}")
    options.add_argument(f"--window-size={width},{height}")
    chrome = webdriver.Chrome(options=options, service=Service(executable_path=driver))
    chrome.set_page_load_timeout(60)
    return chrome


# CodeMirror 5 (GraphiQL 3's editors) takes a paste event's clipboardData as typed text:
# typing key by key would auto-close brackets and open completion pop-ups.
_PASTE = """
const area = document.querySelector(arguments[0] + ' .CodeMirror textarea');
if (area === null) { return false; }
area.focus();
const data = new DataTransfer();
data.setData('text/plain', arguments[1]);
area.dispatchEvent(new ClipboardEvent('paste', {clipboardData: data, bubbles: true, cancelable: true}));
return true;
"""
_EDITOR_VALUE = (
    "return document.querySelector(arguments[0] + ' .CodeMirror').CodeMirror.getValue();"
)
QUERY_EDITOR = ".graphiql-query-editor"
VARIABLES_EDITOR = ".graphiql-editor-tool .graphiql-editor:not(.hidden)"
RESPONSE = ".graphiql-response"


class GraphiQL:
    """The GraphiQL page of the API, driven through its editor and run button."""

    def __init__(self, driver: WebDriver, url: str, timeout: float = 30.0) -> None:
        self.driver = driver
        self.url = url
        self.wait = WebDriverWait(driver, timeout)

    def open(self) -> None:
        self.driver.get(self.url)
        try:
            self.wait.until(
                lambda d: d.find_elements(By.CSS_SELECTOR, f"{QUERY_EDITOR} .CodeMirror")
            )
        except TimeoutException as exc:
            body = self.driver.find_element(By.TAG_NAME, "body").text[:300]
            raise GraphiQLError(f"GraphiQL did not render at {self.url}: {body!r}") from exc

    def paste(self, editor: str, text: str) -> None:
        """Click into ``editor`` (a CSS selector), select all, and paste ``text`` over it."""
        self.driver.find_element(By.CSS_SELECTOR, f"{editor} .CodeMirror").click()
        select_all = ActionChains(self.driver).key_down(Keys.CONTROL).send_keys("a")
        select_all.key_up(Keys.CONTROL).perform()
        if not self.driver.execute_script(_PASTE, editor, text):
            raise GraphiQLError(f"no editor {editor!r} on the page")

    def paste_query(self, query: str) -> None:
        self.paste(QUERY_EDITOR, query)

    def paste_variables(self, variables: str) -> None:
        self.paste(VARIABLES_EDITOR, variables)

    def editor_text(self, editor: str = QUERY_EDITOR) -> str:
        text: str = self.driver.execute_script(_EDITOR_VALUE, editor)
        return text

    def run(self, *, with_keyboard: bool) -> dict[str, Any]:
        """Run the query (Ctrl-Enter or the run button); return the result pane as JSON."""
        before = self.response_text()
        if with_keyboard:
            ActionChains(self.driver).key_down(Keys.CONTROL).send_keys(Keys.ENTER).key_up(
                Keys.CONTROL
            ).perform()
        else:
            self.driver.find_element(By.CSS_SELECTOR, ".graphiql-execute-button").click()

        def shown(_: WebDriver) -> dict[str, Any] | Literal[False]:
            text = self.response_text()
            if not text.strip() or text == before:
                return False
            try:
                result: dict[str, Any] = json.loads(text)
            except ValueError:  # still streaming in
                return False
            return result

        found: dict[str, Any] = self.wait.until(shown)
        return found

    def response_text(self) -> str:
        return self.editor_text(RESPONSE)

    def response_pane(self) -> str:
        """What the result pane shows on screen."""
        return self.driver.find_element(By.CSS_SELECTOR, RESPONSE).text


# --- fixtures ---

RUN = uuid.uuid4().hex[:8]
EMAIL_AS_TYPED = f"  Ada.Lovelace+{RUN}@Northwind.IO "
EMAIL = f"ada.lovelace+{RUN}@northwind.io"
COOKIE = f"ck-{RUN}"
DEVICE = f"dev-{RUN}"
INGEST = """mutation($events: [EventInput!]!) { ingestEvents(events: $events) {
  accepted rejected { reasons } } }"""
BY_EMAIL = """query($value: String!) { profileByIdentifier(kind: "email", value: $value) { id } }"""


@pytest.fixture(scope="module")
def api_server(settings: Settings) -> Iterator[LiveServer]:
    """The real app, open (no keys, loopback), on a free port."""
    live = start_server(api_settings(settings, api_keys=""))
    yield live
    live.stop()


@pytest.fixture(scope="module")
def customer_id(api_server: LiveServer) -> str:
    """Two events of one person (new values each run: nothing is wiped); her profile id."""
    events = [
        {
            "messageId": f"graphiql-{RUN}-1",
            "type": "page_view",
            "channel": "web",
            "identifiers": [
                {"kind": "email", "value": EMAIL_AS_TYPED},
                {"kind": "cookie_id", "value": COOKIE},
            ],
        },
        {
            "messageId": f"graphiql-{RUN}-2",
            "type": "app_open",
            "channel": "app",
            "identifiers": [
                {"kind": "cookie_id", "value": COOKIE},
                {"kind": "device_id", "value": DEVICE.upper()},
            ],
        },
    ]
    with httpx.Client(base_url=api_server.url, timeout=60) as client:
        ingested = client.post("/graphql", json={"query": INGEST, "variables": {"events": events}})
        assert ingested.json()["data"]["ingestEvents"] == {"accepted": 2, "rejected": []}
        found = client.post("/graphql", json={"query": BY_EMAIL, "variables": {"value": EMAIL}})
    profile_id: str = found.json()["data"]["profileByIdentifier"]["id"]
    return profile_id


@pytest.fixture(scope="module")
def mirror(api_server: LiveServer, settings: Settings) -> Iterator[UnpkgMirror]:
    page = httpx.get(f"{api_server.url}/graphql", headers={"Accept": "text/html"}, timeout=30)
    assert "graphiql" in page.text.lower()
    served = UnpkgMirror(page.text, settings.cache_dir / "unpkg")
    yield served
    served.close()


@pytest.fixture(scope="module")
def graphiql(
    chromium: tuple[str, str],
    api_server: LiveServer,
    mirror: UnpkgMirror,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[GraphiQL]:
    driver = launch_chromium_with(
        tmp_path_factory.mktemp("chromium-profile"), mirror.chromium_flags
    )
    try:
        page = GraphiQL(driver, f"{api_server.url}/graphql")
        yield page
    finally:
        driver.quit()


# --- tests ---

PROFILE_QUERY = f"""query Ada {{
  profileByIdentifier(kind: "e-mail", value: "{EMAIL_AS_TYPED}") {{
    id
    identifiers {{ kind value }}
  }}
}}"""


def test_graphiql_runs_a_pasted_profile_query(graphiql: GraphiQL, customer_id: str) -> None:
    graphiql.open()
    graphiql.paste_query(PROFILE_QUERY)
    assert graphiql.editor_text() == PROFILE_QUERY

    result = graphiql.run(with_keyboard=True)

    assert "errors" not in result, result
    profile = result["data"]["profileByIdentifier"]
    assert profile["id"] == customer_id
    # The raw value was normalized before the lookup; the device id was lower-cased on ingest.
    assert sorted((i["kind"], i["value"]) for i in profile["identifiers"]) == [
        ("cookie_id", COOKIE),
        ("device_id", DEVICE),
        ("email", EMAIL),
    ]
    on_screen = graphiql.response_pane()
    assert customer_id in on_screen
    assert EMAIL in on_screen


def test_graphiql_shows_the_code_of_an_invalid_identifier(graphiql: GraphiQL) -> None:
    graphiql.open()
    graphiql.paste_query('{ profileByIdentifier(kind: "email", value: "ada@") { id } }')

    result = graphiql.run(with_keyboard=False)

    assert result["data"] == {"profileByIdentifier": None}
    assert [e["extensions"]["code"] for e in result["errors"]] == ["INVALID_IDENTIFIER"]
    assert "INVALID_IDENTIFIER" in graphiql.response_pane()
