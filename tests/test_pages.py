"""Reading files into pages: every kind of bad input ends in a specific, actionable error."""

from __future__ import annotations

import io
import struct
import zlib
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from PIL import Image, ImageDraw, ImageFont

from xinfang.core.errors import (
    CorruptFileError,
    EncryptedPdfError,
    ImageTooLargeError,
    TooManyPagesError,
    UnsupportedTypeError,
)
from xinfang.intake.filetypes import sniff
from xinfang.intake.pages import PageLimits, count_pages, iter_pages

FONT = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
LIMITS = PageLimits(max_pages=20, max_pixels=40_000_000, dpi=150)


def text_page(lines: list[str], size: tuple[int, int] = (1240, 1754)) -> Image.Image:
    img = Image.new("L", size, 255)
    draw = ImageDraw.Draw(img)
    font = ImageFont.truetype(FONT, 40)
    for i, line in enumerate(lines):
        draw.text((100, 120 + i * 70), line, fill=0, font=font)
    return img


def write(path: Path, image: Image.Image, fmt: str, **kw) -> Path:
    image.save(path, fmt, **kw)
    return path


def pages_of(path: Path) -> list:
    return list(iter_pages(path, sniff(path.read_bytes()[:4096]), LIMITS))


@pytest.mark.parametrize("fmt", ["PNG", "JPEG", "BMP", "WEBP"])
def test_single_image_formats_give_one_page(tmp_path, fmt):
    path = write(tmp_path / f"p.{fmt.lower()}", text_page(["尊敬的领导"]), fmt)
    pages = pages_of(path)
    assert len(pages) == 1 and pages[0].image.size == (1240, 1754)


def test_multi_page_tiff_gives_every_page_and_only_picks(tmp_path):
    frames = [text_page([f"第{i + 1}页"]) for i in range(3)]
    path = tmp_path / "batch.tif"
    frames[0].save(path, "TIFF", save_all=True, append_images=frames[1:], compression="tiff_lzw")
    assert [p.index for p in pages_of(path)] == [0, 1, 2]
    assert count_pages(path, "image/tiff") == 3
    assert [p.index for p in iter_pages(path, "image/tiff", LIMITS, only=[2])] == [2]


def _pdf(path: Path, images: list[Image.Image]) -> Path:
    images[0].convert("RGB").save(path, "PDF", save_all=True, append_images=[i.convert("RGB") for i in images[1:]],
                                  resolution=150)
    return path


def test_scanned_pdf_is_rendered_and_born_digital_pdf_uses_its_text_layer(tmp_path):
    scanned = pages_of(_pdf(tmp_path / "scan.pdf", [text_page(["尊敬的领导"])]))
    assert scanned[0].image is not None and scanned[0].text_layer is None
    born = tmp_path / "born.pdf"
    _text_pdf(born, "尊敬的县信访局领导：我是清河镇东关村村民张三，反映村道年久失修无人维修的问题，请求尽快处理。")
    digital = pages_of(born)
    assert digital[0].text_layer is not None and "东关村" in digital[0].text_layer


