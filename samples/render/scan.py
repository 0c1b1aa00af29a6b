"""Turn a letter into the file a clerk would get: a PNG/JPEG page or a multi-page PDF, of a kind and quality.

Kinds: printed, handwriting (AR PL UKai), ruled (信纸), red_header, rotated, phone_photo, stamp, fold,
multipage, envelope. Quality: clean, light, medium, heavy (see degrade.QUALITY).
"""

from __future__ import annotations

import random
from pathlib import Path

from PIL import Image

from xinfang.samples.render import degrade as D
from xinfang.samples.render.page import INK_BLUE, PageStyle, render_envelope, render_pages

KINDS = ("printed", "handwriting", "ruled", "red_header", "rotated", "phone_photo", "stamp", "fold", "multipage",
         "envelope")
QUALITIES = tuple(D.QUALITY)
HEADERS = ("清河县信访局来信专用纸", "人民来信", "信 笺", "清河县柳林镇人民政府", "临川市第二中学")


def style_for(kind: str, rng: random.Random, dpi: int = 200) -> PageStyle:
    """Paper, font and ink for a kind of scan."""
    if kind in ("handwriting", "multipage"):
        size = 18.0 if kind == "multipage" else rng.choice((14.0, 15.0, 16.0))
        return PageStyle(dpi=dpi, font="hand", size_pt=size, jitter=2,
                         paper="ruled" if rng.random() < 0.6 else "plain",
                         ink=INK_BLUE if rng.random() < 0.6 else (30, 30, 30), line_gap=1.0,
                         header_text=rng.choice(HEADERS))
    if kind == "ruled":
        return PageStyle(dpi=dpi, font=rng.choice(("hand", "printed")), size_pt=14.0, paper="ruled", line_gap=1.0,
                         header_text=rng.choice(HEADERS), ink=INK_BLUE)
    if kind == "red_header":
        return PageStyle(dpi=dpi, font=rng.choice(("printed", "serif")), size_pt=12.5, paper="red_header",
                         header_text=rng.choice(HEADERS[:1] + HEADERS[3:]))
    return PageStyle(dpi=dpi, font=rng.choice(("printed", "serif")) if kind != "printed" else "printed",
                     size_pt=rng.choice((12.0, 12.5, 13.0)))


def render_letter(text: str, kind: str, quality: str, rng: random.Random, sender: str = "",
                  dpi: int = 200) -> list[Image.Image]:
    """Pages of one letter as scanned (RGB images)."""
    pages = render_pages(text, style_for(kind, rng, dpi), rng)
    if kind == "envelope":
        pages = [render_envelope(sender or "清河县", dpi, rng), *pages]
    out = []
    for page in pages:
        if kind == "stamp":
            page = D.stamp(page, rng.choice(("清河县信访局收文专用章", "清河县信访局", "柳林镇人民政府")), rng,
                           round_seal=rng.random() < 0.6)
        if kind == "fold":
            page = D.fold_shadows(page, rng)
        extra = rng.choice((-1, 1)) * rng.uniform(4, 8) if kind == "rotated" else 0.0
        page = D.degrade(page, quality, rng, extra)
        if kind == "phone_photo":
            page = D.uneven_light(D.phone_photo(page, rng), 0.35, rng)
        out.append(page)
    return out


def _has_colour(kind: str) -> bool:
    return kind not in ("printed", "rotated", "fold")


def save_pages(pages: list[Image.Image], stem: Path, kind: str, quality: str, dpi: int = 200) -> Path:
    """Write pages: clean single pages as grayscale PNG, others as JPEG, several pages as one PDF."""
    q = D.jpeg_quality(quality)
    if len(pages) > 1:
        path = stem.with_suffix(".pdf")
        imgs = [p if _has_colour(kind) else p.convert("L") for p in pages]
        imgs[0].save(path, save_all=True, append_images=imgs[1:], resolution=dpi, quality=min(q, 80))
        return path
    page = pages[0]
    if quality == "clean" and not _has_colour(kind):
        path = stem.with_suffix(".png")
        page.convert("L").save(path, dpi=(dpi, dpi), optimize=True)
        return path
    path = stem.with_suffix(".jpg")
    (page if _has_colour(kind) else page.convert("L")).save(path, quality=min(q, 85), dpi=(dpi, dpi))
    return path


def blank_page(rng: random.Random, dpi: int = 200) -> Image.Image:
    """A separator sheet as a scanner sees it: white with a little noise."""
    style = PageStyle(dpi=dpi)
    return D.noise(Image.new("RGB", style.size_px, (247, 247, 245)), 3.0, rng)


def save_batch(pages: list[Image.Image], path: Path, dpi: int = 200) -> Path:
    """Several letters (and separator sheets) in one PDF, as a batch scan comes off the feeder."""
    imgs = [p.convert("L") for p in pages]
    imgs[0].save(path, save_all=True, append_images=imgs[1:], resolution=dpi, quality=70)
    return path
