"""The letter page reads as Chinese, not data: field labels and values, the 处理记录 with event names and
users, the role in the header, and a 身份证号 written with a wrong check digit."""

from __future__ import annotations

import re

import pytest

from bench.synthetic import make_letter
from tests.webutil import add_user, csrf_token, login
from xinfang.models import record
from xinfang.models.db import session_scope
from xinfang.web import create_app

WRONG_ID = "371523198004235691"  # check digit should be 5


@pytest.fixture
def desk(settings):
    add_user(settings, "rev", "reviewer")
    add_user(settings, "boss", "supervisor")
    app = create_app(settings)
    client = app.test_client()
    login(client, "rev")
    return settings, app, client


def letter_with_raw_fields(settings) -> int:
    with session_scope(settings.database_url) as s:
        letter = make_letter(s, name="王建国")
        text = letter.text + f"\n身份证号：{WRONG_ID}"
        start = text.index(WRONG_ID)
        letter.text = letter.ocr_text = text
        letter.fields = {**letter.fields,
                         "id_number": {"value": None, "confidence": 0.0, "span": None,
                                       "items": [{"value": WRONG_ID, "span": [start, start + 18], "confidence": 0.3,
                                                  "valid": False}]},
                         "incident_dates": {"value": ["2023-03-05", "2023-04-01"], "confidence": 0.85, "span": None},
                         "addressee": {"value": "尊敬的县信访局领导", "confidence": 0.85, "span": [0, 8]},
                         "accused": {"value": ["鑫海水产饲料有限公司", "村支书刘大海"], "confidence": 0.7, "span": None},
                         "cosigners": {"value": [], "confidence": 0.8, "span": None},
                         "cosigner_count": {"value": 0, "confidence": 0.8, "span": None},
                         "address": {"value": None, "confidence": 0.0, "span": None},
                         "anonymous": {"value": False, "confidence": 0.9, "span": None},
                         "urgency": {"value": False, "confidence": 0.9, "span": None},
                         "amounts": {"value": [5000.0], "confidence": 0.9, "span": None}}
        record(s, "status", letter_id=letter.id, status="review")
        record(s, "suggested", letter_id=letter.id, model_version="test-1", category="劳动和社会保障",
               purpose="求决", department="人社局")
        record(s, "repeat_found", letter_id=letter.id, earlier_id=3, kind="repeat", score=0.91)
        return letter.id


def fields_table(html: str) -> str:
    return html.split('id="fields"', 1)[1].split("</table>", 1)[0]


def test_fields_panel_shows_chinese_labels_and_human_values(desk):
    settings, _app, client = desk
    letter_id = letter_with_raw_fields(settings)
    response = client.get(f"/letters/{letter_id}")
    assert response.status_code == 200
    table = fields_table(response.get_data(as_text=True))
    for label in ("事发日期", "收信单位", "被反映对象", "涉及金额", "匿名"):
        assert f"<th>{label}</th>" in table, label
    assert "2023-03-05、2023-04-01" in table and "鑫海水产饲料有限公司、村支书刘大海" in table
    assert "5,000 元" in table and "<td>否" in table
    for raw in ("incident_dates", "addressee", "null", "[]", "false", "\\u", "&#34;"):
        assert raw not in table.replace('data-field="incident_dates"', "").replace('data-field="addressee"', ""), raw
    # Empty fields show nothing at all (no row): 住址, 联名人, 签名人数 0, 扬言 false.
    for label in ("住址", "联名人", "签名人数", "扬言"):
        assert f"<th>{label}</th>" not in table, label


def test_wrongly_written_id_number_says_what_was_written(desk):
    settings, app, client = desk
    letter_id = letter_with_raw_fields(settings)
    html = client.get(f"/letters/{letter_id}").get_data(as_text=True)
    row = fields_table(html).split('data-field="id_number"', 1)[1].split("</tr>", 1)[0]
    assert f"写作 {WRONG_ID}，校验位不符" in row and "0%" not in row and "null" not in row
    assert 'class="linked"' in fields_table(html).split('data-field="id_number"', 1)[1][:40]
    assert f'<mark data-field="id_number" class="field">{WRONG_ID}</mark>' in html
    boss = app.test_client()
    login(boss, "boss")
    html = boss.get(f"/letters/{letter_id}").get_data(as_text=True)
    assert WRONG_ID not in html and "写作 371523********5691，校验位不符" in html


def test_audit_trail_names_events_and_users_in_chinese(desk):
    settings, _app, client = desk
    letter_id = letter_with_raw_fields(settings)
    client.get(f"/letters/{letter_id}")
    html = client.get(f"/letters/{letter_id}").get_data(as_text=True)
    audit = html.split('id="audit"', 1)[1].split("</ol>", 1)[0]
    assert "<b>查看</b> · rev" in audit
    assert "<b>模型建议</b> · 系统 · 劳动和社会保障 / 求决 / 人社局（模型 test-1）" in audit
    assert "<b>状态变更</b> · 系统 · → 待审核" in audit
    assert "<b>发现疑似重复</b> · 系统 · 重复信访：#3，相似度 91%" in audit
    for raw in ("viewed", "suggested", "{&#34;", "&#34;", "\\u"):
        assert raw not in re.sub(r'data-action="[a-z_]+"', "", audit), raw


def test_reviewed_event_reads_as_a_decision(desk):
    settings, _app, client = desk
    letter_id = letter_with_raw_fields(settings)
    token = csrf_token(client, f"/letters/{letter_id}")
    response = client.post(f"/letters/{letter_id}/review", data={
        "csrf_token": token, "category": "劳动和社会保障", "purpose": "求决", "department": "住建局",
        "field-phone": "13900139000"})
    assert response.status_code == 302
    html = client.get(f"/letters/{letter_id}").get_data(as_text=True)
    audit = html.split('id="audit"', 1)[1].split("</ol>", 1)[0]
    assert "<b>审核</b> · rev · 更正后确认：" in audit and "责任单位 人社局 → 住建局" in audit
    assert "更正联系电话：13800138000 → 13900139000" in audit


def test_header_shows_the_role_in_chinese(desk):
    _settings, _app, client = desk
    response = client.get("/review")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "（审核员）" in html and "（reviewer）" not in html


def test_favicon_is_linked_and_served(desk):
    _settings, _app, client = desk
    html = client.get("/review").get_data(as_text=True)
    assert 'rel="icon"' in html
    response = client.get("/static/favicon.svg")
    assert response.status_code == 200 and b"<svg" in response.data
    assert client.get("/favicon.ico").status_code == 200
