"""Page layout for reading order: is an image one line of text, and which text runs form one column.

RapidOCR returns its runs top-to-bottom, so on a two-column page (a newspaper clipping, a book spread, a
printed form attached to a letter) the lines of the two columns alternate and the text reads as nonsense.
`column_blocks` cuts the page recursively (an XY-cut): first at a vertical gutter that no run crosses and
that has real columns on both sides, else at the widest horizontal gap, so a full-width title above two
columns is cut off before the columns are found. Each block is then read top-down on its own.
"""

from __future__ import annotations

from collections.abc import Sequence

from PIL import Image

from xinfang.intake.ocr.base import OcrLine

# An image this low and at least this elongated is one line of text (a crop, a phone shot of one line), not
# a page: a scanned page is over 500 px high at any usable resolution.
LINE_MAX_HEIGHT = 200
LINE_MIN_ASPECT = 2.5
# A column needs this many runs and at least this share of the block's width; the gutter between two columns
# is at least this share of the median run height. A few form lines "姓名：…    电话：…" one under the other
# (or lines a detector split at one wide gap) stay lines; a real column is longer. On the ocr_real pages 3,
# 4 and 5 give the same reading order.
COLUMN_MIN_RUNS = 5
COLUMN_MIN_WIDTH = 0.2
GUTTER_MIN = 0.5
# Deeper than this the block is read as it is (a page never has that many nested columns).
MAX_DEPTH = 8

Box = tuple[int, int, int, int]


def is_line_image(image: Image.Image) -> bool:
    """One line of text: read it with the recogniser alone (text detection on a small crop splits or drops
    the text, and costs far more than recognising it)."""
    return image.height <= LINE_MAX_HEIGHT and image.width >= LINE_MIN_ASPECT * image.height


def _gaps(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The empty intervals between the union of `spans`, as (start, end)."""
    gaps = []
    ordered = sorted(spans)
    reach = ordered[0][1]
    for start, end in ordered[1:]:
        if start > reach:
            gaps.append((reach, start))
        reach = max(reach, end)
    return gaps


def _median_height(runs: Sequence[OcrLine]) -> float:
    heights = sorted(r.box[3] - r.box[1] for r in runs)
    return max(1.0, float(heights[len(heights) // 2]))


def _vertical_split(runs: list[OcrLine]) -> list[list[OcrLine]] | None:
    """Columns left to right, split at the widest gutter that has a real column on each side."""
    left = min(r.box[0] for r in runs)
    right = max(r.box[2] for r in runs)
    width = max(1, right - left)
    min_gap = GUTTER_MIN * _median_height(runs)
    for start, end in sorted(_gaps([(r.box[0], r.box[2]) for r in runs]), key=lambda g: g[0] - g[1]):
        if end - start < min_gap:
            break
        a = [r for r in runs if r.box[2] <= start]
        b = [r for r in runs if r.box[0] >= end]
        if (len(a) >= COLUMN_MIN_RUNS and len(b) >= COLUMN_MIN_RUNS
                and start - left >= COLUMN_MIN_WIDTH * width and right - end >= COLUMN_MIN_WIDTH * width):
            return [a, b]
    return None


def _horizontal_split(runs: list[OcrLine]) -> list[list[OcrLine]] | None:
    """Top and bottom part, split at the widest horizontal gap."""
    gaps = _gaps([(r.box[1], r.box[3]) for r in runs])
    if not gaps:
        return None
    start, end = max(gaps, key=lambda g: g[1] - g[0])
    return [[r for r in runs if r.box[3] <= start], [r for r in runs if r.box[1] >= end]]


def column_blocks(runs: list[OcrLine], depth: int = 0) -> list[list[OcrLine]]:
    """The runs in blocks in reading order: each block one column (or a part of the page above or below
    columns), to be read top-down."""
    if len(runs) < 2 * COLUMN_MIN_RUNS or depth >= MAX_DEPTH:
        return [runs]
    parts = _vertical_split(runs)
    if parts is None:
        parts = _horizontal_split(runs)
        if parts is None:
            return [runs]
    return [block for part in parts for block in column_blocks(part, depth + 1)]
