"""Neo4j Browser (5.x) driven like a person would: connect, type, run, read the frame.

Selectors are the ``data-testid`` attributes Browser ships for its own tests, which
survive restyling. The editor is Monaco: text is *pasted* (a synthetic clipboard event),
because typing would auto-close brackets and quotes, auto-indent every line, and run
the command at the first newline.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Literal
from urllib.parse import urlparse

from selenium.common.exceptions import (
    ElementClickInterceptedException,
    ElementNotInteractableException,
    StaleElementReferenceException,
    TimeoutException,
)
from selenium.webdriver.chrome.webdriver import WebDriver
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support.ui import WebDriverWait

from graph_cdp.browser import connect_url
from graph_cdp.config import Settings

_PASTE = """
const area = document.querySelector('[data-testid=activeEditor] textarea');
if (area === null) { return false; }
area.focus();
const data = new DataTransfer();
data.setData('text/plain', arguments[0]);
area.dispatchEvent(new ClipboardEvent('paste', {clipboardData: data, bubbles: true, cancelable: true}));
return true;
"""

# Monaco renders the visible lines only, positioned by `top`, in no particular DOM order.
_EDITOR_TEXT = """
const lines = Array.from(document.querySelectorAll('[data-testid=activeEditor] .view-line'));
lines.sort((a, b) => parseFloat(a.style.top) - parseFloat(b.style.top));
return lines.map(line => line.textContent).join('\\n');
"""

_GRAPH_NODES = """
return Array.from(arguments[0].querySelectorAll('svg g.node')).map(g => {
  const ring = g.querySelector('circle.b-outline');
  return [g.textContent.trim(), ring ? ring.getAttribute('fill') : null,
          ring ? Number(ring.getAttribute('r')) : 0];
});
"""


@dataclass(frozen=True)
class DrawnNode:
    caption: str
    fill: str | None
    radius: float


class BrowserError(AssertionError):
    """Browser showed an error where a result was expected."""


class Frame:
    """One result frame of the stream."""

    def __init__(self, driver: WebDriver, element: WebElement) -> None:
        self.driver = driver
        self.element = element

    @property
    def text(self) -> str:
        return self.element.text

    def error(self) -> str | None:
        found = self.element.find_elements(By.CSS_SELECTOR, "[data-testid=cypherFrameErrorMessage]")
        return found[0].text if found else None

    def show(self, view: str) -> None:
        """Switch the result view: Visualization, Table, Ascii or Code."""
        button = self.element.find_element(
            By.CSS_SELECTOR, f"[data-testid=cypherFrameSidebar{view}]"
        )

        def clicked(_: WebDriver) -> bool:
            button.click()  # the sidebar may still be sliding in: retried until it takes
            return True

        WebDriverWait(
            self.driver,
            10,
            ignored_exceptions=(ElementNotInteractableException, ElementClickInterceptedException),
        ).until(clicked)

    def table(self) -> list[dict[str, object]]:
        """The Table view as records; cell values are the JSON Browser displays."""
        self.show("Table")
        table = WebDriverWait(self.driver, 10).until(
            lambda _: self.element.find_element(By.CSS_SELECTOR, "table[role=table]")
        )
        header = [th.text for th in table.find_elements(By.CSS_SELECTOR, "th[role=columnheader]")]
        rows = []
        for tr in table.find_elements(By.CSS_SELECTOR, "tbody tr[role=row]"):
            cells = [
                _json_or_text(td.text) for td in tr.find_elements(By.CSS_SELECTOR, "td[role=cell]")
            ]
            rows.append(dict(zip(header, cells, strict=True)))
        return rows

    def graph(self) -> list[DrawnNode]:
        """The nodes the Graph view draws, with their caption and the style's colour."""
        self.show("Visualization")
        WebDriverWait(self.driver, 10).until(
            lambda _: self.element.find_elements(By.CSS_SELECTOR, "svg g.node")
        )
        drawn = self.driver.execute_script(_GRAPH_NODES, self.element)
        return [DrawnNode(str(c), f, float(r)) for c, f, r in drawn]

    def graph_summary(self) -> str:
        """Browser's own count, e.g. "Displaying 14 nodes, 31 relationships."."""
        self.show("Visualization")
        inspector = WebDriverWait(self.driver, 10).until(
            lambda _: self.element.find_element(By.CSS_SELECTOR, "[data-testid=vizInspector]")
        )
        return next(
            (line for line in inspector.text.splitlines() if line.startswith("Displaying")), ""
        )


def _json_or_text(text: str) -> object:
    try:
        return json.loads(text)
    except ValueError:
        return text


