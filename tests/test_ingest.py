"""Registering uploads on both databases: originals first, duplicates found, JSON lines split."""

import io
import json
from datetime import date

from sqlalchemy import delete, func, select

from xinfang.intake.ingest import ingest_stream
from xinfang.models import AuditEvent, Letter, Status, StoredFile
from xinfang.models.db import session_scope


def _clean(session):
    for table in (AuditEvent, Letter, StoredFile):
        session.execute(delete(table))


def test_same_file_twice_points_to_the_first_letter(db_settings):
    with session_scope(db_settings.database_url) as session:
        _clean(session)
        first = ingest_stream(session, db_settings, io.BytesIO(b"%PDF-1.4 fake"), "a.pdf")
    with session_scope(db_settings.database_url) as session:
        second = ingest_stream(session, db_settings, io.BytesIO(b"%PDF-1.4 fake"), "copy of a.pdf")
        assert second.duplicate_of == first.letter_ids[0]
        assert session.scalar(select(func.count()).select_from(Letter)) == 1
        assert session.scalar(select(func.count()).select_from(StoredFile)) == 1
        actions = session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all()
        assert actions == ["received", "duplicate_upload"]
        stored = session.scalar(select(StoredFile))
        assert stored.media_type == "application/pdf" and stored.original_name == "a.pdf"
        assert (db_settings.data_dir / stored.storage_path).read_bytes() == b"%PDF-1.4 fake"


def test_json_lines_become_one_letter_each_with_external_ids(db_settings):
    lines = [
        {"id": "W-1", "text": "我家楼下餐馆油烟扰民", "received": "2024-03-02"},
        {"id": "W-2", "title": "欠薪", "text": "公司拖欠工资三个月"},
        "not an object",
    ]
    data = "\n".join(json.dumps(x, ensure_ascii=False) for x in lines).encode()
    with session_scope(db_settings.database_url) as session:
        _clean(session)
        result = ingest_stream(session, db_settings, io.BytesIO(data), "online.jsonl", received=date(2024, 3, 5))
    with session_scope(db_settings.database_url) as session:
        letters = [session.get(Letter, i) for i in result.letter_ids]
        assert [x.external_id for x in letters] == ["W-1", "W-2", None]
        assert letters[0].received_date == date(2024, 3, 2)
        assert letters[1].received_date == date(2024, 3, 5)
        assert letters[1].ocr_text == "欠薪\n公司拖欠工资三个月"
        assert letters[0].form == "网上信访" and letters[0].status == Status.received
        assert letters[2].status == Status.failed and "第 3 行" in letters[2].failure_reason


def test_plain_text_is_an_online_letter(db_settings):
    with session_scope(db_settings.database_url) as session:
        _clean(session)
        result = ingest_stream(session, db_settings, io.BytesIO("尊敬的领导：".encode("gb18030")), "x.txt")
    with session_scope(db_settings.database_url) as session:
        letter = session.get(Letter, result.letter_ids[0])
        assert letter.ocr_text == "尊敬的领导：" and letter.ocr_engine == "text"
