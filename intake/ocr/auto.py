"""The `auto` policy: Tesseract first (fast on print), RapidOCR when Tesseract is unsure of the page.

Handwriting and heavy degradation show up as low Tesseract confidence, and there RapidOCR's PP-OCR
models are far more accurate; on clean print Tesseract is as good and much cheaper, so most pages never
pay for the second engine. The threshold is the one bench/bench_ocr.py found best in error per second.
"""

from __future__ import annotations

import time

from PIL import Image

from intake.ocr.base import OcrEngine, OcrPage
from intake.preprocess import detect_rotation

# Character-weighted mean Tesseract confidence below which the page is read again by RapidOCR.
FALLBACK_CONFIDENCE = 0.85


class AutoEngine:
    name = "auto"

    def __init__(self, first: OcrEngine, second: OcrEngine, threshold: float = FALLBACK_CONFIDENCE) -> None:
        self.first = first
        self.second = second
        self.threshold = threshold

    def read(self, image: Image.Image, index: int = 0) -> OcrPage:
        started = time.perf_counter()
        page = self.first.read(image, index)
        if self._confident(page):
            return page
        # A page scanned sideways or upside down reads as low-confidence garbage: turn it and try again.
        # OSD costs a tesseract run, so only unsure pages pay for it (see bench/RESULTS.md, OCR).
        degrees = detect_rotation(image)
        if degrees:
            image = image.rotate(-degrees, expand=True, fillcolor=255)
            page = self.first.read(image, index)
            page.notes.append(f"turned {degrees} degrees")
            if self._confident(page):
                page.seconds = round(time.perf_counter() - started, 3)
                return page
        retry = self.second.read(image, index)
        retry.notes.append(f"{self.first.name} confidence {page.mean_confidence:.2f} < {self.threshold}: "
                           f"read again by {self.second.name}")
        retry.seconds = round(time.perf_counter() - started, 3)
        return retry

    def _confident(self, page: OcrPage) -> bool:
        return "blank page" in page.notes or (bool(page.lines) and page.mean_confidence >= self.threshold)
