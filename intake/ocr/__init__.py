"""OCR engines behind one interface: each reads a page image into lines with boxes and confidences."""

from xinfang.intake.ocr.base import OcrEngine, OcrLine, OcrPage, get_engine

__all__ = ["OcrEngine", "OcrLine", "OcrPage", "get_engine"]
