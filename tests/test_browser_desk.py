"""The desk in headless Chromium: a reviewer's keyboard run through the queue, a clerk's batch upload,
a supervisor's export, and a report hidden from the unit it accuses (page, URL and API)."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from openpyxl import load_workbook

from bench.synthetic import link_repeat, make_letter
from tests.conftest import WebServer, WorkerProcess, make_settings
from tests.webutil import add_user
from xinfang.models.db import session_scope

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture
def site(tmp_path):
    from xinfang.models.db import upgrade

    settings = make_settings(tmp_path / "var")
    upgrade(settings.database_url)
    for name, role, unit in (("rev", "reviewer", None), ("clerk", "clerk", None), ("boss", "supervisor", None),
                             ("town", "reviewer", "清河镇人民政府")):
        add_user(settings, name, role, unit=unit)
    server = WebServer(settings)
    yield settings, server
    server.stop()


def sign_in(browser, server, username: str):  # noqa: ANN001, ANN201
    page = browser.new_page(viewport={"width": 1440, "height": 1000}, accept_downloads=True)
    page.goto(f"{server.url}/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "correct horse 1")
    page.click("button[type=submit]")
    page.wait_for_load_state()
    return page


def test_reviewer_clears_the_queue_with_the_keyboard(site, browser, artifacts):
    settings, server = site
    today = date.today()
    with session_scope(settings.database_url) as s:
        earlier = make_letter(s, status="confirmed", matter="村里拖欠我工资三个月未发放。", received=today - timedelta(days=60))
        earlier.case_stage = "办理"
        first = make_letter(s, name="李秀英", received=today - timedelta(days=20), matter="村里拖欠我工资三个月未发放，至今没有结果。")
        link_repeat(s, first, earlier, passages=[["村里拖欠我工资三个月未发放", "村里拖欠我工资三个月未发放"]])
        make_letter(s, name="张志强", received=today - timedelta(days=3), category="环境保护",
                    department="生态环境局", purpose="意见建议", matter="工厂夜间噪声扰民。")
        make_letter(s, name="赵海燕", received=today, urgent=True, matter="再不解决我就到县政府门口去。")
    page = sign_in(browser, server, "rev")
    page.wait_for_url(re.compile(r"/review"))
    assert page.locator("#queue tbody tr").first.inner_text().find("扬言") >= 0
    assert "已超期" in page.locator("#queue tbody tr").nth(1).inner_text()
    page.screenshot(path=str(artifacts / "desk-01-queue.png"), full_page=True)
    page.keyboard.press("Enter")                       # open the selected (first) letter
    page.wait_for_selector("#review-form")
    assert "赵海燕" in page.content()
    page.keyboard.press("j")                           # look at the next letter first
    page.wait_for_function("() => document.querySelector('#petitioner').textContent === '李秀英'")
    assert "疑似重复信访" in page.content() and page.locator("mark.shared").count() == 2
    page.locator("#fields tr[data-field=phone]").click()
    assert page.locator("mark.field.on[data-field=phone]").count() == 1
    page.screenshot(path=str(artifacts / "desk-02-letter-repeat.png"), full_page=True)
    page.keyboard.press("k")
    page.wait_for_function("() => document.querySelector('#petitioner').textContent === '赵海燕'")
    page.keyboard.press("d")                           # the department field is one key away
    assert page.evaluate("document.activeElement.name") == "department"
    confirm_keys = confirmations = 0
    while True:
        with page.expect_navigation():                 # confirming a correct suggestion: one key, and the
            page.keyboard.press("Control+Enter")       # next letter opens by itself
        confirm_keys += 1
        confirmations += 1
        if "/review" in page.url:
            break
        page.wait_for_selector("#review-form")
    assert confirmations == 3
    assert confirm_keys / confirmations == 1        # the README's "1 keystroke" figure
    assert "已确认" in page.content() and page.locator("#queue td.empty").is_visible()
    page.screenshot(path=str(artifacts / "desk-03-queue-cleared.png"), full_page=True)


def test_clerk_uploads_a_batch_and_watches_it_finish(site, browser, artifacts, redis_url, tmp_path):
    settings, server = site
    # The web server reads its settings from the environment made by make_settings: same Redis queue.
    files = []
    for i, (name, matter) in enumerate((("王建国", "拖欠工资"), ("李秀英", "噪声扰民"), ("张志强", "低保资格"))):
        path = tmp_path / f"letter-{i}.txt"
        path.write_text(f"尊敬的县信访局领导：\n我叫{name}，联系电话1380013800{i}。反映{matter}问题，恳请解决。", encoding="utf-8")
        files.append(str(path))
    empty = tmp_path / "empty.png"
    empty.write_bytes(b"")
    files.append(str(empty))
    worker = WorkerProcess(settings)
    try:
        page = sign_in(browser, server, "clerk")
        page.goto(f"{server.url}/upload")
        page.set_input_files("#files", files)
        assert page.locator("#chosen li").count() == 4
        page.screenshot(path=str(artifacts / "desk-04-upload-chosen.png"), full_page=True)
        page.click("#upload-button")
        # The empty scan is refused at upload, saying why; the page stays until the clerk goes on.
        page.wait_for_selector("#continue", timeout=60_000)
        assert "空文件" in page.locator("#chosen li").nth(3).inner_text()
        page.click("#continue")
        page.wait_for_url(re.compile(r"/letters\?ids="), timeout=60_000)
        rows = page.locator("#letters tbody tr")
        assert rows.count() == 3
        # The list polls the API and reloads when every letter has left the pipeline.
        page.wait_for_function(
            "() => [...document.querySelectorAll('#letters .status')].every(c => ['待审核', '处理失败'].includes(c.textContent))",
            timeout=120_000)
        page.screenshot(path=str(artifacts / "desk-05-upload-done.png"), full_page=True)
        statuses = {row.locator("td").nth(1).inner_text(): row.locator(".status").inner_text()
                    for row in page.locator("#letters tbody tr").all()}
        reasons = page.locator("#letters .reason").all_inner_texts()
        page.goto(f"{server.url}/batch")
        in_review = sum(v == "待审核" for v in statuses.values())
        assert page.locator("[data-status=review]").inner_text() == str(in_review)
        assert page.locator("[data-status=failed]").inner_text() == str(3 - in_review)
        page.screenshot(path=str(artifacts / "desk-06-batch.png"), full_page=True)
        # A text letter needs no OCR: all three reach the queue.
        assert statuses == {"letter-0.txt": "待审核", "letter-1.txt": "待审核", "letter-2.txt": "待审核"}, reasons
    finally:
        worker.stop()


def test_supervisor_reads_and_exports_statistics(site, browser, artifacts, tmp_path):
    settings, server = site
    today = date.today()
    with session_scope(settings.database_url) as s:
        for i in range(6):
            make_letter(s, received=today.replace(day=1), purpose=["求决", "申诉", "意见建议"][i % 3],
                        cosigners=6 if i == 0 else None)
    page = sign_in(browser, server, "boss")
    page.goto(f"{server.url}/stats/")
    assert page.locator("#total").inner_text() == "6"
    assert "共受理群众来信6件，其中求决类2件" in page.locator("#summary").inner_text()
    page.screenshot(path=str(artifacts / "desk-07-stats.png"), full_page=True)
    with page.expect_download() as info:
        page.click("#export-xlsx")
    target = tmp_path / "stats.xlsx"
    info.value.save_as(target)
    overview = {row[0]: row[1] for row in load_workbook(target)["总览"].iter_rows(values_only=True)}
    assert overview["信访总量（件）"] == 6 and overview["集体信访（批）"] == 1


def test_accused_unit_cannot_open_a_report_by_queue_url_or_api(site, browser, artifacts):
    settings, server = site
    with session_scope(settings.database_url) as s:
        report = make_letter(s, name="匿名", purpose="揭发控告", accused="清河镇政府",
                             category="纪检监察", department="纪委监委", matter="镇干部违规收费。").id
        other = make_letter(s).id
    page = sign_in(browser, server, "town")
    page.goto(f"{server.url}/review")
    links = page.locator("#queue tbody tr a").evaluate_all("els => els.map(a => a.getAttribute('href'))")
    assert links == [f"/letters/{other}"]
    response = page.goto(f"{server.url}/letters/{report}")
    assert response.status == 404
    page.screenshot(path=str(artifacts / "desk-08-report-hidden.png"), full_page=True)
    page.goto(f"{server.url}/review")
    status = page.evaluate(f"fetch('/api/letters/{report}').then(r => r.status)")
    assert status == 404
    other_page = sign_in(browser, server, "rev")
    assert other_page.goto(f"{server.url}/letters/{report}").status == 200
