"""The body of each pipeline stage, kept apart from the ordering and bookkeeping in `pipeline.py`."""

from __future__ import annotations

import json
import logging
import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from sqlalchemy.orm import Session

from xinfang.classifier.persist import ModelMismatchError, load_model
from xinfang.classifier.routing_table import current_office, file_stamp
from xinfang.core.config import Settings
from xinfang.core.errors import EmptyFileError, ModelError
from xinfang.intake.fields import extract_fields
from xinfang.intake.fields.places import Places
from xinfang.intake.fields.urgency import found_threats
from xinfang.intake.normalize import normalize_text
from xinfang.intake.ocr.base import OcrEngine, OcrLine, OcrPage, get_engine
from xinfang.intake.ocr.layout import is_line_image
from xinfang.intake.page_images import has_view, store_view
from xinfang.intake.pages import Page, PageLimits, iter_pages
from xinfang.intake.preprocess import is_blank, preprocess
from xinfang.intake.split import split_batch
from xinfang.matching.features import NO_PLACES, Features, Gazetteer, compute, gazetteer
from xinfang.matching.kinds import Lexicon, of_office
from xinfang.matching.score import Decision, preload
from xinfang.matching.service import features_of, find_repeats, index_letter
from xinfang.models import Letter, RepeatLink, Status, Suggestion, record

log = logging.getLogger(__name__)

DEFAULT_PLACES = Path(__file__).resolve().parent.parent / "samples" / "places.json"

# How much of a letter each stage reads. The full text is stored and shown; fields, routing and repeat
# matching read a bounded sample (the head, where the matter is told, and the tail, where the petitioner
# signs), so a 200,000-character letter costs what a long ordinary one does. Fields and routing read the same
# sample, since the router's urgent rule takes the 扬言 the urgency field found (`classify_letter`).
FIELDS_CHARS = 20_000
CLASSIFY_CHARS = FIELDS_CHARS
MATCH_CHARS = 8_000


def bounded(text: str, limit: int) -> str:
    """`text` itself if short enough, else its first three quarters of `limit` and its last quarter."""
    if len(text) <= limit:
        return text
    head = limit * 3 // 4
    return text[:head] + "\n" + text[len(text) - (limit - head):]


@lru_cache(maxsize=4)
def _engine(name: str, languages: str) -> OcrEngine:
    """One engine per worker process: RapidOCR's models load once, not per page."""
    return get_engine(name, languages)


def read_pages(settings: Settings, letter: Letter) -> list[OcrPage]:
    stored = letter.file
    if stored is None:
        raise EmptyFileError("这封信没有原件文件。请重新上传。")
    if stored.size == 0:
        raise EmptyFileError("文件是空的（0 字节）。请重新扫描或重新上传该信件。")
    limits = PageLimits(settings.max_pages, settings.max_image_pixels, settings.render_dpi)
    engine = ocr_engine(settings)
    views = has_view(stored)
    read = []
    for page in iter_pages(settings.data_dir / stored.storage_path, stored.media_type, limits, letter.page_numbers):
        if views:
            _store_view(settings, letter, page)
        read.append(read_page(page, engine))
    return read


def ocr_engine(settings: Settings) -> OcrEngine:
    return _engine(settings.ocr_engine, settings.ocr_languages)


def _store_view(settings: Settings, letter: Letter, page: Page) -> None:
    """The viewer's copy, from the page already decoded for OCR; a failure leaves it to the viewer."""
    try:
        store_view(settings, letter.file, page.index, page.image)
    except Exception:  # the copy is a convenience: it must never fail the letter
        log.exception("page image %s of letter %s not stored", page.index, letter.id)


def read_page(page: Page, engine: OcrEngine) -> OcrPage:
    """A PDF's real text layer as it is; a blank sheet without OCR; a one-line image as it is (page clean-up
    blows a line crop up to page size and tilts it, which made real handwritten lines read far worse);
    anything else preprocessed and OCR'd."""

    if page.text_layer is not None:
        lines = [OcrLine(text.strip(), 1.0, (0, 0, 0, 0)) for text in page.text_layer.splitlines() if text.strip()]
        return OcrPage(page.index, "pdf-text", 0, 0, lines)
    if is_line_image(page.image):  # before the blank check too: its median filter erases a small line's strokes
        return engine.read(page.image, page.index)
    if is_blank(page.image):  # before preprocessing: a separator sheet costs neither that nor OCR
        return OcrPage(page.index, "blank", page.image.width, page.image.height, [],
                       notes=["空白页（分隔页或无内容）"])
    return engine.read(preprocess(page.image), page.index)


