"""The 揭发控告 rule and identity masking through every door: pages, OCR lines, the audit trail, the
queue and its search, the repeat comparison, the API, exports, headers and file names."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
from openpyxl import load_workbook
from PIL import Image
from sqlalchemy import select

from bench.synthetic import link_repeat, make_letter
from tests.webutil import add_user, csrf_token, login
from xinfang.core.privacy import is_identity_query, mask_identity_text
from xinfang.intake.ingest import ingest_stream
from xinfang.models import AuditEvent, Letter, Status, StoredFile, User
from xinfang.models.db import session_scope
from xinfang.web import create_app
from xinfang.web.tokens import make_token

ID = "371523199702213295"
PHONE = "13912345678"
TOWN = "清河镇人民政府"


def _with_identity(s, **kwargs) -> Letter:  # noqa: ANN001
    """A letter whose text, OCR lines and fields carry a full 身份证号 and phone."""
    letter = make_letter(s, phone=PHONE, **kwargs)
    extra = f"\n身份证号码 {ID}，另一个电话 139 1234 5678。"
    letter.text = letter.text + extra
    letter.ocr_text = letter.text
    letter.ocr_pages = [{"index": 0, "engine": "test", "lines": [
        {"text": line, "confidence": 0.9, "box": [0, 0, 1, 1]} for line in letter.text.splitlines()]}]
    letter.fields = {**letter.fields, "id_number": {"value": ID, "confidence": 0.99},
                     "address": {"value": f"清河镇东关村，电话{PHONE}", "confidence": 0.7}}
    letter.id_number = ID
    s.flush()
    return letter


@pytest.fixture
def desk(db_settings):
    for name, role, unit in (("rev", "reviewer", None), ("boss", "supervisor", None), ("clerk", "clerk", None),
                             ("town", "reviewer", TOWN)):
        add_user(db_settings, name, role, unit=unit)
    app = create_app(db_settings)
    with session_scope(db_settings.database_url) as s:
        ids = {u.username: u.id for u in s.scalars(select(User))}

    def headers(name: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {make_token(app.config['SECRET_KEY'], ids[name])}"}
    return db_settings, app, headers


def _no_identity(text: str) -> None:
    for secret in (ID, PHONE, "139 1234 5678", "19970221"):
        assert secret not in text, secret


def test_mask_identity_text_finds_numbers_as_written():
    masked = mask_identity_text(f"身份证{ID}，电话 139-1234-5678，全角３７１５２３１９９７０２２１３２９Ｘ，2023年3月3日")
    assert masked == "身份证371523********3295，电话 139****5678，全角371523********329X，2023年3月3日"
    assert is_identity_query("1997022") and not is_identity_query("王建国") and not is_identity_query("2023")


def test_supervisors_see_no_identity_anywhere(desk):
    settings, app, headers = desk
    with session_scope(settings.database_url) as s:
        earlier = _with_identity(s, received=date.today() - timedelta(days=30))
        letter = _with_identity(s)
        link_repeat(s, letter, earlier, passages=[[f"身份证号码 {ID}", f"身份证号码 {ID}"]])
        letter_id = letter.id
    reviewer = app.test_client()
    login(reviewer, "rev")
    assert ID in reviewer.get(f"/letters/{letter_id}").get_data(as_text=True)  # reviewers see it in full
    token = csrf_token(reviewer, f"/letters/{letter_id}")
    confirmed = reviewer.post(f"/letters/{letter_id}/review", data={
        "csrf_token": token, "category": "劳动和社会保障", "purpose": "求决", "department": "人社局",
        "is_repeat": "y", "field-id_number": "110101199003077777", "field-phone": "13700001111"})
    assert confirmed.status_code == 302
    boss = app.test_client()
    login(boss, "boss")
    page = boss.get(f"/letters/{letter_id}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    _no_identity(html)
    assert "110101199003077777" not in html and "13700001111" not in html  # the audit trail's review details
    assert "371523********3295" in html
    record = boss.get(f"/api/letters/{letter_id}", headers=headers("boss"))
    assert record.status_code == 200
    _no_identity(record.get_data(as_text=True))
    suggestions = boss.get(f"/api/letters/{letter_id}/suggestions", headers=headers("boss"))
    assert suggestions.status_code == 200
    _no_identity(suggestions.get_data(as_text=True))
    with session_scope(settings.database_url) as s:
        waiting = _with_identity(s).id
    queue = boss.get("/review")
    assert queue.status_code == 200 and f'data-id="{waiting}"' in queue.get_data(as_text=True)
    _no_identity(queue.get_data(as_text=True))
    api_queue = boss.get("/api/queue", headers=headers("boss"))
    assert api_queue.status_code == 200
    _no_identity(api_queue.get_data(as_text=True))


def test_a_search_by_identity_number_is_no_oracle_for_masked_roles(desk):
    settings, app, headers = desk
    with session_scope(settings.database_url) as s:
        with_id = _with_identity(s).id
        other = make_letter(s, name="张三", phone="13500000000").id
    client = app.test_client()
    for q in (ID, "19970221", PHONE, "1234 5678"):
        masked = client.get(f"/api/queue?q={q}", headers=headers("boss"))
        assert masked.status_code == 200 and masked.json["total"] == 0 and masked.json["items"] == [], q
    assert client.get(f"/api/queue?q={ID}", headers=headers("rev")).json["total"] == 1
    login(client, "boss")
    page = client.get(f"/review?q={ID}")
    assert page.status_code == 200 and "没有符合条件" in page.get_data(as_text=True)
    # Nor is the letter page's next/previous link within the filtered queue.
    letter_page = client.get(f"/letters/{other}?q=19970221")
    assert letter_page.status_code == 200 and f"/letters/{with_id}" not in letter_page.get_data(as_text=True)
    stepped = client.get(f"/letters/{other}/next?q=19970221")
    assert stepped.status_code == 302 and f"/letters/{with_id}" not in stepped.headers["Location"]


def test_an_accused_units_reviewer_cannot_confirm_who_reported_them(desk):
    settings, app, headers = desk
    with session_scope(settings.database_url) as s:
        hidden = make_letter(s, name="李秀英", phone="13600001234", purpose="揭发控告", accused=TOWN,
                             matter="镇政府挪用扶贫款。", received=date.today() - timedelta(days=40))
        visible = make_letter(s, name="李秀英", phone="13600001234", matter="我的扶贫款一直没发放。")
        link_repeat(s, visible, hidden, passages=[["扶贫款", "镇政府挪用扶贫款"]])
        hidden_id, visible_id = hidden.id, visible.id
    client = app.test_client()
    h = headers("town")
    assert client.get(f"/api/letters/{hidden_id}", headers=h).status_code == 404
    for q in ("挪用扶贫款", "镇政府挪用"):
        found = client.get(f"/api/queue?q={q}", headers=h)
        assert found.status_code == 200 and found.json == {**found.json, "total": 0, "items": []}, q
    everything = client.get("/api/queue", headers=h).json
    assert everything["total"] == 1 and [x["id"] for x in everything["items"]] == [visible_id]
    assert everything["items"][0]["repeat_of"] is None
    suggestions = client.get(f"/api/letters/{visible_id}/suggestions", headers=h)
    assert suggestions.status_code == 200 and suggestions.json["repeat"] is None
    assert "挪用" not in suggestions.get_data(as_text=True)
    record = client.get(f"/api/letters/{visible_id}", headers=h).json
    assert record["repeat_of"] is None and record["reasons"] is None and record["matter_group"] is None
    login(client, "town")
    for path in (f"/letters/{visible_id}", "/review", "/review?q=扶贫款"):
        page = client.get(path)
        assert page.status_code == 200, path
        html = page.get_data(as_text=True)
        assert f"/letters/{hidden_id}" not in html and f"#{hidden_id}" not in html and "挪用" not in html, path
    # A plain reviewer sees the link.
    assert app.test_client().get(f"/api/letters/{visible_id}/suggestions",
                                 headers=headers("rev")).json["repeat"]["earlier_id"] == hidden_id


def _scan(settings, s) -> int:  # noqa: ANN001
    buffer = io.BytesIO()
    Image.new("L", (300, 400), 255).save(buffer, format="PNG")
    buffer.seek(0)
    letter_id = ingest_stream(s, settings, buffer, "scan.png").letter_ids[0]
    letter = s.get(Letter, letter_id)
    letter.status, letter.page_count = Status.review, 1
    return letter_id


def test_page_images_suggestions_and_the_earlier_letter_are_audited_views(desk):
    settings, app, headers = desk
    with session_scope(settings.database_url) as s:
        scan_id = _scan(settings, s)
        earlier = make_letter(s, received=date.today() - timedelta(days=20))
        letter = make_letter(s)
        link_repeat(s, letter, earlier, passages=[["拖欠工资", "拖欠工资"]])
        letter_id, earlier_id = letter.id, earlier.id
    client = app.test_client()
    login(client, "rev")
    image = client.get(f"/letters/{scan_id}/pages/0.png")
    assert image.status_code == 200 and image.mimetype == "image/jpeg"  # page images are made at intake, as JPEG
    assert image.headers["Cache-Control"] == "private, no-store"
    assert client.get(f"/api/letters/{letter_id}/suggestions", headers=headers("rev")).status_code == 200
    assert client.get(f"/letters/{letter_id}").status_code == 200
    with session_scope(settings.database_url) as s:
        views = [(e.letter_id, (e.detail or {}).get("via")) for e in
                 s.scalars(select(AuditEvent).where(AuditEvent.action == "viewed"))]
    assert (scan_id, "page_image") in views
    assert (letter_id, "api_suggestions") in views
    assert (earlier_id, "repeat_comparison") in views


def test_security_headers_and_secure_cookies(desk, monkeypatch):
    settings, app, _headers = desk
    client = app.test_client()
    login(client, "clerk")
    page = client.get("/upload")
    assert page.status_code == 200
    csp = page.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in csp and "script-src 'self' 'nonce-" in csp and "unsafe-inline" not in \
        csp.split("script-src", 1)[1].split(";", 1)[0]
    nonce = csp.split("'nonce-", 1)[1].split("'", 1)[0]
    assert f'<script nonce="{nonce}">' in page.get_data(as_text=True)
    assert page.headers["X-Frame-Options"] == "DENY"
    assert page.headers["X-Content-Type-Options"] == "nosniff"
    assert page.headers["Referrer-Policy"] == "same-origin"
    assert page.headers["Cache-Control"] == "private, no-store"
    assert client.get("/api/me").headers["Cache-Control"] == "private, no-store"
    assert "Secure" not in client.get("/login").headers.get("Set-Cookie", "")
    monkeypatch.setenv("XINFANG_SECURE_COOKIES", "1")
    from xinfang.core.config import load_settings

    assert load_settings().secure_cookies is True
    secure = create_app(settings.with_(secure_cookies=True)).test_client()
    response = secure.get("/login")
    assert response.status_code == 200 and "; Secure" in response.headers["Set-Cookie"]


def test_exports_never_write_formulas(desk, tmp_path):
    settings, app, _headers = desk
    with session_scope(settings.database_url) as s:
        letter = make_letter(s, township="=HYPERLINK(\"http://evil.example\",\"x\")", status=Status.confirmed)
        letter.category, letter.purpose, letter.department = "城乡建设", "求决", "住建局"
        letter.text = "+1+2 是公式吗"
        make_letter(s, township="@SUM(A1)", status=Status.review)
    client = app.test_client()
    login(client, "boss")
    today = date.today().isoformat()
    csv_text = client.get(f"/stats/export.csv?start={today}&end={today}").get_data(as_text=True)
    assert "'=HYPERLINK" in csv_text and "'@SUM(A1)" in csv_text
    assert "\n=HYPERLINK" not in csv_text and ",=HYPERLINK" not in csv_text
    xlsx = client.get(f"/stats/export.xlsx?start={today}&end={today}")
    assert xlsx.status_code == 200
    book = load_workbook(io.BytesIO(xlsx.data))
    values = [cell.value for sheet in book.worksheets for row in sheet.iter_rows() for cell in row]
    assert "'=HYPERLINK(\"http://evil.example\",\"x\")" in values
    assert not any(isinstance(v, str) and v.startswith(("=", "+", "@")) for v in values)
    from click.testing import CliRunner

    from xinfang.cli import main

    out = tmp_path / "all.csv"
    result = CliRunner().invoke(main, ["export", "--format", "csv", "--out", str(out)],
                                env={"XINFANG_DATA_DIR": str(settings.data_dir), "DATABASE_URL": settings.database_url})
    assert result.exit_code == 0, result.output
    assert "'+1+2 是公式吗" in out.read_text(encoding="utf-8")


def test_bidi_controls_are_removed_from_file_names(desk):
    settings, app, headers = desk
    name = "申诉材料\u202egnp.exe\u200b.pdf"
    response = app.test_client().post("/api/letters", data={"files": [(io.BytesIO(b"%PDF-1.4 x"), name)]},
                                      headers=headers("clerk"))
    assert response.status_code == 201
    with session_scope(settings.database_url) as s:
        stored = s.scalar(select(StoredFile))
        assert stored.original_name == "申诉材料gnp.exe.pdf"


def test_a_file_that_is_no_letter_is_refused_at_upload_with_the_reason(desk, tmp_path):
    settings, app, headers = desk
    client = app.test_client()
    word = b"PK\x03\x04" + b"\x00\x17\x99" * 400
    refused = client.post("/api/letters", data={"files": [(io.BytesIO(word), "信.docx")]}, headers=headers("clerk"))
    assert refused.status_code == 400 and "不是图片、PDF 或文本文件" in refused.json["message"]
    login(client, "clerk")
    token = csrf_token(client, "/upload")
    fetch = client.post("/upload", data={"csrf_token": token, "files": [(io.BytesIO(word), "信.docx")]},
                        headers={"X-Requested-With": "fetch"})
    assert fetch.status_code == 400 and "不是图片、PDF 或文本文件" in fetch.json["refused"][0]["message"]
    with session_scope(settings.database_url) as s:
        assert s.scalars(select(Letter)).all() == [] and s.scalars(select(StoredFile)).all() == []
    assert not [p for p in settings.originals_dir.rglob("*") if p.is_file()]


def test_no_retry_where_the_file_itself_is_the_cause(desk):
    settings, app, headers = desk
    from xinfang.intake.pipeline import process_letter

    with session_scope(settings.database_url) as s:
        broken = ingest_stream(s, settings, io.BytesIO(b"\x89PNG\r\n\x1a\n" + b"garbage" * 50), "scan.png")
        broken_id = broken.letter_ids[0]
        other = make_letter(s, status=Status.failed)
        other.failure_stage, other.failure_reason = "setup", "任务队列暂时不可用"
        other_id = other.id
    assert process_letter(settings, broken_id) == Status.failed
    with session_scope(settings.database_url) as s:
        assert s.get(Letter, broken_id).failure_retryable is False
    client = app.test_client()
    login(client, "clerk")
    page = client.get(f"/letters/{broken_id}").get_data(as_text=True)
    assert "失败" in page and "/retry" not in page
    assert "/retry" in client.get(f"/letters/{other_id}").get_data(as_text=True)
    listing = client.get("/letters?status=failed").get_data(as_text=True)
    assert f"/letters/{other_id}/retry" in listing and f"/letters/{broken_id}/retry" not in listing
    batch = client.get("/batch").get_data(as_text=True)
    assert f"/letters/{other_id}/retry" in batch and f"/letters/{broken_id}/retry" not in batch
    error = client.post(f"/api/letters/{broken_id}/retry", headers=headers("clerk"))
    assert error.status_code == 409 and error.json["error"] == "not_retryable"
