"""Reading order and line images: two columns read column by column, a line crop read without detection."""

from __future__ import annotations

import pytest
from PIL import Image, ImageDraw, ImageFont

from xinfang.intake.ocr.base import OcrLine
from xinfang.intake.ocr.layout import column_blocks, is_line_image
from xinfang.intake.ocr.rapid import RapidOcrEngine, merge_lines
from xinfang.intake.pages import Page
from xinfang.intake.stages import read_page

FONT = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"


def run(text: str, left: int, top: int, width: int = 300, height: int = 30) -> OcrLine:
    return OcrLine(text, 0.9, (left, top, left + width, top + height))


def read_order(runs: list[OcrLine]) -> list[str]:
    return [line.text for block in column_blocks(runs) for line in merge_lines(block)]


def test_two_columns_under_a_full_width_title_are_read_column_by_column():
    runs = [run("标题", 50, 20, 650)]
    runs += [run(f"左{i}", 50, 100 + 45 * i) for i in range(6)]
    runs += [run(f"右{i}", 400, 105 + 45 * i) for i in range(6)]
    assert read_order(runs) == ["标题", *[f"左{i}" for i in range(6)], *[f"右{i}" for i in range(6)]]
    # Top-down alone interleaves them (each left run is merged with the right run beside it).
    assert [line.text for line in merge_lines(runs)][1] == "左0右0"


def test_a_few_lines_with_a_wide_gap_at_the_same_place_stay_lines_not_columns():
    runs = [run(f"姓名{i}", 50, 100 + 45 * i, 200) for i in range(4)] + [
        run(f"电话{i}", 450, 102 + 45 * i, 200) for i in range(4)]
    assert read_order(runs) == [f"姓名{i}电话{i}" for i in range(4)]


def test_a_letter_with_a_signature_and_form_lines_keeps_its_line_order():
    runs = [run("尊敬的领导：", 50, 20, 200)]
    runs += [run(f"正文{i}", 50, 70 + 45 * i, 650) for i in range(5)]
    runs += [run("姓名：张三", 50, 300, 150), run("电话：13800138000", 450, 300, 200)]
    runs += [run("署名：张三", 500, 360, 150), run("2023年6月13日", 500, 405, 150)]
    assert read_order(runs) == ["尊敬的领导：", *[f"正文{i}" for i in range(5)],
                                "姓名：张三电话：13800138000", "署名：张三", "2023年6月13日"]


def test_line_images_are_low_and_long():
    assert is_line_image(Image.new("L", (300, 28)))
    assert is_line_image(Image.new("L", (260, 87)))
    assert not is_line_image(Image.new("L", (516, 729)))     # a small page
    assert not is_line_image(Image.new("L", (2480, 300)))    # a strip too high to be one line
    assert not is_line_image(Image.new("L", (120, 90)))      # a stamp, a word


@pytest.mark.ocr
def test_a_small_line_of_thin_print_is_not_taken_for_a_blank_page():
    text = "负责的一只大灯一打，高音喇叭响起"
    image = Image.new("RGB", (520, 34), (90, 80, 70))       # light print on a dark photo, 20 px characters
    ImageDraw.Draw(image).text((6, 6), text, fill=(235, 235, 225), font=ImageFont.truetype(FONT, 20))
    page = read_page(Page(0, image), RapidOcrEngine())
    assert page.notes == ["one line: recognition only"] and page.text.startswith("负责的一只")


@pytest.mark.ocr
def test_a_line_image_is_recognised_whole_without_clean_up():
    text = "我们普通百姓实在是没有办法了"
    image = Image.new("RGB", (620, 56), "white")
    ImageDraw.Draw(image).text((8, 6), text, fill="black", font=ImageFont.truetype(FONT, 40))
    engine = RapidOcrEngine()
    page = read_page(Page(0, image), engine)
    assert [line.text for line in page.lines] == [text]
    assert page.notes == ["one line: recognition only"] and page.lines[0].box == (0, 0, 620, 56)
    assert page.lines[0].confidence > 0.9
