"""Administration on the real app and database: users (add, disable, reset password, role, unit) and the
office's data edited section by section, validated (a bad edit saves nothing), audited, live without restart."""

from __future__ import annotations

import json
import time

import pytest
from sqlalchemy import select

from bench.synthetic import make_letter
from tests.conftest import make_settings
from tests.webutil import add_user, csrf_token, login
from xinfang.classifier.model import Router
from xinfang.classifier.routing_table import (
    STARTER,
    current_office,
    read_office_data,
    save_office,
    validate_office,
)
from xinfang.core.errors import OfficeDataError
from xinfang.intake.stages import DEFAULT_PLACES, current_places
from xinfang.models import AuditEvent, User
from xinfang.models.db import session_scope
from xinfang.web import create_app


@pytest.fixture
def admin(settings):
    add_user(settings, "root", "admin")
    add_user(settings, "rev", "reviewer")
    app = create_app(settings)
    client = app.test_client()
    login(client, "root")
    return settings, app, client


def events(settings, action: str) -> list[AuditEvent]:
    with session_scope(settings.database_url) as s:
        rows = s.scalars(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)).all()
        s.expunge_all()
        return rows


def test_only_admins_reach_administration(admin):
    settings, app, _client = admin
    other = app.test_client()
    login(other, "rev")
    assert other.get("/admin/").status_code == 403
    assert other.get("/admin/users").status_code == 403
    assert other.get("/admin/data/office/departments").status_code == 403
    assert app.test_client().get("/admin/").status_code == 302  # to the login page


def test_admin_adds_a_user_who_can_log_in_and_is_audited(admin):
    settings, app, client = admin
    token = csrf_token(client, "/admin/users")
    response = client.post("/admin/users", data={"csrf_token": token, "username": "newclerk", "display_name": "小王",
                                                 "role": "clerk", "unit": "", "password": "secret pass 9"})
    assert response.status_code == 302
    fresh = app.test_client()
    login(fresh, "newclerk", "secret pass 9")
    assert fresh.get("/upload").status_code == 200
    added = events(settings, "user_added")
    assert added and added[-1].detail["after"]["username"] == "newclerk" and "password" not in json.dumps(added[-1].detail)
    # A taken name and a short password are refused with a message, nothing added.
    response = client.post("/admin/users", data={"csrf_token": token, "username": "newclerk", "role": "clerk",
                                                 "password": "secret pass 9"})
    assert response.status_code == 400 and "已被使用" in response.get_data(as_text=True)
    response = client.post("/admin/users", data={"csrf_token": token, "username": "x2", "role": "clerk",
                                                 "password": "short"})
    assert response.status_code == 400 and "至少 8 位" in response.get_data(as_text=True)


def test_admin_changes_role_and_unit_disables_and_resets_password(admin):
    settings, app, client = admin
    with session_scope(settings.database_url) as s:
        rev_id = s.scalar(select(User.id).where(User.username == "rev"))
    token = csrf_token(client, "/admin/users")
    response = client.post(f"/admin/users/{rev_id}", data={"csrf_token": token, "display_name": "审核一",
                                                           "role": "supervisor", "unit": "清河镇人民政府", "active": "y"})
    assert response.status_code == 302
    with session_scope(settings.database_url) as s:
        user = s.get(User, rev_id)
        assert (user.role, user.unit, user.display_name) == ("supervisor", "清河镇人民政府", "审核一")
    change = events(settings, "user_changed")[-1]
    assert change.detail["before"]["role"] == "reviewer" and change.detail["after"]["role"] == "supervisor"
    response = client.post(f"/admin/users/{rev_id}/password", data={"csrf_token": token, "password": "brand new 77"})
    assert response.status_code == 302
    fresh = app.test_client()
    login(fresh, "rev", "brand new 77")
    assert events(settings, "password_reset")[-1].detail["username"] == "rev"
    # Disabled: the login is refused and the running session ends.
    response = client.post(f"/admin/users/{rev_id}", data={"csrf_token": token, "role": "supervisor", "unit": ""})
    assert response.status_code == 302
    assert fresh.get("/upload").status_code == 302
    refused = app.test_client()
    page = refused.post("/login", data={"username": "rev", "password": "brand new 77",
                                        "csrf_token": csrf_token(refused, "/login")})
    assert page.status_code == 200 and "不正确" in page.get_data(as_text=True)


