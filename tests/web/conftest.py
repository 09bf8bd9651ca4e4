"""A real server over a copy of tests/fixtures/web, and a real headless Chromium to drive it."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FIXTURE = ROOT / "tests" / "fixtures" / "web"
POLICYGEN = Path(sys.executable).with_name("policygen")
PASSWORD = "correct horse battery"
SCREENSHOTS = ROOT / "output" / "web-tests" / "screenshots"
AXE = ROOT / ".venv" / "npm" / "node_modules" / "axe-core" / "axe.min.js"
CHROME_ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
               "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-dev-shm-usage",
               "--window-size=1280,1000"]


def copy_fixture(dest: Path) -> Path:
    """Copy the web fixture (library and schools) to ``dest`` and return it."""
    shutil.copytree(FIXTURE, dest, dirs_exist_ok=True)
    return dest


def add_user(root: Path, name: str, role: str, *schools: str) -> None:
    args = [str(POLICYGEN), "users", "add", name, "--role", role, "--password-stdin",
            "--users-file", str(root / "users.yaml"), "--schools-dir", str(root / "schools")]
    for school in schools:
        args += ["--school", school]
    subprocess.run(args, input=PASSWORD + "\n", text=True, check=True, capture_output=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """``policygen serve`` in its own process group."""

    def __init__(self, root: Path, *extra: str):
        self.root = root
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = root / "server.log"
        self.proc = subprocess.Popen(
            [str(POLICYGEN), "serve", "--port", str(self.port), "--library-dir", str(root / "clauses"),
             "--schools-dir", str(root / "schools"), "--out", str(root / "out"),
             "--users-file", str(root / "users.yaml"), *extra],
            stdout=open(self.log, "w"), stderr=subprocess.STDOUT, start_new_session=True,
            env=os.environ | {"TMPDIR": str(root / "tmp")})
        (root / "tmp").mkdir(exist_ok=True)
        deadline = time.monotonic() + 120
        while True:
            try:
                urllib.request.urlopen(self.url + "/signin", timeout=5)
                break
            except OSError:
                if self.proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"the server did not start:\n{self.log.read_text()}")
                time.sleep(0.2)

    def stop(self) -> None:
        """Stop the server as Ctrl-C does and wait for its process group to end."""
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGINT)
            try:
                self.proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()


@pytest.fixture(scope="session")
def site(tmp_path_factory):
    """A running server over a fresh copy of the fixture, with an adviser and a clerk."""
    root = copy_fixture(tmp_path_factory.mktemp("site"))
    add_user(root, "ann", "adviser")
    add_user(root, "carl", "clerk", "holtsmere-end")
    server = Server(root)
    yield server
    server.stop()


@pytest.fixture(scope="session")
def browser_factory(tmp_path_factory):
    """Return a function that starts a fresh headless Chromium (each with its own profile)."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    started = []

    def start():
        options = webdriver.ChromeOptions()
        options.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
        for arg in CHROME_ARGS:
            options.add_argument(arg)
        profile = tempfile.mkdtemp(prefix="chromium-", dir=tmp_path_factory.getbasetemp())
        options.add_argument(f"--user-data-dir={profile}")
        downloads = Path(profile) / "downloads"
        downloads.mkdir()
        options.add_experimental_option("prefs", {"download.default_directory": str(downloads),
                                                  "download.prompt_for_download": False})
        options.set_capability("goog:loggingPrefs", {"browser": "ALL"})  # the console, read by console_errors
        service = Service(shutil.which("chromedriver") or "/usr/bin/chromedriver")
        driver = webdriver.Chrome(options=options, service=service)
        driver.downloads = downloads
        driver.visited = set()  # pages the test opened itself: their own 4xx answers are what it asked for
        opened = driver.get
        driver.get = lambda url: (driver.visited.add(url.split("#")[0]), opened(url))[1]
        started.append(driver)
        return driver

    yield start
    for driver in started:
        if driver.session_id:
            driver.quit()


@pytest.fixture
def browser(browser_factory):
    """A fresh Chromium; the test fails if a page logged an error to the console (see :func:`console_errors`)."""
    driver = browser_factory()
    yield driver
    errors = console_errors(driver)
    driver.quit()
    driver.session_id = None
    assert not errors, f"the pages logged errors to the browser console: {errors}"


def console_errors(driver) -> list[str]:
    """Return the errors Chromium's console logged since the last call (a script error, a refused style, a
    missing stylesheet, image or icon), leaving out the 4xx answer of a page the test opened or submitted
    on purpose (a refused page, a form sent back with its errors)."""
    found = []
    for entry in driver.get_log("browser"):
        if entry["level"] != "SEVERE":
            continue
        url = entry["message"].split(" ", 1)[0].split("#")[0]
        if entry["source"] == "network" and url in driver.visited and " status of 4" in entry["message"]:
            continue
        found.append(entry["message"])
    return found


def submit(driver, element) -> None:
    """Click ``element`` (or submit its form) and wait until the next page has loaded."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    page = driver.find_element(By.TAG_NAME, "html")
    if element.tag_name in ("button", "a"):
        element.click()
    else:
        element.submit()
    WebDriverWait(driver, 120).until(lambda _: replaced(page))
    if hasattr(driver, "visited"):
        driver.visited.add(driver.current_url.split("#")[0])  # the page the form or link led to


def replaced(page) -> bool:
    """Return True once ``page`` (the old page's <html>) is no longer the document shown.

    Selenium's ``staleness_of`` waits for StaleElementReferenceException only.
    While the new page replaces the old one chromedriver may answer instead
    "unhandled inspector error: Node with given id does not belong to the
    document" (or "No node with given id found"): the node is gone, which is
    what is waited for, not an error of the page.
    """
    from selenium.common.exceptions import StaleElementReferenceException, WebDriverException

    try:
        page.is_enabled()
        return False
    except StaleElementReferenceException:
        return True
    except WebDriverException as exc:
        if "does not belong to the document" in str(exc) or "No node with given id" in str(exc):
            return True
        raise


def sign_in(driver, site, name: str) -> None:
    """Sign in through the form, as a person would."""
    from selenium.webdriver.common.by import By

    driver.get(site.url + "/signin")
    driver.find_element(By.ID, "f-username").send_keys(name)
    driver.find_element(By.ID, "f-password").send_keys(PASSWORD)
    submit(driver, driver.find_element(By.CSS_SELECTOR, "main form button[type=submit]"))


def screenshot(driver, name: str) -> Path:
    """Save a full-page screenshot of the current page under output/web-tests/screenshots."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    height = driver.execute_script("return document.documentElement.scrollHeight")
    driver.set_window_size(1280, min(max(height, 800), 6000))
    path = SCREENSHOTS / f"{name}.png"
    driver.save_screenshot(str(path))
    driver.set_window_size(1280, 1000)
    return path


def screenshot_at(driver, name: str, element) -> Path:
    """Save a screenshot of the window with ``element`` scrolled to its top."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    driver.execute_script("arguments[0].scrollIntoView({block: 'start'}); window.scrollBy(0, -20)", element)
    path = SCREENSHOTS / f"{name}.png"
    driver.save_screenshot(str(path))
    return path
