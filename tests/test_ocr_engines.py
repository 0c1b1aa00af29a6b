"""Both engines and the auto policy read a rendered page into lines with boxes and confidences."""

from __future__ import annotations

import os
import unicodedata

import pytest
from PIL import Image, ImageDraw, ImageFont
from rapidfuzz.distance import Levenshtein

from xinfang.intake.ocr import OcrLine, get_engine
from xinfang.intake.ocr.auto import AutoEngine
from xinfang.intake.ocr.base import OcrPage
from xinfang.intake.ocr.rapid import merge_lines

pytestmark = pytest.mark.ocr

FONT = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
WHITE = Image.new("L", (300, 200), 255)
LINES = ["尊敬的县信访局领导：", "我是清河镇东关村村民张三", "电话13912345678"]


def page(lines: list[str] = LINES, gap: int = 0) -> Image.Image:
    img = Image.new("L", (1100, 110 + 80 * len(lines)), 255)
    draw = ImageDraw.Draw(img)
    font = ImageFont.truetype(FONT, 44)
    for i, line in enumerate(lines):
        x = 60
        for j, part in enumerate([line[:6], line[6:]] if gap else [line]):
            draw.text((x, 50 + i * 80 + j * 6), part, fill=0, font=font)
            x += font.getlength(part) + gap
    return img


def _check(result: OcrPage, image: Image.Image) -> None:
    assert [line.text.replace(" ", "") for line in result.lines] == [t.replace(" ", "") for t in LINES]
    for line, y in zip(result.lines, (50, 130, 210), strict=True):
        left, top, right, bottom = line.box
        assert 0 <= left < right <= image.width and abs(top - y) < 30 and bottom - top < 80
        assert 0.5 < line.confidence <= 1.0


@pytest.mark.parametrize("name", ["tesseract", "rapidocr", "auto"])
def test_engine_reads_lines_with_boxes(name):
    image = page()
    result = get_engine(name).read(image, index=3)
    assert result.index == 3 and (result.width, result.height) == image.size
    _check(result, image)


def test_rapidocr_merges_runs_of_one_line_into_one_ocrline():
    image = page(gap=120)  # each line printed as two runs far apart, the second slightly lower
    result = get_engine("rapidocr").read(image)
    _check(result, image)


def test_merge_lines_orders_runs_left_to_right_and_weights_confidence():
    runs = [OcrLine("第二行", 0.9, (10, 100, 200, 140)), OcrLine("右", 0.5, (300, 12, 340, 48)),
            OcrLine("左边", 1.0, (10, 10, 200, 50))]
    merged = merge_lines(runs)
    assert [line.text for line in merged] == ["左边右", "第二行"]
    assert merged[0].box == (10, 10, 340, 50)
    assert merged[0].confidence == pytest.approx((1.0 * 2 + 0.5) / 3, abs=1e-3)


class _Fixed:
    def __init__(self, name: str, confidence: float) -> None:
        self.name, self.confidence, self.calls = name, confidence, 0

    def read(self, image, index=0):  # noqa: ANN001, ANN201
        self.calls += 1
        return OcrPage(index, self.name, 1, 1, [OcrLine("字", self.confidence, (0, 0, 1, 1))])


def test_auto_keeps_a_confident_first_read_and_retries_an_unsure_one():
    sure, second = _Fixed("tesseract", 0.95), _Fixed("rapidocr", 0.9)
    assert AutoEngine(sure, second, 0.8).read(WHITE).engine == "tesseract" and second.calls == 0
    unsure = _Fixed("tesseract", 0.4)
    result = AutoEngine(unsure, second, 0.8).read(WHITE)
    assert result.engine == "rapidocr" and second.calls == 1 and "0.40" in result.notes[0]


def test_unknown_engine_name_is_refused():
    with pytest.raises(ValueError, match="auto"):
        get_engine("abbyy")


def test_tesseract_word_joining_restores_chinese_spacing_and_punctuation():
    from xinfang.intake.ocr.tesseract import join_words

    assert join_words(["信访人", ":", "覃富贵"]) == "信访人：覃富贵"
    assert join_words(["电话", "139", ",", "住址"]) == "电话139，住址"
    assert join_words(["23", "年", "3", "月"]) == "23年3月"
    assert join_words(["Zhang", "San", "1", "2"]) == "Zhang San 1 2"


