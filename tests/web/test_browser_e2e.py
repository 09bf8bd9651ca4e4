"""End to end in headless Chromium: sign in, choose, be refused, save, preview, approve, download."""

from __future__ import annotations

import difflib
import re
import time
import zipfile
from pathlib import Path

from docx import Document
from pypdf import PdfReader
from selenium.webdriver.common.by import By

from web.conftest import screenshot, screenshot_at, sign_in, submit

SCHOOL = "holtsmere-end"
POLICY = "social-media"
NEVER = "Personal use of social media is never permitted during working hours"


def wait_for_file(folder: Path, suffix: str, timeout: float = 120) -> Path:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        done = [p for p in folder.glob(f"*{suffix}") if p.stat().st_size > 0]  # Chromium renames when complete
        if done:
            return done[0]
        time.sleep(0.25)
    raise AssertionError(f"no {suffix} file was downloaded into {folder}")


def test_adviser_changes_a_choice_and_governors_approve(site, browser):
    school_file = site.root / "schools" / f"{SCHOOL}.yaml"
    original = school_file.read_bytes()
    sign_in(browser, site, "ann")
    assert browser.find_element(By.TAG_NAME, "h1").text == "Dashboard"
    assert "Holtsmere End Infant and Nursery School" in browser.find_element(By.TAG_NAME, "table").text
    screenshot(browser, "dashboard")

    # the editor: one fieldset per choice, legend = clause title, radios labelled by variant
    browser.get(f"{site.url}/schools/{SCHOOL}/policies/{POLICY}/choices")
    fieldset = browser.find_element(By.ID, "f-choices-personal-use-at-work")
    assert fieldset.find_element(By.TAG_NAME, "legend").text == "Personal use at work"
    labels = [e.text for e in fieldset.find_elements(By.CSS_SELECTOR, "label.radio-label")]
    assert labels[0].startswith("Never permitted at work")
    screenshot(browser, "editor")
    screenshot_at(browser, "editor-choice", fieldset)
    browser.find_element(By.ID, "f-choices-personal-use-at-work-never").click()
    cycle = browser.find_element(By.ID, "f-governance-review_cycle_months")
    cycle.clear()
    cycle.send_keys("0")  # not a review cycle: refused by the school file's own check
    submit(browser, cycle)

    summary = browser.find_element(By.CSS_SELECTOR, ".error-summary")
    link = summary.find_element(By.CSS_SELECTOR, "a[href='#f-governance-review_cycle_months']")
    assert "Review every (months)" in link.text
    inline = browser.find_element(By.ID, "f-governance-review_cycle_months-error")
    assert "greater than 0" in inline.text or "at least" in inline.text
    # what was chosen is kept on the page, and the file is untouched
    assert browser.find_element(By.ID, "f-choices-personal-use-at-work-never").is_selected()
    assert school_file.read_bytes() == original
    screenshot(browser, "editor-error")
    screenshot_at(browser, "editor-error-summary", summary)
    screenshot_at(browser, "editor-error-field", browser.find_element(By.ID, "f-governance-review_cycle_months"))

    cycle = browser.find_element(By.ID, "f-governance-review_cycle_months")
    cycle.clear()
    cycle.send_keys("24")
    submit(browser, cycle)
    assert "Saved" in browser.find_element(By.CSS_SELECTOR, ".banner-success").text
    text = school_file.read_text()
    assert re.search(r'personal-use-at-work: never +# the second "Or"', text)  # comments survive the round trip
    assert text.startswith("# Holtsmere End Infant and Nursery School")
    assert "review_cycle_months: 24" in text
    changed = [line for line in difflib.ndiff(original.decode().splitlines(), text.splitlines())
               if line.startswith(("- ", "+ "))]
    assert len(changed) == 2, changed  # only the one choice's line

    browser.get(f"{site.url}/schools/{SCHOOL}/policies/{POLICY}/preview")
    clause = browser.find_element(By.ID, "clause-personal-use-at-work")
    assert NEVER in clause.text
    assert browser.find_element(By.CSS_SELECTOR, ".policy-contents")
    screenshot(browser, "preview")

    # review: the change, with the word diff; then approve through "check your answers"
    browser.get(f"{site.url}/schools/{SCHOOL}/policies/{POLICY}/review")
    browser.find_element(By.ID, "f-day").send_keys("20")  # a meeting that has happened: approve refuses the future
    browser.find_element(By.ID, "f-month").send_keys("11")
    browser.find_element(By.ID, "f-year").send_keys("2026")
    by = browser.find_element(By.ID, "f-by")
    assert by.get_attribute("value") == "Full Governing Body"  # the approving body, by default
    browser.find_element(By.ID, "f-summary").send_keys("Personal use at work is no longer permitted")
    submit(browser, browser.find_element(By.XPATH, "//button[normalize-space()='Continue']"))
    assert browser.find_element(By.TAG_NAME, "h1").text == "Check your answers before approving"
    assert "20 November 2026" in browser.find_element(By.CSS_SELECTOR, ".summary-list").text
    assert "20 November 2026" not in school_file.read_text()  # nothing recorded before the final button
    screenshot(browser, "approve-check")
    submit(browser, browser.find_element(By.XPATH, "//button[normalize-space()='Approve the policy']"))
    assert "Approved: version 3" in browser.find_element(By.CSS_SELECTOR, ".banner-success").text
    history = browser.find_element(By.XPATH, "//h2[text()='Approval history']/following-sibling::table").text
    assert "20 November 2026" in history and "Personal use at work is no longer permitted" in history
    assert "version: \"3\"" in school_file.read_text() or "version: '3'" in school_file.read_text()
    assert list((site.root / "schools" / f"{SCHOOL}.approved").glob(f"{POLICY}-v3.*"))  # what was approved, frozen

    # a change after the approval shows on the review page as a redline, with the reason
    browser.get(f"{site.url}/schools/{SCHOOL}/policies/{POLICY}/choices")
    browser.find_element(By.ID, "f-choices-monitoring-occasional").click()
    submit(browser, browser.find_element(By.XPATH, "//button[normalize-space()='Save choices']"))
    browser.get(f"{site.url}/schools/{SCHOOL}/policies/{POLICY}/review")
    notes = browser.find_element(By.CSS_SELECTOR, ".change-notes").text
    assert "Monitoring of internet and email use" in notes
    assert "Choice changed from “Routine, without notice”" in notes  # labels, not ids
    marked = browser.find_element(By.CSS_SELECTOR, ".redline #clause-monitoring")
    assert marked.find_elements(By.TAG_NAME, "ins") and marked.find_elements(By.TAG_NAME, "del")
    screenshot(browser, "review")
    browser.find_element(By.PARTIAL_LINK_TEXT, "Word, with tracked changes").click()
    redline = wait_for_file(browser.downloads, "-redline.docx")
    with zipfile.ZipFile(redline) as docx_zip:
        body = docx_zip.read("word/document.xml").decode()
    assert "<w:ins " in body and "<w:del " in body  # real Word tracked changes
    browser.get(f"{site.url}/schools/{SCHOOL}/policies/{POLICY}/preview")
    assert "Not yet approved" in browser.find_element(By.CSS_SELECTOR, ".notice").text

    # downloads: a Word file and a PDF that open and hold the new wording
    browser.get(f"{site.url}/schools/{SCHOOL}")
    browser.find_element(By.PARTIAL_LINK_TEXT, "Word").click()
    docx = wait_for_file(browser.downloads, f"{SCHOOL}-{POLICY}.docx")
    text = "\n".join(p.text for p in Document(str(docx)).paragraphs)
    assert NEVER in text
    browser.find_element(By.PARTIAL_LINK_TEXT, "PDF").click()
    pdf = wait_for_file(browser.downloads, f"{SCHOOL}-{POLICY}.pdf")
    pages = PdfReader(str(pdf)).pages
    assert len(pages) > 3
    assert "never permitted during working hours" in " ".join(p.extract_text() for p in pages).replace("\n", " ")
