"""Write generated letters to a folder: text files, scans, batch PDFs and the index with ground truth.

WHY one writer for the CLI and for the committed set: both must produce the same index format that
samples.load_index() reads and the demo ingests.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

from xinfang.samples.render.scan import KINDS, QUALITIES, blank_page, render_letter, save_batch, save_pages

TRUTH_KEYS = ("text", "title", "category", "subcategory", "purpose", "department", "township", "village",
              "petitioner", "cosigners", "anonymous", "urgent", "accused", "date_written", "received", "repeat_of",
              "same_matter_as", "matter_id", "person_id", "form")


def truth_of(record: dict) -> dict:
    return {key: record[key] for key in TRUTH_KEYS}


def _seed(record: dict, salt: int) -> random.Random:
    return random.Random(f"{salt}:{record['id']}")


def text_entry(record: dict, out: Path) -> dict:
    """A letter that arrived as text (网上信访): a .txt file and its index entry."""
    name = f"{record['id']}.txt"
    (out / name).write_text(record["text"] + "\n", encoding="utf-8")
    return {"id": record["id"], "scan": None, "file": name, "kind": "text", "quality": None, "pages": 1,
            "truth": truth_of(record)}


def scan_entry(record: dict, kind: str, quality: str, out: Path, salt: int = 0) -> dict:
    """Render a letter as a scan of a kind and quality, save it, and return its index entry."""
    sender = (record["petitioner"] or {}).get("address", "") if record["petitioner"] else ""
    pages = render_letter(record["text"], kind, quality, _seed(record, salt), sender=sender)
    path = save_pages(pages, out / record["id"], kind, quality)
    return {"id": record["id"], "scan": path.name, "file": None, "kind": kind, "quality": quality,
            "pages": len(pages), "truth": truth_of(record)}


def batch_entry(records: list[dict], name: str, separators: bool, quality: str, out: Path,
                salt: int = 0) -> tuple[dict, list[dict]]:
    """Several letters in one PDF, optionally with blank sheets between them; returns batch and letter entries."""
    pages, ranges, entries = [], [], []
    for i, record in enumerate(records):
        rng = _seed(record, salt)
        if separators and i:
            pages.append(blank_page(rng))
        kind = rng.choice(("printed", "handwriting", "ruled"))
        letter_pages = render_letter(record["text"], kind, quality, rng)
        ranges.append(list(range(len(pages), len(pages) + len(letter_pages))))
        pages.extend(letter_pages)
        text_name = f"{record['id']}.txt"
        (out / text_name).write_text(record["text"] + "\n", encoding="utf-8")
        entries.append({"id": record["id"], "scan": None, "file": text_name, "kind": f"batch:{kind}",
                        "quality": quality, "pages": len(letter_pages), "batch": name, "truth": truth_of(record)})
    save_batch(pages, out / name)
    batch = {"file": name, "letters": [r["id"] for r in records], "pages": ranges, "separators": separators,
             "quality": quality}
    return batch, entries


def write_index(out: Path, entries: list[dict], batches: list[dict]) -> None:
    (out / "index.json").write_text(json.dumps(entries, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    (out / "batches.json").write_text(json.dumps(batches, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


def write_jsonl(records: list[dict], path: Path) -> None:
    """All records, one JSON object a line (fast enough for 100,000 letters)."""
    with path.open("w", encoding="utf-8") as fh:
        for record in records:
            fh.write(json.dumps(record, ensure_ascii=False))
            fh.write("\n")


def scan_plan(count: int, seed: int) -> list[tuple[str, str]]:
    """(kind, quality) for the i-th letter of a generated set: every kind and quality in turn."""
    rng = random.Random(seed)
    return [(KINDS[i % len(KINDS)], QUALITIES[(i // len(KINDS) + i) % len(QUALITIES)] if rng.random() < 0.9
             else "clean") for i in range(count)]
