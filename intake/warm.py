"""What every letter's job needs, loaded once in the worker's parent process before rq forks a work horse.

rq runs each job in a forked work horse, and a fork shares the parent's memory copy-on-write: whatever
the parent has loaded (the promoted classifier, jieba with the office's dictionary, RapidOCR's onnxruntime
sessions, the county's places, the repeat index's tables) the horse has at no cost. Left to the horse,
every job loaded them again and a text letter paid seconds of start-up for a fraction of a second of
work. The horse still dies after its job, so the fork keeps protecting the worker from a hostile file.

`warm_up` runs the pure parts of the pipeline on a small built-in letter, which fills every lazy cache
the real stages use (the same functions, not a list of them kept by hand). `refresh` is called between
jobs: it reloads the classifier when a new version has been promoted, so workers need no restart.
"""

from __future__ import annotations

import gc
import logging
import time

from PIL import Image, ImageDraw, ImageFont

from xinfang.core.config import Settings
from xinfang.core.errors import XinfangError
from xinfang.intake import stages
from xinfang.intake.malloc_tuning import keep_freed_memory

log = logging.getLogger(__name__)

# A short letter with every kind of field, so each extractor, the segmenter and the matcher run once.
SAMPLE = ("尊敬的县信访局领导：我叫张三，身份证号110101199003077777，电话13800138000，家住柳林镇大王庄村。"
          "2023年5月村委会拖欠工资三万元至今未付，多次反映无人处理，恳请领导督促解决。此致 敬礼 张三 2024年1月2日")


def warm_up(settings: Settings, ocr: bool = True) -> dict[str, float]:
    """Load models, dictionaries and OCR sessions into this process; returns seconds per part.

    A part that cannot load (no model promoted yet, no tesseract) is logged and skipped: the letter's
    own job then fails with the stage's usual message, and the worker keeps running.
    """
    keep_freed_memory()  # before anything large is allocated, so the horses inherit it
    timings: dict[str, float] = {}
    fields: dict = {}

    def part(name: str, load) -> None:  # noqa: ANN001
        started = time.perf_counter()
        try:
            load()
        except (XinfangError, OSError, ValueError, RuntimeError) as exc:
            log.warning("warm-up: %s not loaded (%s)", name, exc)
        timings[name] = round(time.perf_counter() - started, 3)

    def load_fields() -> None:
        fields.update(stages.extract_sample(settings, SAMPLE))

    def load_model() -> None:
        model = stages.current_model(settings)
        if model is not None:
            model.suggest(SAMPLE, title="", place=None)  # type: ignore[attr-defined]

    part("fields", load_fields)
    part("classifier", load_model)
    part("matching", lambda: stages.sample_features(SAMPLE, fields))
    if ocr:
        part("ocr", lambda: _warm_ocr(settings))
    # Objects made so far live as long as the worker: keep the collector from touching (and so copying)
    # their pages in every horse.
    gc.collect()
    gc.freeze()
    log.info("worker warmed up: %s", timings)
    return timings


def _warm_ocr(settings: Settings) -> None:
    """Build the engine (RapidOCR's sessions) and run it once, so its first page in a horse costs no set-up."""
    engine = stages.ocr_engine(settings)
    # A line of digits in Pillow's own font (no CJK font needed): detection and recognition both run.
    page = Image.new("L", (900, 200), 255)
    ImageDraw.Draw(page).text((40, 60), "2024 13800138000", font=ImageFont.load_default(size=56), fill=0)
    engine.read(page, 0)


def refresh(settings: Settings) -> bool:
    """Between jobs, in the parent: load a newly promoted model here so the next horse inherits it.

    Returns True when a new model was loaded. A model that fails to load is left to the job, which reports
    it on the letter.
    """
    if not stages.model_changed(settings):
        return False
    gc.unfreeze()  # let the replaced model be freed, then keep the new one out of the collector's way
    try:
        return stages.current_model(settings) is not None
    except (XinfangError, OSError) as exc:  # e.g. caught mid-promotion: the job will say what is wrong
        log.warning("the promoted model does not load: %s", exc)
        return False
    finally:
        gc.collect()
        gc.freeze()