def split_pages(session: Session, settings: Settings, letter: Letter, pages: list[OcrPage]) -> list[int]:
    """Cut a batch scan into letters; this letter keeps the first, new letters get the others."""
    # import cycle: intake.jobs imports the pipeline, which imports this module
    from xinfang.intake.jobs import enqueue_letters

    groups = split_batch([page.text for page in pages])
    if len(groups) <= 1:
        return []
    by_index = {position: page for position, page in enumerate(pages)}
    first, *rest = groups
    letter.ocr_pages = [by_index[i].to_json() for i in first]
    letter.page_numbers = [by_index[i].index for i in first]
    letter.page_count = len(first)
    letter.ocr_text = "\n\n".join(by_index[i].text for i in first)
    children = []
    for group in rest:
        child = Letter(file_id=letter.file_id, received_date=letter.received_date, form=letter.form,
                       page_numbers=[by_index[i].index for i in group], page_count=len(group),
                       ocr_pages=[by_index[i].to_json() for i in group], ocr_engine=letter.ocr_engine,
                       status=Status.queued)
        session.add(child)
        children.append(child)
    session.flush()
    for child in children:
        record(session, "received", letter_id=child.id, split_from=letter.id, pages=child.page_numbers)
    record(session, "split", letter_id=letter.id, letters=[letter.id] + [c.id for c in children])
    session.commit()
    enqueue_letters(settings, [child.id for child in children])
    return [child.id for child in children]


@lru_cache(maxsize=4)
def _places(path: str, stamp: tuple[int, int]) -> object | None:
    """One compiled matcher per version of the file (`stamp`): an administrator's edit is read at once."""

    return Places.from_file(Path(path))


def current_places(settings: Settings) -> object | None:
    path = places_path(settings)
    return _places(str(path), file_stamp(path)) if path.exists() else None


def places_path(settings: Settings) -> Path:
    own = settings.data_dir / "places.json"
    return own if own.exists() else DEFAULT_PLACES


def office_rule_words(settings: Settings) -> dict[str, list[str]]:
    """The office file's rule words (its threat and escalation words among them), as the router reads them:
    an administrator's edit applies to the next letter without a restart."""
    return current_office(settings.data_dir).rule_words


def extract(settings: Settings, letter: Letter) -> None:

    # A text people corrected (intake/corrections.py) wins over the OCR, which stays as it was read.
    letter.text = normalize_text(letter.corrected_text or letter.ocr_text or "")
    fields = extract_fields(bounded(letter.text, FIELDS_CHARS), current_places(settings), office_rule_words(settings))
    letter.fields = fields
    letter.id_number = _value(fields, "id_number")
    letter.phone = _value(fields, "phone")
    letter.petitioner_name = _value(fields, "name")
    letter.urgent = bool(fields.get("urgency", {}).get("value"))


def extract_sample(settings: Settings, text: str) -> dict:
    """The fields of a text without a letter (the worker's warm-up runs every extractor once)."""

    return extract_fields(normalize_text(text), current_places(settings), office_rule_words(settings))


def _value(fields: dict, key: str) -> str | None:
    value = fields.get(key, {}).get("value")
    return str(value) if value else None


_model_cache: dict[str, tuple[float, object]] = {}


def _model_stamp(settings: Settings) -> tuple[str, float] | None:
    meta = settings.model_dir / "meta.json"
    if not settings.model_dir.exists():
        return None
    stamp = os.path.getmtime(meta) if meta.exists() else os.path.getmtime(settings.model_dir)
    return str(settings.model_dir.resolve()), stamp


def model_changed(settings: Settings) -> bool:
    """Whether the promoted model differs from the one this process holds (a stat, no loading)."""
    found = _model_stamp(settings)
    if found is None:
        return False
    cached = _model_cache.get(found[0])
    return cached is None or cached[0] != found[1]


def current_model(settings: Settings) -> object | None:
    """The promoted model, reloaded when its directory changes (a retrain promotes a new one)."""

    found = _model_stamp(settings)
    if found is None:
        return None
    key, stamp = found
    cached = _model_cache.get(key)
    if cached and cached[0] == stamp:
        return cached[1]
    try:
        model = load_model(settings.model_dir)
    except ModelMismatchError as exc:
        raise ModelError(str(exc), stage="classify") from exc
    _model_cache[key] = (stamp, model)
    return model