def test_admin_cannot_lock_themselves_out(admin):
    settings, app, client = admin
    with session_scope(settings.database_url) as s:
        root_id = s.scalar(select(User.id).where(User.username == "root"))
    token = csrf_token(client, "/admin/users")
    response = client.post(f"/admin/users/{root_id}", data={"csrf_token": token, "role": "clerk", "active": "y"})
    assert response.status_code == 400 and "不能停用自己" in response.get_data(as_text=True)


def test_office_sections_are_listed_and_editable_generically(admin):
    settings, app, client = admin
    page = client.get("/admin/")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    for section in ("office.categories", "office.departments", "office.purposes", "office.rules", "places.townships"):
        assert f'data-section="{section}"' in html
    # A section the editor has never heard of is edited the same way.
    data = read_office_data(settings.data_dir)
    save_office({**data, "purpose_cues": {"咨询": ["请问", "是否可以"]}}, settings.data_dir)
    page = client.get("/admin/data/office/purpose_cues")
    assert page.status_code == 200 and "是否可以" in page.get_data(as_text=True)
    assert client.get("/admin/data/office/no_such_section").status_code == 404
    assert client.get("/admin/data/nothing/departments").status_code == 404


def test_bad_edit_says_why_and_saves_nothing(admin):
    settings, app, client = admin
    token = csrf_token(client, "/admin/data/office/categories")
    before = json.dumps(read_office_data(settings.data_dir), ensure_ascii=False)
    cats = read_office_data(settings.data_dir)["categories"]
    cats["环境保护"]["departments"] = ["生态环境局", "环保督察组"]  # not a department of the office
    response = client.post("/admin/data/office/categories",
                           data={"csrf_token": token, "value": json.dumps(cats, ensure_ascii=False)})
    assert response.status_code == 400
    assert "“环保督察组”不在责任单位列表中" in response.get_data(as_text=True)
    response = client.post("/admin/data/office/purposes", data={"csrf_token": token, "value": '["求决", "申诉",]'})
    assert response.status_code == 400 and "第 1 行" in response.get_data(as_text=True)
    assert not (settings.data_dir / "office.json").exists()
    assert json.dumps(read_office_data(settings.data_dir), ensure_ascii=False) == before
    assert events(settings, "office_edited") == []


def test_edit_is_saved_audited_and_live_without_restart(admin):
    settings, app, client = admin
    with session_scope(settings.database_url) as s:
        letter_id = make_letter(s).id
    rev = app.test_client()
    login(rev, "rev")
    assert "信访督查室" not in rev.get(f"/letters/{letter_id}").get_data(as_text=True)
    token = csrf_token(client, "/admin/data/office/departments")
    departments = read_office_data(settings.data_dir)["departments"]
    departments["信访督查室"] = {"full_name": "清河县信访局督查室", "group": "信访"}
    response = client.post("/admin/data/office/departments",
                           data={"csrf_token": token, "value": json.dumps(departments, ensure_ascii=False)})
    assert response.status_code == 302
    assert "信访督查室" in json.loads((settings.data_dir / "office.json").read_text(encoding="utf-8"))["departments"]
    edit = events(settings, "office_edited")[-1]
    assert edit.detail["section"] == "departments" and "信访督查室" not in edit.detail["before"]
    assert "信访督查室" in edit.detail["after"] and edit.user_id is not None
    # The same running app offers the new department to the reviewer.
    page = rev.get(f"/letters/{letter_id}")
    assert page.status_code == 200 and "信访督查室" in page.get_data(as_text=True)
    assert "修改 责任单位" in client.get("/admin/").get_data(as_text=True)


def test_stale_form_does_not_overwrite_a_newer_edit(admin):
    settings, app, client = admin
    html = client.get("/admin/data/office/purposes").get_data(as_text=True)
    token = csrf_token(client, "/admin/data/office/purposes")
    stamp = html.split('name="stamp" value="', 1)[1].split('"', 1)[0]
    time.sleep(0.01)
    save_office({**read_office_data(settings.data_dir), "version": "2026-12"}, settings.data_dir)
    response = client.post("/admin/data/office/purposes", data={"csrf_token": token, "stamp": stamp,
                                                                "value": '["求决", "其他"]'})
    assert response.status_code == 400 and "已被他人修改" in response.get_data(as_text=True)


