"""Synthetic letters written straight into the database, for the web tests and bench/bench_web.py.

They skip the pipeline on purpose: the desk's pages and queries are tested and measured against rows
shaped like the pipeline's (fields with spans, OCR lines with confidences, suggestions with words, repeat
links with passages) without OCR time. Nothing here is used by the running app.
"""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from xinfang.models import Letter, RepeatLink, Status, Suggestion

CATEGORIES = [("城乡建设", "住建局"), ("劳动和社会保障", "人社局"), ("环境保护", "生态环境局"),
              ("农村农业", "乡镇人民政府"), ("纪检监察", "纪委监委"), ("民政", "民政局")]
PURPOSES = ["求决", "申诉", "意见建议", "揭发控告", "咨询"]
TOWNSHIPS = ["城关镇", "清河镇", "王庄乡", "柳林镇"]
SURNAMES = "王李张刘陈杨赵黄周吴"


def letter_text(name: str, township: str, phone: str, matter: str) -> tuple[str, dict]:
    """A short letter and its fields, with spans pointing into the text."""
    head = "尊敬的县信访局领导：\n我叫"
    text = f"{head}{name}，家住{township}，联系电话{phone}。{matter}恳请领导重视，尽快解决。\n此致\n敬礼"
    def span(value: str) -> list[int]:
        start = text.index(value)
        return [start, start + len(value)]
    fields = {"name": {"value": name, "confidence": 0.92, "span": span(name)},
              "township": {"value": township, "confidence": 0.88, "span": span(township)},
              "phone": {"value": phone, "confidence": 0.95, "span": span(phone)}}
    return text, fields


def make_letter(session: Session, *, name: str = "王建国", township: str = "清河镇", phone: str = "13800138000",
                matter: str = "本村拖欠工资三个月未发放，", category: str = "劳动和社会保障",
                purpose: str = "求决", department: str = "人社局", probability: float = 0.83,
                status: str = Status.review, received: date | None = None, urgent: bool = False,
                accused: str | None = None, cosigners: int | None = None, form: str = "来信",
                words: tuple[str, ...] = ("拖欠", "工资")) -> Letter:
    text, fields = letter_text(name, township, phone, matter)
    if accused:
        fields["accused"] = {"value": accused, "confidence": 0.8}
    if cosigners is not None:
        fields["cosigner_count"] = {"value": cosigners, "confidence": 0.9}
    letter = Letter(received_date=received or date.today(), status=status, text=text, ocr_text=text, fields=fields,
                    petitioner_name=name, phone=phone, urgent=urgent, form=form, page_count=1, ocr_engine="test",
                    ocr_pages=[{"index": 0, "engine": "test", "width": 800, "height": 1000, "lines": [
                        {"text": line, "confidence": 0.4 if "联系电话" in line else 0.93, "box": [0, 0, 10, 10]}
                        for line in text.splitlines()]}])
    letter.suggestions = [Suggestion(
        category=category, category_probability=probability, purpose=purpose, purpose_probability=probability,
        department=department, department_probability=probability, model_version="test-1",
        needs_routing=probability < 0.5,
        detail={"category": {"label": category, "probability": probability, "words": list(words),
                             "top": [[category, probability], ["其他", round(1 - probability, 3)]]},
                "purpose": {"label": purpose, "probability": probability},
                "department": {"label": department, "probability": probability}, "flags": {}})]
    session.add(letter)
    session.flush()
    return letter


def link_repeat(session: Session, letter: Letter, earlier: Letter, passages: list[list[str]] | None = None,
                kind: str = "repeat") -> RepeatLink:
    link = RepeatLink(letter_id=letter.id, earlier_id=earlier.id, kind=kind, score=0.91,
                      reason={"identity": "身份证号", "passages": passages or []})
    session.add(link)
    session.flush()
    session.refresh(letter)
    return link


def bulk_letters(session: Session, count: int, *, seed: int = 1, review_share: float = 0.3,
                 batch: int = 5000) -> None:
    """`count` letters in bulk (executemany), about `review_share` of them waiting for review."""
    rng = random.Random(seed)
    today = date.today()
    start_id = (session.scalar(select(Letter.id).order_by(Letter.id.desc()).limit(1)) or 0) + 1
    now = datetime.now(UTC)
    for offset in range(0, count, batch):
        letters, suggestions = [], []
        for i in range(offset, min(offset + batch, count)):
            letter_id = start_id + i
            category, department = rng.choice(CATEGORIES)
            purpose = rng.choice(PURPOSES)
            name = rng.choice(SURNAMES) + rng.choice("建国秀英志强桂兰海燕")
            phone = f"13{rng.randrange(10**9):09d}"
            text, fields = letter_text(name, rng.choice(TOWNSHIPS), phone, "反映拖欠工资和征地补偿问题。" * 3)
            status = Status.review if rng.random() < review_share else Status.confirmed
            received = today - timedelta(days=rng.randrange(400))
            letters.append({
                "id": letter_id, "received_date": received, "status": status, "text": text, "ocr_text": text,
                "fields": fields, "petitioner_name": name, "phone": phone, "urgent": rng.random() < 0.02,
                "form": "来信", "page_count": 1, "ocr_engine": "test", "created_at": now, "updated_at": now,
                "attempts": 1,
                "category": category if status == Status.confirmed else None,
                "purpose": purpose if status == Status.confirmed else None,
                "department": department if status == Status.confirmed else None,
                "confirmed_at": now if status == Status.confirmed else None,
                "ocr_pages": [{"index": 0, "engine": "test", "width": 800, "height": 1000, "lines": [
                    {"text": line, "confidence": 0.9, "box": [0, 0, 10, 10]} for line in text.splitlines()]}]})
            suggestions.append({
                "letter_id": letter_id, "category": category, "category_probability": 0.8, "purpose": purpose,
                "purpose_probability": 0.7, "department": department, "department_probability": 0.75,
                "model_version": "bench", "needs_routing": False, "created_at": now,
                "detail": {"category": {"words": ["工资", "补偿"]}}})
        session.execute(insert(Letter), letters)
        session.execute(insert(Suggestion), suggestions)
        session.commit()
    if session.bind.dialect.name == "postgresql":
        from sqlalchemy import text as sql

        session.execute(sql("SELECT setval(pg_get_serial_sequence('letters', 'id'), (SELECT max(id) FROM letters))"))
        session.commit()
        # What autovacuum does in a running office: statistics and the visibility map (index-only scans).
        with session.bind.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(sql("VACUUM ANALYZE letters"))
            conn.execute(sql("VACUUM ANALYZE suggestions"))
