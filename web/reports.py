"""The supervisor's statistics page and its exports (XLSX, CSV); the JSON is in web/api.py."""

from __future__ import annotations

import csv
import io

from flask import Blueprint, abort, render_template, request, send_file
from openpyxl import Workbook
from openpyxl.styles import Font
from werkzeug.wrappers import Response

from xinfang.core.spreadsheet import safe_cell
from xinfang.models import Role
from xinfang.web.auth import role_required
from xinfang.web.extensions import db, settings
from xinfang.web.statistics import DIMENSIONS, PeriodError, Stats, compute, parse_period, summary_paragraph

bp = Blueprint("stats", __name__, url_prefix="/stats")


def current_stats() -> Stats:
    try:
        period = parse_period(request.args.get("start"), request.args.get("end"))
    except PeriodError as exc:
        abort(400, description=str(exc))
    return compute(db(), period, settings().day_counting, settings().routing_days)


@bp.get("/")
@role_required(Role.supervisor)
def index() -> str:
    stats = current_stats()
    return render_template("stats.html", stats=stats, dimensions=DIMENSIONS, summary=summary_paragraph(stats))


def _sheet_rows(stats: Stats) -> list[tuple[str, list[list[object]]]]:
    """The report as (sheet name, rows), shared by the XLSX and CSV exports."""
    overview = [["统计期间", stats.period.label], ["信访总量（件）", stats.total],
                ["其中尚未审核确认（件）", stats.provisional],
                ["集体信访（批）", stats.collective_batches], ["集体信访（人次）", stats.collective_people],
                ["重复信访（件）", stats.repeats], ["重复信访占比", round(stats.repeat_share, 4)],
                ["已分流（件）", stats.confirmed], ["按期分流（件）", stats.on_time],
                ["按期分流率", None if stats.on_time_rate is None else round(stats.on_time_rate, 4)],
                ["去年同期（件）", stats.last_year_total],
                ["同比变化", None if stats.change is None else round(stats.change, 4)],
                ["综述", summary_paragraph(stats)]]
    sheets = [("总览", overview)]
    for name, title in DIMENSIONS.items():
        sheets.append((title, [[title, "件数", "占比"]] + [[label, n, round(share, 4)]
                                                          for label, n, share in stats.tables[name]]))
    return sheets


@bp.get("/export.xlsx")
@role_required(Role.supervisor)
def export_xlsx() -> Response:

    stats = current_stats()
    book = Workbook()
    book.remove(book.active)
    for title, rows in _sheet_rows(stats):
        sheet = book.create_sheet(title[:31].replace("/", "-").replace("（", "(").replace("）", ")"))
        for row in rows:
            sheet.append([safe_cell(value) for value in row])
        sheet.column_dimensions["A"].width = 24
        sheet.column_dimensions["B"].width = 16 if title != "总览" else 60
        if title != "总览":
            for cell in sheet[1]:
                cell.font = Font(bold=True)
            for row in sheet.iter_rows(min_row=2, min_col=3, max_col=3):
                row[0].number_format = "0.0%"
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    name = f"xinfang-stats-{stats.period.start}-{stats.period.end}.xlsx"
    return send_file(buffer, as_attachment=True, download_name=name,
                     mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


@bp.get("/export.csv")
@role_required(Role.supervisor)
def export_csv() -> Response:
    stats = current_stats()
    out = io.StringIO()
    writer = csv.writer(out)
    for title, rows in _sheet_rows(stats):
        writer.writerow([f"# {title}"])
        writer.writerows([[safe_cell(value) for value in row] for row in rows])
        writer.writerow([])
    data = io.BytesIO(("\ufeff" + out.getvalue()).encode("utf-8"))  # BOM: Excel opens UTF-8 CSV correctly
    name = f"xinfang-stats-{stats.period.start}-{stats.period.end}.csv"
    return send_file(data, as_attachment=True, download_name=name, mimetype="text/csv")
