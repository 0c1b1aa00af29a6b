"""In headless Chromium: a reviewer corrects two lines of a handwritten letter with the keyboard; the
correction is stored beside the kept OCR and audited, a real worker recomputes the suggestions through real
Redis and the page shows what changed; the export carries the corrected text; a supervisor cannot read
the corrected 身份证号."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from datetime import date

import pytest
from sqlalchemy import func, select

from tests.conftest import (
    ROOT,
    WebServer,
    WorkerProcess,
    install_model,
    make_settings,
    settings_env,
    wait_for,
)
from tests.services import tesseract_available
from tests.webutil import add_user
from xinfang.core.idcard import make
from xinfang.intake.ingest import ingest_stream
from xinfang.intake.jobs import enqueue_letter
from xinfang.models import AuditEvent, Letter, Status, Suggestion, TextCorrection, User
from xinfang.models.db import session_scope
from xinfang.samples import letters_dir, load_index

pytestmark = [pytest.mark.browser, pytest.mark.redis, pytest.mark.ocr, pytest.mark.slow]

NEW_ID = make("371523", date(1968, 11, 2), 57)
NEW_MATTER = "单位拖欠我工资三个月没有发放，社保也不给交，劳动合同也不签。"


@pytest.fixture
def live(tmp_path, redis_url, starter_model_dir):
    from xinfang.models.db import upgrade

    tesseract_available()
    settings = make_settings(tmp_path / "var", redis_url=redis_url)
    upgrade(settings.database_url)
    install_model(settings, starter_model_dir)
    add_user(settings, "rev", "reviewer")
    add_user(settings, "boss", "supervisor")
    worker = WorkerProcess(settings)
    server = WebServer(settings)
    yield settings, server, worker
    server.stop()
    worker.stop()


def sign_in(browser, server, username: str):  # noqa: ANN001, ANN201
    page = browser.new_page(viewport={"width": 1440, "height": 1000})
    page.goto(f"{server.url}/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "correct horse 1")
    page.click("button[type=submit]")
    page.wait_for_load_state()
    return page


def go_to_line(page, needle: str) -> None:  # noqa: ANN001
    """Move the focus to the line containing `needle` with Enter / Shift+Enter only."""
    for _ in range(40):
        state = page.evaluate("""needle => {
            const inputs = [...document.querySelectorAll('#correct-form input[name^="line-"]')];
            return [inputs.indexOf(document.activeElement), inputs.findIndex(i => i.value.includes(needle))];
        }""", needle)
        if state[0] == state[1]:
            return
        page.keyboard.press("Enter" if state[0] < state[1] else "Shift+Enter")
    raise AssertionError(f"no line with {needle!r}")


def test_reviewer_corrects_two_lines_by_keyboard_and_sees_the_suggestions_recomputed(live, browser, artifacts):
    settings, server, worker = live
    entry = next(item for item in load_index() if item["id"] == "S0016")  # a handwritten (Kai) letter scan
    with session_scope(settings.database_url) as s, (letters_dir() / entry["scan"]).open("rb") as stream:
        letter_id = ingest_stream(s, settings, stream, entry["scan"], received=date.today()).letter_ids[0]
    enqueue_letter(settings, letter_id)

    def in_review() -> bool:
        with session_scope(settings.database_url) as s:
            return s.get(Letter, letter_id).status == Status.review
    wait_for(in_review, timeout=300, message=f"letter {letter_id} to be read by the worker ({worker.log()[-500:]})")
    with session_scope(settings.database_url) as s:
        letter = s.get(Letter, letter_id)
        ocr_text, old_category = letter.ocr_text, letter.suggestion.category
        old_id = letter.id_number
    assert "教辅" in ocr_text and old_id != NEW_ID

    page = sign_in(browser, server, "rev")
    page.goto(f"{server.url}/letters/{letter_id}")
    page.click("#correct-text")
    page.wait_for_selector("#correct-form")
    page.screenshot(path=str(artifacts / "correct-01-page.png"), full_page=True)
    crop = page.locator("td.crop img").first
    crop.evaluate("img => img.complete ? true : new Promise(done => { img.onload = img.onerror = done; })")
    assert crop.evaluate("img => img.naturalWidth") > 50           # the line's crop of the scan is there
    assert page.evaluate("document.activeElement.name").startswith("line-")  # keyboard first: a line has focus

    go_to_line(page, "教辅")
    page.keyboard.press("Control+A")
    page.keyboard.type(NEW_MATTER)
    page.keyboard.press("Enter")                                   # accept, next line
    go_to_line(page, "身份证")
    id_line = page.evaluate("document.activeElement.value")
    page.keyboard.press("Control+A")
    page.keyboard.type(re.sub(r"[0-9Xx]{15,18}", NEW_ID, id_line, count=1))
    assert page.locator("tr.edited").count() == 2
    page.screenshot(path=str(artifacts / "correct-02-edited.png"), full_page=True)
    with page.expect_navigation():
        page.keyboard.press("Control+Enter")                       # save
    assert "已保存 2 行更正" in page.content()
    # The page waits for the worker's re-run, then shows what changed.
    page.wait_for_selector("#rerun-changes, #rerun-same", timeout=180_000)
    page.screenshot(path=str(artifacts / "correct-03-rerun.png"), full_page=True)
    assert "身份证号" in page.locator("#rerun-fields").inner_text()

    with session_scope(settings.database_url) as s:
        letter = s.get(Letter, letter_id)
        reviewer = s.scalar(select(User.id).where(User.username == "rev"))
        fixes = s.scalars(select(TextCorrection).where(TextCorrection.letter_id == letter_id)).all()
        assert len(fixes) == 2 and {f.user_id for f in fixes} == {reviewer}
        assert any("教辅" in f.before and f.after == NEW_MATTER for f in fixes)
        assert letter.ocr_text == ocr_text                         # the OCR is kept as it was read
        assert NEW_MATTER in letter.corrected_text and letter.id_number == NEW_ID
        events = {e.action: e for e in s.scalars(select(AuditEvent).where(AuditEvent.letter_id == letter_id))}
        assert events["text_corrected"].user_id == reviewer and "text_rerun" in events
        assert s.scalar(select(func.count()).select_from(Suggestion).where(Suggestion.letter_id == letter_id)) == 2
        new_category = letter.suggestion.category
    # What changed in the suggestions is shown: the category's label or its probability, before and after.
    shown = page.locator("#rerun-changes li[data-head=category]").inner_text()
    assert old_category in shown and new_category in shown and "→" in shown

    api = page.evaluate(f"fetch('/api/letters/{letter_id}').then(r => r.json())")
    assert NEW_ID in api["text"] and api["text_corrected"] and "教辅" in api["ocr_text"]
    exported = subprocess.run([sys.executable, "-m", "xinfang", "export"], env=settings_env(settings), cwd=ROOT,
                              capture_output=True, text=True, timeout=120, check=True).stdout
    record = next(r for r in map(json.loads, exported.splitlines()) if r["id"] == letter_id)
    assert NEW_MATTER in record["text"] and NEW_ID in record["text"] and "教辅" in record["ocr_text"]

    boss = sign_in(browser, server, "boss")
    assert boss.goto(f"{server.url}/letters/{letter_id}/correct").status == 403
    response = boss.goto(f"{server.url}/letters/{letter_id}")
    assert response.status == 200 and NEW_ID not in boss.content()
    boss.screenshot(path=str(artifacts / "correct-04-supervisor.png"), full_page=True)
    api = boss.evaluate(f"fetch('/api/letters/{letter_id}').then(r => r.text())")
    assert NEW_ID not in api and NEW_ID[:6] in api                  # masked, not dropped