def _text_pdf(path: Path, text: str) -> None:
    """A born-digital PDF with a real text layer (what a word processor exports)."""
    import pypdfium2.raw as raw

    pdf = pdfium.PdfDocument.new()
    page = pdf.new_page(595, 842)
    font = raw.FPDFText_LoadFont(pdf, *_font_bytes(), raw.FPDF_FONT_TRUETYPE, 1)
    obj = raw.FPDFPageObj_CreateTextObj(pdf, font, 12.0)
    encoded = (text + "\x00").encode("utf-16-le")
    buf = (raw.c_ushort * (len(encoded) // 2)).from_buffer_copy(encoded)
    raw.FPDFText_SetText(obj, buf)
    raw.FPDFPageObj_Transform(obj, 1, 0, 0, 1, 50, 700)
    raw.FPDFPage_InsertObject(page.raw, obj)
    raw.FPDFPage_GenerateContent(page.raw)
    pdf.save(path)


_FONT_CACHE: list = []


def _font_bytes() -> tuple:
    import ctypes

    data = Path("/usr/share/fonts/truetype/arphic/ukai.ttc").read_bytes()
    array = (ctypes.c_ubyte * len(data)).from_buffer_copy(data)
    _FONT_CACHE.append(array)
    return array, len(data)


def test_password_protected_pdf_says_remove_the_password(tmp_path):
    path = _encrypted_pdf(tmp_path / "locked.pdf")
    with pytest.raises(EncryptedPdfError, match="密码"):
        pages_of(path)


def _encrypted_pdf(path: Path) -> Path:
    """A PDF with a standard security handler whose user password is not empty (so it cannot be opened)."""
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
               b"<< /Filter /Standard /V 1 /R 2 /O <" + b"11" * 32 + b"> /U <" + b"22" * 32 + b"> /P -4 >>"]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += (b"trailer\n<< /Size 5 /Root 1 0 R /Encrypt 4 0 R /ID [<" + b"33" * 16 + b"> <" + b"33" * 16
            + b">] >>\nstartxref\n%d\n%%%%EOF\n" % xref)
    path.write_bytes(bytes(out))
    return path


def test_truncated_pdf_says_rescan(tmp_path):
    good = _pdf(tmp_path / "good.pdf", [text_page(["尊敬的领导"])] * 2).read_bytes()
    path = tmp_path / "cut.pdf"
    path.write_bytes(good[: len(good) // 3])
    with pytest.raises(CorruptFileError, match="损坏|不完整"):
        pages_of(path)


def test_truncated_jpeg_says_rescan(tmp_path):
    buf = io.BytesIO()
    text_page(["尊敬的领导"]).save(buf, "JPEG")
    path = tmp_path / "cut.jpg"
    path.write_bytes(buf.getvalue()[: len(buf.getvalue()) // 2])
    with pytest.raises(CorruptFileError, match="重新扫描"):
        pages_of(path)


def test_too_many_pdf_pages_says_split_the_file(tmp_path):
    pdf = pdfium.PdfDocument.new()
    for _ in range(500):
        pdf.new_page(595, 842)
    path = tmp_path / "500.pdf"
    pdf.save(path)
    with pytest.raises(TooManyPagesError, match="拆分") as info:
        pages_of(path)
    assert "500" in info.value.message


def _png_bomb(path: Path, width: int = 50_000, height: int = 50_000) -> Path:
    """A few hundred bytes declaring 50,000 x 50,000 pixels (2.5 gigapixels)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    row = b"\x00" + b"\xff" * (width // 8)
    body = zlib.compress(row * 16, 9)
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", body) + chunk(b"IEND", b""))
    return path


def test_decompression_bomb_is_refused_before_decoding(tmp_path):
    path = _png_bomb(tmp_path / "bomb.png")
    assert path.stat().st_size < 100_000
    with pytest.raises(ImageTooLargeError, match="dpi"):
        pages_of(path)


def test_huge_pdf_page_is_rendered_within_the_pixel_limit(tmp_path):
    pdf = pdfium.PdfDocument.new()
    pdf.new_page(14400, 14400)  # 200 x 200 inches
    path = tmp_path / "poster.pdf"
    pdf.save(path)
    (page,) = pages_of(path)
    assert page.image.width * page.image.height <= LIMITS.max_pixels


def test_non_image_with_image_extension_is_not_read_as_an_image(tmp_path):
    path = tmp_path / "letter.jpg"
    path.write_bytes(b"\x00\x01\x02\x03 this is a zip or an exe, not a scan \xff\xfe" * 50)
    media = sniff(path.read_bytes()[:4096])
    assert media == "application/octet-stream"
    with pytest.raises(UnsupportedTypeError, match="JPEG"):
        list(iter_pages(path, media, LIMITS))


def test_image_magic_with_garbage_body_is_corrupt(tmp_path):
    path = tmp_path / "x.png"
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + b"garbage" * 20)
    with pytest.raises(CorruptFileError, match="重新扫描"):
        pages_of(path)


def test_heic_without_a_decoder_says_export_as_jpeg(tmp_path):
    path = tmp_path / "photo.heic"
    path.write_bytes(b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + b"\x00" * 200)
    try:
        import pillow_heif  # noqa: F401
    except ImportError:
        with pytest.raises(UnsupportedTypeError, match="JPEG"):
            pages_of(path)
    else:
        with pytest.raises(CorruptFileError):
            pages_of(path)
