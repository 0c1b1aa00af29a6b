"""The result every engine returns, so later stages and the UI never depend on one engine's format."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Protocol

from PIL import Image


@dataclass
class OcrLine:
    text: str
    confidence: float  # 0..1
    box: tuple[int, int, int, int]  # left, top, right, bottom in page pixels


@dataclass
class OcrPage:
    index: int
    engine: str
    width: int
    height: int
    lines: list[OcrLine] = field(default_factory=list)
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "\n".join(line.text for line in self.lines)

    @property
    def mean_confidence(self) -> float:
        chars = sum(len(line.text) for line in self.lines)
        if not chars:
            return 0.0
        return sum(line.confidence * len(line.text) for line in self.lines) / chars

    def to_json(self) -> dict:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict) -> OcrPage:
        lines = [OcrLine(line["text"], line["confidence"], tuple(line["box"])) for line in data.get("lines", [])]
        return cls(data["index"], data["engine"], data["width"], data["height"], lines,
                   data.get("seconds", 0.0), data.get("notes", []))


def blank_page(image: Image.Image, index: int, engine: str) -> OcrPage | None:
    """An empty result for a page with no ink (a batch's separator sheet), without running OCR on it:
    faster, and no scanner speckle read as stray characters that would make it look like a letter."""
    from xinfang.intake.preprocess import is_blank  # start-up: only the chosen engine and its libraries load

    if is_blank(image):
        return OcrPage(index, engine, image.width, image.height, [], notes=["blank page"])
    return None


class OcrEngine(Protocol):
    name: str

    def read(self, image: Image.Image, index: int = 0) -> OcrPage: ...


def get_engine(name: str, languages: str = "chi_sim") -> OcrEngine:
    """The engine by its configured name: tesseract, rapidocr, or auto (RapidOCR, with tesseract's orientation
    check on pages it reads with low confidence; the most accurate and on average the cheapest, see
    intake/ocr/auto.py)."""
    if name == "tesseract":
        # start-up: only the chosen engine and its libraries load
        from xinfang.intake.ocr.tesseract import TesseractEngine

        return TesseractEngine(languages)
    if name == "rapidocr":
        # start-up: only the chosen engine and its libraries load
        from xinfang.intake.ocr.rapid import RapidOcrEngine

        return RapidOcrEngine()
    if name == "auto":
        # start-up: only the chosen engine and its libraries load
        from xinfang.intake.ocr.auto import AutoEngine

        return AutoEngine(get_engine("rapidocr", languages))
    raise ValueError(f"unknown OCR engine {name!r}: use tesseract, rapidocr or auto")