class Neo4jBrowser:
    """A Browser tab connected to the server the settings describe."""

    def __init__(self, driver: WebDriver, settings: Settings, timeout: float = 30.0) -> None:
        self.driver = driver
        self.settings = settings
        self.wait = WebDriverWait(driver, timeout)

    def open_and_connect(self) -> None:
        """Open Browser with the connect form pre-filled, check it, and connect."""
        self.driver.get(connect_url(self.settings))
        self.wait.until(lambda d: self._connected() or self._form_ready())
        if self._connected():  # a server without auth, or remembered credentials
            return
        address = self._field("boltaddress")
        expected = urlparse(self.settings.neo4j_uri).netloc
        if address.get_attribute("value") != expected:  # never talk to another server
            address.clear()
            address.send_keys(expected)
        user = self._field("username")
        if user.get_attribute("value") != self.settings.neo4j_user:
            user.clear()
            user.send_keys(self.settings.neo4j_user)
        self._field("password").send_keys(self.settings.neo4j_password)
        self._field("connect").click()
        try:
            self.wait.until(lambda d: self._connected())
        except TimeoutException as exc:
            raise BrowserError(f"Browser did not connect: {self._stream_text()[:500]}") from exc

    def run(self, command: str) -> Frame:
        """Paste ``command`` into the editor, run it, and return its finished frame."""
        self.clear_editor()
        before = self._top_frame()
        # A Cypher frame is done when its result (or error) is loaded; `:param` when the
        # value came back from the server; other `:` commands render at once.
        if not command.startswith(":"):
            done = "frame-loaded-contents"
        elif command.startswith(":param"):
            done = "rawParamData"
        else:
            done = "frameContents"
        if not self.driver.execute_script(_PASTE, command):
            raise BrowserError("The Browser editor is not on the page.")
        self.driver.find_element(By.CSS_SELECTOR, "[data-testid=editor-Run]").click()

        def finished(_: WebDriver) -> WebElement | Literal[False]:
            top = self._top_frame()
            if top is None or (before is not None and top.id == before.id):
                return False
            try:
                loaded = top.find_elements(By.CSS_SELECTOR, f"[data-testid={done}]")
            except StaleElementReferenceException:
                return False
            return top if loaded else False

        frame = Frame(self.driver, self.wait.until(finished))
        error = frame.error()
        if error:
            raise BrowserError(f"{command[:80]!r} failed in Browser: {error}")
        return frame

    def clear_stream(self) -> None:
        """Run ``:clear``: every frame goes (it makes none of its own)."""
        self.clear_editor()
        if not self.driver.execute_script(_PASTE, ":clear"):
            raise BrowserError("The Browser editor is not on the page.")
        self.driver.find_element(By.CSS_SELECTOR, "[data-testid=editor-Run]").click()
        self.wait.until(lambda _: self._top_frame() is None)

    def editor_text(self) -> str:
        """What the editor shows (Monaco renders spaces as no-break spaces)."""
        text: str = self.driver.execute_script(_EDITOR_TEXT)
        return text.replace("\xa0", " ").strip()

    def clear_editor(self) -> None:
        if self.editor_text():
            self.driver.find_element(By.CSS_SELECTOR, "[data-testid=editor-discard]").click()
            self.wait.until(lambda _: not self.editor_text())

    def dismiss_banners(self) -> None:
        """Close the usage-data and similar banners (for screenshots)."""
        for button in self.driver.find_elements(
            By.XPATH, "//div[contains(., 'help make Neo4j Browser better')]/button"
        ):
            button.click()

    def _top_frame(self) -> WebElement | None:
        frames = self.driver.find_elements(By.CSS_SELECTOR, "[data-testid=frame]")
        return frames[0] if frames else None

    def _field(self, testid: str) -> WebElement:
        return self.driver.find_element(By.CSS_SELECTOR, f"[data-testid={testid}]")

    def _form_ready(self) -> bool:
        fields = self.driver.find_elements(By.CSS_SELECTOR, "[data-testid=password]")
        return bool(fields) and fields[0].is_displayed()

    def _connected(self) -> bool:
        """The connect frame says so, or the editor prompt names the database."""
        if "You are connected as user" in self._stream_text():
            return True
        prompt = self.driver.find_elements(
            By.CSS_SELECTOR, "[data-testid=activeEditor] .active-line-number"
        )
        try:
            return bool(prompt) and prompt[0].text == f"{self.settings.neo4j_database}$"
        except StaleElementReferenceException:
            return False

    def _stream_text(self) -> str:
        streams = self.driver.find_elements(By.CSS_SELECTOR, "[data-testid=stream]")
        try:
            return streams[0].text if streams else ""
        except StaleElementReferenceException:
            return ""
