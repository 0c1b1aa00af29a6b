"""Page images for the viewer, rendered from the original once and cached under the derived folder."""

from __future__ import annotations

import io
from pathlib import Path

import pypdfium2 as pdfium
from PIL import Image

from xinfang.core.config import Settings
from xinfang.core.errors import BadInputError
from xinfang.intake.filetypes import IMAGE_TYPES, PDF
from xinfang.intake.pages import PageLimits, iter_pages
from xinfang.models import Letter

VIEW_WIDTH = 1400


def page_png(settings: Settings, letter: Letter, number: int) -> bytes | None:
    """PNG of the letter's `number`-th page (0-based, within the letter), or None if there is none."""
    stored = letter.file
    if stored is None or stored.media_type not in IMAGE_TYPES | {PDF}:
        return None
    indices = letter.page_numbers or list(range(max(letter.page_count, 1)))
    if number >= len(indices):
        return None
    page_index = indices[number]
    cache = settings.derived_dir / stored.sha256[:2] / stored.sha256 / f"page-{page_index}.png"
    if cache.exists():
        return cache.read_bytes()
    path = settings.data_dir / stored.storage_path
    try:
        image = _render_pdf_page(path, page_index) if stored.media_type == PDF else next(
            iter_pages(path, stored.media_type, PageLimits(settings.max_pages, settings.max_image_pixels),
                       [page_index])).image
    except (BadInputError, StopIteration, pdfium.PdfiumError, IndexError):
        return None
    if image is None:
        return None
    if image.width > VIEW_WIDTH:
        image = image.resize((VIEW_WIDTH, round(image.height * VIEW_WIDTH / image.width)), Image.LANCZOS)
    buffer = io.BytesIO()
    image.convert("L").save(buffer, format="PNG", optimize=True)
    _write_cache(cache, buffer.getvalue())
    return buffer.getvalue()


def _render_pdf_page(path: Path, index: int) -> Image.Image:
    """Render even born-digital pages (the pipeline reads their text layer and never renders them)."""
    pdf = pdfium.PdfDocument(str(path))
    try:
        page = pdf[index]
        width, _height = page.get_size()
        return page.render(scale=min(VIEW_WIDTH / width, 2.0), grayscale=True).to_pil()
    finally:
        pdf.close()


def _write_cache(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_bytes(data)
    tmp.replace(path)
