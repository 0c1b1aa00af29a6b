"""What the letter page shows, prepared in Python so the template stays a layout.

- OCR lines per page with low-confidence lines marked, so the reviewer checks those against the scan.
- The text cut into segments where extracted fields were read (fields carry "span" offsets into
  Letter.text), so a click on a field shows where it came from.
- Suggestions with the alternatives and the words behind them, as the model gave them.
- The repeat candidate's text with the shared passages marked.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import object_session

from xinfang.core import idcard
from xinfang.core.privacy import mask_identity_deep, mask_identity_text
from xinfang.matching.service import export_fields
from xinfang.models import Letter
from xinfang.web.labels import FIELD_WORDS, field_text

LOW_LINE = 0.6
FIELD_LABELS = FIELD_WORDS
EDITABLE = ("name", "id_number", "phone", "address", "township", "village", "accused")
HEAD_LABELS = {"category": "内容分类", "subcategory": "二级分类", "purpose": "信访目的", "department": "责任单位"}


@dataclass
class Segment:
    text: str
    field: str | None = None


@dataclass
class FieldRow:
    key: str
    label: str
    value: Any
    confidence: float | None
    has_span: bool
    note: str = ""
    editable: bool = False
    corrected: bool = False
    text: str = ""


@dataclass
class HeadView:
    head: str
    label: str
    value: str | None
    probability: float | None
    alternatives: list[tuple[str, float | None]] = field(default_factory=list)
    words: list[str] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)  # the office knowledge's cue phrases found in the letter


def _span(value: dict) -> tuple[int, int] | None:
    span = value.get("span") if isinstance(value, dict) else None
    if isinstance(span, dict):
        span = (span.get("start"), span.get("end"))
    if isinstance(span, list | tuple) and len(span) == 2 and all(isinstance(x, int) for x in span):
        start, end = span
        return (start, end) if 0 <= start < end else None
    return None


def _field_span(text: str, key: str, value: object) -> tuple[int, int] | None:
    span = _span(value)  # type: ignore[arg-type]
    if span is None and key == "id_number" and isinstance(value, dict) and value.get("value") is None:
        written = _miswritten_id(text, value)
        return tuple(written["span"]) if written else None  # type: ignore[return-value]
    return span


def text_segments(letter: Letter, masked: bool = False) -> list[Segment]:
    """Letter.text cut at field spans; overlapping spans keep the first one. `masked`: identity numbers
    and phones masked in every segment (the spans index the unmasked text, so masking comes last)."""
    segments = _text_segments(letter)
    return [Segment(mask_identity_text(s.text) or "", s.field) for s in segments] if masked else segments


def _text_segments(letter: Letter) -> list[Segment]:
    text = letter.text or letter.ocr_text or ""
    spans = sorted((s, key) for key, value in (letter.fields or {}).items() if (s := _field_span(text, key, value)))
    out, pos = [], 0
    for (start, end), key in spans:
        end = min(end, len(text))
        if start < pos or start >= end:
            continue
        if start > pos:
            out.append(Segment(text[pos:start]))
        out.append(Segment(text[start:end], key))
        pos = end
    if pos < len(text) or not out:
        out.append(Segment(text[pos:]))
    return out


def field_rows(letter: Letter, shown: Any) -> list[FieldRow]:
    """The fields panel: Chinese labels, values as words (`text`), nothing for a field that is empty."""
    rows = []
    text = letter.text or letter.ocr_text or ""
    for key, value in (letter.fields or {}).items():
        if not isinstance(value, dict):
            continue
        raw = value.get("value")
        span = _span(value)
        note = str(value.get("note") or "")
        shown_text = field_text(key, raw, shown)
        confidence = value.get("confidence") if shown_text else None
        if key == "id_number" and raw is None:
            written = _miswritten_id(text, value)
            if written:
                span = tuple(written["span"])
                shown_text = f"写作 {shown(key, written['raw'])}，{written['problem']}"
                note = note or "请对照原件核对"
                confidence = None
        rows.append(FieldRow(key, FIELD_LABELS.get(key, key), shown(key, raw) if isinstance(raw, str) else raw,
                             confidence, bool(span and span[0] < len(text)),
                             note, key in EDITABLE and (raw is None or isinstance(raw, str)),
                             bool(value.get("corrected_by")), shown_text))
    present = {row.key for row in rows}
    rows += [FieldRow(key, FIELD_LABELS[key], None, None, False, editable=True)
             for key in EDITABLE if key not in present and key in ("name", "phone", "township")]
    return rows


def _miswritten_id(text: str, value: dict) -> dict | None:
    """A 身份证号 the extractor found but refused (its check digit or birth date is wrong): what was written."""
    for item in value.get("items") or []:
        span = _span(item)
        if not isinstance(item, dict) or item.get("valid") or span is None or span[1] > len(text):
            continue
        raw = text[span[0]:span[1]]
        number = idcard.normalize(raw)
        if len(number) == 18 and number[:17].isdigit() and idcard.birth_date(number) is not None:
            problem = "校验位不符" if idcard.check_char(number[:17]) != number[17] else "号码无效"
        elif len(number) == 18 and number[:17].isdigit():
            problem = "出生日期无效"
        else:
            problem = "不是 18 位有效号码"
        return {"raw": raw, "span": list(span), "problem": problem}
    return None


def ocr_pages(letter: Letter, masked: bool = False) -> list[dict]:
    """Per page: lines with a `low` flag and the page's mean confidence (`masked`: numbers masked)."""
    pages = []
    shown = mask_identity_text if masked else (lambda text: text)
    for page in letter.ocr_pages or []:
        lines = [{"text": shown(line.get("text", "")), "confidence": float(line.get("confidence") or 0),
                  "low": float(line.get("confidence") or 0) < LOW_LINE, "box": line.get("box")}
                 for line in page.get("lines", [])]
        chars = sum(len(x["text"]) for x in lines)
        mean = sum(x["confidence"] * len(x["text"]) for x in lines) / chars if chars else None
        pages.append({"index": page.get("index"), "engine": page.get("engine"), "lines": lines, "mean": mean,
                      "low_count": sum(x["low"] for x in lines)})
    return pages


