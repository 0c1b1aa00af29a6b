"""The stages one letter goes through in a worker: read, OCR, split, normalise, fields, classify, repeats.

Each stage is named, so a failure is stored on the letter as (stage, reason) and shown to the clerk, who
can retry it. The stages themselves live in their own modules; this one only orders them and keeps the
letter's status and audit trail right.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from sqlalchemy import update
from sqlalchemy.orm import Session

from xinfang.core.config import Settings
from xinfang.core.errors import BadInputError, NoTextFoundError, XinfangError
from xinfang.intake.ocr.base import OcrPage
from xinfang.intake.stages import (
    classify_letter,
    extract,
    find_letter_repeats,
    office_gazetteer,
    office_lexicon,
    read_pages,
    split_pages,
    write_repeats,
)
from xinfang.models import Letter, Status, record
from xinfang.models.db import session_scope

log = logging.getLogger(__name__)

CLAIMABLE = (Status.received, Status.queued, Status.failed)


@dataclass
class StageTracker:
    current: str = "start"
    done: list[str] = field(default_factory=list)

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        self.current = name
        yield
        self.done.append(name)


def claim(session: Session, letter_id: int, job_id: str | None) -> Letter | None:
    """Move the letter to `processing` unless another job has it or it is already done.

    The conditional UPDATE makes this safe when rq delivers the same letter twice (a retry racing a
    requeue): only one worker gets a row count of 1.
    """
    allowed = [s.value for s in CLAIMABLE]
    condition = Letter.status.in_(allowed)
    if job_id:
        condition = condition | ((Letter.status == Status.processing) & (Letter.job_id == job_id))
    result = session.execute(update(Letter).where(Letter.id == letter_id, condition)
                             .values(status=Status.processing, job_id=job_id, attempts=Letter.attempts + 1))
    if result.rowcount != 1:
        return None
    letter = session.get(Letter, letter_id)
    record(session, "status", letter_id=letter_id, status=Status.processing, attempt=letter.attempts)
    session.commit()
    return letter


def process_letter(settings: Settings, letter_id: int, job_id: str | None = None) -> str:
    """Run every stage for one letter; returns the final status."""
    tracker = StageTracker()
    with session_scope(settings.database_url) as session:
        letter = claim(session, letter_id, job_id)
        if letter is None:
            log.info("letter %s is not claimable (done or taken); skipping", letter_id)
            return "skipped"
        try:
            if not _run_stages(session, settings, letter, tracker, job_id):
                log.warning("letter %s was taken over by another job while this one ran; not written", letter_id)
                return "skipped"
        except XinfangError as exc:
            session.rollback()
            # A damaged, locked or blank file fails the same way every time: no retry is offered for it.
            _fail(session, letter_id, exc.stage if exc.stage != "internal" else tracker.current, exc.message,
                  retryable=not isinstance(exc, BadInputError))
            return Status.failed
        except Exception as exc:
            session.rollback()
            log.exception("letter %s failed in stage %s", letter_id, tracker.current)
            _fail(session, letter_id, tracker.current,
                  f"处理出错（{type(exc).__name__}: {exc}）。可点击“重试”；如反复出错请联系系统管理员。")
            raise
        return Status.review


def _fail(session: Session, letter_id: int, stage: str, reason: str, retryable: bool = True) -> None:
    letter = session.get(Letter, letter_id)
    letter.status = Status.failed
    letter.failure_stage = stage
    letter.failure_reason = reason
    letter.failure_retryable = retryable
    record(session, "failed", letter_id=letter_id, stage=stage, reason=reason)
    session.commit()


def _run_stages(session: Session, settings: Settings, letter: Letter, tracker: StageTracker,
                job_id: str | None) -> bool:
    """Compute every stage with no write transaction open, then write the results in one short one.

    Without autoflush, the reads of the compute part (the original's row, the repeat index) send no
    pending change to the database, so SQLite's single write lock is taken only for the final write:
    a long letter or a slow OCR never keeps the desk or the other workers from writing.
    Returns False, writing nothing, when the letter is no longer this job's (see `_still_ours`).
    """
    with session.no_autoflush:
        _compute(session, settings, letter, tracker)
    with tracker.stage("repeats"):
        with session.no_autoflush:
            found = find_letter_repeats(session, letter, office_gazetteer(settings), office_lexicon(settings))
            if not _still_ours(session, letter.id, job_id):
                session.rollback()
                return False
        write_repeats(session, letter, found)
    letter.status = Status.review
    letter.failure_stage = None
    letter.failure_reason = None
    record(session, "status", letter_id=letter.id, status=Status.review, stages=tracker.done)
    session.commit()
    return True


def _still_ours(session: Session, letter_id: int, job_id: str | None) -> bool:
    """Fence the final write: the letter must still be `processing` under this job.

    A worker host cut off from the network mid-letter loses its lock; the sweeper then gives the letter to
    another job, which finishes it. When the first host comes back, its write must not land a second time.
    The conditional UPDATE opens the write transaction and locks the row until the commit, so a sweep
    cannot slip in between the check and the write.
    """
    owner = Letter.job_id == job_id if job_id else Letter.job_id.is_(None)
    result = session.execute(update(Letter).where(Letter.id == letter_id, Letter.status == Status.processing, owner)
                             .values(status=Status.processing))
    return result.rowcount == 1


def _compute(session: Session, settings: Settings, letter: Letter, tracker: StageTracker) -> None:
    with tracker.stage("read"):
        if letter.ocr_engine != "text" and letter.ocr_pages is None:
            pages = read_pages(settings, letter)
        else:
            pages = None
    with tracker.stage("ocr"):
        if pages is not None:
            letter.ocr_pages = [page.to_json() for page in pages]
            letter.ocr_engine = ",".join(sorted({page.engine for page in pages}))
            letter.page_count = len(pages)
        if letter.ocr_engine != "text":
            stored = [OcrPage.from_json(p) for p in letter.ocr_pages or []]
            letter.ocr_text = "\n\n".join(page.text for page in stored)
        if not (letter.ocr_text or "").strip():
            raise NoTextFoundError("页面上没有识别出文字。请确认扫描的是信件正面且清晰，然后重新扫描。")
    with tracker.stage("split"):
        if pages is not None and len(pages) > 1:
            split_pages(session, settings, letter, pages)  # commits the new letters at once (short)
    with tracker.stage("fields"):
        extract(settings, letter)
    with tracker.stage("classify"):
        classify_letter(session, settings, letter)
