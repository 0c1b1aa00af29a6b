"""Find CJK fonts on this machine at run time.

WHY at run time: font paths differ between Debian, Ubuntu and CI images; we ask fontconfig (fc-list) and
fail with a message that says which package to install instead of a PIL traceback.
"""

from __future__ import annotations

import subprocess
from functools import lru_cache
from pathlib import Path

from PIL import ImageFont

from xinfang.core.errors import MissingDependencyError

PRINTED_HINTS = ("NotoSansCJK-Regular", "NotoSerifCJK-Regular", "NotoSansCJK", "NotoSerifCJK", "wqy", "SourceHan")
HAND_HINTS = ("ukai", "uming")


class FontMissing(MissingDependencyError):
    """No usable Chinese font: scans cannot be rendered."""


@lru_cache(maxsize=1)
def cjk_fonts() -> tuple[str, ...]:
    """Paths of fonts that cover Chinese, as fontconfig reports them."""
    try:
        out = subprocess.run(["fc-list", ":lang=zh", "file"], capture_output=True, text=True, check=False).stdout
    except FileNotFoundError:
        out = ""
    paths = sorted({line.split(":")[0].strip() for line in out.splitlines() if line.strip()})
    return tuple(p for p in paths if Path(p).exists())


def _find(hints: tuple[str, ...]) -> str | None:
    fonts = cjk_fonts()
    for hint in hints:
        for path in fonts:
            if hint.lower() in Path(path).name.lower():
                return path
    return None


def font_path(style: str) -> str:
    """A font file for 'printed', 'serif' or 'hand'; hand falls back to printed when AR PL UKai is absent."""
    if style == "hand":
        path = _find(HAND_HINTS) or _find(PRINTED_HINTS)
    elif style == "serif":
        path = _find(("NotoSerifCJK-Regular", "NotoSerifCJK")) or _find(PRINTED_HINTS)
    else:
        path = _find(PRINTED_HINTS)
    if path is None:
        path = cjk_fonts()[0] if cjk_fonts() else None
    if path is None:
        raise FontMissing("没有找到中文字体，无法生成扫描件。请安装 fonts-noto-cjk 和 fonts-arphic-ukai"
                          "（apt install fonts-noto-cjk fonts-arphic-ukai）后重试。")
    return path


@lru_cache(maxsize=32)
def load(style: str, size: int) -> ImageFont.FreeTypeFont:
    """A loaded font of a style and pixel size (cached: loading a .ttc costs tens of milliseconds)."""
    return ImageFont.truetype(font_path(style), size)
