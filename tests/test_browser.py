"""In a real browser: log in, upload a scan, watch it reach the queue, confirm it."""

from __future__ import annotations

import re

import pytest

from tests.conftest import WebServer, WorkerProcess, install_model, make_settings
from tests.services import tesseract_available
from tests.webutil import add_user
from xinfang.samples import letters_dir, load_index

pytestmark = [pytest.mark.browser, pytest.mark.redis, pytest.mark.ocr, pytest.mark.slow]


@pytest.fixture
def live(tmp_path, redis_url, starter_model_dir):
    from xinfang.models.db import upgrade

    tesseract_available()
    settings = make_settings(tmp_path / "var", redis_url=redis_url)
    upgrade(settings.database_url)
    install_model(settings, starter_model_dir)
    add_user(settings, "desk", "reviewer")
    worker = WorkerProcess(settings)
    server = WebServer(settings)
    yield settings, server
    server.stop()
    worker.stop()


def test_upload_see_it_processed_and_confirm(live, browser, artifacts):
    settings, server = live
    scan = letters_dir() / next(item for item in load_index() if item["id"] == "S0001")["scan"]
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.goto(f"{server.url}/login")
    page.fill("input[name=username]", "desk")
    page.fill("input[name=password]", "correct horse 1")
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r"/review"))
    page.screenshot(path=str(artifacts / "01-queue-empty.png"), full_page=True)

    page.goto(f"{server.url}/upload")
    page.set_input_files("#files", str(scan))
    page.screenshot(path=str(artifacts / "02-upload.png"), full_page=True)
    page.click("#upload-button")
    page.wait_for_url(re.compile(r"/letters\?ids="))
    row = page.locator("#letters tbody tr").first
    row.locator(".status", has_text="待审核").wait_for(timeout=240_000)
    page.screenshot(path=str(artifacts / "03-processed.png"), full_page=True)

    page.goto(f"{server.url}/review")
    page.locator("#queue tbody tr a").first.click()
    page.wait_for_selector("#review-form")
    page.screenshot(path=str(artifacts / "04-letter.png"), full_page=True)
    assert page.locator("#suggestions").is_visible()
    # The scan is a separate request: wait for it to load (or fail) before judging it.
    scan_image = page.locator(".scan img").first
    scan_image.evaluate("img => img.complete ? true : new Promise(done => { img.onload = img.onerror = done; })")
    assert scan_image.evaluate("img => img.naturalWidth") > 100
    page.keyboard.press("Control+Enter")
    page.wait_for_url(re.compile(r"/review"))
    assert "已确认" in page.content()
    page.screenshot(path=str(artifacts / "05-confirmed.png"), full_page=True)
    assert page.locator("#queue td.empty").is_visible()
