"""axe-core, run in Chromium on every main page: no serious or critical WCAG 2.2 AA violations."""

from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from web.conftest import AXE, screenshot, sign_in, submit

PAGES = {
    "dashboard": "/",
    "school": "/schools/roselands-stafford",
    "details": "/schools/roselands-stafford/details",
    "choices": "/schools/roselands-stafford/policies/social-media/choices",
    "preview-roselands": "/schools/roselands-stafford/policies/social-media/preview",
    "review-roselands": "/schools/roselands-stafford/policies/social-media/review",
    "library": "/library",
    "library-policy": "/library/social-media",
    "build": "/build",
    "not-found": "/schools/nowhere",
}
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def violations(driver) -> list[str]:
    """Run axe-core on the current page; return its serious and critical violations, described."""
    assert AXE.is_file(), "axe-core is missing: run `make setup` (it fetches axe-core from npm)"
    driver.execute_script(AXE.read_text(encoding="utf-8"))
    driver.set_script_timeout(120)
    result = driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "axe.run(document, {runOnly: {type: 'tag', values: arguments[0]}}).then(done, e => done({error: String(e)}));",
        TAGS)
    assert "error" not in result, result
    assert result["passes"], "axe checked nothing"
    return [f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
            for v in result["violations"] if v["impact"] in ("serious", "critical")]


def test_sign_in_page_is_accessible(site, browser):
    browser.get(site.url + "/signin")
    assert browser.find_element(By.XPATH, "//label[@for='f-username']").text == "Username"
    assert browser.find_element(By.XPATH, "//label[@for='f-password']").text == "Password"
    assert violations(browser) == []
    screenshot(browser, "signin")


@pytest.mark.parametrize("name", list(PAGES))
def test_page_has_no_serious_violations(site, browser, name):
    sign_in(browser, site, "ann")
    browser.get(site.url + PAGES[name])
    heading = browser.find_element(By.TAG_NAME, "h1").text
    assert heading != "Sorry, something went wrong"
    assert (heading == "Page not found") == (name == "not-found"), heading
    found = violations(browser)
    screenshot(browser, name)
    assert found == [], found


def test_error_states_are_accessible(site, browser):
    """The editor with a refused value: error summary, inline message, no violations."""
    sign_in(browser, site, "ann")
    browser.get(site.url + "/schools/roselands-stafford/details")
    colour = browser.find_element(By.ID, "f-branding-colours-primary")
    colour.clear()
    colour.send_keys("dark blue")
    submit(browser, colour)
    summary = browser.find_element(By.CSS_SELECTOR, ".error-summary a[href='#f-branding-colours-primary']")
    assert "#RRGGBB" in summary.text
    assert "#RRGGBB" in browser.find_element(By.ID, "f-branding-colours-primary-error").text
    screenshot(browser, "details-error")
    assert violations(browser) == []


def test_the_editor_works_from_the_keyboard(site, browser):
    """Tab reaches the skip link first, and space picks a radio with no mouse."""
    sign_in(browser, site, "ann")
    browser.get(site.url + "/schools/roselands-stafford/policies/social-media/choices")
    body = browser.find_element(By.TAG_NAME, "body")
    body.send_keys(Keys.TAB)
    assert browser.switch_to.active_element.text == "Skip to main content"
    radio = browser.find_element(By.ID, "f-choices-monitoring-occasional")
    browser.execute_script("arguments[0].focus()", browser.find_element(By.ID, "f-choices-monitoring-routine"))
    browser.switch_to.active_element.send_keys(Keys.ARROW_DOWN)
    assert radio.is_selected()
