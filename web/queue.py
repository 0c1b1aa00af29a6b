"""The review queue: which letters wait, in which order, and the filters a reviewer narrows it with.

Order: urgent (扬言) first, then by routing deadline. The deadline is received_date + N days counted the
same way for every letter, so it grows with received_date: ordering by received_date IS ordering by
deadline, and the (status, received_date) index serves it without computing deadlines in SQL.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, fields
from datetime import date

from sqlalchemy import Select, and_, exists, false, func, literal, or_, select, tuple_
from sqlalchemy.orm import Session, defer, selectinload

from xinfang.core.config import Settings
from xinfang.core.deadlines import Deadline, routing_deadline
from xinfang.core.privacy import is_identity_query
from xinfang.models import Letter, RepeatLink, Status, Suggestion

LOW_CONFIDENCE = 0.6


@dataclass
class QueueFilters:
    """What the reviewer typed into the filter bar; empty strings mean 'any'."""

    status: str = Status.review
    category: str = ""
    purpose: str = ""
    department: str = ""
    repeat: str = ""        # "yes" | "no"
    low: str = ""           # "1": low-confidence suggestions only
    township: str = ""
    date_from: str = ""
    date_to: str = ""
    q: str = ""
    # False for a role that sees identity numbers masked: see `filtered`. Not a filter the user types.
    identity_search: bool = field(default=True, repr=False)

    @classmethod
    def from_args(cls, args: object) -> QueueFilters:
        # NUL cannot be stored or compared in PostgreSQL text: it is dropped, never sent to the database.
        values = {f.name: (args.get(f.name) or "").replace("\x00", "").strip()[:100]  # type: ignore[attr-defined]
                  for f in fields(cls) if f.name != "identity_search"}
        values["status"] = values["status"] or Status.review
        return cls(**values)

    def active(self) -> dict[str, str]:
        """The non-default filters, for links that keep them (pagination, next letter)."""
        return {k: v for k, v in self.__dict__.items()
                if v and k != "identity_search" and not (k == "status" and v == Status.review)}


def _parse_date(text: str) -> date | None:
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def _latest_suggestion_has(column, value: str):  # noqa: ANN001, ANN202
    return exists().where(Suggestion.letter_id == Letter.id, column == value)


def filtered(f: QueueFilters, identity_search: bool | None = None) -> Select:
    """Letters matching the filters (no order): the queue and its count share it.

    Without `identity_search` (a role that sees identity numbers masked), a search containing a run of
    digits looks only at external ids: in the text it would confirm the masked digits.
    """
    query = select(Letter).where(Letter.status == f.status)
    for name, column in (("category", Suggestion.category), ("purpose", Suggestion.purpose),
                         ("department", Suggestion.department)):
        value = getattr(f, name)
        if value and f.status == Status.review:
            # Letters in review have no confirmed routing yet: the suggestion alone decides, and the
            # letters row (wide, with text and JSON) need not be read for the test.
            query = query.where(_latest_suggestion_has(column, value))
        elif value:
            confirmed = getattr(Letter, name)
            query = query.where(or_(confirmed == value, and_(confirmed.is_(None),
                                                             _latest_suggestion_has(column, value))))
    if f.repeat in ("yes", "no"):
        linked = exists().where(RepeatLink.letter_id == Letter.id, RepeatLink.kind == "repeat",
                                or_(RepeatLink.confirmed.is_(None), RepeatLink.confirmed.is_(True)))
        query = query.where(linked if f.repeat == "yes" else ~linked)
    if f.low:
        query = query.where(exists().where(Suggestion.letter_id == Letter.id, or_(
            Suggestion.needs_routing.is_(True), Suggestion.category_probability < LOW_CONFIDENCE,
            Suggestion.department_probability < LOW_CONFIDENCE)))
    if f.township:
        query = query.where(Letter.fields["township"]["value"].as_string().contains(f.township))
    start, end = _parse_date(f.date_from), _parse_date(f.date_to)
    if f.date_from and start is None or f.date_to and end is None:
        query = query.where(false())
    if start:
        query = query.where(Letter.received_date >= start)
    if end:
        query = query.where(Letter.received_date <= end)
    if f.q:
        like = f"%{f.q.replace('%', '').replace('_', '')}%"
        if (f.identity_search if identity_search is None else identity_search) or not is_identity_query(f.q):
            query = query.where(or_(Letter.text.like(like), Letter.ocr_text.like(like),
                                    Letter.petitioner_name.like(like), Letter.external_id.like(like)))
        else:
            query = query.where(Letter.external_id.like(like))
    return query


COUNT_CAP = 1000


def count_capped(session: Session, query: Select, filters: QueueFilters) -> tuple[int, bool]:
    """How many letters match; with filters, counting stops past COUNT_CAP ("1000+"), because an exact
    count of a filtered backlog reads every matching row and the reviewer only needs its order of size."""
    if not filters.active():
        return session.scalar(select(func.count()).select_from(query.subquery())) or 0, False
    limited = query.with_only_columns(Letter.id).limit(COUNT_CAP + 1).subquery()
    n = session.scalar(select(func.count()).select_from(limited)) or 0
    return min(n, COUNT_CAP), n > COUNT_CAP


def ordered(query: Select) -> Select:
    return query.order_by(Letter.urgent.desc(), Letter.received_date, Letter.id)


def with_relations(query: Select) -> Select:
    """Load what the queue rows and can_view need in two extra queries, not two per letter."""
    return query.options(selectinload(Letter.suggestions), selectinload(Letter.repeat_links),
                         defer(Letter.ocr_pages), defer(Letter.ocr_text))


def neighbour(session: Session, letter: Letter, direction: int, filters: QueueFilters | None = None) -> int | None:
    """The next (direction=1) or previous (-1) letter in review order after `letter`.

    With filters (a reviewer working through one department's letters, say) the next letter is the next
    one of the filtered queue; see `_filtered_neighbour`.

    Two plain range queries (within the letter's urgency group, then the adjacent group) instead of one
    OR, so both SQLite and PostgreSQL answer from the (status, urgent, received_date, id) index.
    """
    forward = direction > 0
    key = tuple_(Letter.received_date, Letter.id)
    mine = tuple_(literal(letter.received_date), literal(letter.id))
    if filters is not None and filters.active():
        return _filtered_neighbour(session, letter, forward, filters, key, mine)
    same = select(Letter.id).where(Letter.status == Status.review, Letter.urgent == bool(letter.urgent),
                                   key > mine if forward else key < mine)
    if forward:
        found = session.scalar(same.order_by(Letter.received_date, Letter.id).limit(1))
        if found is None and letter.urgent:  # past the urgent letters come the others, oldest first
            found = session.scalar(select(Letter.id).where(Letter.status == Status.review, Letter.urgent == False)  # noqa: E712
                                   .order_by(Letter.received_date, Letter.id).limit(1))
        return found
    found = session.scalar(same.order_by(Letter.received_date.desc(), Letter.id.desc()).limit(1))
    if found is None and not letter.urgent:  # before the others come the urgent letters, newest last
        found = session.scalar(select(Letter.id).where(Letter.status == Status.review, Letter.urgent == True)  # noqa: E712
                               .order_by(Letter.received_date.desc(), Letter.id.desc()).limit(1))
    return found


def visible_neighbour(session: Session, letter: Letter, direction: int, filters: QueueFilters | None,
                      can_see: Callable[[Letter], bool], limit: int = 200) -> int | None:
    """Like `neighbour`, stepping over letters the user may not see: a link to a hidden letter, even
    without its text, tells an accused unit that a report about them is waiting."""
    current = letter
    for _ in range(limit):
        found = neighbour(session, current, direction, filters)
        if found is None:
            return None
        candidate = session.get(Letter, found)
        if can_see(candidate):
            return found
        current = candidate
    return None


def _filtered_neighbour(session: Session, letter: Letter, forward: bool, filters: QueueFilters,
                        key, mine) -> int | None:  # noqa: ANN001
    """Keyset step through the filtered queue (urgent first, then received_date, id)."""
    urgent = bool(letter.urgent)
    if forward:
        after = and_(Letter.urgent == urgent, key > mine)
        condition = or_(after, Letter.urgent == False) if urgent else after  # noqa: E712
        order = (Letter.urgent.desc(), Letter.received_date, Letter.id)
    else:
        before = and_(Letter.urgent == urgent, key < mine)
        condition = before if urgent else or_(before, Letter.urgent == True)  # noqa: E712
        order = (Letter.urgent, Letter.received_date.desc(), Letter.id.desc())
    query = filtered(filters).with_only_columns(Letter.id).where(condition, Letter.id != letter.id)
    return session.scalar(query.order_by(*order).limit(1))


def deadline_of(settings: Settings, letter: Letter) -> Deadline:
    return routing_deadline(letter.received_date, settings.day_counting, settings.routing_days)
