"""The desk at 1024 px wide (a common office screen): headers on one line, names not broken one character
a line, the letter page usable; screenshots of each page for a person to look at."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from bench.synthetic import link_repeat, make_letter
from tests.browserutil import scanned_letter, sign_in, site  # noqa: F401
from xinfang.models.db import session_scope

pytestmark = [pytest.mark.browser, pytest.mark.slow]

WRAP_CHECK = """(selector) => [...document.querySelectorAll(selector)].filter(el => {
  // A piece of text broken over lines: one text node whose rectangles sit on more than one line.
  const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (!node.textContent.trim()) continue;
    const range = document.createRange();
    range.selectNodeContents(node);
    const tops = new Set([...range.getClientRects()].filter(r => r.width > 1).map(r => Math.round(r.top)));
    if (tops.size > 1) return true;
  }
  return false;
}).map(el => el.textContent.trim())"""


def seed(settings) -> int:  # noqa: ANN001
    today = date.today()
    with session_scope(settings.database_url) as s:
        earlier = make_letter(s, name="欧阳建国", status="confirmed", received=today - timedelta(days=50))
        for i, (name, category, department) in enumerate((
                ("司马秀英", "劳动和社会保障", "人社局"), ("上官志强", "城乡建设", "住建局"),
                ("王建国", "退役军人事务", "退役军人事务局"), ("诸葛海燕", "环境保护", "生态环境局"))):
            letter = make_letter(s, name=name, category=category, department=department,
                                 received=today - timedelta(days=3 * i), urgent=i == 0, purpose="揭发控告")
            if i == 1:
                link_repeat(s, letter, earlier)
        return scanned_letter(s, settings, pages=2, name="慕容雪", received=today - timedelta(days=20)).id


def test_pages_at_1024_wide_keep_headers_and_names_whole(site, browser, artifacts):  # noqa: F811
    settings, server = site
    letter_id = seed(settings)
    page = sign_in(browser, server, "root", width=1024, height=768)
    checks = [("queue", "/review", "#queue th, #queue td.name, #queue td .label"),
              ("letters", "/letters", "#letters th, #letters td:nth-child(1)"),
              ("letter", f"/letters/{letter_id}", "#fields th, #suggestions th, #review-form label > span, h1"),
              ("batch", "/batch", "h1, th"),
              ("stats", "/stats", "h1, h2, th"),
              ("admin-users", "/admin/users", "#users th, #users td:first-child"),
              ("admin", "/admin/", "h1, h2, th"),
              ("upload", "/upload", "h1, label")]
    for name, path, selector in checks:
        response = page.goto(f"{server.url}{path}")
        assert response.status == 200, path
        page.screenshot(path=str(artifacts / f"layout-1024-{name}.png"), full_page=True)
        header = page.locator("header.top").bounding_box()
        assert header["height"] < 60, f"{path}: the header wraps ({header['height']:.0f}px)"
        assert page.evaluate("document.documentElement.scrollWidth") <= 1024, f"{path}: wider than the screen"
        wrapped = page.evaluate(WRAP_CHECK, selector)
        assert not wrapped, f"{path}: these wrap at 1024px: {wrapped}"
