"""Under the Content-Security-Policy every page's scripts still run (they carry the response's nonce),
and nothing violates the policy; a clerk sees duplicates and refused files explained at upload."""

from __future__ import annotations

import re

import pytest

from bench.synthetic import make_letter
from tests.conftest import WebServer, make_settings
from tests.webutil import add_user
from xinfang.models.db import session_scope

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture
def site(tmp_path):
    from xinfang.models.db import upgrade

    settings = make_settings(tmp_path / "var")
    upgrade(settings.database_url)
    add_user(settings, "rev", "reviewer")
    with session_scope(settings.database_url) as s:
        for _ in range(2):
            make_letter(s)
    server = WebServer(settings)
    yield settings, server
    server.stop()


def test_scripts_run_under_the_policy_and_uploads_explain_themselves(site, browser, artifacts, tmp_path):
    _settings, server = site
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    violations: list[str] = []
    page.on("console", lambda msg: violations.append(msg.text) if "Content Security Policy" in msg.text else None)
    page.add_init_script("document.addEventListener('securitypolicyviolation', e => "
                         "console.log('Content Security Policy violation: ' + e.violatedDirective))")
    page.goto(f"{server.url}/login")
    page.fill("input[name=username]", "rev")
    page.fill("input[name=password]", "correct horse 1")
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r"/review"))
    page.keyboard.press("Enter")  # the queue's inline script opens the selected letter
    page.wait_for_selector("#review-form")
    page.keyboard.press("j")  # letter.js: next letter
    page.wait_for_url(re.compile(r"/letters/2"))

    scan = tmp_path / "信件.pdf"
    scan.write_bytes(b"%PDF-1.4 not really a pdf, but registered as one")
    word = tmp_path / "材料.docx"
    word.write_bytes(b"PK\x03\x04" + b"\x00\x17\x99" * 400)
    for attempt in (1, 2):
        page.goto(f"{server.url}/upload")
        files = [scan] if attempt == 1 else [scan, word]
        page.set_input_files("#files", [str(p) for p in files])
        assert page.locator("#chosen li").count() == len(files)  # the upload page's inline script ran
        if attempt == 1:
            with page.expect_navigation():
                page.click("#upload-button")
            continue
        page.click("#upload-button")
        page.wait_for_selector("#continue")  # with a problem the page stays, so the clerk reads why
        states = page.locator("#chosen .state").all_inner_texts()
        assert any(s.startswith("重复文件，已登记为 第 ") for s in states), states
        assert any("不是图片、PDF 或文本文件" in s for s in states), states
        assert page.locator("#chosen .state a").first.get_attribute("href").startswith("/letters/")
        page.screenshot(path=str(artifacts / "csp-upload-duplicate-and-refused.png"), full_page=True)
    for path in ("/letters", "/batch", "/password"):
        response = page.goto(f"{server.url}{path}")
        assert response.status == 200, path
        assert "script-src 'self' 'nonce-" in response.headers["content-security-policy"]
    assert violations == []
