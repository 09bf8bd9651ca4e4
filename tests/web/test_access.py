"""Who may reach what, over real HTTP to a running server (and in Chromium for the clerk)."""

from __future__ import annotations

import http.client
import re
from contextlib import contextmanager
from typing import Iterator

import httpx
import pytest
from selenium.webdriver.common.by import By

from web.conftest import PASSWORD, sign_in

OTHER = "bradley-primary"
OWN = "holtsmere-end"


@contextmanager
def signed_in_client(site, name: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=site.url, follow_redirects=False, timeout=60) as client:
        page = client.get("/signin")
        token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
        done = client.post("/signin", data={"username": name, "password": PASSWORD, "csrf_token": token, "next": "/"})
        assert done.status_code == 303, done.text
        yield client


def csrf_of(client: httpx.Client, path: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', client.get(path).text).group(1)


def test_a_clerk_sees_only_their_own_school(site, browser):
    sign_in(browser, site, "carl")
    table = browser.find_element(By.TAG_NAME, "table").text
    assert "Holtsmere End" in table and "Bradley" not in table and "Roselands" not in table
    for path in (f"/schools/{OTHER}", f"/schools/{OTHER}/policies/social-media/preview",
                 f"/schools/{OTHER}/policies/social-media/review", f"/schools/{OTHER}/logo"):
        browser.get(site.url + path)
        assert browser.find_element(By.TAG_NAME, "h1").text == "Page not found", path
    browser.get(f"{site.url}/schools/{OWN}/policies/social-media/preview")
    assert "Social Media Policy" in browser.find_element(By.TAG_NAME, "h1").text


@pytest.mark.parametrize("path", [
    f"/schools/{OTHER}", f"/schools/{OTHER}/policies/social-media/preview",
    f"/schools/{OTHER}/policies/social-media/review", f"/schools/{OTHER}/policies/social-media/review/redline.docx",
    f"/schools/{OTHER}/policies/social-media/download/{OTHER}-social-media.pdf", f"/schools/{OTHER}/brand.css",
])
def test_a_clerk_gets_404_for_another_school(site, path):
    with signed_in_client(site, "carl") as client:
        assert client.get(path).status_code == 404


def test_a_clerk_cannot_edit_or_approve_another_school(site):
    school_file = site.root / "schools" / f"{OTHER}.yaml"
    before = school_file.read_bytes()
    with signed_in_client(site, "carl") as client:
        token = csrf_of(client, "/")
        posted = client.post(f"/schools/{OTHER}/policies/social-media/review/approve",
                             data={"csrf_token": token, "day": "1", "month": "1", "year": "2027", "by": "FGB"})
        assert posted.status_code == 404
        assert client.get(f"/schools/{OWN}/details").status_code == 403  # clerks do not edit
        assert client.get("/library").status_code == 403
    assert school_file.read_bytes() == before


def test_pages_need_signing_in(site):
    with httpx.Client(base_url=site.url, follow_redirects=False) as client:
        answer = client.get(f"/schools/{OWN}")
        assert answer.status_code == 303 and answer.headers["location"].startswith("/signin")


def test_a_post_without_the_csrf_token_is_refused(site):
    school_file = site.root / "schools" / f"{OWN}.yaml"
    before = school_file.read_bytes()
    with signed_in_client(site, "ann") as client:
        page = client.get(f"/schools/{OWN}/details")
        version = re.search(r'name="version" value="([^"]+)"', page.text).group(1)
        form = {"version": version, "name": "Renamed", "branding.colours.primary": "#000000"}
        assert client.post(f"/schools/{OWN}/details", data=form).status_code == 403
        assert client.post(f"/schools/{OWN}/details", data=form | {"csrf_token": "forged"}).status_code == 403
        assert client.post("/build", data={}).status_code == 403
        assert client.post(f"/schools/{OWN}/policies/social-media/review/approve",
                           data={"day": "1", "month": "1", "year": "2027", "by": "FGB"}).status_code == 403
    assert school_file.read_bytes() == before


@pytest.mark.parametrize("path", [
    "/schools/../users.yaml", "/schools/%2e%2e/users.yaml", "/schools/%2E%2E%2Fusers.yaml",
    "/schools/..%2fusers.yaml", "/schools/%2e%2e%2f%2e%2e%2fetc%2fpasswd", "/static/../users.yaml",
    "/static/%2e%2e/app.py", "/static/..%2f..%2fusers.yaml", "/schools/holtsmere-end/policies/..%2f..%2f/preview",
    "/schools/holtsmere-end/policies/social-media/download/..%2f..%2fusers.yaml",
    "/schools/holtsmere-end.approved/policies/social-media/preview", "/library/..%2fclauses",
])
def test_traversal_in_the_url_gets_404(site, path):
    with signed_in_client(site, "ann") as client:
        cookie = "; ".join(f"{k}={v}" for k, v in client.cookies.items())
    # a raw request: the path goes to the server exactly as written, not normalised by a client
    conn = http.client.HTTPConnection("127.0.0.1", site.port, timeout=60)
    conn.putrequest("GET", path, skip_accept_encoding=True)
    conn.putheader("Cookie", cookie)
    conn.endheaders()
    answer = conn.getresponse()
    body = answer.read().decode()
    assert answer.status == 404, (path, answer.status)
    assert "password" not in body and "Traceback" not in body


def test_every_response_has_a_content_security_policy(site):
    with signed_in_client(site, "ann") as client:
        for path in ("/", "/signin", "/static/site.css", "/nowhere", f"/schools/{OWN}/logo"):
            csp = client.get(path).headers.get("content-security-policy", "")
            assert "default-src 'none'" in csp and "frame-ancestors 'none'" in csp, path


def test_the_session_cookie_is_httponly_and_samesite(site):
    with httpx.Client(base_url=site.url) as client:
        page = client.get("/signin")
        cookie = page.headers["set-cookie"].lower()
        assert "httponly" in cookie and "samesite=strict" in cookie


def test_sign_in_is_rate_limited(site):
    with httpx.Client(base_url=site.url, follow_redirects=False) as client:
        codes = []
        for _ in range(7):
            token = csrf_of(client, "/signin")
            codes.append(client.post("/signin", data={"username": "mallory", "password": "guess-guess-guess",
                                                      "csrf_token": token}).status_code)
        assert codes[:5] == [400] * 5 and codes[5:] == [429, 429]
