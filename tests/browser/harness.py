"""Headless Chromium under Selenium, for the browser tests and the screenshot script.

Debian's ``chromium`` and ``chromedriver`` (``apt-get install chromium chromium-driver``)
are used as installed: the driver path is given to Selenium, so Selenium Manager never
tries to download one (the machines that run this have no outside network).
"""

from __future__ import annotations

import shutil
from pathlib import Path

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.chrome.webdriver import WebDriver

# --headless=new renders like a desktop Chrome; the rest keeps a closed machine quiet:
# no sandbox (root in a container), no GPU, no QUIC, and none of the background
# requests (updates, sync, field trials) a first run would make.
CHROMIUM_FLAGS: tuple[str, ...] = (
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
)

_BROWSERS = ("chromium", "chromium-browser", "google-chrome")


class ChromiumMissing(RuntimeError):
    """Chromium or chromedriver is not installed."""


def find_chromium() -> tuple[str, str]:
    """The paths of the Chromium binary and of its chromedriver."""
    browser = next((path for name in _BROWSERS if (path := shutil.which(name))), None)
    driver = shutil.which("chromedriver")
    if browser is None or driver is None:
        missing = " and ".join(
            name for name, path in (("chromium", browser), ("chromedriver", driver)) if not path
        )
        raise ChromiumMissing(
            f"The browser tests need {missing}: on Debian or Ubuntu run "
            "`apt-get install -y chromium chromium-driver`."
        )
    return browser, driver


def launch_chromium(profile_dir: Path, width: int = 1400, height: int = 1000) -> WebDriver:
    """A headless Chromium with a fresh profile in ``profile_dir`` (which must be empty)."""
    browser, driver = find_chromium()
    options = webdriver.ChromeOptions()
    options.binary_location = browser
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={profile_dir}")
    options.add_argument(f"--window-size={width},{height}")
    chrome = webdriver.Chrome(options=options, service=Service(executable_path=driver))
    chrome.set_page_load_timeout(60)
    return chrome
