"""One letter's whole path on the real stack: web upload, Redis, an rq worker process, OCR, review.

Runs on SQLite and on PostgreSQL. Sample S0001 is a clean scan; S0002 is the same petitioner writing
again about the same matter, so it must be linked to S0001 as a repeat.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.conftest import WorkerProcess, install_model, wait_for
from tests.services import tesseract_available
from tests.webutil import add_user, csrf_token, login
from xinfang.models import AuditEvent, Letter, Status
from xinfang.models.db import session_scope
from xinfang.samples import letters_dir, load_index
from xinfang.web import create_app

pytestmark = [pytest.mark.redis, pytest.mark.ocr, pytest.mark.slow]


def sample(sample_id: str) -> dict:
    return next(item for item in load_index() if item["id"] == sample_id)


@pytest.fixture
def stack(db_settings, redis_url, starter_model_dir):
    tesseract_available()
    settings = db_settings.with_(redis_url=redis_url)
    install_model(settings, starter_model_dir)
    add_user(settings, "clerk1", "clerk")
    add_user(settings, "rev1", "reviewer")
    worker = WorkerProcess(settings)
    yield settings, create_app(settings), worker
    worker.stop()


def upload(client, *paths):
    token = csrf_token(client, "/upload")
    files = [(path.open("rb"), path.name) for path in paths]
    response = client.post("/upload", data={"csrf_token": token, "files": files}, content_type="multipart/form-data")
    for handle, _ in files:
        handle.close()
    assert response.status_code == 302, response.get_data(as_text=True)[:400]
    return response


def letter_of(settings, name: str) -> Letter | None:
    with session_scope(settings.database_url) as session:
        return session.scalar(select(Letter).join(Letter.file).where(Letter.file.has(original_name=name)))


def wait_until_done(settings, worker, name: str) -> Letter:
    def done():
        letter = letter_of(settings, name)
        return letter if letter is not None and letter.status in (Status.review, Status.failed) else None

    try:
        letter = wait_for(done, timeout=240, message=f"{name} to be processed")
    except AssertionError:
        raise AssertionError(f"worker log:\n{worker.log()[-3000:]}") from None
    assert letter.status == Status.review, f"{letter.failure_stage}: {letter.failure_reason}\n{worker.log()[-2000:]}"
    return letter


def test_a_scanned_letter_goes_from_upload_to_confirmed(stack):
    settings, app, worker = stack
    first, second = sample("S0001"), sample("S0002")
    truth = first["truth"]["petitioner"]
    client = app.test_client()
    login(client, "clerk1")
    upload(client, letters_dir() / first["scan"])
    earlier = wait_until_done(settings, worker, first["scan"])
    assert truth["name"] in earlier.ocr_text
    assert earlier.id_number == truth["id_number"]

    upload(client, letters_dir() / second["scan"])
    later = wait_until_done(settings, worker, second["scan"])
    with session_scope(settings.database_url) as session:
        later = session.get(Letter, later.id)
        assert later.suggestion is not None and later.suggestion.category
        assert 0 < later.suggestion.category_probability <= 1
        assert later.repeat_link is not None and later.repeat_link.earlier_id == earlier.id
        assert later.repeat_link.kind == "repeat"

    reviewer = app.test_client()
    login(reviewer, "rev1")
    queue = reviewer.get("/review").get_data(as_text=True)
    assert f'/letters/{later.id}"' in queue
    page = reviewer.get(f"/letters/{later.id}").get_data(as_text=True)
    assert "疑似重复信访" in page and truth["name"] in page
    token = csrf_token(reviewer, f"/letters/{later.id}")
    response = reviewer.post(f"/letters/{later.id}/review", data={
        "csrf_token": token, "category": second["truth"]["category"], "purpose": second["truth"]["purpose"],
        "department": second["truth"]["department"], "is_repeat": "y"})
    assert response.status_code == 302
    with session_scope(settings.database_url) as session:
        confirmed = session.get(Letter, later.id)
        assert confirmed.status == Status.confirmed
        assert confirmed.category == second["truth"]["category"]
        assert confirmed.repeat_link.confirmed is True
        actions = session.scalars(select(AuditEvent.action).where(AuditEvent.letter_id == later.id)
                                  .order_by(AuditEvent.id)).all()
        statuses = [e.detail.get("status") for e in session.scalars(
            select(AuditEvent).where(AuditEvent.letter_id == later.id, AuditEvent.action == "status")
            .order_by(AuditEvent.id))]
    assert actions[0] == "received"
    assert statuses == ["queued", "processing", "review", "confirmed"]
    for action in ("suggested", "repeat_found", "viewed", "reviewed"):
        assert action in actions
    assert f'/letters/{later.id}"' not in reviewer.get("/review").get_data(as_text=True)


def test_corrupt_and_empty_files_fail_with_a_reason(stack, tmp_path):
    """An empty file is refused at upload, saying so; a damaged scan is kept and fails in the pipeline with
    the reason, and no retry is offered (the file itself is the cause)."""
    settings, app, worker = stack
    empty = tmp_path / "empty.jpg"
    empty.write_bytes(b"")
    corrupt = tmp_path / "corrupt.png"
    corrupt.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"broken" * 10)
    client = app.test_client()
    login(client, "clerk1")
    response = upload(client, empty, corrupt)
    assert "是空文件" in client.get(response.headers["Location"]).get_data(as_text=True)
    assert letter_of(settings, empty.name) is None
    for path, words in ((corrupt, "损坏"),):
        letter = wait_for(lambda p=path: (x := letter_of(settings, p.name)) is not None
                          and x.status == Status.failed and x, timeout=120, message=f"{path.name} to fail")
        assert words in letter.failure_reason, letter.failure_reason
        assert letter.failure_stage == "read"
        with session_scope(settings.database_url) as session:
            stored = session.get(Letter, letter.id).file
            assert (settings.data_dir / stored.storage_path).read_bytes() == path.read_bytes()
        page = client.get(f"/letters/{letter.id}").get_data(as_text=True)
        assert letter.failure_reason in page and f"/letters/{letter.id}/retry" not in page
