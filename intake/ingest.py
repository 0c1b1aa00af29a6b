"""Registering uploads: store the original first, then make letter rows for the pipeline.

Nothing here reads the content beyond its first bytes (type sniffing) and, for online petitions in JSON
lines, splitting into one letter per line. A file that is no image, PDF or text is refused here, at once,
with the reason (retrying it in the queue could never help); every other check that can fail a letter
happens in the pipeline, so a bad scan still becomes a visible letter with a reason. In a JSON lines
file each record stands alone: a bad line becomes a failed letter naming its line, the rest register.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import BinaryIO

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from xinfang.core.config import Settings
from xinfang.core.dates import received_date_problem
from xinfang.core.display import safe_display_name
from xinfang.core.errors import EmptyFileError, UnsupportedTypeError
from xinfang.intake.filetypes import IMAGE_TYPES, JSONL, PDF, TEXT, decode_text, sniff
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
    """Store one uploaded file and create its letter(s). The caller commits and then enqueues.

    Call it with no other uncommitted changes in `session`: when the same bytes are registered by a
    concurrent upload at the same moment, the unique sha256 wins for the other one, this session is
    rolled back and the result names the other upload's letter, as for any duplicate.
    """
    blob = OriginalStore(settings.originals_dir).put(stream, settings.max_upload_bytes)
    existing = _duplicate(session, blob.sha256, original_name, user_id)
    if existing is not None:
        return existing
    media_type = sniff(blob.head)
    if blob.size == 0 or media_type not in READABLE:
        if blob.created:
            blob.path.unlink(missing_ok=True)  # refused: nothing of it is kept, the clerk still has the file
        if blob.size == 0:
            raise EmptyFileError(f"“{safe_display_name(original_name, 100)}”是空文件（0 字节），未登记。"
                                 "请重新扫描或重新复制该文件后上传。")
        raise UnsupportedTypeError(
            f"“{safe_display_name(original_name, 100)}”不是图片、PDF 或文本文件（文件开头不像任何一种），未登记。"
            "请上传扫描件（JPEG、PNG、TIFF、PDF）、TXT 或网上信访 JSON 行文件；Word、压缩包等请先另存为 PDF。")
    stored = StoredFile(sha256=blob.sha256, size=blob.size, media_type=media_type,
                        original_name=safe_display_name(Path(original_name).name),
                        storage_path=str(blob.path.relative_to(settings.data_dir)), uploaded_by_id=user_id)
    session.add(stored)
    try:
        session.flush()
    except IntegrityError:
        session.rollback()  # the same bytes were registered by an upload a moment ago
        existing = _duplicate(session, blob.sha256, original_name, user_id)
        if existing is None:
            raise
        return existing
    received = received or date.today()
    if media_type == JSONL:
        letters = _online_letters(blob.path.read_bytes(), stored, received)
    elif media_type == TEXT:
        text = decode_text(blob.path.read_bytes()).replace("\x00", "")
        letters = [Letter(file=stored, external_id=_clean_id(external_id), received_date=received,
                          form=form or ONLINE, ocr_text=text, ocr_engine="text", page_count=1)]
    else:
        letters = [Letter(file=stored, external_id=_clean_id(external_id), received_date=received, form=form or MAIL)]
    session.add_all(letters)
    session.flush()
    for letter in letters:
        record(session, "received", letter_id=letter.id, user_id=user_id, original_name=stored.original_name,
               sha256=blob.sha256, media_type=media_type, size=blob.size)
    return IngestResult(stored.id, [letter.id for letter in letters])


READABLE = IMAGE_TYPES | {PDF, JSONL, TEXT}
EXTERNAL_ID_MAX = 200  # letters.external_id
FORM_MAX = 20          # letters.form


def _duplicate(session: Session, sha256: str, original_name: str, user_id: int | None) -> IngestResult | None:
    existing = session.scalar(select(StoredFile).where(StoredFile.sha256 == sha256))
    if existing is None:
        return None
    first = session.scalar(select(Letter.id).where(Letter.file_id == existing.id).order_by(Letter.id))
    record(session, "duplicate_upload", letter_id=first, user_id=user_id,
           original_name=safe_display_name(original_name), sha256=sha256)
    return IngestResult(existing.id, [first] if first else [], duplicate_of=first)


def _clean_id(value: object) -> str | None:
    """An external id that fits its column and the database (no NUL): kept to name a broken record."""
    if value is None:
        return None
    return str(value).replace("\x00", "")[:EXTERNAL_ID_MAX] or None


def ingest_path(session: Session, settings: Settings, path: Path, **kwargs: object) -> IngestResult:
    with path.open("rb") as stream:
        return ingest_stream(session, settings, stream, path.name, **kwargs)  # type: ignore[arg-type]


def _online_letters(data: bytes, stored: StoredFile, default_received: date) -> list[Letter]:
    """One letter per JSON line: {"id": ..., "text": ..., "received": "YYYY-MM-DD", "title": ...}.

    Every value is checked before it reaches the database (NUL, column widths, a sane date of receipt),
    so one bad record fails alone, with its line number, and never the whole file.
    """
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
            raw_id = item.get("id")
            letter.external_id = _clean_id(raw_id)
            if raw_id is not None and (len(str(raw_id)) > EXTERNAL_ID_MAX or "\x00" in str(raw_id)):
                raise ValueError(f"id 超过 {EXTERNAL_ID_MAX} 个字符或含有 NUL 字符")
            if not str(item.get("text") or "").strip():
                raise ValueError("缺少 text 字段")
            title = str(item.get("title") or "").strip()
            text = f"{title}\n{item['text']}" if title else str(item["text"])
            if "\x00" in text:
                raise ValueError("text 或 title 含有 NUL 字符（\\u0000）")
            if item.get("received"):
                received = date.fromisoformat(str(item["received"])[:10])
                if (problem := received_date_problem(received)) is not None:
                    raise ValueError(problem)
                letter.received_date = received
            if item.get("form"):
                form = str(item["form"])
                if len(form) > FORM_MAX or "\x00" in form:
                    raise ValueError(f"form 超过 {FORM_MAX} 个字符或含有 NUL 字符")
                letter.form = form
            letter.ocr_text = text
            letter.ocr_engine = "text"
            letter.page_count = 1
        except (ValueError, KeyError, TypeError) as exc:
            letter.status = Status.failed
            letter.failure_stage = "read"
            letter.failure_retryable = False  # the line itself must be fixed and imported again
            letter.failure_reason = (f"第 {number} 行不是有效的网上信访记录（{str(exc).replace(chr(0), '')[:300]}）。"
                                     "请修正该行后重新导入。")
            letter.ocr_text = None
        letters.append(letter)
    return letters
