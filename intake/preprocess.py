"""Clean a page image before OCR: grayscale, dark scanner borders cropped, resolution normalised, uneven
light flattened, straightened (and turned upright by the `auto` engine when needed).

Each step is kept only because it lowers the character error rate on samples/ (bench/bench_ocr.py
`ablation` measures with and without); binarisation and denoising were measured and left to the engines
(both do their own thresholding, and a global threshold hurt the stamped and red-header scans).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable

import numpy as np
import pytesseract
from PIL import Image, ImageFilter, ImageOps

log = logging.getLogger(__name__)

# Letters are written at A4; OCR works best near 200-300 dpi, i.e. a long side of ~2300-3500 px.
MIN_LONG_SIDE = 1600
MAX_LONG_SIDE = 3000
# A row/column is scanner border when its mean is darker than this (0 black, 255 white).
BORDER_DARK = 80
_ROTATE = re.compile(r"Rotate:\s*(\d+)")
_ORIENT_CONF = re.compile(r"Orientation confidence:\s*([\d.]+)")
# OSD below this confidence is a guess; leaving the page as scanned is safer.
MIN_OSD_CONFIDENCE = 2.0


def to_gray(image: Image.Image) -> Image.Image:
    return image if image.mode == "L" else image.convert("L")


# Share of a page's inner area that is clearly darker than its paper, below which the page is blank.
# Measured on samples/: separator sheets 0.000%, the sparsest letter page 1.7%; one short line ≈ 0.1%.
BLANK_INK = 0.0002


def is_blank(image: Image.Image) -> bool:
    """No writing on the page: a separator sheet in a batch, or the empty back of a letter.

    Ink is counted relative to the page's own paper (its 90th-percentile brightness), on a median-filtered
    thumbnail without the outer 4% (scanner edges): a dim or noisy scan of an empty sheet has dark pixels in
    absolute terms, and OCR would read its speckle as a few characters, making a separator look like a letter.
    """
    thumb = to_gray(image).copy()
    thumb.thumbnail((600, 600))
    pixels = np.asarray(thumb.filter(ImageFilter.MedianFilter(3)), dtype=np.int16)
    height, width = pixels.shape
    inner = pixels[int(height * 0.04):int(height * 0.96), int(width * 0.04):int(width * 0.96)]
    if inner.size == 0:
        return True
    paper = np.percentile(pixels, 90)
    return float((inner < paper - 60).mean()) < BLANK_INK


def crop_dark_borders(image: Image.Image) -> Image.Image:
    """Cut black bands a flatbed leaves around the paper (they become garbage lines in OCR)."""
    pixels = np.asarray(image)
    rows = np.flatnonzero(pixels.mean(axis=1) > BORDER_DARK)
    cols = np.flatnonzero(pixels.mean(axis=0) > BORDER_DARK)
    if rows.size == 0 or cols.size == 0:
        return image
    top, bottom, left, right = rows[0], rows[-1] + 1, cols[0], cols[-1] + 1
    if (bottom - top) * (right - left) < 0.5 * image.width * image.height:
        return image  # most of the page is dark: a photo or an odd scan, not a border
    if (top, left, bottom, right) == (0, 0, image.height, image.width):
        return image
    return image.crop((int(left), int(top), int(right), int(bottom)))


def normalise_resolution(image: Image.Image) -> Image.Image:
    """Upscale a low-resolution scan, downscale an oversized photo, so strokes have a usable size."""
    long_side = max(image.size)
    if long_side < MIN_LONG_SIDE:
        factor = MIN_LONG_SIDE / long_side
    elif long_side > MAX_LONG_SIDE:
        factor = MAX_LONG_SIDE / long_side
    else:
        return image
    size = (max(1, round(image.width * factor)), max(1, round(image.height * factor)))
    return image.resize(size, Image.Resampling.LANCZOS)


def detect_rotation(image: Image.Image) -> int:
    """Clockwise degrees (0/90/180/270) that make the page upright, from tesseract's OSD (`--psm 0`)."""
    small = image
    if max(image.size) > 2000:
        small = image.resize((image.width // 2, image.height // 2))
    try:
        osd = pytesseract.image_to_osd(small, config="--psm 0 -c min_characters_to_try=20")
    except pytesseract.TesseractError:
        return 0  # too little text to decide: keep the page as scanned
    rotate = _ROTATE.search(osd)
    conf = _ORIENT_CONF.search(osd)
    if not rotate or not conf or float(conf.group(1)) < MIN_OSD_CONFIDENCE:
        return 0
    return int(rotate.group(1)) % 360


def skew_angle(image: Image.Image, limit: float = 10.0, step: float = 0.5) -> float:
    """Degrees (counter-clockwise) that make text lines horizontal: the angle whose row profile of ink
    is sharpest (lines and gaps alternate most). Worked on a ~600 px thumbnail, so it costs milliseconds."""
    thumb = image.copy()
    thumb.thumbnail((600, 600))
    ink = Image.fromarray((np.asarray(thumb) < 160).astype(np.uint8) * 255)
    if np.asarray(ink).mean() < 0.5:  # (almost) blank page
        return 0.0
    best, best_score = 0.0, -1.0
    for angle in np.arange(-limit, limit + step / 2, step):
        rows = np.asarray(ink.rotate(float(angle), resample=Image.Resampling.NEAREST)).sum(axis=1, dtype=np.float64)
        score = float(np.square(np.diff(rows)).sum())
        if score > best_score:
            best, best_score = float(angle), score
    return best


def deskew(image: Image.Image) -> Image.Image:
    angle = skew_angle(image)
    if abs(angle) < 0.5:
        return image
    return image.rotate(angle, resample=Image.Resampling.BICUBIC, expand=True, fillcolor=255)


def upright(image: Image.Image) -> Image.Image:
    degrees = detect_rotation(image)
    if degrees:
        log.info("page rotated by %d degrees", degrees)
        # OSD's "Rotate" is clockwise; PIL rotates counter-clockwise.
        return image.rotate(-degrees, expand=True, fillcolor=255)
    return image


def binarise(image: Image.Image) -> Image.Image:
    """Otsu threshold over the whole page (measured; off by default, see the module docstring)."""
    pixels = np.asarray(image)
    hist = np.bincount(pixels.ravel(), minlength=256).astype(np.float64)
    weights = np.cumsum(hist)
    means = np.cumsum(hist * np.arange(256))
    total, grand = weights[-1], means[-1]
    with np.errstate(divide="ignore", invalid="ignore"):
        between = (grand * weights - total * means) ** 2 / (weights * (total - weights))
    if np.isnan(between).all():
        return image  # one grey level only: nothing to separate
    threshold = int(np.nanargmax(between))
    return Image.fromarray(np.where(pixels > threshold, 255, 0).astype(np.uint8))


# The background is estimated on a copy shrunk by this factor, as the brightest pixel within FLATTEN_WINDOW
# shrunk pixels (wider than a character, so it finds paper between strokes) then smoothed.
FLATTEN_SHRINK = 8
FLATTEN_WINDOW = 5
PAPER = 250


def flatten_background(image: Image.Image) -> Image.Image:
    """Divide the page by its paper brightness, so uneven light, a phone's fall-off and fold shadows become
    white paper again. Tesseract thresholds the whole page at one level: on a heavily degraded scan the dark
    corners fall below it and their noise is read as hundreds of characters. Measured on the 44 committed
    scans (bench/RESULTS.md, OCR): tesseract heavy 387% -> 6.2% CER (9.2 -> 0.7 CPU s/page), medium 15.1%
    -> 7.5%; RapidOCR unchanged (0.2-0.3%)."""
    width, height = image.size
    small = image.resize((max(1, width // FLATTEN_SHRINK), max(1, height // FLATTEN_SHRINK)), Image.Resampling.BOX)
    background = (small.filter(ImageFilter.MaxFilter(FLATTEN_WINDOW)).filter(ImageFilter.BoxBlur(FLATTEN_WINDOW - 1))
                  .resize(image.size, Image.Resampling.BILINEAR))
    paper = np.maximum(np.asarray(background, dtype=np.float32), 1.0)
    flat = np.asarray(image, dtype=np.float32) / paper * PAPER
    return Image.fromarray(np.clip(flat, 0, 255).astype(np.uint8))


def denoise(image: Image.Image) -> Image.Image:
    """3x3 median: removes salt-and-pepper speckle (measured; off by default)."""
    return image.filter(ImageFilter.MedianFilter(3))


STEPS: dict[str, Callable[[Image.Image], Image.Image]] = {
    "contrast": lambda image: ImageOps.autocontrast(image, cutoff=0.5),
    "borders": crop_dark_borders,
    "resolution": normalise_resolution,
    "orient": upright,
    "deskew": deskew,
    "flatten": flatten_background,
    "denoise": denoise,
    "binarise": binarise,
}
# The steps that lowered CER on samples/ (bench/RESULTS.md, section OCR), in the order they run.
# "flatten" comes after "borders" (a dark scanner border would otherwise be flattened into paper rather
# than cut) and before "deskew" (which finds lines by their ink). It is what makes tesseract usable on
# medium and heavy scans and changes nothing for RapidOCR.
# "orient" (tesseract OSD) is not here: it costs a whole tesseract run per page and changed nothing on
# upright scans; the auto engine runs it only on pages that read with low confidence.
DEFAULT_STEPS: tuple[str, ...] = ("contrast", "borders", "resolution", "flatten", "deskew")


def preprocess(image: Image.Image, steps: tuple[str, ...] | None = None) -> Image.Image:
    """The page as the OCR engines should see it: grayscale, then each step in `steps`."""
    image = to_gray(image)
    for name in DEFAULT_STEPS if steps is None else steps:
        image = STEPS[name](image)
    return image
