"""The reviewer's keyboard in Chromium: C/P/D jump to the lists and typing pinyin initials picks a label
("rsj" → 人社局), X toggles the repeat box, B goes to the send-back reason, U undoes the last confirm; and a
confirmed letter is reopened with a reason."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest

from bench.synthetic import link_repeat, make_letter
from tests.browserutil import sign_in, site  # noqa: F401
from xinfang.models.db import session_scope
from xinfang.web.choices import pinyin_key

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def active(page) -> str:  # noqa: ANN001
    return page.evaluate("document.activeElement.name || document.activeElement.id")


def test_keys_reach_every_list_and_pinyin_initials_find_a_department(site, browser, artifacts):  # noqa: F811
    settings, server = site
    with session_scope(settings.database_url) as s:
        earlier = make_letter(s, status="confirmed", matter="村里拖欠我工资。", received=date.today() - timedelta(days=40))
        letter = make_letter(s, name="李秀英", department="生态环境局", category="环境保护", purpose="意见建议")
        link_repeat(s, letter, earlier)
        letter_id = letter.id
    page = sign_in(browser, server, "rev")
    page.goto(f"{server.url}/letters/{letter_id}")
    keys = page.locator("#keys").inner_text()
    for documented in ("C 内容分类", "P 信访目的", "D 责任单位", "X 重复件", "B 退回重扫", "U 撤销"):
        assert documented in keys, documented
    options = page.locator("#review-form [name=department] option").all_inner_texts()[1:]
    assert options == sorted(options, key=pinyin_key), "departments are sorted by pinyin"
    page.keyboard.press("c")
    assert active(page) == "category"
    page.keyboard.press("Escape")
    page.locator("body").click(position={"x": 5, "y": 300})
    page.keyboard.press("p")
    assert active(page) == "purpose"
    page.keyboard.type("qj")  # 求决
    assert page.locator("#review-form [name=purpose]").input_value() == "求决"
    page.locator("body").click(position={"x": 5, "y": 300})
    page.keyboard.press("d")
    assert active(page) == "department"
    page.keyboard.type("rsj")
    assert page.locator("#review-form [name=department]").input_value() == "人社局"
    assert "rsj → 人社局" in page.locator("#typed-department").inner_text()
    page.screenshot(path=str(artifacts / "keys-01-pinyin-rsj.png"))
    page.wait_for_timeout(2100)  # the typed letters are forgotten after a pause
    page.keyboard.type("zrzy")
    assert page.locator("#review-form [name=department]").input_value() == "自然资源局"
    page.wait_for_timeout(2100)
    page.keyboard.type("rlzy")  # initials of the full name 人力资源和社会保障局
    assert page.locator("#review-form [name=department]").input_value() == "人社局"
    page.locator("body").click(position={"x": 5, "y": 300})
    checked = page.locator("#review-form [name=is_repeat]").is_checked()
    page.keyboard.press("x")
    assert page.locator("#review-form [name=is_repeat]").is_checked() != checked
    page.keyboard.press("b")
    assert page.evaluate("document.activeElement.id") == "rescan-reason"


def test_undo_right_after_a_confirm_and_reopen_later(site, browser, artifacts):  # noqa: F811
    settings, server = site
    with session_scope(settings.database_url) as s:
        first = make_letter(s, name="赵海燕", received=date.today() - timedelta(days=5)).id
        make_letter(s, name="张志强", received=date.today() - timedelta(days=2))
    page = sign_in(browser, server, "rev")
    page.goto(f"{server.url}/letters/{first}")
    page.keyboard.press("d")
    page.keyboard.type("zjj")  # 住建局
    with page.expect_navigation():
        page.keyboard.press("Control+Enter")
    assert page.locator("#petitioner").inner_text() == "张志强"
    bar = page.locator("#undo-bar")
    assert bar.is_visible() and f"第 {first} 号信件刚刚确认" in bar.inner_text()
    page.screenshot(path=str(artifacts / "keys-02-undo-offered.png"))
    with page.expect_navigation():
        page.keyboard.press("u")
    assert re.search(rf"/letters/{first}$", page.url)
    assert page.locator("h1 .status").inner_text() == "待审核" and page.locator("#review-form").count() == 1
    assert page.locator("#undo-bar").count() == 0
    page.locator("#facts details").last.click()
    assert "撤销确认 · rev" in page.locator("#audit").inner_text()
    # Confirm again, then reopen it from the letter page with a reason.
    with page.expect_navigation():
        page.keyboard.press("Control+Enter")
    page.goto(f"{server.url}/letters/{first}")
    assert page.locator("#confirmed").is_visible()
    page.fill("#reopen-form input[name=reason]", "分错单位，应为住建局")
    with page.expect_navigation():
        page.click("#reopen")
    assert page.locator("h1 .status").inner_text() == "待审核"
    assert page.locator("#undo-bar").count() == 0, "no 撤销 offered for a letter that is open again"
    page.locator("#facts details").last.click()
    assert "重新打开 · rev · 原因：分错单位，应为住建局" in page.locator("#audit").inner_text()
    page.screenshot(path=str(artifacts / "keys-03-reopened.png"))
