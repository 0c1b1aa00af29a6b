"""Preprocessing on rendered pages: borders cut, resolution normalised, skew and upside-down fixed."""

from __future__ import annotations

import pytest
from PIL import Image, ImageDraw, ImageFont, ImageOps

from xinfang.intake.preprocess import (
    MAX_LONG_SIDE,
    MIN_LONG_SIDE,
    binarise,
    crop_dark_borders,
    detect_rotation,
    normalise_resolution,
    preprocess,
    skew_angle,
)

FONT = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
TEXT = ("我是清河镇东关村村民张三，现就村道年久失修一事向领导反映。村里通往镇上的道路坑洼不平，"
        "雨天积水严重，学生上学和村民出行都非常困难。我们多次向村委会反映，至今没有得到答复。") * 2


def letter(width: int = 1240, height: int = 1754) -> Image.Image:
    img = Image.new("L", (width, height), 255)
    draw = ImageDraw.Draw(img)
    font = ImageFont.truetype(FONT, 36)
    per_line = (width - 200) // 38
    for row in range(0, min(len(TEXT), per_line * 18), per_line):
        draw.text((100, 120 + row // per_line * 60), TEXT[row:row + per_line], fill=0, font=font)
    return img


def test_dark_scanner_border_is_cut_and_a_dark_photo_is_left_alone():
    page = ImageOps.expand(letter(), border=(60, 40, 60, 40), fill=10)
    cropped = crop_dark_borders(page)
    assert abs(cropped.width - 1240) <= 2 and abs(cropped.height - 1754) <= 2
    dark = Image.new("L", (800, 1000), 30)
    assert crop_dark_borders(dark) is dark


def test_resolution_is_brought_into_range():
    assert max(normalise_resolution(Image.new("L", (600, 850), 255)).size) == MIN_LONG_SIDE
    assert max(normalise_resolution(Image.new("L", (4000, 6000), 255)).size) == MAX_LONG_SIDE
    mid = Image.new("L", (1654, 2339), 255)
    assert normalise_resolution(mid) is mid


@pytest.mark.parametrize("angle", [-7.0, -3.0, 4.5, 8.0])
def test_skew_angle_finds_the_tilt(angle):
    tilted = letter().rotate(angle, resample=Image.Resampling.BICUBIC, expand=True, fillcolor=255)
    assert skew_angle(tilted) == pytest.approx(-angle, abs=0.6)
    assert skew_angle(letter()) == pytest.approx(0, abs=0.6)


def test_blank_page_has_no_skew():
    assert skew_angle(Image.new("L", (1000, 1400), 255)) == 0.0


@pytest.mark.ocr
def test_upside_down_page_is_turned_upright():
    page = letter()
    assert detect_rotation(page) == 0
    assert detect_rotation(page.rotate(180)) == 180
    assert detect_rotation(page.rotate(90, expand=True)) in (90, 270)
    fixed = preprocess(page.rotate(180), steps=("orient",))
    assert detect_rotation(fixed) == 0


def test_binarise_gives_two_levels_with_text_black():
    import numpy as np

    levels = set(np.unique(np.asarray(binarise(letter()))).tolist())
    assert levels == {0, 255}


@pytest.mark.ocr
def test_preprocessing_lowers_the_error_on_a_tilted_bordered_scan():
    from rapidfuzz.distance import Levenshtein

    from xinfang.intake.ocr import get_engine

    truth = TEXT[: (1240 - 200) // 38 * 8]  # the eight lines inside the crop
    page = letter().crop((0, 0, 1240, 600)).rotate(6, resample=Image.Resampling.BICUBIC, expand=True, fillcolor=255)
    page = ImageOps.expand(page, border=50, fill=5)
    engine = get_engine("tesseract")

    def error(image: Image.Image) -> float:
        text = "".join(engine.read(image).text.split())
        return Levenshtein.distance(text, truth) / len(truth)

    before, after = error(page.convert("L")), error(preprocess(page))
    assert after < before and after < 0.1, (before, after)


def shaded(page: Image.Image, darkest: float = 0.5) -> Image.Image:
    """The page under a desk lamp: bright near the top left, down to `darkest` of the light far from it."""
    import numpy as np

    width, height = page.size
    ys, xs = np.mgrid[0:height, 0:width].astype(np.float32)
    light = 1 - (1 - darkest) * np.hypot(xs, ys) / np.hypot(width, height)
    return Image.fromarray((np.asarray(page, dtype=np.float32) * light).astype(np.uint8))


def test_flatten_turns_unevenly_lit_paper_white_and_keeps_the_ink():
    import numpy as np

    from xinfang.intake.preprocess import flatten_background

    clean = letter()
    paper, ink = np.asarray(clean) == 255, np.asarray(clean) < 128
    page = shaded(clean)
    assert np.asarray(page)[paper].min() < 140  # the dark corner is darker than light ink would be
    flat = np.asarray(flatten_background(page))
    assert np.percentile(flat[paper], 1) > 235 and flat[ink].mean() < 60


@pytest.mark.ocr
def test_tesseract_reads_a_heavily_degraded_committed_scan_after_preprocessing():
    """Without flattening, tesseract read S0015 (heavy: dim corners, blur, noise, JPEG 40) as ~1000
    characters of garbage (CER 409%); see bench/RESULTS.md, OCR."""
    import unicodedata

    from rapidfuzz.distance import Levenshtein

    from xinfang.intake.ocr import get_engine
    from xinfang.samples import letters_dir, load_index

    entry = next((e for e in load_index() if e["id"] == "S0015"), None)
    if entry is None or entry["quality"] != "heavy":
        pytest.skip("S0015 is no longer the heavy printed sample")
    text = get_engine("tesseract").read(preprocess(Image.open(letters_dir() / entry["scan"]))).text

    def norm(value: str) -> str:
        return "".join(unicodedata.normalize("NFKC", value).split())

    truth = norm(entry["truth"]["text"])
    assert Levenshtein.distance(norm(text), truth) / len(truth) < 0.10
