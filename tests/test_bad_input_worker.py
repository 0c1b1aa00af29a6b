"""Hostile files through a real `xinfang worker`: each fails with its own reason, the original is kept,
memory stays under the work horse's limit, and the SAME worker then reads a good letter."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image, ImageDraw, ImageFont

from tests.conftest import WorkerProcess, wait_for
from tests.services import tesseract_available
from tests.test_pages import _encrypted_pdf, _png_bomb
from xinfang.core.errors import UnsupportedTypeError
from xinfang.intake.ingest import ingest_path
from xinfang.intake.jobs import enqueue_letter
from xinfang.models import Letter, Status
from xinfang.models.db import session_scope

pytestmark = [pytest.mark.redis, pytest.mark.ocr, pytest.mark.slow]

FONT = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"


def _good_letter(path: Path) -> Path:
    img = Image.new("L", (1240, 600), 255)
    draw = ImageDraw.Draw(img)
    font = ImageFont.truetype(FONT, 40)
    for i, line in enumerate(["尊敬的县信访局领导：", "我是清河镇东关村村民张三，", "村道坑洼无法通行，请求维修。"]):
        draw.text((80, 80 + i * 80), line, fill=0, font=font)
    img.save(path)
    return path


def _submit(settings, path: Path) -> int:
    with session_scope(settings.database_url) as session:
        letter_id = ingest_path(session, settings, path).letter_ids[0]
        session.commit()
    enqueue_letter(settings, letter_id)
    return letter_id


def _finished(settings, letter_id: int, worker: WorkerProcess) -> Letter:
    def done():  # noqa: ANN202
        with session_scope(settings.database_url) as session:
            letter = session.get(Letter, letter_id)
            if letter.status in (Status.review, Status.failed):
                session.expunge(letter)
                return letter
        return None

    try:
        return wait_for(done, timeout=180, message=f"letter {letter_id}")
    except AssertionError:
        raise AssertionError(worker.log()[-3000:]) from None


def _stored_bytes(settings, letter_id: int) -> bytes:
    with session_scope(settings.database_url) as session:
        return (settings.data_dir / session.get(Letter, letter_id).file.storage_path).read_bytes()


def test_hostile_files_fail_clearly_and_the_same_worker_reads_the_next_letter(settings, redis_url, tmp_path):
    tesseract_available()
    settings = settings.with_(redis_url=redis_url)
    not_an_image = tmp_path / "scan.jpg"
    not_an_image.write_bytes(b"PK\x03\x04" + b"\x00\x17\x99" * 400)
    with pytest.raises(UnsupportedTypeError, match="不是图片、PDF 或文本文件"):  # refused at upload, not queued
        _submit(settings, not_an_image)
    no_text = tmp_path / "back-side.png"
    Image.effect_noise((1240, 1754), 12).point(lambda v: 200 + v // 8).save(no_text)  # grey paper, nothing on it
    hostile = [(_png_bomb(tmp_path / "bomb.png"), "dpi", "read"), (_encrypted_pdf(tmp_path / "locked.pdf"), "密码", "read"),
               (no_text, "没有识别出文字", "ocr")]
    worker = WorkerProcess(settings, XINFANG_JOB_MEMORY_MB="3072")
    try:
        for path, reason, stage in hostile:
            letter_id = _submit(settings, path)
            letter = _finished(settings, letter_id, worker)
            assert letter.status == Status.failed and reason in letter.failure_reason, letter.failure_reason
            assert letter.failure_stage == stage, (path.name, letter.failure_stage)
            assert _stored_bytes(settings, letter_id) == path.read_bytes()
        good = _finished(settings, _submit(settings, _good_letter(tmp_path / "good.png")), worker)
        assert good.status == Status.review, good.failure_reason
        assert "东关村" in good.ocr_text
        assert worker.process.poll() is None
    finally:
        worker.stop()


def test_a_page_too_big_for_the_memory_limit_fails_and_the_worker_survives(settings, redis_url, tmp_path):
    """With the pixel cap lifted, the bomb is really decoded: the RLIMIT_AS of the horse stops it."""
    tesseract_available()
    settings = settings.with_(redis_url=redis_url)
    worker = WorkerProcess(settings, XINFANG_JOB_MEMORY_MB="1536", XINFANG_MAX_IMAGE_PIXELS="4000000000")
    try:
        bomb = _finished(settings, _submit(settings, _png_bomb(tmp_path / "bomb.png")), worker)
        assert bomb.status == Status.failed and "内存" in bomb.failure_reason, bomb.failure_reason
        good = _finished(settings, _submit(settings, _good_letter(tmp_path / "good.png")), worker)
        assert good.status == Status.review, good.failure_reason
    finally:
        worker.stop()