def _alternatives(detail: dict) -> list[tuple[str, float | None]]:
    top = detail.get("top") or detail.get("alternatives") or detail.get("topk") or []
    out = []
    for item in top:
        if isinstance(item, dict):
            out.append((str(item.get("label")), item.get("probability")))
        elif isinstance(item, list | tuple) and item:
            out.append((str(item[0]), float(item[1]) if len(item) > 1 else None))
    return out[:4]


def _words(detail: dict) -> list[str]:
    words = detail.get("words") or []
    return [w if isinstance(w, str) else str(w[0]) for w in words if w][:10]


def head_views(letter: Letter) -> list[HeadView]:
    s = letter.suggestion
    if s is None:
        return []
    detail = s.detail or {}
    views = []
    for head, label in HEAD_LABELS.items():
        part = detail.get(head) if isinstance(detail.get(head), dict) else {}
        value = getattr(s, head)
        if value is None and not part:
            continue
        reasons = [str(w) for w in part.get("reasons") or [] if w][:6] if part.get("label") == value else []
        views.append(HeadView(head, label, value, getattr(s, f"{head}_probability"), _alternatives(part),
                              _words(part), reasons))
    return views


def marked(text: str, passages: list[str]) -> list[Segment]:
    """`text` with every occurrence of the shared passages marked (field='shared')."""
    marks: list[tuple[int, int]] = []
    for passage in passages:
        passage = (passage or "").strip()
        if len(passage) < 4:
            continue
        start = text.find(passage)
        if start >= 0:
            marks.append((start, start + len(passage)))
    out, pos = [], 0
    for start, end in sorted(marks):
        if start < pos:
            continue
        out.append(Segment(text[pos:start]))
        out.append(Segment(text[start:end], "shared"))
        pos = end
    out.append(Segment(text[pos:]))
    return out


def repeat_view(letter: Letter, masked: bool = False) -> dict | None:
    """The side-by-side comparison; call it only when the user may see the earlier letter (the caller
    checks), since it shows the earlier letter's text. `masked`: numbers masked on both sides."""
    link = letter.repeat_link
    if link is None:
        return None
    pairs = [p for p in (link.reason or {}).get("passages", []) if isinstance(p, list | tuple) and len(p) == 2]
    mine = letter.text or letter.ocr_text or ""
    theirs = link.earlier.text or link.earlier.ocr_text or ""

    session = object_session(letter)
    group = export_fields(session, letter)["matter_group"] if session is not None else None
    view = {"link": link, "pairs": pairs, "visible": True, "group": group,
            "mine": marked(mine, [p[0] for p in pairs]), "theirs": marked(theirs, [p[1] for p in pairs])}
    if masked:
        view["pairs"] = mask_identity_deep(pairs)
        for side in ("mine", "theirs"):
            view[side] = [Segment(mask_identity_text(s.text) or "", s.field) for s in view[side]]
    return view


def batch_letters(letter: Letter, visible: Any) -> list[Letter]:
    """The letters cut from the same scanned file (in page order), when the file became more than one."""
    session = object_session(letter)
    if session is None or letter.file_id is None:
        return []
    siblings = session.scalars(select(Letter).where(Letter.file_id == letter.file_id).order_by(Letter.id)).all()
    if len(siblings) < 2:
        return []
    return sorted(visible(siblings), key=lambda other: min(other.page_numbers or [0]))
