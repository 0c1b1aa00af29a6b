"""What scanners, phones and the post do to a page: tilt, blur, noise, uneven light, folds, stamps.

WHY presets per quality level: the OCR benchmark reports character error rate per level, so each level
must mean the same amount of damage every time (drawn from a seeded generator).
"""

from __future__ import annotations

import math
import random

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

from xinfang.samples.render.fonts import load

QUALITY = {
    #          max tilt, blur radius, noise sigma, light strength, jpeg quality
    "clean": (0.0, 0.0, 0.0, 0.0, 95),
    "light": (0.8, 0.0, 2.5, 0.08, 75),
    "medium": (2.0, 0.7, 5.0, 0.18, 60),
    "heavy": (4.0, 1.2, 9.0, 0.32, 40),
}
RED = (210, 40, 40)


def rotate(img: Image.Image, degrees: float) -> Image.Image:
    return img.rotate(degrees, resample=Image.Resampling.BICUBIC, expand=False, fillcolor=(250, 250, 250))


def blur(img: Image.Image, radius: float) -> Image.Image:
    return img.filter(ImageFilter.GaussianBlur(radius)) if radius > 0 else img


def _apply(img: Image.Image, fn) -> Image.Image:
    arr = np.asarray(img, dtype=np.float32)
    return Image.fromarray(np.clip(fn(arr), 0, 255).astype(np.uint8), img.mode)


def noise(img: Image.Image, sigma: float, rng: random.Random) -> Image.Image:
    if sigma <= 0:
        return img
    gen = np.random.default_rng(rng.randrange(2**32))
    return _apply(img, lambda a: a + gen.normal(0, sigma, a.shape[:2])[..., None])


def uneven_light(img: Image.Image, strength: float, rng: random.Random) -> Image.Image:
    """A brighter spot and darker corners, as under a desk lamp or a phone's flash."""
    if strength <= 0:
        return img
    w, h = img.size
    cx, cy = rng.uniform(0.2, 0.8) * w, rng.uniform(0.2, 0.8) * h
    ys, xs = np.mgrid[0:h:4, 0:w:4].astype(np.float32)
    dist = np.sqrt((xs - cx) ** 2 + (ys - cy) ** 2) / math.hypot(w, h)
    small = Image.fromarray((255 * (1 - strength * dist / dist.max())).astype(np.uint8))
    mask = np.asarray(small.resize((w, h), Image.Resampling.BILINEAR), dtype=np.float32) / 255
    return _apply(img, lambda a: a * mask[..., None])


def fold_shadows(img: Image.Image, rng: random.Random, folds: int = 2) -> Image.Image:
    """Soft dark bands where a letter was folded in three to fit the envelope."""
    w, h = img.size
    profile = np.ones(h, dtype=np.float32)
    ys = np.arange(h, dtype=np.float32)
    for k in range(1, folds + 1):
        y0 = h * k / (folds + 1) + rng.uniform(-40, 40)
        profile -= 0.22 * np.exp(-((ys - y0) / 18) ** 2) - 0.06 * np.exp(-((ys - y0 - 40) / 30) ** 2)
    return _apply(img, lambda a: a * profile[:, None, None])


def stamp(img: Image.Image, text: str, rng: random.Random, round_seal: bool = True) -> Image.Image:
    """A red seal (round, with a star) or a rectangular receipt stamp, multiplied onto the page."""
    w, h = img.size
    size = 340
    layer = Image.new("RGB", (size, size), (255, 255, 255))
    draw = ImageDraw.Draw(layer)
    font = load("serif", 34)
    if round_seal:
        draw.ellipse([8, 8, size - 8, size - 8], outline=RED, width=9)
        for i, ch in enumerate(text[:14]):
            angle = math.radians(-150 + i * 300 / max(len(text[:14]) - 1, 1))
            x, y = size / 2 + 122 * math.cos(angle - math.pi / 2), size / 2 + 122 * math.sin(angle - math.pi / 2)
            draw.text((x - 17, y - 17), ch, font=font, fill=RED)
        r = 42
        star = [(size / 2 + (r if i % 2 == 0 else r / 2.5) * math.cos(math.radians(-90 + i * 36)),
                 size / 2 + (r if i % 2 == 0 else r / 2.5) * math.sin(math.radians(-90 + i * 36))) for i in range(10)]
        draw.polygon(star, fill=RED)
    else:
        draw.rectangle([10, 90, size - 10, 250], outline=RED, width=6)
        draw.text((30, 110), text[:8], font=font, fill=RED)
        draw.text((30, 180), "收文", font=font, fill=RED)
    layer = layer.rotate(rng.uniform(-25, 25), fillcolor=(255, 255, 255))
    x, y = int(rng.uniform(0.55, 0.75) * w), int(rng.uniform(0.7, 0.85) * h)
    region = img.crop((x, y, x + size, y + size))
    blended = Image.fromarray((np.asarray(region, dtype=np.float32) * np.asarray(layer, dtype=np.float32)
                               / 255 * 0.9 + np.asarray(region, dtype=np.float32) * 0.1).astype(np.uint8))
    out = img.copy()
    out.paste(blended, (x, y))
    return out


def phone_photo(img: Image.Image, rng: random.Random) -> Image.Image:
    """The page photographed on a table: a dark border, a slight perspective and a light fall-off."""
    w, h = img.size
    pad = int(0.06 * w)
    canvas = Image.new("RGB", (w + 2 * pad, h + 2 * pad), (rng.randrange(70, 110), rng.randrange(55, 80), 45))
    canvas.paste(img, (pad, pad))
    d = [rng.uniform(0, 0.04) * w for _ in range(8)]
    quad = (d[0], d[1], d[2], h + 2 * pad - d[3], w + 2 * pad - d[4], h + 2 * pad - d[5], w + 2 * pad - d[6], d[7])
    warped = canvas.transform(canvas.size, Image.Transform.QUAD, quad, Image.Resampling.BILINEAR)
    return warped.resize((w, h), Image.Resampling.BILINEAR)


def degrade(img: Image.Image, quality: str, rng: random.Random, extra_tilt: float = 0.0) -> Image.Image:
    """Apply the preset of a quality level (the JPEG part happens when saving)."""
    tilt, radius, sigma, light, _ = QUALITY[quality]
    if tilt or extra_tilt:
        img = rotate(img, rng.uniform(-tilt, tilt) + extra_tilt)
    img = uneven_light(img, light, rng)
    img = blur(img, radius)
    return noise(img, sigma, rng)


def jpeg_quality(quality: str) -> int:
    return QUALITY[quality][4]
