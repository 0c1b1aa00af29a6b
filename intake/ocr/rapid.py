"""RapidOCR (PP-OCR det + rec through onnxruntime), with its word boxes merged into reading-order lines.

RapidOCR returns one box per detected text run, sorted roughly top-to-bottom; a handwritten or skewed line
is often cut into several runs. `merge_lines` joins runs whose vertical extents overlap into one OcrLine,
left to right, so one line of the letter is one OcrLine (the UI highlights lines, fields quote lines).
"""

from __future__ import annotations

import time

import numpy as np
from PIL import Image

from intake.ocr.base import OcrLine, OcrPage, blank_page

# Two runs belong to the same line when their vertical overlap is at least this share of the shorter one.
SAME_LINE_OVERLAP = 0.5
# RapidOCR shrinks the page so its long side is at most this before detection (and cuts the line crops
# from that copy); the cost of detection grows with the pixel count.
MAX_SIDE = 2400


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
    name = "rapidocr"

    def __init__(self, threads: int = 1, max_side: int = MAX_SIDE) -> None:
        """One onnxruntime thread: the worker pool scales over cores, not the engine inside one job."""
        from rapidocr_onnxruntime import RapidOCR

        self.max_side = max_side
        self._ocr = RapidOCR(intra_op_num_threads=threads, inter_op_num_threads=1, max_side_len=max_side)

    def read(self, image: Image.Image, index: int = 0) -> OcrPage:
        blank = blank_page(image, index, self.name)
        if blank is not None:
            return blank
        started = time.perf_counter()
        rgb = np.asarray(image.convert("RGB"))[:, :, ::-1]  # RapidOCR expects BGR like cv2.imread
        result, _ = self._ocr(rgb)
        runs = [OcrLine(text, float(score), _box(points)) for points, text, score in result or [] if text.strip()]
        return OcrPage(index, self.name, image.width, image.height, merge_lines(runs),
                       round(time.perf_counter() - started, 3))
