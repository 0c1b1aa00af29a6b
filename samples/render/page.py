"""Lay a letter's text out on A4 pages: plain paper, ruled 信纸, or paper with a red header.

WHY our own layout: PIL draws lines, not paragraphs; Chinese wraps at any character, so a simple
per-character width measure is enough and keeps rendering fast and deterministic.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from PIL import Image, ImageDraw

from xinfang.samples.render.fonts import load

A4_MM = (210, 297)
RED = (200, 30, 30)
INK_BLUE = (25, 35, 110)
NO_LINE_START = "，。、；：？！）》”’"


@dataclass
class PageStyle:
    """What the paper and the writing look like."""

    dpi: int = 200
    font: str = "printed"          # printed | serif | hand
    size_pt: float = 12.0
    paper: str = "plain"           # plain | ruled | red_header
    ink: tuple[int, int, int] = (20, 20, 20)
    line_gap: float = 0.75         # extra space between lines, as a fraction of the font size
    jitter: int = 0                # pixels of random per-character offset (handwriting)
    header_text: str = "清河县信访局来信专用纸"

    @property
    def size_px(self) -> tuple[int, int]:
        return round(A4_MM[0] / 25.4 * self.dpi), round(A4_MM[1] / 25.4 * self.dpi)

    @property
    def font_px(self) -> int:
        return round(self.size_pt / 72 * self.dpi)


def wrap(text: str, font, width: int) -> list[tuple[str, bool]]:
    """Lines of at most `width` pixels; True marks the first line of a paragraph (indented)."""
    out: list[tuple[str, bool]] = []
    widths: dict[str, float] = {}
    for para in text.split("\n"):
        line, used, first = "", 0.0, True
        indent = font.size * 2
        limit = width - indent
        for ch in para:
            w = widths.get(ch)
            if w is None:
                w = widths[ch] = font.getlength(ch)
            if used + w > limit and line and ch not in NO_LINE_START:
                out.append((line, first))
                line, used, first, limit = "", 0.0, False, width
            line += ch
            used += w
        out.append((line, first))
    return out


def _paper(style: PageStyle, pitch: int, top: int, margin: int) -> Image.Image:
    w, h = style.size_px
    page = Image.new("RGB", (w, h), (255, 255, 255) if style.paper == "plain" else (252, 250, 244))
    draw = ImageDraw.Draw(page)
    if style.paper == "ruled":
        color = (205, 90, 90) if style.header_text.endswith("纸") else (120, 150, 200)
        y = top + pitch
        while y < h - margin // 2:
            draw.line([(margin - 20, y), (w - margin + 20, y)], fill=color, width=2)
            y += pitch
    if style.paper in ("ruled", "red_header"):
        head = load("serif", round(style.font_px * 1.5))
        tw = head.getlength(style.header_text)
        draw.text(((w - tw) / 2, margin // 2), style.header_text, font=head, fill=RED)
        line_y = margin // 2 + head.size + 25
        draw.line([(margin - 20, line_y), (w - margin + 20, line_y)], fill=RED, width=5)
        draw.line([(margin - 20, line_y + 9), (w - margin + 20, line_y + 9)], fill=RED, width=2)
    return page


def render_pages(text: str, style: PageStyle, rng: random.Random | None = None) -> list[Image.Image]:
    """Pages (RGB, A4 at style.dpi) with the text laid out; continues onto as many pages as needed."""
    rng = rng or random.Random(0)
    w, h = style.size_px
    font = load(style.font, style.font_px)
    margin = round(0.9 / 2.54 * style.dpi * 2)          # about 1.8 cm
    pitch = round(style.font_px * (1 + style.line_gap))
    top = margin + (round(style.font_px * 2.2) if style.paper != "plain" else 0)
    lines = wrap(text, font, w - 2 * margin)
    per_page = max(1, (h - top - margin) // pitch)
    pages = []
    for start in range(0, len(lines), per_page):
        page = _paper(style, pitch, top, margin)
        draw = ImageDraw.Draw(page)
        y = top
        for line, first in lines[start:start + per_page]:
            x = margin + (font.size * 2 if first else 0)
            # ruled paper: write on the line, not through it
            base = y + (pitch - font.size) - 6 if style.paper == "ruled" else y
            if style.jitter:
                for ch in line:
                    dx, dy = rng.randint(-style.jitter, style.jitter), rng.randint(-style.jitter, style.jitter)
                    draw.text((x + dx, base + dy), ch, font=font, fill=style.ink)
                    x += font.getlength(ch) + rng.randint(0, style.jitter)
            else:
                draw.text((x, base), line, font=font, fill=style.ink)
            y += pitch
        pages.append(page)
    return pages


def render_envelope(sender: str, dpi: int = 200, rng: random.Random | None = None) -> Image.Image:
    """An envelope scanned as a page: red postcode boxes, addressee, sender and a postmark."""
    rng = rng or random.Random(0)
    w, h = round(220 / 25.4 * dpi), round(110 / 25.4 * dpi)
    env = Image.new("RGB", (w, h), (238, 226, 196))
    draw = ImageDraw.Draw(env)
    box = round(8 / 25.4 * dpi)
    for i, digit in enumerate("252800"):
        x0 = 60 + i * (box + 12)
        draw.rectangle([x0, 50, x0 + box, 50 + box], outline=RED, width=3)
        draw.text((x0 + box // 5, 55), digit, font=load("hand", box - 10), fill=INK_BLUE)
    big, small = load("hand", round(dpi * 0.28)), load("hand", round(dpi * 0.16))
    draw.text((w * 0.18, h * 0.38), "清河县信访局 收", font=big, fill=INK_BLUE)
    draw.text((w * 0.18, h * 0.25), "江北省临川市清河县人民路1号", font=small, fill=INK_BLUE)
    draw.text((w * 0.40, h * 0.75), sender[:30], font=small, fill=INK_BLUE)
    cx, cy, r = w - 260, 150, 110
    draw.ellipse([cx - r, cy - r, cx + r, cy + r], outline=(60, 60, 60), width=4)
    draw.text((cx - 80, cy - 20), "清河 邮政", font=small, fill=(60, 60, 60))
    draw.rectangle([w - 180, 30, w - 40, 200], outline=RED, width=3)
    # an A4 page of the same dpi so the PDF pages have one size
    page = Image.new("RGB", (round(A4_MM[0] / 25.4 * dpi), round(A4_MM[1] / 25.4 * dpi)), (250, 250, 250))
    page.paste(env.rotate(rng.uniform(-3, 3), expand=True, fillcolor=(250, 250, 250)), (40, 200))
    return page