def classify_letter(session: Session, settings: Settings, letter: Letter) -> None:
    model = current_model(settings)
    if model is None:
        record(session, "classify_skipped", letter_id=letter.id, reason="no model trained yet")
        return
    fields = letter.fields or {}
    township = fields.get("township", {}).get("value")
    # The 扬言 the fields stage read with the office's words: the urgent rule takes them as they are, so the
    # letter's threats are read once and the urgency field and the urgent flag agree.
    result = model.suggest(bounded(letter.text or "", CLASSIFY_CHARS), title="", place=township,  # type: ignore[attr-defined]
                           threshold=settings.abstain_threshold, threats=found_threats(fields.get("urgency")))
    flags = result.get("flags", {})
    suggestion = Suggestion(letter_id=letter.id, model_version=result.get("model_version", "?"),
                            needs_routing=bool(flags.get("needs_routing")), detail=json.loads(json.dumps(result)))
    for head in ("category", "subcategory", "purpose", "department"):
        if head in result:
            setattr(suggestion, head, result[head]["label"])
            setattr(suggestion, f"{head}_probability", float(result[head]["probability"]))
    letter.urgent = letter.urgent or bool(flags.get("urgent"))
    session.add(suggestion)
    record(session, "suggested", letter_id=letter.id, model_version=suggestion.model_version,
           category=suggestion.category, purpose=suggestion.purpose, department=suggestion.department)


@dataclass
class MatchView:
    """What repeat matching reads of a letter, with the text bounded: the stored letter keeps all of it."""

    id: int
    text: str
    ocr_text: str | None
    fields: dict | None
    id_number: str | None
    phone: str | None
    petitioner_name: str | None
    received_date: object

    @classmethod
    def of(cls, letter: Letter) -> MatchView:
        text = bounded(letter.text if letter.text is not None else (letter.ocr_text or ""), MATCH_CHARS)
        return cls(letter.id, text, None, letter.fields, letter.id_number, letter.phone, letter.petitioner_name,
                   letter.received_date)


@dataclass
class Repeats:
    view: MatchView
    features: Features
    decisions: list[Decision]
    places: Gazetteer
    lexicon: Lexicon | None = None


def office_gazetteer(settings: Settings) -> Gazetteer:
    """The office's own places for matching (never the sample county: a place is evidence only at home)."""
    own = settings.data_dir / "places.json"
    return gazetteer(str(own) if own.exists() else None)


def office_lexicon(settings: Settings) -> Lexicon:
    """The office's complaint kinds for matching: its office file's `complaint_kinds` (the starter's when the
    file has none), as the file is now (`current_office` reloads an edited file; each version compiles once)."""
    return of_office(current_office(settings.data_dir))


def find_letter_repeats(session: Session, letter: Letter, places: Gazetteer = NO_PLACES,
                        lexicon: Lexicon | None = None) -> Repeats:
    """Read-only: the letter's earlier filings. Run without autoflush, so no write transaction is open."""
    view = MatchView.of(letter)
    feats = features_of(view, places, lexicon)  # type: ignore[arg-type]
    decisions = find_repeats(session, view, feats, places=places)  # type: ignore[arg-type]
    return Repeats(view, feats, decisions, places, lexicon)


def write_repeats(session: Session, letter: Letter, found: Repeats) -> None:
    """The links and the index entry, written in the letter's short final transaction."""
    for decision in found.decisions:
        link = RepeatLink(letter_id=letter.id, **decision.to_link())
        session.add(link)
        record(session, "repeat_found", letter_id=letter.id, earlier_id=link.earlier_id, kind=link.kind,
               score=link.score)
    session.flush()
    index_letter(session, found.view, found.features, places=found.places,  # type: ignore[arg-type]
                 lexicon=found.lexicon)


def detect_repeats(session: Session, letter: Letter, settings: Settings | None = None) -> None:
    """Find and write in one go (a text correction, inside its own transaction)."""
    places = office_gazetteer(settings) if settings is not None else NO_PLACES
    lexicon = office_lexicon(settings) if settings is not None else None
    write_repeats(session, letter, find_letter_repeats(session, letter, places, lexicon))


def sample_features(text: str, fields: dict) -> Features:
    """Matching's features of a text without a letter (the warm-up loads the matcher's tables with it, and
    those pair scoring reads)."""
    preload()
    return compute(text, fields)
