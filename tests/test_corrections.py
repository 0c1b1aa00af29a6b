"""Correcting a letter's text beside the scan: stored as corrections (the OCR kept), audited, re-run on the
corrected text, exported, and private (masked roles and the accused unit cannot read it)."""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlalchemy import func, select

from bench.synthetic import make_letter
from tests.conftest import install_model
from tests.webutil import add_user, csrf_token, login
from xinfang.core.idcard import make
from xinfang.intake.corrections import correct_lines, line_views, rerun_text, transcribe_by_hand
from xinfang.models import AuditEvent, Letter, Status, Suggestion, TextCorrection
from xinfang.models.db import session_scope
from xinfang.web import create_app
from xinfang.web.records import letter_record

NEW_ID = make("371523", date(1975, 3, 8), 41)


def _letter(session, **kw) -> Letter:  # noqa: ANN001
    """A synthetic letter read as one OCR line per sentence, the line with the phone number unsure."""
    letter = make_letter(session, **kw)
    texts = [part + "。" for part in letter.ocr_text.replace("，联系电话", "。联系电话").split("。") if part]
    letter.ocr_text = "\n".join(texts)
    letter.ocr_pages = [{**letter.ocr_pages[0], "lines": [
        {"text": text, "confidence": 0.4 if "联系电话" in text else 0.93,
         "box": [40, 60 + 50 * number, 700, 100 + 50 * number]} for number, text in enumerate(texts)]}]
    session.flush()
    return letter


def test_corrections_keep_the_ocr_and_rerun_fields_and_routing(db_settings, starter_model_dir):
    install_model(db_settings, starter_model_dir)
    with session_scope(db_settings.database_url) as s:
        add_user(db_settings, "rev", "reviewer")
        letter = _letter(s, matter="学校强制学生订购教辅资料。")
        letter_id, ocr_text = letter.id, letter.ocr_text
        views = line_views(s, letter)
        lines = {v.text: (v.page, v.line) for v in views}
    with session_scope(db_settings.database_url) as s:
        letter = s.get(Letter, letter_id)
        matter = next(key for text, key in lines.items() if "教辅" in text)
        added = correct_lines(s, letter, None, {matter: "单位拖欠我工资三个月没有发放，社保也不给交。",
                                                (0, 0): views[0].text})  # the second is no change
        assert len(added) == 1 and added[0].before.startswith("学校")
    result = rerun_text(db_settings, letter_id)
    with session_scope(db_settings.database_url) as s:
        letter = s.get(Letter, letter_id)
        assert letter.ocr_text == ocr_text                       # the OCR stays as it was read
        assert "拖欠我工资" in letter.corrected_text and "拖欠我工资" in letter.text
        assert s.scalar(select(func.count()).select_from(Suggestion).where(Suggestion.letter_id == letter_id)) == 2
        actions = [e.action for e in s.scalars(select(AuditEvent).where(AuditEvent.letter_id == letter_id))]
        assert "text_corrected" in actions and actions[-1] == "text_rerun"
        fixed = s.scalars(select(TextCorrection).where(TextCorrection.letter_id == letter_id)).all()
        assert [(f.page, f.line) for f in fixed] == [matter]
        assert letter.status == Status.review
    assert set(result["changes"]) == {"suggestion", "fields", "repeat"}


@pytest.fixture
def desk(settings, starter_model_dir):
    install_model(settings, starter_model_dir)
    add_user(settings, "rev", "reviewer")
    add_user(settings, "boss", "supervisor")
    add_user(settings, "town", "reviewer", unit="清河镇人民政府")
    app = create_app(settings)
    client = app.test_client()
    login(client, "rev")
    return settings, app, client


def test_correction_page_saves_queues_the_rerun_and_shows_the_change(desk):
    settings, _app, client = desk
    with session_scope(settings.database_url) as s:
        letter = _letter(s)
        letter_id = letter.id
        phone_line = next((v.page, v.line) for v in line_views(s, letter) if "联系电话" in v.text)
    page = client.get(f"/letters/{letter_id}/correct")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert 'class="cline low' in html and 'class="box low"' in html   # the low line, in the text and on the scan
    assert client.get(f"/letters/{letter_id}").get_data(as_text=True).count("/correct") == 1
    crop = client.get(f"/letters/{letter_id}/correct/lines/0-0.png")
    assert crop.status_code in (200, 404)  # a synthetic letter has no scan file: no crop, and no error
    token = csrf_token(client, f"/letters/{letter_id}/correct")
    saved = client.post(f"/letters/{letter_id}/correct", data={
        "csrf_token": token, f"line-{phone_line[0]}-{phone_line[1]}": f"联系电话：13900001111 身份证号：{NEW_ID}"})
    assert saved.status_code == 302
    state = client.get(f"/letters/{letter_id}/correct/status.json")
    assert state.status_code == 200 and state.get_json()["pending"] is True
    rerun_text(settings, letter_id)  # what the queued job runs (a real worker runs it in the browser test)
    state = client.get(f"/letters/{letter_id}/correct/status.json").get_json()
    assert state["pending"] is False and "联系电话" in state["changes"]["fields"]
    html = client.get(f"/letters/{letter_id}/correct").get_data(as_text=True)
    assert "已更正" in html and 'id="rerun-fields"' in html
    with session_scope(settings.database_url) as s:
        letter = s.get(Letter, letter_id)
        assert letter.phone == "13900001111"
        event = s.scalars(select(AuditEvent).where(AuditEvent.action == "text_corrected")).one()
        assert event.user_id is not None and NEW_ID not in json.dumps(event.detail)  # positions, not text
        full, masked = letter_record(letter), letter_record(letter, mask_identity=True)
    assert NEW_ID in full["text"] and full["text_corrected"] and "13900001111" not in full["ocr_text"]
    assert NEW_ID not in masked["text"] and "13900001111" not in json.dumps(masked, ensure_ascii=False)

    # A supervisor reads masked identities: not the correction page, not the corrected number anywhere.
    client.post("/logout", data={"csrf_token": csrf_token(client, f"/letters/{letter_id}")})
    login(client, "boss")
    assert client.get(f"/letters/{letter_id}/correct").status_code == 403
    assert client.get(f"/letters/{letter_id}/correct/status.json").status_code == 403
    api = client.get(f"/api/letters/{letter_id}")
    assert api.status_code == 200 and NEW_ID not in api.get_data(as_text=True)
    page = client.get(f"/letters/{letter_id}")
    assert page.status_code == 200 and NEW_ID not in page.get_data(as_text=True)


