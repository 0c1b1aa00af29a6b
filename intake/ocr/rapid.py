"""RapidOCR (PP-OCR det + rec through onnxruntime), with its word boxes merged into reading-order lines.

RapidOCR returns one box per detected text run, sorted roughly top-to-bottom; a handwritten or skewed line
is often cut into several runs. `merge_lines` joins runs whose vertical extents overlap into one OcrLine,
left to right, so one line of the letter is one OcrLine (the UI highlights lines, fields quote lines).
Runs are first grouped into columns (intake/ocr/layout.py), so a two-column page reads column by column
instead of interleaving its columns line by line. An image that is itself one line of text (a crop, a
corrected line re-read) skips detection and is recognised whole: RapidOCR's detector blows a small crop up
to hundreds of pixels high, splits or drops its text, and costs thirty times the recognition.
"""

from __future__ import annotations

import time

import numpy as np
from PIL import Image

from xinfang.intake.ocr.base import OcrLine, OcrPage, blank_page
from xinfang.intake.ocr.layout import column_blocks, is_line_image

# Two runs belong to the same line when their vertical overlap is at least this share of the shorter one.
SAME_LINE_OVERLAP = 0.5
# Text lines are found (detection) on a copy of the page shrunk to this long side, then each line is cut
# from the full-resolution page for recognition. Detection cost grows with the pixel count and needs only
# the layout; recognition scales every line to 48 px high whatever the page size, so it loses nothing.
# Measured on samples/ (bench/RESULTS.md, OCR): 1.8 CPU s/page against 4.3 for RapidOCR's own pipeline at
# max_side_len 2400 (whose higher error, 1.4% against 0.3%, came from its line classifier, see below);
# 960 saves another 13% but read real handwritten pages slightly worse.
DET_SIDE = 1200
# Recognised runs scoring below this are dropped (RapidOCR's own default).
MIN_SCORE = 0.5


def _box(points: list[list[float]]) -> tuple[int, int, int, int]:
    xs = [p[0] for p in points]
    ys = [p[1] for p in points]
    return int(min(xs)), int(min(ys)), int(max(xs)), int(max(ys))


def _overlap(a: tuple[int, int, int, int], b: tuple[int, int, int, int]) -> float:
    shared = min(a[3], b[3]) - max(a[1], b[1])
    shorter = max(1, min(a[3] - a[1], b[3] - b[1]))
    return shared / shorter


def merge_lines(runs: list[OcrLine]) -> list[OcrLine]:
    """Group text runs into lines (vertical overlap), order lines top-down and runs left-right.

    Confidence of a merged line is the character-weighted mean, so one bad run still lowers it.
    """
    rows: list[list[OcrLine]] = []
    for run in sorted(runs, key=lambda r: (r.box[1] + r.box[3]) / 2):
        for row in rows:
            # Against the row's median extent, not its union: a union grows with every run added and
            # swallows the next line on a slightly tilted page.
            tops, bottoms = sorted(r.box[1] for r in row), sorted(r.box[3] for r in row)
            span = (0, tops[len(tops) // 2], 0, bottoms[len(bottoms) // 2])
            if _overlap(span, run.box) >= SAME_LINE_OVERLAP:
                row.append(run)
                break
        else:
            rows.append([run])
    lines = []
    for row in rows:
        row.sort(key=lambda r: r.box[0])
        text = "".join(r.text for r in row)
        chars = sum(len(r.text) for r in row) or 1
        conf = sum(r.confidence * len(r.text) for r in row) / chars
        box = (min(r.box[0] for r in row), min(r.box[1] for r in row),
               max(r.box[2] for r in row), max(r.box[3] for r in row))
        lines.append(OcrLine(text, round(conf, 3), box))
    lines.sort(key=lambda line: (line.box[1], line.box[0]))
    return lines


class RapidOcrEngine:
    """PP-OCRv4 detection + recognition, without RapidOCR's per-line 0/180 degree classifier: that classifier
    turned correct lines upside down (a line of spaced full-width digits, a long line of Chinese read as ""
    or "66169661999"), and pages that are upside down are turned by the `auto` policy (tesseract OSD)."""

    name = "rapidocr"

    def __init__(self, threads: int = 1, det_side: int = DET_SIDE, use_cls: bool = False,
                 lines: bool = True, columns: bool = True) -> None:
        """One onnxruntime thread: the worker pool scales over cores, not the engine inside one job.
        `lines`: an image that is one line of text is recognised without detection; `columns`: runs are
        read column by column (intake/ocr/layout.py). Both off is the engine as it was (bench baseline)."""
        # start-up: onnxruntime/OpenCV load only when RapidOCR is used
        from rapidocr_onnxruntime import RapidOCR

        self.det_side = det_side
        self.use_cls = use_cls
        self.lines = lines
        self.columns = columns
        self._ocr = RapidOCR(intra_op_num_threads=threads, inter_op_num_threads=1)

    def read(self, image: Image.Image, index: int = 0) -> OcrPage:
        if self.lines and is_line_image(image):
            return self.read_line(image, index)
        blank = blank_page(image, index, self.name)
        if blank is not None:
            return blank
        started = time.perf_counter()
        runs = self.runs(image)
        blocks = column_blocks(runs) if self.columns else [runs]
        lines = [line for block in blocks for line in merge_lines(block)]
        return OcrPage(index, self.name, image.width, image.height, lines,
                       round(time.perf_counter() - started, 3))

    def read_line(self, image: Image.Image, index: int = 0) -> OcrPage:
        """The whole image as one line, recognition only (a line crop, or a corrected line re-read)."""
        started = time.perf_counter()
        crop = np.asarray(image.convert("RGB"))[:, :, ::-1]
        results, _ = self._ocr.text_rec([np.ascontiguousarray(crop)])
        text, score = results[0][0], float(results[0][1])
        lines = [OcrLine(text, round(score, 3), (0, 0, image.width, image.height))] if text.strip() else []
        return OcrPage(index, self.name, image.width, image.height, lines,
                       round(time.perf_counter() - started, 3), notes=["one line: recognition only"])

    def runs(self, image: Image.Image) -> list[OcrLine]:
        """Text runs with page-pixel boxes: detection on the shrunk page, recognition on full-size crops."""
        import cv2  # start-up: onnxruntime/OpenCV load only when RapidOCR is used

        page = np.asarray(image.convert("RGB"))[:, :, ::-1]  # BGR, as RapidOCR's cv2.imread would give
        height, width = page.shape[:2]
        scale = min(1.0, self.det_side / max(height, width))
        small = page if scale == 1.0 else cv2.resize(
            page, (max(1, round(width * scale)), max(1, round(height * scale))), interpolation=cv2.INTER_AREA)
        boxes, _ = self._ocr.text_det(small)
        if boxes is None or len(boxes) == 0:
            return []
        boxes = np.asarray(boxes, dtype=np.float32)
        boxes[:, :, 0] *= width / small.shape[1]
        boxes[:, :, 1] *= height / small.shape[0]
        crops = self._ocr.get_crop_img_list(page, list(boxes))
        if self.use_cls:
            crops, _, _ = self._ocr.text_cls(crops)
        results, _ = self._ocr.text_rec(crops)
        runs = []
        for points, result in zip(boxes, results, strict=True):
            text, score = result[0], float(result[1])
            if score >= MIN_SCORE and text.strip():
                runs.append(OcrLine(text, score, _box(points.tolist())))
        return runs