def test_places_are_edited_and_validated(admin):
    settings, app, client = admin
    token = csrf_token(client, "/admin/data/places/townships")
    response = client.post("/admin/data/places/townships",
                           data={"csrf_token": token, "value": '[{"name": "新城镇", "villages": ["新城村", "新城村"]}]'})
    assert response.status_code == 400 and "村/社区有重复" in response.get_data(as_text=True)
    response = client.post("/admin/data/places/townships",
                           data={"csrf_token": token, "value": '[{"name": "新城镇", "villages": ["新城村"]}]'})
    assert response.status_code == 302
    saved = json.loads((settings.data_dir / "places.json").read_text(encoding="utf-8"))
    assert saved["townships"] == [{"name": "新城镇", "villages": ["新城村"]}] and saved["county"] == "清河县"


def test_validate_office_names_each_problem():
    data = read_office_data()
    assert validate_office(data) == []
    assert validate_office([]) == ["办公室数据应是一个 JSON 对象（{…}）"]
    broken = json.loads(json.dumps(data))
    broken["purposes"] = ["求决", "求决", ""]
    broken["rules"]["discipline_unit"] = "监察局"
    broken["categories"]["民政"]["subcategories"] = "低保"
    problems = validate_office(broken)
    assert any("“求决”重复" in p for p in problems)
    assert any("空项" in p for p in problems)
    assert any("纪检监察单位“监察局”" in p for p in problems)
    assert any("“民政”的二级分类应是一个列表" in p for p in problems)
    with pytest.raises(OfficeDataError):
        save_office(broken, "/nonexistent-dir-never-written")


def test_workers_read_the_new_office_file_without_restart(tmp_path, monkeypatch):
    """The classifier's office (what the worker uses) follows the file; the places matcher too."""
    monkeypatch.setenv("XINFANG_DATA_DIR", str(tmp_path))
    assert "信访督查室" not in current_office().departments
    data = read_office_data()
    data["departments"]["信访督查室"] = {"full_name": "督查室"}
    save_office(data, tmp_path)
    assert "信访督查室" in current_office().departments
    model = Router.__new__(Router)
    model._office = None
    assert "信访督查室" in model.office.departments
    settings = make_settings(tmp_path)
    assert "城关镇" in current_places(settings).townships
    places = json.loads(DEFAULT_PLACES.read_text(encoding="utf-8"))
    places["townships"].append({"name": "新城镇", "villages": ["新城村"]})
    (tmp_path / "places.json").write_text(json.dumps(places, ensure_ascii=False), encoding="utf-8")
    assert "新城镇" in current_places(settings).townships


def test_a_broken_file_is_reported_not_a_500(admin):
    settings, app, client = admin
    (settings.data_dir / "places.json").write_text("{ broken", encoding="utf-8")
    page = client.get("/admin/")
    assert page.status_code == 200 and "places.json 无法读取" in page.get_data(as_text=True)
    response = client.get("/admin/data/places/townships")
    assert response.status_code == 302


def test_admin_adds_a_new_section(admin):
    settings, app, client = admin
    response = client.get("/admin/data/office?section=department_duties")
    assert response.status_code == 302 and response.headers["Location"].endswith("/admin/data/office/department_duties?new=1")
    page = client.get("/admin/data/office/department_duties?new=1")
    assert page.status_code == 200 and "新部分" in page.get_data(as_text=True)
    token = csrf_token(client, "/admin/data/office/department_duties?new=1")
    response = client.post("/admin/data/office/department_duties?new=1",
                           data={"csrf_token": token, "value": '{"人社局": ["劳动保障监察", "工资支付"]}'})
    assert response.status_code == 302
    assert read_office_data(settings.data_dir)["department_duties"]["人社局"] == ["劳动保障监察", "工资支付"]
    assert events(settings, "office_edited")[-1].detail["before"] is None
    response = client.get("/admin/data/office?section=bad name!")
    assert response.status_code == 302 and response.headers["Location"].endswith("/admin/")


def test_a_section_the_office_file_lacks_starts_from_the_starters(admin):
    """An office file written before complaint_kinds existed: the editor shows the starter's 26 kinds, so adding
    one extends them (saving one kind alone would have dropped the rest); a section the starter lacks starts empty."""
    settings, app, client = admin
    own = json.loads(STARTER.read_text(encoding="utf-8"))
    kinds = own.pop("complaint_kinds")
    (settings.data_dir / "office.json").write_text(json.dumps(own, ensure_ascii=False), encoding="utf-8")
    page = client.get("/admin/data/office/complaint_kinds?new=1")
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "新部分" in text
    assert all(kind in text for kind in kinds) and "血汗钱" in text
    page = client.get("/admin/data/office/department_duties?new=1")
    assert page.status_code == 200 and "血汗钱" not in page.get_data(as_text=True)
