"""Tesseract (chi_sim) through pytesseract, returning lines with boxes and confidences."""

from __future__ import annotations

import os
import re
import shutil
import tempfile
import time
from collections import defaultdict

import pytesseract
from PIL import Image

from xinfang.core.errors import MissingDependencyError
from xinfang.intake.ocr.base import OcrLine, OcrPage, blank_page

# A space next to a Chinese character (or full-width mark) is Tesseract's word split, not the writer's.
_CJK_GAP = re.compile(r"(?<=[\u3000-\u9fff\uff00-\uffef])\s+|\s+(?=[\u3000-\u9fff\uff00-\uffef])")

# chi_sim often returns ASCII punctuation (and a space before it) where the letter has full-width marks.
_HALF_PUNCT = re.compile(r"(?<=[\u3000-\u9fff\uff00-\uffef])\s*([:;,!?()])\s*"
                         r"|\s*([:;,!?()])\s*(?=[\u3000-\u9fff\uff00-\uffef])")
_FULL = str.maketrans(":;,!?()", "：；，！？（）")


def join_words(words: list[str]) -> str:
    """Tesseract separates Chinese characters with spaces; keep spaces only between Latin words/numbers."""
    text = _CJK_GAP.sub("", " ".join(words)).strip()
    return _HALF_PUNCT.sub(lambda m: (m.group(1) or m.group(2)).translate(_FULL), text)


class TesseractEngine:
    name = "tesseract"

    def __init__(self, languages: str = "chi_sim", psm: int = 6) -> None:
        if shutil.which("tesseract") is None:
            raise MissingDependencyError(
                "找不到 tesseract 程序。请安装 Debian 软件包 tesseract-ocr 和 tesseract-ocr-chi-sim。")
        self.languages = languages
        self.config = f"--psm {psm}"

    def read(self, image: Image.Image, index: int = 0) -> OcrPage:
        blank = blank_page(image, index, self.name)
        if blank is not None:
            return blank
        started = time.perf_counter()
        # pytesseract would write the page as a compressed PNG (0.3-0.4 s for a noisy A4 page, as much as
        # 5-30% of the OCR itself); an uncompressed BMP takes milliseconds.
        with tempfile.TemporaryDirectory(prefix="xinfang-ocr-") as tmp:
            path = os.path.join(tmp, "page.bmp")
            (image if image.mode in ("L", "RGB") else image.convert("L")).save(path, format="BMP")
            data = pytesseract.image_to_data(path, lang=self.languages, config=self.config,
                                             output_type=pytesseract.Output.DICT)
        groups: dict[tuple[int, int, int], list[int]] = defaultdict(list)
        for i, word in enumerate(data["text"]):
            if word and word.strip():
                groups[(data["block_num"][i], data["par_num"][i], data["line_num"][i])].append(i)
        lines = []
        for key in sorted(groups):
            idx = groups[key]
            text = join_words([data["text"][i] for i in idx])
            confs = [float(data["conf"][i]) for i in idx if float(data["conf"][i]) >= 0]
            left = min(data["left"][i] for i in idx)
            top = min(data["top"][i] for i in idx)
            right = max(data["left"][i] + data["width"][i] for i in idx)
            bottom = max(data["top"][i] + data["height"][i] for i in idx)
            conf = (sum(confs) / len(confs) / 100) if confs else 0.0
            lines.append(OcrLine(text, round(conf, 3), (left, top, right, bottom)))
        return OcrPage(index, self.name, image.width, image.height, lines,
                       round(time.perf_counter() - started, 3))
