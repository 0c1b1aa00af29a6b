"""Shared set-up of the desk's browser tests: a served app with users, letters with a real scan, sign-in."""

from __future__ import annotations

import io

import pytest
from PIL import Image, ImageDraw, ImageFont

from bench.synthetic import make_letter
from tests.conftest import WebServer, make_settings
from tests.webutil import add_user
from xinfang.intake.ingest import ingest_stream
from xinfang.models import Letter

USERS = (("rev", "reviewer", None), ("clerk", "clerk", None), ("boss", "supervisor", None), ("root", "admin", None))


@pytest.fixture
def site(tmp_path):
    from xinfang.models.db import upgrade

    settings = make_settings(tmp_path / "var")
    upgrade(settings.database_url)
    for name, role, unit in USERS:
        add_user(settings, name, role, unit=unit)
    server = WebServer(settings)
    yield settings, server
    server.stop()


def sign_in(browser, server, username: str, width: int = 1440, height: int = 1000,  # noqa: ANN001, ANN201
            password: str = "correct horse 1"):
    page = browser.new_page(viewport={"width": width, "height": height}, accept_downloads=True)
    page.goto(f"{server.url}/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_load_state()
    return page


def numbered_pdf(pages: int, tag: str = "") -> bytes:
    """A scan-like PDF whose pages say their number in large print, so screenshots show which page is in view."""
    font = ImageFont.load_default(size=160)
    images = []
    for n in range(1, pages + 1):
        image = Image.new("L", (1240, 1754), 255)
        draw = ImageDraw.Draw(image)
        draw.text((200, 300), f"PAGE {n}", fill=0, font=font)
        draw.text((200, 600), tag, fill=0, font=ImageFont.load_default(size=60))
        for y in range(900, 1700, 60):
            draw.line((150, y, 1090, y), fill=120, width=3)
        images.append(image.convert("RGB"))
    out = io.BytesIO()
    images[0].save(out, format="PDF", save_all=True, append_images=images[1:], resolution=150)
    return out.getvalue()


def scanned_letter(session, settings, pages: int = 3, **kwargs) -> Letter:  # noqa: ANN001
    """A letter waiting for review whose original is a `pages`-page PDF scan."""
    result = ingest_stream(session, settings, io.BytesIO(numbered_pdf(pages, f"letter of {kwargs.get('phone', '')}")), "scan.pdf")
    session.delete(session.get(Letter, result.letter_ids[0]))
    letter = make_letter(session, **kwargs)
    letter.file_id = result.file_id
    letter.page_count = pages
    session.flush()
    return letter
