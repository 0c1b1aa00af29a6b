"""Cutting a batch scan into letters from page texts (and, end to end, from a rendered batch PDF)."""

from __future__ import annotations

import numpy as np
import pytest

from xinfang.intake.split import closes_letter, opens_letter, page_number, split_batch

A1 = "尊敬的县信访局领导：\n我是清河镇东关村村民张三，反映村道年久失修的问题。\n道路坑洼，雨天无法通行。"
A2 = "去年我们多次向村委会反映，至今没有答复。\n恳请领导重视。\n此致\n敬礼\n信访人：张三\n2023年3月5日"
B1 = "县长：\n您好！我是古城乡河口村李四，反映拖欠工资问题。\n包工头跑了。\n信访人：李四\n2023年4月1日"
C1 = "第1页 共2页\n关于土地征收补偿的情况反映\n我们村的地被征了两年了。"
C2 = "补偿款一直没有发到农户手里。\n第2页 共2页"


def test_blank_pages_separate_letters_and_belong_to_none():
    assert split_batch([A1, "", B1, "  \n", C1]) == [[0], [2], [4]]


def test_a_multi_page_letter_stays_one_letter():
    assert split_batch([A1, A2]) == [[0, 1]]


def test_new_salutation_after_a_signed_page_starts_a_new_letter():
    assert split_batch([A1, A2, B1]) == [[0, 1], [2]]


def test_page_numbers_keep_pages_together_and_page_one_starts_a_letter():
    assert split_batch([C1, C2, C1, C2]) == [[0, 1], [2, 3]]


def test_signature_and_date_closes_a_letter_even_without_a_salutation_next():
    assert split_batch([B1, "我们村的地被征了两年了，补偿款一直没有发放。\n请求落实。"]) == [[0], [1]]


def test_unsigned_page_without_salutation_continues_the_letter():
    assert split_batch([A1, "道路上的积水已经淹了好几户人家的院子。\n请求尽快处理。"]) == [[0, 1]]


def test_image_blank_flags_override_stray_text():
    assert split_batch([A1, "l1 .", B1], blank=[False, True, False]) == [[0], [2]]


def test_signals():
    assert opens_letter(A1) and opens_letter(B1) and not opens_letter(A2)
    assert closes_letter(A2) and not closes_letter(A1)
    assert page_number(C2) == (2, 2) and page_number("第三页") == (3, None) and page_number(A1) is None


def test_empty_batch_has_no_letters():
    assert split_batch([]) == [] and split_batch(["", ""]) == []


CJK_FONT = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"  # fonts-noto-cjk, installed by setup


def _render(lines: list[str]):  # noqa: ANN202
    from PIL import Image, ImageDraw, ImageFont

    img = Image.new("L", (1240, 1754), 255)
    if lines:
        draw = ImageDraw.Draw(img)
        font = ImageFont.truetype(CJK_FONT, 40)
        for i, line in enumerate(lines):
            draw.text((100, 120 + i * 80), line, fill=0, font=font)
    return img


@pytest.mark.ocr
@pytest.mark.slow
def test_a_rendered_batch_pdf_is_cut_into_its_letters(tmp_path):
    """Five letters' worth of pages scanned as one PDF, with a blank separator sheet, through real OCR."""
    from xinfang.intake.ocr import get_engine
    from xinfang.intake.pages import PageLimits, iter_pages
    from xinfang.intake.stages import read_page

    pages = [_render(A1.splitlines()), _render(A2.splitlines()), _render([]), _render(B1.splitlines()),
             _render(C1.splitlines()), _render(C2.splitlines())]
    path = tmp_path / "batch.pdf"
    pages[0].save(path, "PDF", save_all=True, append_images=pages[1:], resolution=150)
    engine = get_engine("tesseract")
    texts = [read_page(page, engine).text for page in iter_pages(path, "application/pdf", PageLimits(dpi=150))]
    assert texts[2] == ""
    assert split_batch(texts) == [[0, 1], [3], [4, 5]]


@pytest.mark.ocr
@pytest.mark.slow
@pytest.mark.parametrize("batch", ["B01.pdf", "B02.pdf"])
def test_committed_batch_scans_split_into_their_letters(batch):
    from xinfang.intake.ocr import get_engine
    from xinfang.intake.pages import PageLimits, iter_pages
    from xinfang.intake.stages import read_page
    from xinfang.samples import letters_dir, load_batches

    entry = next((b for b in load_batches() if b["file"] == batch), None)
    if entry is None:
        pytest.skip(f"{batch} not in samples/letters/batches.json")
    engine = get_engine("auto")  # a handwritten page needs RapidOCR
    texts = [read_page(page, engine).text for page in iter_pages(letters_dir() / batch, "application/pdf", PageLimits())]
    assert split_batch(texts) == entry["pages"]


def test_a_noisy_blank_sheet_is_blank_and_a_page_with_one_line_is_not():
    from PIL import Image, ImageDraw, ImageFont

    from xinfang.intake.preprocess import is_blank

    rng = np.random.default_rng(3)
    noise = rng.normal(235, 12, (2339, 1654)).clip(0, 255).astype("uint8")  # grey paper with scanner noise
    assert is_blank(Image.fromarray(noise))
    page = Image.fromarray(noise.copy())
    ImageDraw.Draw(page).text((200, 1800), "此致敬礼", fill=20, font=ImageFont.truetype(CJK_FONT, 48))
    assert not is_blank(page)
