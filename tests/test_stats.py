"""Statistics for a period: counts and shares, 集体 in 批/人次, repeats, on-time routing, year on year,
the report paragraph, and the XLSX/CSV exports."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime, timedelta

import pytest
from openpyxl import load_workbook

from bench.synthetic import link_repeat, make_letter
from tests.webutil import add_user, login
from xinfang.models import Letter, Status
from xinfang.models.db import session_scope
from xinfang.web import create_app
from xinfang.web.statistics import Period, compute, summary_paragraph

START, END = date(2026, 3, 1), date(2026, 3, 31)


@pytest.fixture
def period_data(settings):
    with session_scope(settings.database_url) as s:
        def confirmed(received: date, confirmed_on: date, **kw) -> Letter:
            letter = make_letter(s, status=Status.confirmed, received=received, **kw)
            letter.category, letter.purpose = kw.get("category", "劳动和社会保障"), kw.get("purpose", "求决")
            letter.department = kw.get("department", "人社局")
            letter.confirmed_at = datetime(confirmed_on.year, confirmed_on.month, confirmed_on.day, 9, tzinfo=UTC)
            return letter
        first = confirmed(date(2026, 3, 2), date(2026, 3, 5), township="清河镇")           # on time
        confirmed(date(2026, 3, 3), date(2026, 3, 30), township="清河镇", cosigners=12)  # late; 集体 12 人
        confirmed(date(2026, 3, 4), date(2026, 3, 6), purpose="申诉", category="政法", department="法院",
                  township="王庄乡", cosigners=3)
        later = make_letter(s, received=date(2026, 3, 20), purpose="意见建议", category="环境保护",
                            department="生态环境局", cosigners=5)          # in review: counted as suggested
        link_repeat(s, later, first)
        make_letter(s, received=date(2026, 3, 21), status=Status.failed)   # not registered: not counted
        make_letter(s, received=date(2026, 4, 2))                          # outside the period
        make_letter(s, received=date(2025, 3, 10))                         # same period last year
        make_letter(s, received=date(2025, 3, 11))
    return settings


def test_counts_shares_collective_repeats_on_time_and_change(period_data):
    with session_scope(period_data.database_url) as s:
        stats = compute(s, Period(START, END))
    assert stats.total == 4 and stats.provisional == 1
    assert stats.tables["purpose"] == [("求决", 2, 0.5), ("申诉", 1, 0.25), ("意见建议", 1, 0.25)]
    assert dict((label, n) for label, n, _ in stats.tables["township"]) == {"清河镇": 3, "王庄乡": 1}
    assert dict((label, n) for label, n, _ in stats.tables["form"]) == {"来信": 4}
    assert (stats.collective_batches, stats.collective_people) == (2, 17)
    assert stats.repeats == 1 and stats.repeat_share == 0.25
    assert (stats.confirmed, stats.on_time) == (3, 2)
    assert stats.last_year_total == 2 and stats.change == 1.0


def test_working_day_counting_changes_the_on_time_rate(period_data):
    with session_scope(period_data.database_url) as s:
        # 15 working days from 2026-03-03 is 2026-03-24: still late; from 03-02 counted in calendar days on time.
        assert compute(s, Period(START, END), "working").on_time == 2
        assert compute(s, Period(START, END), "calendar", routing_days=1).on_time == 0


def test_the_report_paragraph_reads_like_the_seed_reports(period_data):
    with session_scope(period_data.database_url) as s:
        text = summary_paragraph(compute(s, Period(START, END)))
    assert text.startswith("2026-03-01 至 2026-03-31，共受理群众来信4件，其中求决类2件，占信访总量的50.0%；申诉类1件，占25.0%")
    assert "集体信访2批17人次" in text and "重复信访1件，占25.0%" in text
    assert "按期分流率66.7%" in text and "与去年同期（2件）相比上升100.0%" in text
    assert "1件尚未审核确认" in text


def test_exports_hold_the_same_numbers(period_data):
    add_user(period_data, "boss", "supervisor")
    add_user(period_data, "rev", "reviewer")
    app = create_app(period_data)
    client = app.test_client()
    login(client, "rev")
    assert client.get("/stats/").status_code == 403
    login(client, "boss")
    page = client.get("/stats/?start=2026-03-01&end=2026-03-31").get_data(as_text=True)
    assert '<b id="total">4</b>' in page and "<svg" in page and "共受理群众来信4件" in page
    xlsx = client.get("/stats/export.xlsx?start=2026-03-01&end=2026-03-31")
    assert xlsx.status_code == 200
    book = load_workbook(io.BytesIO(xlsx.data))
    overview = {row[0]: row[1] for row in book["总览"].iter_rows(values_only=True)}
    assert overview["信访总量（件）"] == 4 and overview["集体信访（人次）"] == 17
    purposes = list(book["信访目的"].iter_rows(values_only=True))
    assert purposes[0] == ("信访目的", "件数", "占比") and purposes[1] == ("求决", 2, 0.5)
    exported = client.get("/stats/export.csv?start=2026-03-01&end=2026-03-31")
    rows = list(csv.reader(io.StringIO(exported.data.decode("utf-8-sig"))))
    assert ["信访总量（件）", "4"] in rows and ["求决", "2", "0.5"] in rows


def test_an_empty_period_says_zero(settings):
    with session_scope(settings.database_url) as s:
        stats = compute(s, Period(date(2020, 1, 1), date(2020, 1, 31) + timedelta(days=0)))
    assert stats.total == 0 and summary_paragraph(stats).endswith("共受理群众信访件0件。")
