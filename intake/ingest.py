"""Registering uploads: store the original first, then make letter rows for the pipeline.

Nothing here reads the content beyond its first bytes (type sniffing) and, for online petitions in JSON
lines, splitting into one letter per line. Every check that can fail a letter happens in the pipeline,
so a bad file still becomes a visible letter with a reason.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import BinaryIO

from sqlalchemy import select
from sqlalchemy.orm import Session

from xinfang.core.config import Settings
from xinfang.intake.filetypes import JSONL, TEXT, decode_text, sniff
from xinfang.intake.storage import OriginalStore
from xinfang.models import Letter, Status, StoredFile, record

ONLINE = "网上信访"
MAIL = "来信"


@dataclass
class IngestResult:
    file_id: int
    letter_ids: list[int] = field(default_factory=list)
    duplicate_of: int | None = None  # the first letter made from the same bytes

    @property
    def created(self) -> bool:
        return self.duplicate_of is None


def ingest_stream(session: Session, settings: Settings, stream: BinaryIO, original_name: str, *,
                  user_id: int | None = None, external_id: str | None = None,
                  received: date | None = None, form: str | None = None) -> IngestResult:
    """Store one uploaded file and create its letter(s). The caller commits and then enqueues."""
    blob = OriginalStore(settings.originals_dir).put(stream, settings.max_upload_bytes)
    existing = session.scalar(select(StoredFile).where(StoredFile.sha256 == blob.sha256))
    if existing is not None:
        first = session.scalar(select(Letter.id).where(Letter.file_id == existing.id).order_by(Letter.id))
        record(session, "duplicate_upload", letter_id=first, user_id=user_id,
               original_name=original_name, sha256=blob.sha256)
        return IngestResult(existing.id, [first] if first else [], duplicate_of=first)

    media_type = sniff(blob.head)
    stored = StoredFile(sha256=blob.sha256, size=blob.size, media_type=media_type,
                        original_name=Path(original_name).name[:500],
                        storage_path=str(blob.path.relative_to(settings.data_dir)), uploaded_by_id=user_id)
    session.add(stored)
    session.flush()
    received = received or date.today()
    if media_type == JSONL:
        letters = _online_letters(blob.path.read_bytes(), stored, received)
    elif media_type == TEXT:
        text = decode_text(blob.path.read_bytes())
        letters = [Letter(file=stored, external_id=external_id, received_date=received, form=form or ONLINE,
                          ocr_text=text, ocr_engine="text", page_count=1)]
    else:
        letters = [Letter(file=stored, external_id=external_id, received_date=received, form=form or MAIL)]
    session.add_all(letters)
    session.flush()
    for letter in letters:
        record(session, "received", letter_id=letter.id, user_id=user_id, original_name=stored.original_name,
               sha256=blob.sha256, media_type=media_type, size=blob.size)
    return IngestResult(stored.id, [letter.id for letter in letters])


def ingest_path(session: Session, settings: Settings, path: Path, **kwargs: object) -> IngestResult:
    with path.open("rb") as stream:
        return ingest_stream(session, settings, stream, path.name, **kwargs)  # type: ignore[arg-type]


def _online_letters(data: bytes, stored: StoredFile, default_received: date) -> list[Letter]:
    """One letter per JSON line: {"id": ..., "text": ..., "received": "YYYY-MM-DD", "title": ...}."""
    letters = []
    for number, line in enumerate(decode_text(data).splitlines(), start=1):
        if not line.strip():
            continue
        letter = Letter(file=stored, received_date=default_received, form=ONLINE, page_numbers=[number - 1])
        try:
            item = json.loads(line)
            if not isinstance(item, dict):
                raise ValueError("不是 JSON 对象")
            # The office's id is kept even for a broken record, so the export says which one to fix.
            letter.external_id = str(item["id"]) if item.get("id") is not None else None
            if not str(item.get("text") or "").strip():
                raise ValueError("缺少 text 字段")
            title = str(item.get("title") or "").strip()
            letter.ocr_text = f"{title}\n{item['text']}" if title else str(item["text"])
            letter.ocr_engine = "text"
            letter.page_count = 1
            if item.get("received"):
                letter.received_date = date.fromisoformat(str(item["received"])[:10])
            if item.get("form"):
                letter.form = str(item["form"])
        except (ValueError, KeyError) as exc:
            letter.status = Status.failed
            letter.failure_stage = "read"
            letter.failure_reason = f"第 {number} 行不是有效的网上信访记录（{exc}）。请修正该行后重新导入。"
        letters.append(letter)
    return letters
