"""Starting and stopping ``policygen serve``: accounts, the one-time link, Build all, and a clean exit."""

from __future__ import annotations

import io
import re
import subprocess
import time
import zipfile
from pathlib import Path

import httpx
from docx import Document
from PIL import Image
from selenium.webdriver.common.by import By

from web.conftest import POLICYGEN, Server, add_user, copy_fixture, screenshot, sign_in, submit


def own_office_processes(root: Path) -> list[int]:
    """Return the LibreOffice processes whose profile lies under ``root`` (this server's, no one else's)."""
    found = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            cmdline = (proc / "cmdline").read_bytes().decode(errors="replace")
        except OSError:
            continue
        if "soffice" in cmdline and str(root) in cmdline:
            found.append(int(proc.name))
    return found


def test_no_accounts_on_loopback_prints_a_one_time_link(tmp_path, browser):
    root = copy_fixture(tmp_path)
    server = Server(root)
    try:
        deadline = time.monotonic() + 30
        while "/signin/link/" not in server.log.read_text() and time.monotonic() < deadline:
            time.sleep(0.1)
        link = re.search(r"(http://\S+/signin/link/\S+)", server.log.read_text()).group(1)
        browser.get(link)
        assert browser.find_element(By.TAG_NAME, "h1").text == "Dashboard"
        assert "local adviser" in browser.find_element(By.CSS_SELECTOR, ".who").text
        with httpx.Client() as other:  # one time only
            assert other.get(link).status_code == 404
    finally:
        server.stop()


def test_no_accounts_on_another_interface_refuses_to_start(tmp_path):
    root = copy_fixture(tmp_path)
    done = subprocess.run([str(POLICYGEN), "serve", "--host", "0.0.0.0", "--port", "8799",
                           "--library-dir", str(root / "clauses"), "--schools-dir", str(root / "schools"),
                           "--users-file", str(root / "users.yaml")], capture_output=True, text=True, timeout=60)
    assert done.returncode == 1
    assert done.stderr.strip() == ("error: refusing to serve on 0.0.0.0 without accounts: add one first with "
                                   "`policygen users add NAME --role adviser --password-stdin`")


def test_users_are_listed_and_removed(tmp_path):
    root = copy_fixture(tmp_path)
    add_user(root, "clara", "clerk", "holtsmere-end", "bradley-primary")
    users = ["--users-file", str(root / "users.yaml")]
    listed = subprocess.run([str(POLICYGEN), "users", "list", *users], capture_output=True, text=True)
    assert listed.stdout.split() == ["clara", "clerk", "holtsmere-end,", "bradley-primary"]
    assert "argon2id" in (root / "users.yaml").read_text() and "correct horse" not in (root / "users.yaml").read_text()
    subprocess.run([str(POLICYGEN), "users", "remove", "clara", *users], check=True, capture_output=True)
    again = subprocess.run([str(POLICYGEN), "users", "remove", "clara", *users], capture_output=True, text=True)
    assert again.returncode == 1 and again.stderr.strip() == "error: no account named 'clara'"
    short = subprocess.run([str(POLICYGEN), "users", "add", "x", "--role", "adviser", "--password-stdin", *users],
                           input="short\n", capture_output=True, text=True)
    assert short.returncode == 1 and "at least 10 characters" in short.stderr


def test_build_all_runs_in_the_background_and_its_zip_opens(tmp_path, browser):
    root = copy_fixture(tmp_path)
    add_user(root, "ann", "adviser")
    server = Server(root)
    try:
        sign_in(browser, server, "ann")
        browser.get(server.url + "/build")
        submit(browser, browser.find_element(By.XPATH, "//button[normalize-space()='Build all policies']"))
        assert browser.find_element(By.ID, "build-progress").tag_name == "progress"
        refresh = browser.find_element(By.CSS_SELECTOR, "meta[http-equiv=refresh]")  # works without JavaScript
        assert refresh.get_attribute("content") == "2"
        screenshot(browser, "build-progress")
        deadline = time.monotonic() + 600
        while "Finished" not in browser.find_element(By.CSS_SELECTOR, ".progress-block").text:
            assert time.monotonic() < deadline, "Build all did not finish in 10 minutes"
            time.sleep(1)
            browser.refresh()
        assert "Finished: 3 of 3 policies" in browser.find_element(By.CSS_SELECTOR, ".progress-block").text
        assert not browser.find_elements(By.XPATH, "//h2[text()='Not built']"), browser.find_element(By.TAG_NAME, "main").text
        screenshot(browser, "build-done")
        href = browser.find_element(By.PARTIAL_LINK_TEXT, "Download all").get_attribute("href")
        cookies = {c["name"]: c["value"] for c in browser.get_cookies()}
        data = httpx.get(href, cookies=cookies, timeout=60).content
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = sorted(archive.namelist())
            assert names == sorted(f"{s}/{s}-social-media.{ext}" for s in
                                   ("bradley-primary", "holtsmere-end", "roselands-stafford") for ext in ("docx", "pdf"))
            doc = Document(io.BytesIO(archive.read("bradley-primary/bradley-primary-social-media.docx")))
            assert any("Bradley Primary School" in p.text for p in doc.paragraphs)
            assert archive.read("holtsmere-end/holtsmere-end-social-media.pdf").startswith(b"%PDF")
        assert own_office_processes(root)  # the warm pool is still up while the server runs
    finally:
        server.stop()
    assert server.proc.returncode == 0
    assert own_office_processes(root) == []  # stopped with the server


def test_a_logo_upload_is_checked_and_size_limited(tmp_path, browser):
    root = copy_fixture(tmp_path)
    add_user(root, "ann", "adviser")
    school = root / "schools" / "bradley-primary.yaml"
    server = Server(root)
    try:
        sign_in(browser, server, "ann")
        not_image = tmp_path / "notes.png"
        not_image.write_text("this is not a picture")
        huge = tmp_path / "huge.png"
        Image.effect_noise((1200, 1200), 80).convert("RGB").save(huge)  # noise does not compress: over 1 MB
        assert huge.stat().st_size > 1024 * 1024
        for upload, message in ((not_image, "must be a PNG, JPEG or GIF image"), (huge, "smaller than 1024 KB")):
            before = school.read_bytes()
            browser.get(server.url + "/schools/bradley-primary/details")
            browser.find_element(By.ID, "f-logo").send_keys(str(upload))
            submit(browser, browser.find_element(By.XPATH, "//button[normalize-space()='Save details']"))
            assert message in browser.find_element(By.ID, "f-logo-error").text
            assert school.read_bytes() == before
        good = tmp_path / "new-logo.png"
        Image.new("RGB", (120, 120), "#336699").save(good)
        browser.get(server.url + "/schools/bradley-primary/details")
        browser.find_element(By.ID, "f-logo").send_keys(str(good))
        submit(browser, browser.find_element(By.XPATH, "//button[normalize-space()='Save details']"))
        assert "Saved" in browser.find_element(By.CSS_SELECTOR, ".banner-success").text
        assert "logo: logos/bradley-primary.png" in school.read_text()
        assert (root / "schools" / "logos" / "bradley-primary.png").read_bytes() == good.read_bytes()
    finally:
        server.stop()
