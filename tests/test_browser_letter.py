"""The letter page as a reviewer sees it in Chromium: Chinese labels and history, the recognised text beside
the scan, a text-only letter using the width, and zoom that keeps the page being read."""

from __future__ import annotations

import pytest

from bench.synthetic import make_letter
from tests.browserutil import scanned_letter, sign_in, site  # noqa: F401
from xinfang.models import record
from xinfang.models.db import session_scope

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_letter_page_reads_in_chinese_with_text_beside_the_scan(site, browser, artifacts):  # noqa: F811
    settings, server = site
    with session_scope(settings.database_url) as s:
        letter = scanned_letter(s, settings, pages=2, name="王建国")
        letter.fields = {**letter.fields,
                         "incident_dates": {"value": ["2023-03-05"], "confidence": 0.85, "span": None},
                         "addressee": {"value": "尊敬的县信访局领导", "confidence": 0.85, "span": [0, 9]},
                         "cosigners": {"value": [], "confidence": 0.8, "span": None},
                         "anonymous": {"value": False, "confidence": 0.9, "span": None}}
        record(s, "suggested", letter_id=letter.id, model_version="test-1", category="劳动和社会保障",
               purpose="求决", department="人社局")
        letter_id = letter.id
    page = sign_in(browser, server, "rev")
    page.goto(f"{server.url}/letters/{letter_id}")
    page.wait_for_selector("#pages img")
    fields = page.locator("#fields").inner_text()
    assert "事发日期" in fields and "收信单位" in fields and "2023-03-05" in fields
    for raw in ("incident_dates", "addressee", "null", "[]", "false"):
        assert raw not in fields
    page.locator("#facts details").last.click()  # open 处理记录
    audit = page.locator("#audit").inner_text()
    assert "查看 · rev" in audit and "模型建议 · 系统" in audit and "viewed" not in audit
    assert "（审核员）" in page.locator("header.top").inner_text()
    scan, text = page.locator("#scan").bounding_box(), page.locator("#text").bounding_box()
    assert text["x"] >= scan["x"] + scan["width"] - 1, "the text sits beside the scan"
    assert text["y"] < 250, f"the text starts near the top, not {text['y']:.0f}px down"
    page.screenshot(path=str(artifacts / "letter-01-chinese-text-beside-scan.png"))


def test_online_letter_uses_the_width(site, browser, artifacts):  # noqa: F811
    settings, server = site
    with session_scope(settings.database_url) as s:
        letter_id = make_letter(s, name="李秀英", form="网上信访").id
    page = sign_in(browser, server, "rev")
    page.goto(f"{server.url}/letters/{letter_id}")
    desk, text = page.locator("#desk").bounding_box(), page.locator("#reading").bounding_box()
    assert page.locator("#scan").count() == 0
    assert text["width"] > 0.55 * desk["width"], f"text column {text['width']:.0f} of {desk['width']:.0f}px"
    page.screenshot(path=str(artifacts / "letter-02-online-letter-width.png"))


def test_zoom_keeps_the_page_being_read(site, browser, artifacts):  # noqa: F811
    settings, server = site
    with session_scope(settings.database_url) as s:
        letter_id = scanned_letter(s, settings, pages=3, name="张志强").id
    page = sign_in(browser, server, "rev")
    page.goto(f"{server.url}/letters/{letter_id}")
    page.wait_for_selector("#pages img")
    for _ in range(2):
        page.keyboard.press("]")
    page.wait_for_function("() => [...document.querySelectorAll('#pages img')].every(i => i.complete && i.naturalHeight)")
    page.keyboard.press("]")  # after the lazy pages loaded, land exactly on page 3
    assert page.locator("#page-no").inner_text() == "3 / 3"

    def page_in_view() -> int:
        return page.evaluate("""() => {
          const box = document.getElementById('scan').getBoundingClientRect();
          const top = box.top + document.getElementById('scan-tools').offsetHeight + 5;
          const figs = [...document.querySelectorAll('#pages figure')];
          return figs.findIndex(f => { const r = f.getBoundingClientRect(); return r.top <= top && r.bottom > top; }) + 1;
        }""")

    assert page_in_view() == 3
    for key in ("+", "+", "-", "+"):
        page.keyboard.press(key)
        assert page_in_view() == 3, f"after {key} the view moved to page {page_in_view()}"
        assert page.locator("#page-no").inner_text() == "3 / 3"
    page.screenshot(path=str(artifacts / "letter-03-zoomed-page-3.png"))
    page.keyboard.press("[")
    assert page.locator("#page-no").inner_text() == "2 / 3" and page_in_view() == 2


def test_batch_letter_lists_its_siblings_with_pages_from_one(site, browser, artifacts):  # noqa: F811
    settings, server = site
    with session_scope(settings.database_url) as s:
        first = scanned_letter(s, settings, pages=5, name="王建国")
        first.page_numbers, first.page_count = [0, 1], 2
        ids = [first.id]
        for pages in ([2], [3, 4]):
            child = make_letter(s, name="李秀英")
            child.file_id, child.page_numbers, child.page_count = first.file_id, pages, len(pages)
            ids.append(child.id)
    page = sign_in(browser, server, "clerk")
    page.goto(f"{server.url}/letters/{ids[0]}")
    listing = page.locator("#batch")
    assert "同一扫描件分出 3 封信" in listing.inner_text()
    assert "第 1–2 页" in listing.inner_text() and "第 4–5 页" in listing.inner_text()
    page.screenshot(path=str(artifacts / "letter-04-batch-siblings.png"))
    with page.expect_navigation():
        listing.locator(f'a[href$="/letters/{ids[2]}"]').click()
    assert page.locator("#batch b").inner_text() == f"#{ids[2]}"
    assert "第 1 页（原件第 4 页）" in page.locator("#pages figcaption").first.inner_text()
    page.goto(f"{server.url}/letters?ids={ids[0]}")
    assert page.locator("#letters tbody tr").count() == 3
    page.screenshot(path=str(artifacts / "letter-05-batch-in-list.png"))
