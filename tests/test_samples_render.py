"""Rendering: page geometry, every scan kind, file formats, and Tesseract reading a clean scan (CER < 2%)."""

from __future__ import annotations

import random
import re
import unicodedata

import pytest
from PIL import Image
from rapidfuzz.distance import Levenshtein

from tests.services import tesseract_available
from xinfang.samples import letters_dir, load_index
from xinfang.samples.generate import generate_letters
from xinfang.samples.render.page import PageStyle, render_pages, wrap
from xinfang.samples.render.scan import KINDS, render_letter, save_pages


def normalise(text: str) -> str:
    """Fold full-width punctuation (Tesseract often returns ASCII) and drop whitespace (it spaces CJK)."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def cer(reference: str, hypothesis: str) -> float:
    ref, hyp = normalise(reference), normalise(hypothesis)
    return Levenshtein.distance(ref, hyp) / max(len(ref), 1)


def test_pages_are_a4_at_the_requested_dpi():
    style = PageStyle(dpi=200)
    page = render_pages("测试" * 10, style)[0]
    assert page.size == (1654, 2339)
    assert PageStyle(dpi=300).size_px == (2480, 3508)


def test_wrapping_keeps_every_character_and_breaks_long_paragraphs():
    from xinfang.samples.render.fonts import load

    text = "我们村的路坏了，" * 30 + "\n此致敬礼"
    lines = wrap(text, load("printed", 33), 1300)
    assert "".join(line for line, _ in lines) == text.replace("\n", "")
    assert len(lines) > 3 and not any(line.startswith("，") for line, _ in lines)


def test_long_letters_continue_on_a_second_page():
    text = "\n".join(["这是一段很长的信的内容，反映问题，请求解决。" * 3] * 40)
    assert len(render_pages(text, PageStyle(font="hand", size_pt=16, paper="ruled", line_gap=1.0))) >= 2


@pytest.mark.parametrize("kind", KINDS)
def test_every_kind_renders_and_saves(kind, tmp_path):
    record = generate_letters(3, 11)[0]
    pages = render_letter(record["text"], kind, "medium", random.Random(1), sender="清河县")
    path = save_pages(pages, tmp_path / kind, kind, "medium")
    assert path.exists() and path.stat().st_size > 20_000
    if len(pages) == 1:
        with Image.open(path) as img:
            assert img.size == pages[0].size
    else:
        assert path.suffix == ".pdf"
    if kind == "envelope":
        assert len(pages) >= 2


def test_degradation_changes_the_page_more_at_heavier_levels():
    import numpy as np

    text = generate_letters(2, 4)[0]["text"]
    clean = np.asarray(render_letter(text, "printed", "clean", random.Random(2))[0].convert("L"), dtype=float)
    diffs = []
    for quality in ("light", "heavy"):
        page = np.asarray(render_letter(text, "printed", quality, random.Random(2))[0].convert("L"), dtype=float)
        diffs.append(np.abs(page - clean).mean())
    assert 0 < diffs[0] < diffs[1]


@pytest.mark.ocr
@pytest.mark.slow
def test_tesseract_reads_clean_scans_with_under_two_percent_cer(tmp_path):
    """S0001 as committed, and one freshly rendered clean printed letter."""
    pytesseract = pytest.importorskip("pytesseract")
    tesseract_available()
    s0001 = next(i for i in load_index() if i["id"] == "S0001")
    cases = [(Image.open(letters_dir() / s0001["scan"]), s0001["truth"]["text"])]
    record = next(r for r in generate_letters(30, 12) if r["form"] == "来信")
    pages = render_letter(record["text"], "printed", "clean", random.Random(3))
    assert len(pages) == 1
    cases.append((pages[0].convert("L"), record["text"]))
    for image, text in cases:
        out = pytesseract.image_to_string(image, lang="chi_sim", config="--psm 6")
        assert cer(text, out) < 0.02, (cer(text, out), out)


def test_rendering_is_deterministic_for_a_seed(tmp_path):
    text = generate_letters(2, 8)[0]["text"]
    first = save_pages(render_letter(text, "stamp", "heavy", random.Random(5)), tmp_path / "a", "stamp", "heavy")
    second = save_pages(render_letter(text, "stamp", "heavy", random.Random(5)), tmp_path / "b", "stamp", "heavy")
    assert first.read_bytes() == second.read_bytes()
    other = save_pages(render_letter(text, "stamp", "heavy", random.Random(6)), tmp_path / "c", "stamp", "heavy")
    assert other.read_bytes() != first.read_bytes()
