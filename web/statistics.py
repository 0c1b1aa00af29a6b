"""Statistics for a period, shaped like the tables that open a 信访工作总结.

A letter counts in the period of its received_date. Labels are the reviewer's confirmed routing; a
letter not confirmed yet counts under the system's suggestion, and the report says how many did, so a
supervisor never mistakes provisional numbers for final ones. Failed letters are not counted (they are
not registered letters yet).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from xinfang.core.dates import period_date_problem
from xinfang.core.deadlines import routing_deadline
from xinfang.models import Letter, RepeatLink, Status, Suggestion

COLLECTIVE_SIGNERS = 5
DIMENSIONS = {"form": "信访形式", "purpose": "信访目的", "category": "内容分类", "department": "责任单位",
              "township": "问题属地（乡镇）"}
UNKNOWN = "未确定"


@dataclass
class Period:
    start: date
    end: date

    def last_year(self) -> Period:
        return Period(_minus_year(self.start), _minus_year(self.end))

    @property
    def label(self) -> str:
        return f"{self.start.isoformat()} 至 {self.end.isoformat()}"


def _minus_year(day: date) -> date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


def default_period(today: date | None = None) -> Period:
    today = today or date.today()
    return Period(today.replace(day=1), today)


@dataclass
class Stats:
    period: Period
    total: int = 0
    provisional: int = 0
    tables: dict[str, list[tuple[str, int, float]]] = field(default_factory=dict)
    collective_batches: int = 0
    collective_people: int = 0
    repeats: int = 0
    confirmed: int = 0
    on_time: int = 0
    last_year_total: int = 0

    @property
    def repeat_share(self) -> float:
        return self.repeats / self.total if self.total else 0.0

    @property
    def on_time_rate(self) -> float | None:
        return self.on_time / self.confirmed if self.confirmed else None

    @property
    def change(self) -> float | None:
        """Change in the number of letters against the same period last year (None: no letters then)."""
        return (self.total - self.last_year_total) / self.last_year_total if self.last_year_total else None


def _rows(session: Session, period: Period) -> list:
    """One row per letter with its newest suggestion (joined and ordered; the last row of a letter wins)."""
    query = (select(Letter.id, Letter.form, Letter.purpose, Letter.category, Letter.department, Letter.fields,
                    Letter.received_date, Letter.confirmed_at, Suggestion.id.label("sid"),
                    Suggestion.purpose.label("s_purpose"), Suggestion.category.label("s_category"),
                    Suggestion.department.label("s_department"))
             .outerjoin(Suggestion, Suggestion.letter_id == Letter.id)
             .where(Letter.received_date >= period.start, Letter.received_date <= period.end,
                    Letter.status.in_([Status.review, Status.confirmed]))
             .order_by(Letter.id, Suggestion.id))
    by_id = {}
    for row in session.execute(query):
        by_id[row.id] = row  # rows come ordered by suggestion id: the last one is the current suggestion
    return list(by_id.values())


def _count_letters(session: Session, period: Period) -> int:
    return session.scalar(select(func.count()).select_from(Letter).where(
        Letter.received_date >= period.start, Letter.received_date <= period.end,
        Letter.status.in_([Status.review, Status.confirmed]))) or 0


def _signers(fields: dict | None) -> int:
    value = ((fields or {}).get("cosigner_count") or {}).get("value")
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


def compute(session: Session, period: Period, day_counting: str = "calendar", routing_days: int = 15) -> Stats:
    rows = _rows(session, period)
    stats = Stats(period=period, total=len(rows))
    counters: dict[str, Counter] = {name: Counter() for name in DIMENSIONS}
    for row in rows:
        confirmed = row.confirmed_at is not None
        stats.provisional += not confirmed
        counters["form"][row.form or UNKNOWN] += 1
        for head in ("purpose", "category", "department"):
            value = getattr(row, head) if confirmed else getattr(row, f"s_{head}")
            counters[head][value or UNKNOWN] += 1
        township = ((row.fields or {}).get("township") or {}).get("value")
        counters["township"][township if isinstance(township, str) and township else UNKNOWN] += 1
        signers = _signers(row.fields)
        if signers >= COLLECTIVE_SIGNERS:
            stats.collective_batches += 1
            stats.collective_people += signers
        if confirmed:
            stats.confirmed += 1
            due = routing_deadline(row.received_date, day_counting, routing_days).due
            stats.on_time += row.confirmed_at.date() <= due
    ids = [row.id for row in rows]
    for chunk in range(0, len(ids), 5000):
        part = ids[chunk:chunk + 5000]
        stats.repeats += len(set(session.scalars(select(RepeatLink.letter_id).where(
            RepeatLink.letter_id.in_(part), RepeatLink.kind == "repeat",
            or_(RepeatLink.confirmed.is_(None), RepeatLink.confirmed.is_(True))))))
    for name, counter in counters.items():
        stats.tables[name] = [(label, n, n / stats.total) for label, n in counter.most_common()]
    stats.last_year_total = _count_letters(session, period.last_year())
    return stats


def _pct(share: float) -> str:
    return f"{100 * share:.1f}%"


def summary_paragraph(stats: Stats) -> str:
    """The opening paragraph of a report, in the style of the seed reports (domain.md)."""
    if not stats.total:
        return f"{stats.period.label}，共受理群众信访件0件。"
    forms = stats.tables["form"]
    form_text = "，".join(f"{label}{n}件" for label, n, _ in forms if label != UNKNOWN)
    parts = [f"{stats.period.label}，共受理群众信访件{stats.total}件" + (f"（{form_text}）" if len(forms) > 1 else "")]
    if len(forms) == 1 and forms[0][0] == "来信":
        parts = [f"{stats.period.label}，共受理群众来信{stats.total}件"]
    purposes = [(label, n, share) for label, n, share in stats.tables["purpose"] if label != UNKNOWN]
    if purposes:
        first, *rest = purposes
        text = f"其中{first[0]}类{first[1]}件，占信访总量的{_pct(first[2])}"
        text += "".join(f"；{label}类{n}件，占{_pct(share)}" for label, n, share in rest)
        parts.append(text)
    sentence = "，".join(parts) + "。"
    categories = [(label, n, share) for label, n, share in stats.tables["category"] if label != UNKNOWN][:3]
    if categories:
        sentence += "反映问题主要集中在" + "、".join(f"{label}（{n}件，占{_pct(share)}）"
                                             for label, n, share in categories) + "。"
    if stats.collective_batches:
        sentence += f"集体信访{stats.collective_batches}批{stats.collective_people}人次。"
    sentence += f"重复信访{stats.repeats}件，占{_pct(stats.repeat_share)}。"
    if stats.on_time_rate is not None:
        sentence += f"已分流{stats.confirmed}件，按期分流率{_pct(stats.on_time_rate)}。"
    if stats.change is not None:
        direction = "上升" if stats.change > 0 else "下降" if stats.change < 0 else "持平"
        sentence += (f"与去年同期（{stats.last_year_total}件）相比{direction}"
                     + (f"{_pct(abs(stats.change))}。" if stats.change else "。"))
    if stats.provisional:
        sentence += f"（其中{stats.provisional}件尚未审核确认，按系统建议分类统计。）"
    return sentence


def as_json(stats: Stats) -> dict:
    return {
        "period": {"start": stats.period.start.isoformat(), "end": stats.period.end.isoformat()},
        "total": stats.total, "provisional": stats.provisional,
        "tables": {name: [{"label": label, "count": n, "share": round(share, 4)} for label, n, share in rows]
                   for name, rows in stats.tables.items()},
        "collective": {"batches": stats.collective_batches, "people": stats.collective_people},
        "repeats": {"count": stats.repeats, "share": round(stats.repeat_share, 4)},
        "routing": {"confirmed": stats.confirmed, "on_time": stats.on_time,
                    "on_time_rate": None if stats.on_time_rate is None else round(stats.on_time_rate, 4)},
        "last_year": {"total": stats.last_year_total,
                      "change": None if stats.change is None else round(stats.change, 4)},
        "summary": summary_paragraph(stats),
    }


class PeriodError(ValueError):
    """A period the statistics cannot be computed for; the message says why, in Chinese."""


def parse_period(start: str | None, end: str | None, today: date | None = None) -> Period:
    """The period asked for; a date that is not YYYY-MM-DD or lies outside the sane range is refused."""
    default = default_period(today)
    days = []
    for name, text, fallback in (("start", start, default.start), ("end", end, default.end)):
        try:
            day = date.fromisoformat(text) if text else fallback
        except ValueError:
            raise PeriodError(f"{name} 应为 YYYY-MM-DD 格式的日期，而不是 {text[:40]!r}") from None
        if (problem := period_date_problem(day)) is not None:
            raise PeriodError(f"{name}：{problem}")
        days.append(day)
    first, last = sorted(days)
    return Period(first, min(last, first + timedelta(days=3660)))
