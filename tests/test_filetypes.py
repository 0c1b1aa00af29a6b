import pytest

from xinfang.intake.filetypes import decode_text, sniff


@pytest.mark.parametrize(("head", "expected"), [
    (b"%PDF-1.7\n", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n....", "image/png"),
    (b"\xff\xd8\xff\xe0\x00\x10JFIF", "image/jpeg"),
    (b"II*\x00\x08\x00", "image/tiff"),
    (b"RIFF\x00\x00\x00\x00WEBPVP8 ", "image/webp"),
    (b"\x00\x00\x00\x18ftypheic", "image/heic"),
    ("尊敬的领导：我是清河镇村民".encode(), "text/plain"),
    ("尊敬的领导：我是清河镇村民".encode("gb18030"), "text/plain"),
    (b'{"id": 1, "text": "..."}\n', "application/x-ndjson"),
    (b"\x00\x01\x02garbage\xff\xfe", "application/octet-stream"),
])
def test_type_comes_from_the_bytes(head, expected):
    assert sniff(head) == expected


def test_utf8_cut_in_the_middle_of_a_character_is_still_text():
    data = ("信访" * 3000).encode()[:4095]
    assert sniff(data) == "text/plain"


def test_decode_text_handles_bom_and_gb18030():
    assert decode_text("\ufeff你好".encode()) == "你好"
    assert decode_text("你好".encode("gb18030")) == "你好"
