"""A batch scan cut into letters: each letter's page lists the letters the file became, with links, and
pages are counted from 1 on the page, in the list and in the history."""

from __future__ import annotations

import io

import pytest

from bench.synthetic import make_letter
from tests.browserutil import numbered_pdf
from tests.webutil import add_user, login
from xinfang.intake.ingest import ingest_stream
from xinfang.models import Letter, record
from xinfang.models.db import session_scope
from xinfang.web import create_app


@pytest.fixture
def desk(settings):
    add_user(settings, "clerk", "clerk")
    app = create_app(settings)
    client = app.test_client()
    login(client, "clerk")
    return settings, client


def batch(settings) -> list[int]:
    with session_scope(settings.database_url) as s:
        result = ingest_stream(s, settings, io.BytesIO(numbered_pdf(5)), "batch-B01.pdf")
        first = s.get(Letter, result.letter_ids[0])
        first.page_numbers, first.page_count, first.status = [0, 1], 2, "review"
        ids = [first.id]
        for pages in ([2], [3, 4]):
            child = make_letter(s)
            child.file_id, child.page_numbers, child.page_count = result.file_id, pages, len(pages)
            record(s, "received", letter_id=child.id, split_from=first.id, pages=pages)
            ids.append(child.id)
        record(s, "split", letter_id=first.id, letters=ids)
        return ids


def test_letter_page_lists_the_letters_of_its_batch(desk):
    settings, client = desk
    first, second, third = batch(settings)
    response = client.get(f"/letters/{second}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    listing = html.split('id="batch"', 1)[1].split("</p>", 1)[0]
    assert "同一扫描件分出 3 封信" in listing
    assert f'<a href="/letters/{first}">#{first}</a>（第 1–2 页' in listing
    assert f"<b>#{second}</b>（第 3 页" in listing
    assert f'<a href="/letters/{third}">#{third}</a>（第 4–5 页' in listing
    assert "原件 batch-B01.pdf 第 3 页" in html and "第 1 页（原件第 3 页）" in html
    assert "第0" not in html and "第 0 页" not in html


def test_history_and_list_count_pages_from_one(desk):
    settings, client = desk
    first, second, third = batch(settings)
    client.get(f"/letters/{first}")
    html = client.get(f"/letters/{first}").get_data(as_text=True)
    assert f"分拆</b> · 系统 · 分为 #{first}、#{second}、#{third}" in html
    html = client.get(f"/letters/{third}").get_data(as_text=True)
    assert f"从 #{first} 分出（原件第 4–5 页）" in html
    response = client.get("/letters")
    assert response.status_code == 200
    rows = response.get_data(as_text=True)
    assert '<small class="pages">第 1–2 页</small>' in rows and '<small class="pages">第 4–5 页</small>' in rows


def test_single_letter_file_shows_no_batch_list(desk):
    settings, client = desk
    with session_scope(settings.database_url) as s:
        result = ingest_stream(s, settings, io.BytesIO(numbered_pdf(2)), "one.pdf")
        letter_id = result.letter_ids[0]
    response = client.get(f"/letters/{letter_id}")
    assert response.status_code == 200 and 'id="batch"' not in response.get_data(as_text=True)


def test_upload_result_lists_the_letters_a_batch_became(desk):
    settings, client = desk
    first, second, third = batch(settings)
    response = client.get(f"/letters?ids={first}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    for letter_id in (first, second, third):
        assert f'<tr data-id="{letter_id}">' in html
