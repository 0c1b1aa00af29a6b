"""Administration in Chromium: an admin adds a user, makes a bad edit (told why, nothing saved), then edits
departments and places; the running web app and a worker started before the edit both use the new data."""

from __future__ import annotations

import json

import pytest

from tests.browserutil import sign_in, site  # noqa: F401
from tests.conftest import WorkerProcess

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def edit_section(page, server, doc: str, section: str, change) -> None:  # noqa: ANN001
    page.goto(f"{server.url}/admin/")
    page.click(f'a[data-section="{doc}.{section}"]')
    value = json.loads(page.input_value("#section-value"))
    page.fill("#section-value", json.dumps(change(value), ensure_ascii=False, indent=1))
    page.click("#save-section")
    page.wait_for_load_state()


def test_admin_manages_users_and_office_data_live(site, browser, artifacts, tmp_path):  # noqa: F811
    settings, server = site
    worker = WorkerProcess(settings)  # started before any edit: it must pick the new places up by itself
    try:
        page = sign_in(browser, server, "root")
        page.click("header.top >> text=管理")
        page.click("#users-link")
        page.fill("#add-user [name=username]", "xiaowang")
        page.fill("#add-user [name=display_name]", "小王")
        page.select_option("#add-user [name=role]", "clerk")
        page.fill("#add-user [name=password]", "xiaowang pass 1")
        page.click("#add-user button[type=submit]")
        assert "已添加用户 xiaowang（登记员）" in page.locator(".flash").first.inner_text()
        assert page.locator('#users tr[data-user="xiaowang"]').count() == 1
        page.screenshot(path=str(artifacts / "admin-01-users.png"), full_page=True)

        # A routing-table entry naming a department the office does not have: refused, with the reason.
        def bad(categories: dict) -> dict:
            categories["环境保护"]["departments"].append("环保督察组")
            return categories

        edit_section(page, server, "office", "categories", bad)
        problems = page.locator("#problems")
        assert problems.is_visible() and "“环保督察组”不在责任单位列表中" in problems.inner_text()
        assert "环保督察组" in page.input_value("#section-value"), "the admin's text is kept to correct it"
        page.screenshot(path=str(artifacts / "admin-02-bad-edit.png"), full_page=True)
        assert not (settings.data_dir / "office.json").exists()

        def add_department(departments: dict) -> dict:
            departments["信访督查室"] = {"full_name": "清河县信访局督查室", "group": "信访"}
            return departments

        edit_section(page, server, "office", "departments", add_department)
        assert "已保存“责任单位”" in page.locator(".flash").first.inner_text()

        def add_township(townships: list) -> list:
            return [*townships, {"name": "新城镇", "kind": "镇", "villages": ["新城村", "高塘村"]}]

        edit_section(page, server, "places", "townships", add_township)
        assert "已保存" in page.locator(".flash").first.inner_text()
        assert "修改 责任单位" in page.locator("#admin-audit").inner_text()
        page.screenshot(path=str(artifacts / "admin-03-audit.png"), full_page=True)

        # The same running worker reads a new letter with the new township.
        clerk = sign_in(browser, server, "xiaowang", password="xiaowang pass 1")
        letter = tmp_path / "letter.txt"
        letter.write_text("尊敬的县信访局领导：\n我叫刘德明，家住新城镇高塘村，联系电话13800138123。村里拖欠工资，恳请解决。",
                          encoding="utf-8")
        clerk.goto(f"{server.url}/upload")
        clerk.set_input_files("#files", [str(letter)])
        clerk.click("#upload-button")
        clerk.wait_for_url("**/letters?ids=*", timeout=60_000)
        clerk.wait_for_function("() => document.querySelector('#letters .status').textContent === '待审核'",
                                timeout=120_000)
        clerk.locator("#letters tbody tr a").first.click()
        fields = clerk.locator("#fields").inner_text()
        assert "新城镇" in fields and "高塘村" in fields, fields

        # And the running web app offers the new department to a reviewer.
        reviewer = sign_in(browser, server, "rev")
        reviewer.goto(clerk.url)
        assert "信访督查室" in reviewer.locator("#review-form [name=department]").inner_text()
        reviewer.screenshot(path=str(artifacts / "admin-04-new-department-and-township.png"), full_page=True)
    finally:
        worker.stop()
