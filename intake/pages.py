"""Turn a stored original into pages: images to OCR, or a PDF page's own text layer when it has one.

Limits are checked before pixels are decoded, so a decompression bomb or a 500-page PDF ends as a clear
failure instead of an out-of-memory worker.
"""

from __future__ import annotations

import struct
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pypdfium2 as pdfium
from PIL import Image, ImageOps, UnidentifiedImageError

from xinfang.core.errors import (
    CorruptFileError,
    EncryptedPdfError,
    ImageTooLargeError,
    TooManyPagesError,
    UnsupportedTypeError,
)
from xinfang.intake.filetypes import IMAGE_TYPES, PDF

# What a damaged image makes Pillow's decoders raise (they are not consistent about it).
_DECODE_ERRORS = (OSError, SyntaxError, ValueError, AttributeError, EOFError, IndexError, TypeError, struct.error)

_OUT_OF_MEMORY = ("页面图像过大，解码所需内存超过处理上限，未处理。请以 200-300 dpi 重新扫描，"
                  "或把文件拆分成较小的文件后重新上传。")

# A PDF page whose text layer has fewer real characters than this is treated as a scan.
MIN_TEXT_LAYER_CHARS = 30


@dataclass
class Page:
    index: int
    image: Image.Image | None = None
    text_layer: str | None = None


@dataclass(frozen=True)
class PageLimits:
    max_pages: int = 200
    max_pixels: int = 80_000_000
    dpi: int = 200


def count_pages(path: Path, media_type: str) -> int:
    if media_type == PDF:
        pdf = _open_pdf(path)
        try:
            return len(pdf)
        finally:
            pdf.close()
    with _open_image(path, PageLimits(), media_type) as img:
        return getattr(img, "n_frames", 1)


def iter_pages(path: Path, media_type: str, limits: PageLimits, only: list[int] | None = None) -> Iterator[Page]:
    """Pages of a PDF or image file, in order; `only` picks page indices (a letter cut from a batch)."""
    if media_type == PDF:
        yield from _pdf_pages(path, limits, only)
    elif media_type in IMAGE_TYPES:
        yield from _image_pages(path, limits, only, media_type)
    else:
        raise UnsupportedTypeError(
            f"无法识别的文件类型（{media_type}）。请上传扫描件（JPEG、PNG、TIFF、PDF）或文本文件。")


def _open_pdf(path: Path) -> pdfium.PdfDocument:
    try:
        return pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as exc:
        if "password" in str(exc).lower():
            raise EncryptedPdfError("PDF 文件设有密码保护，无法读取。请去除密码（另存或打印为新的 PDF）后重新上传。") from exc
        raise CorruptFileError(f"PDF 文件已损坏或不完整（{exc}）。请重新扫描或重新复制该文件。") from exc


def _pdf_pages(path: Path, limits: PageLimits, only: list[int] | None) -> Iterator[Page]:
    pdf = _open_pdf(path)
    try:
        total = len(pdf)
        if total == 0:
            raise CorruptFileError("PDF 文件中没有任何页面。请重新扫描。")
        if total > limits.max_pages:
            raise TooManyPagesError(
                f"PDF 共 {total} 页，超过单个文件 {limits.max_pages} 页的上限。请按信件拆分成较小的文件后重新上传。")
        for index in only if only is not None else range(total):
            try:
                page = pdf[index]
            except pdfium.PdfiumError as exc:
                raise CorruptFileError(
                    f"PDF 第 {index + 1} 页已损坏，无法读取（{exc}）。请重新扫描或重新导出该文件。") from exc
            try:
                text = page.get_textpage().get_text_range()
                if _real_chars(text) >= MIN_TEXT_LAYER_CHARS:
                    page.close()
                    yield Page(index, text_layer=text)
                    continue
                image = page.render(scale=_render_scale(page.get_size(), limits), grayscale=True).to_pil()
            except pdfium.PdfiumError as exc:
                raise CorruptFileError(
                    f"PDF 第 {index + 1} 页已损坏，无法读取（{exc}）。请重新扫描或重新导出该文件。") from exc
            except MemoryError as exc:
                raise ImageTooLargeError(_OUT_OF_MEMORY) from exc
            finally:
                page.close()
            yield Page(index, image=image)
    finally:
        pdf.close()


def _real_chars(text: str) -> int:
    """Letters, digits and CJK characters: an OCR'd PDF's junk layer of dots or control codes is not text."""
    return sum(ch.isalnum() for ch in text)


def _render_scale(size_points: tuple[float, float], limits: PageLimits) -> float:
    """Points-to-pixels scale at the configured dpi, reduced so the rendered page stays under the pixel cap."""
    width, height = size_points
    scale = limits.dpi / 72
    if width * height * scale * scale > limits.max_pixels:
        scale = 0.99 * (limits.max_pixels / (width * height)) ** 0.5
    return scale


def _register_heic() -> bool:
    """HEIC (phone photos) opens through pillow-heif when it is installed; it is optional."""
    try:
        # optional dependency: HEIC support only where pillow-heif is installed
        from pillow_heif import register_heif_opener
    except ImportError:
        return False
    register_heif_opener()
    return True


def _open_image(path: Path, limits: PageLimits, media_type: str = "") -> Image.Image:
    """Open lazily and check the declared size before any pixel is decoded."""
    Image.MAX_IMAGE_PIXELS = limits.max_pixels
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            img = Image.open(path)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise ImageTooLargeError(
            "图像尺寸异常巨大（可能是损坏或恶意文件），为安全起见未处理。请以 200-300 dpi 重新扫描。") from exc
    except UnidentifiedImageError as exc:
        if media_type == "image/heic" and not _register_heic():
            raise UnsupportedTypeError(
                "这是手机 HEIC 格式照片，本系统无法直接读取。请在手机上导出为 JPEG（或改用“兼容性最佳”格式拍摄）后重新上传。"
            ) from exc
        raise CorruptFileError("文件扩展名是图片，但内容无法作为图片打开（文件已损坏或并非图片）。请重新扫描。") from exc
    except _DECODE_ERRORS as exc:
        raise CorruptFileError(f"图像文件已损坏或不完整（{type(exc).__name__}）。请重新扫描或重新复制该文件。") from exc
    width, height = img.size
    if width * height > limits.max_pixels:
        img.close()
        raise ImageTooLargeError(
            f"图像为 {width}×{height} 像素，超过上限。请以 200-300 dpi 重新扫描。")
    return img


def _image_pages(path: Path, limits: PageLimits, only: list[int] | None, media_type: str) -> Iterator[Page]:
    if media_type == "image/heic":
        _register_heic()
    img = _open_image(path, limits, media_type)
    try:
        frames = getattr(img, "n_frames", 1)
        if frames > limits.max_pages:
            raise TooManyPagesError(
                f"图像文件共 {frames} 页，超过 {limits.max_pages} 页的上限。请拆分后重新上传。")
        for index in only if only is not None else range(frames):
            try:
                img.seek(index)
                frame = ImageOps.exif_transpose(img.convert("RGB") if img.mode not in ("L", "RGB") else img)
                frame.load()
            except MemoryError as exc:
                raise ImageTooLargeError(_OUT_OF_MEMORY) from exc
            except _DECODE_ERRORS as exc:
                raise CorruptFileError(
                    f"图像第 {index + 1} 页已损坏或不完整（{exc}）。请重新扫描或重新复制该文件。") from exc
            yield Page(index, image=frame)
    finally:
        img.close()