def test_a_hidden_report_is_not_reachable_through_the_correction_pages(desk):
    settings, app, _client = desk
    with session_scope(settings.database_url) as s:
        letter_id = _letter(s, purpose="揭发控告", accused="清河镇人民政府", category="纪检监察").id
    client = app.test_client()
    login(client, "town")
    for path in ("correct", "correct/status.json", "correct/lines/0-0.png"):
        assert client.get(f"/letters/{letter_id}/{path}").status_code == 404, path
    token = csrf_token(client, "/letters")
    for path in ("correct", "transcribe"):
        assert client.post(f"/letters/{letter_id}/{path}", data={"csrf_token": token, "line-0-0": "x",
                                                                 "hand-name": "x"}).status_code == 404


def test_an_unreadable_letter_is_transcribed_by_hand(desk):
    settings, _app, client = desk
    with session_scope(settings.database_url) as s:
        letter = Letter(received_date=date.today(), status=Status.failed, failure_stage="ocr",
                        failure_reason="页面上没有识别出文字。", page_count=1)
        s.add(letter)
        s.flush()
        letter_id = letter.id
    html = client.get(f"/letters/{letter_id}/correct").get_data(as_text=True)
    assert 'id="no-lines"' in html and 'id="hand-form"' in html
    token = csrf_token(client, f"/letters/{letter_id}/correct")
    empty = client.post(f"/letters/{letter_id}/transcribe", data={"csrf_token": token})
    assert empty.status_code == 302
    with session_scope(settings.database_url) as s:
        assert not s.get(Letter, letter_id).transcribed_by_hand
    done = client.post(f"/letters/{letter_id}/transcribe", data={
        "csrf_token": token, "hand-name": "向勇", "hand-matter": "单位拖欠工资三个月未发放。", "hand-demand": "尽快发放工资。"})
    assert done.status_code == 302
    rerun_text(settings, letter_id)
    with session_scope(settings.database_url) as s:
        letter = s.get(Letter, letter_id)
        assert letter.transcribed_by_hand and letter.status == Status.review and letter.failure_reason is None
        assert letter.petitioner_name == "向勇" and letter.fields["name"]["note"] == "手工录入"
        assert letter.suggestion is not None and "拖欠工资" in letter.text
        assert letter_record(letter)["transcribed_by_hand"] is True
    assert "手工录入" in client.get(f"/letters/{letter_id}/correct").get_data(as_text=True)


def test_transcribe_by_hand_needs_something(settings):
    with session_scope(settings.database_url) as s:
        letter = _letter(s)
        assert transcribe_by_hand(s, letter, None, {"name": " ", "matter": ""}) is False
        assert not letter.transcribed_by_hand


@pytest.mark.ocr
def test_corrected_lines_export_as_an_ocr_test_set(settings, tmp_path):
    """Through the real pipeline: a rendered page is read, one line corrected, and the export writes that
    line's crop (cut from the page as the engine saw it) with the corrected text, in the bench's format."""
    import io

    from click.testing import CliRunner
    from PIL import Image, ImageDraw, ImageFont

    from tests.conftest import settings_env
    from xinfang.cli import main
    from xinfang.intake.ingest import ingest_stream
    from xinfang.intake.ocr.rapid import RapidOcrEngine
    from xinfang.intake.pipeline import process_letter

    lines = ["信访局的同志：", "学校强制学生订购教辅资料。", "孩子现在都不敢去上学。"]
    image = Image.new("L", (1240, 1754), 255)
    draw = ImageDraw.Draw(image)
    font = ImageFont.truetype("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", 48)
    for number, line in enumerate(lines):
        draw.text((120, 160 + 110 * number), line, fill=0, font=font)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    buffer.seek(0)
    with session_scope(settings.database_url) as s:
        letter_id = ingest_stream(s, settings, buffer, "page.png", received=date.today()).letter_ids[0]
    process_letter(settings, letter_id)
    with session_scope(settings.database_url) as s:
        letter = s.get(Letter, letter_id)
        target = next(v for v in line_views(s, letter) if "教辅" in v.text)
        correct_lines(s, letter, None, {(target.page, target.line): "学校强制学生订购教辅材料。"})
    out = tmp_path / "set"
    result = CliRunner().invoke(main, ["ocr", "export-corrections", "--out", str(out)],
                                env=settings_env(settings))
    assert result.exit_code == 0, result.output
    assert "wrote 1 corrected lines" in result.output
    png = next(out.glob("*.png"))
    assert png.with_suffix(".txt").read_text(encoding="utf-8").strip() == "学校强制学生订购教辅材料。"
    manifest = json.loads((out / "manifest.jsonl").read_text(encoding="utf-8"))
    assert manifest["letter"] == letter_id and "教辅" in manifest["ocr"]
    crop = Image.open(png)
    read = RapidOcrEngine().read_line(crop).text
    assert "学校强制学生订购教辅" in read   # the crop holds exactly the corrected line
