"""The `auto` policy: RapidOCR reads every page; a page it reads with low confidence (or not at all) gets
tesseract's orientation check (OSD) and, when OSD says it lies sideways or upside down, is turned and read again.

Why RapidOCR first rather than Tesseract first with RapidOCR as the fallback (bench/bench_ocr.py on all 44
committed scans; bench/RESULTS.md, section OCR): RapidOCR as configured in intake/ocr/rapid.py has 0.3%
character error on the letters, at every quality level and kind of scan, against 7.0% for Tesseract, which
read only one letter better (S0048, where RapidOCR also read the red seal). Tesseract's confidence does not
separate its good pages from its bad ones well enough: falling back below 0.85 still leaves 1.6% error (five
times more) for 30% less CPU, and falling back below 0.90 sends most pages to RapidOCR anyway (0.5% error,
1.5x the CPU of RapidOCR alone). RapidOCR alone has the lowest error x seconds of all policies measured.

OSD is only paid for on unsure pages: upright sample pages read with confidence >= 0.93, while RapidOCR
(without its per-line orientation classifier) finds no text at all on an upside-down or sideways page.
A `second` engine, if given, reads pages that are still unsure after that; none is used by default.

A line image (a crop of one line, intake/ocr/layout.py) gets no orientation check: handwriting reads below
0.90 as a rule, OSD cannot judge one line, and on the real handwritten lines it only cost time.
"""

from __future__ import annotations

import shutil
import time

from PIL import Image

from xinfang.core.errors import MissingDependencyError
from xinfang.intake.ocr.base import OcrEngine, OcrPage
from xinfang.intake.ocr.layout import is_line_image
from xinfang.intake.preprocess import detect_rotation

# Character-weighted mean confidence below which a page is checked for orientation (and read by `second`).
UNSURE = 0.90


def _evidence(page: OcrPage) -> float:
    """Confidently read characters: how much of the page an engine could read."""
    return sum(line.confidence * len(line.text) for line in page.lines)


class AutoEngine:
    name = "auto"

    def __init__(self, first: OcrEngine, second: OcrEngine | None = None, threshold: float = UNSURE,
                 lines: bool = True) -> None:
        if shutil.which("tesseract") is None:  # the orientation check is tesseract's
            raise MissingDependencyError(
                "找不到 tesseract 程序。请安装 Debian 软件包 tesseract-ocr 和 tesseract-ocr-chi-sim。")
        self.first = first
        self.second = second
        self.threshold = threshold
        self.lines = lines

    def read(self, image: Image.Image, index: int = 0) -> OcrPage:
        started = time.perf_counter()
        page = self.first.read(image, index)
        if not (self.lines and is_line_image(image)) and not self._confident(page):
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
