"""Page images for the reviewer's viewer: made at intake by the worker, read from disk by the desk.

The worker has each page decoded anyway (to OCR it), so it writes the viewer's copy then; the first opening
of a letter at the desk reads a small file instead of decoding a PDF or a large scan. A page that has no
copy yet (a letter processed before this existed, a copy removed) is made on request, once.
JPEG rather than PNG: an optimised PNG of a 1400-pixel page costs seconds to encode, a JPEG some
milliseconds, and a grey scan reads the same.
"""

from __future__ import annotations

import io
import logging
from pathlib import Path

import pypdfium2 as pdfium
from PIL import Image

from xinfang.core.config import Settings
from xinfang.core.errors import BadInputError
from xinfang.intake.filetypes import IMAGE_TYPES, PDF
from xinfang.intake.pages import PageLimits, iter_pages
from xinfang.models import Letter, StoredFile

log = logging.getLogger(__name__)

VIEW_WIDTH = 1400
MEDIA_TYPE = "image/jpeg"
QUALITY = 85


def cache_path(settings: Settings, stored: StoredFile, page_index: int) -> Path:
    return settings.derived_dir / stored.sha256[:2] / stored.sha256 / f"page-{page_index}.jpg"


def has_view(stored: StoredFile | None) -> bool:
    return stored is not None and stored.media_type in IMAGE_TYPES | {PDF}


def view_of_page(settings: Settings, letter: Letter, number: int) -> bytes | None:
    """JPEG of the letter's `number`-th page (0-based, within the letter), or None if there is none."""
    stored = letter.file
    if stored is None or not has_view(stored):
        return None
    indices = letter.page_numbers or list(range(max(letter.page_count, 1)))
    if number >= len(indices):
        return None
    cache = cache_path(settings, stored, indices[number])
    if cache.exists():
        return cache.read_bytes()
    try:
        image = _decode(settings, stored, indices[number])
    except (BadInputError, StopIteration, pdfium.PdfiumError, IndexError):
        return None
    return None if image is None else store_view(settings, stored, indices[number], image)


def store_view(settings: Settings, stored: StoredFile, page_index: int, image: Image.Image | None) -> bytes | None:
    """Write the viewer's copy of one page; `image` is the decoded page, or None for a PDF page with a text
    layer (the pipeline reads its text and never renders it, so it is rendered here)."""
    if image is None:
        if stored.media_type != PDF:
            return None
        image = _render_pdf_page(settings.data_dir / stored.storage_path, page_index)
    data = view_jpeg(image)
    _write(cache_path(settings, stored, page_index), data)
    return data


def view_jpeg(image: Image.Image) -> bytes:
    gray = image.convert("L")
    if gray.width > VIEW_WIDTH:
        gray = gray.resize((VIEW_WIDTH, round(gray.height * VIEW_WIDTH / gray.width)), Image.Resampling.LANCZOS,
                           reducing_gap=2.0)
    buffer = io.BytesIO()
    gray.save(buffer, format="JPEG", quality=QUALITY)
    return buffer.getvalue()


def _decode(settings: Settings, stored: StoredFile, page_index: int) -> Image.Image | None:
    path = settings.data_dir / stored.storage_path
    if stored.media_type == PDF:
        return _render_pdf_page(path, page_index)
    limits = PageLimits(settings.max_pages, settings.max_image_pixels)
    return next(iter_pages(path, stored.media_type, limits, [page_index])).image


def _render_pdf_page(path: Path, index: int) -> Image.Image:
    pdf = pdfium.PdfDocument(str(path))
    try:
        page = pdf[index]
        width, _height = page.get_size()
        return page.render(scale=min(VIEW_WIDTH / width, 2.0), grayscale=True).to_pil()
    finally:
        pdf.close()


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(f".{id(data)}.tmp")
    tmp.write_bytes(data)
    tmp.replace(path)