@pytest.mark.parametrize("name", ["tesseract", "rapidocr", "auto"])
def test_a_blank_separator_sheet_reads_as_no_text(name):
    import random

    sheet = Image.new("L", (1654, 2339), 250)
    rng = random.Random(3)
    for _ in range(3000):  # scanner speckle
        sheet.putpixel((rng.randrange(1654), rng.randrange(2339)), rng.randrange(0, 120))
    result = get_engine(name).read(sheet, 2)
    assert result.lines == [] and "blank page" in result.notes


def test_auto_turns_an_upside_down_page_before_giving_up_on_the_first_engine():
    from tests.test_preprocess import letter

    sure = get_engine("tesseract")
    never = _Fixed("rapidocr", 0.9)
    result = AutoEngine(sure, never, 0.8).read(letter().rotate(180))
    assert result.engine == "tesseract" and "turned 180 degrees" in result.notes and never.calls == 0
    assert "东关村" in result.text


def test_merge_lines_does_not_chain_lines_of_a_tilted_page():
    # Each line is two runs, the right one 30 px lower (tilt); lines are 60 px apart, 40 px high.
    runs = []
    for row in range(4):
        top = 100 + row * 60
        runs += [OcrLine(f"左{row}", 0.9, (10, top, 300, top + 40)), OcrLine(f"右{row}", 0.9, (320, top + 15, 600, top + 55))]
    assert [line.text for line in merge_lines(runs)] == [f"左{r}右{r}" for r in range(4)]


def test_rapidocr_boxes_are_in_page_pixels_when_detection_runs_on_a_shrunk_copy():
    from xinfang.intake.ocr.rapid import RapidOcrEngine

    small = page()
    big = Image.new("L", (2600, 3600), 255)  # long side 3x the detection size: detection sees a 1/3 copy
    big.paste(small.resize((small.width * 2, small.height * 2)), (300, 900))
    engine = RapidOcrEngine(det_side=1200)
    result = engine.read(big)
    assert [line.text.replace(" ", "") for line in result.lines] == LINES
    for line, y in zip(result.lines, (50, 130, 210), strict=True):
        left, top, right, bottom = line.box
        assert abs(left - (300 + 2 * 60)) < 40 and abs(top - (900 + 2 * y)) < 40 and 60 < bottom - top < 160


def test_rapidocr_reads_a_line_of_full_width_digits_the_right_way_up():
    # RapidOCR's per-line 0/180 classifier turned exactly this first line upside down, and it read as
    # "9661 :6967817704661979148"; the engine runs without that classifier.
    ukai = "/usr/share/fonts/truetype/arphic/ukai.ttc"
    if not os.path.exists(ukai):
        pytest.skip("fonts-arphic-ukai not installed")
    lines = ["身份证号码是３７１５２３１９９７０２２１３２９５，电话：１９９５４",
             "想咨询土地流转合同到期后地怎么收回？请问外嫁女还能不能分承包地？烦请告知。"]
    img = Image.new("L", (1654, 240), 255)
    draw = ImageDraw.Draw(img)
    for i, text in enumerate(lines):
        draw.text((100, 40 + i * 120), text, fill=0, font=ImageFont.truetype(ukai, 36))
    read = [unicodedata.normalize("NFKC", line.text.replace(" ", "")) for line in get_engine("rapidocr").read(img).lines]
    assert len(read) == 2 and read[0].startswith("身份证号码是3715231997")
    assert Levenshtein.distance(read[0], unicodedata.normalize("NFKC", lines[0])) <= 2


def test_auto_reads_with_rapidocr_and_turns_an_upside_down_page():
    from tests.test_preprocess import letter

    result = get_engine("auto").read(letter().rotate(180))
    assert result.engine == "rapidocr" and "turned 180 degrees" in result.notes
    assert "东关村" in result.text and result.mean_confidence > 0.9


def test_auto_without_a_second_engine_keeps_an_unsure_read_and_says_so():
    unsure = _Fixed("rapidocr", 0.5)
    result = AutoEngine(unsure, None, 0.9).read(WHITE.copy())
    assert result.engine == "rapidocr" and unsure.calls == 1 and "0.50 < 0.9" in result.notes[-1]
