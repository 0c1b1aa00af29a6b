"""Decide what a file is from its bytes, never from its name: a clerk's 'letter.jpg' may be a PDF."""

from __future__ import annotations

import codecs

PDF = "application/pdf"
JSONL = "application/x-ndjson"
TEXT = "text/plain"

_SIGNATURES: list[tuple[bytes, int, str]] = [
    (b"%PDF-", 0, PDF),
    (b"\x89PNG\r\n\x1a\n", 0, "image/png"),
    (b"\xff\xd8\xff", 0, "image/jpeg"),
    (b"II*\x00", 0, "image/tiff"),
    (b"MM\x00*", 0, "image/tiff"),
    (b"BM", 0, "image/bmp"),
    (b"GIF87a", 0, "image/gif"),
    (b"GIF89a", 0, "image/gif"),
]
IMAGE_TYPES = {"image/png", "image/jpeg", "image/tiff", "image/bmp", "image/gif", "image/webp", "image/heic"}


def _looks_like_text(head: bytes) -> str | None:
    """The encoding if the bytes decode as mostly printable text (UTF-8 first, then GB18030)."""
    if b"\x00" in head:
        return None
    for encoding in ("utf-8", "gb18030"):
        try:
            # final=False: a multi-byte character may be cut at the end of the sniffed head.
            decoded = codecs.getincrementaldecoder(encoding)().decode(head, final=False)
        except UnicodeDecodeError:
            continue
        if decoded and sum(ch.isprintable() or ch in "\r\n\t" for ch in decoded) / len(decoded) > 0.95:
            return encoding
    return None


def sniff(head: bytes) -> str:
    """Media type of a file from its first bytes ('application/octet-stream' when unknown)."""
    for magic, offset, media in _SIGNATURES:
        if head[offset:offset + len(magic)] == magic:
            return media
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    if head[4:8] == b"ftyp" and head[8:12] in (b"heic", b"heix", b"mif1", b"msf1", b"heim", b"heis"):
        return "image/heic"
    stripped = head.lstrip(b"\xef\xbb\xbf \r\n\t")
    if _looks_like_text(head):
        return JSONL if stripped.startswith(b"{") else TEXT
    # An online-petition export with a stray NUL byte in one record is still JSON lines: that record
    # fails alone at ingest, with its line number (UTF-16, NUL every other byte, is not taken for it).
    nuls = head.count(b"\x00")
    if stripped.startswith(b"{") and nuls <= len(head) // 100 + 1 and _looks_like_text(head.replace(b"\x00", b"")):
        return JSONL
    return "application/octet-stream"


def decode_text(data: bytes) -> str:
    """Text of an uploaded .txt or .jsonl file, UTF-8 (with or without BOM) or GB18030."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("gb18030")
