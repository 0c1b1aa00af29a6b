"""The `auto` policy: RapidOCR reads every page; a page it reads with low confidence (or not at all) gets
tesseract's orientation check (OSD) and, when OSD says it lies sideways or upside down, is turned and read again.

Why RapidOCR first, not Tesseract first with RapidOCR as the fallback (bench/bench_ocr.py; bench/RESULTS.md,
section OCR, all 44 committed scans): RapidOCR as configured in intake/ocr/rapid.py reads every quality level
and every kind of scan better than Tesseract, and it is also cheaper on average: Tesseract is fast only on
clean print, and on a noisy page it spends 10-15 s turning the noise into garbage before its low confidence
sends the page to RapidOCR anyway. Tesseract-first therefore costs more and errs more on degraded scans,
and saves a little only on clean print, where it still errs more than RapidOCR.

OSD is only paid for on unsure pages: an upright page reads with confidence >= 0.96 on the samples, while
RapidOCR (without its per-line orientation classifier) finds no text at all on an upside-down or sideways
page. A `second` engine, if given, reads pages that are still unsure after that (not used by default: on the
samples no page read better with Tesseract).
"""

from __future__ import annotations

import time

from PIL import Image

from intake.ocr.base import OcrEngine, OcrPage
from intake.preprocess import detect_rotation

# Character-weighted mean confidence below which a page is checked for orientation (and read by `second`).
UNSURE = 0.90


def _evidence(page: OcrPage) -> float:
    """Confidently read characters: how much of the page an engine could read."""
    return sum(line.confidence * len(line.text) for line in page.lines)


class AutoEngine:
    name = "auto"

    def __init__(self, first: OcrEngine, second: OcrEngine | None = None, threshold: float = UNSURE) -> None:
        self.first = first
        self.second = second
        self.threshold = threshold

    def read(self, image: Image.Image, index: int = 0) -> OcrPage:
        started = time.perf_counter()
        page = self.first.read(image, index)
        if not self._confident(page):
            page = self._retry(image, index, page)
        page.seconds = round(time.perf_counter() - started, 3)
        return page

    def _retry(self, image: Image.Image, index: int, page: OcrPage) -> OcrPage:
        # A page scanned sideways or upside down reads as nothing or as low-confidence garbage: turn it
        # (OSD's "Rotate" is clockwise, PIL turns counter-clockwise) and read it again.
        degrees = detect_rotation(image)
        if degrees:
            image = image.rotate(-degrees, expand=True, fillcolor="white")
            turned = self.first.read(image, index)
            turned.notes.append(f"turned {degrees} degrees")
            if _evidence(turned) > _evidence(page):
                page = turned
            if self._confident(page):
                return page
        note = f"{self.first.name} confidence {page.mean_confidence:.2f} < {self.threshold}"
        if self.second is None:
            page.notes.append(note)
            return page
        retry = self.second.read(image, index)
        retry.notes.append(f"{note}: read again by {self.second.name}")
        return retry

    def _confident(self, page: OcrPage) -> bool:
        return "blank page" in page.notes or (bool(page.lines) and page.mean_confidence >= self.threshold)
