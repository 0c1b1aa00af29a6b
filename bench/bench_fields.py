"""Field extraction on generated letters: per-field precision/recall on clean and OCR-noised text, speed.

Run: nice .venv/bin/python bench/bench_fields.py [--count 2000] [--seed 7]
A field is found exactly when the normalised value equals truth (身份证号 = truth id_number, phone digits
equal, name equal). Precision = exact / letters where we gave a value; recall = exact / letters whose truth
has the value written in the text. Noisy text: spaces between characters, full-width digits, O for 0, l for
1, page-width line breaks — then normalize_text, as the pipeline does.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from xinfang.core import idcard  # noqa: E402
from xinfang.intake.fields import Places, extract_fields  # noqa: E402
from xinfang.intake.normalize import normalize_text  # noqa: E402
from xinfang.samples.generate import generate_letters  # noqa: E402

SKIP = "skip"
_FW = str.maketrans("0123456789", "０１２３４５６７８９")


def add_noise(text: str, rng: random.Random) -> str:
    """Tesseract-like damage that normalisation is meant to undo (not character misreads of Chinese)."""
    out = []
    for line in text.split("\n"):
        chars = []
        for ch in line:
            r = rng.random()
            if ch == "0" and r < 0.08:
                ch = "O"
            elif ch == "1" and r < 0.05:
                ch = "l"
            elif ch.isdigit() and r < 0.15:
                ch = ch.translate(_FW)
            chars.append(ch)
            if rng.random() < 0.08:
                chars.append(" ")
        line = "".join(chars)
        while len(line) > 28:  # page width: a break in mid-sentence
            out.append(line[:28])
            line = line[28:]
        out.append(line)
    return "\n".join(out)


def _digits(raw: str | None) -> str:
    return idcard.normalize(raw or "")


def _as_written(value: str | None, written: str | None) -> str | None:
    """Truth when written correctly, None when not written, SKIP when written with a wrong digit."""
    if not written:
        return None
    return value if _digits(written) == value else SKIP


def _mentioned(text: str, *places: str | None) -> bool:
    """The place is written in the letter (full or short form); letters that never name it are not counted."""
    return any(p and p[:2] in text and (p in text or p[:-1] in text or p[:-2] in text) for p in places)


def truth_of(letter: dict) -> dict:
    p = letter.get("petitioner") or {}
    text = letter["text"]
    return {
        "name": p.get("name") if p.get("name") and p["name"] in text else None,
        "id_number": _as_written(p.get("id_number"), p.get("id_number_as_written")),
        "phone": _as_written(p.get("phone"), p.get("phone_as_written")),
        "id_number (incl. wrong digit)": p.get("id_number") if p.get("id_number_as_written") else None,
        "phone (incl. wrong digit)": p.get("phone") if p.get("phone_as_written") else None,
        "township": letter.get("township") if _mentioned(text, letter.get("township"), letter.get("village")) else None,
        "village": letter.get("village") if _mentioned(text, letter.get("village")) else None,
        "date_written": letter.get("date_written"),
        "cosigner_count": len(letter.get("cosigners") or []),
        "urgency": bool(letter.get("urgent")),
        "anonymous": bool(letter.get("anonymous")),
    }


def measure(letters: list[dict], texts: list[str], places: Places) -> tuple[dict, float]:
    stats = {k: [0, 0, 0] for k in truth_of(letters[0])}  # exact, given, truth-present
    start = time.process_time()
    results = [extract_fields(t, places) for t in texts]
    elapsed = time.process_time() - start
    base_start = time.process_time()
    for t in texts:  # baseline in the same run: normalize_text on the same texts
        normalize_text(t)
    baseline = time.process_time() - base_start
    for letter, fields in zip(letters, results, strict=True):
        truth = truth_of(letter)
        for key, want in truth.items():
            if want == SKIP:
                continue
            got = fields[key.split(" ")[0]]["value"]
            if key in ("urgency", "anonymous"):  # booleans: count positives
                got = bool(got)
                stats[key][0] += got and want
                stats[key][1] += got
                stats[key][2] += want
                continue
            if key == "cosigner_count":
                got = got or 0
                if want == 0 and got == 0:
                    continue
            stats[key][1] += got not in (None, "", 0)
            stats[key][2] += want not in (None, "", 0)
            stats[key][0] += got == want and want not in (None, "", 0)
    return stats, len(texts) / elapsed, elapsed / baseline


def report(title: str, stats: dict, rate: float, ratio: float) -> list[str]:
    lines = [f"{title} — {rate:,.0f} letters/s CPU ({1000 / rate:.2f} ms/letter; "
             f"{ratio:.1f}x the cost of normalize_text on the same texts)", "",
             "| field | precision | recall | letters with truth |", "|---|---|---|---|"]
    for key, (exact, given, present) in stats.items():
        p = exact / given if given else float("nan")
        r = exact / present if present else float("nan")
        lines.append(f"| {key} | {p:.3f} | {r:.3f} | {present} |")
    return lines + [""]


def ocr_texts(letters: list[dict], engine_name: str, seed: int) -> list[str]:
    """Render each letter as a degraded printed scan (medium/heavy) and read it back with the OCR engine."""
    from xinfang.intake.ocr.base import get_engine
    from xinfang.samples.render.scan import render_letter

    engine = get_engine(engine_name)
    rng = random.Random(seed)
    texts = []
    for i, letter in enumerate(letters):
        kind = rng.choice(("printed", "ruled", "stamp", "fold"))
        pages = render_letter(letter["text"], kind, rng.choice(("medium", "heavy")), rng)
        texts.append("\n".join(engine.read(page, n).text for n, page in enumerate(pages)))
        print(f"ocr {i + 1}/{len(letters)}", file=sys.stderr, end="\r")
    return texts


def committed_scans(engine_name: str) -> tuple[list[dict], list[str]]:
    """The committed sample scans read through the intake's own page reader (preprocessing, blank check, OCR)."""
    from xinfang.intake.ocr.base import get_engine
    from xinfang.intake.pages import PageLimits, iter_pages
    from xinfang.intake.stages import read_page
    from xinfang.samples import letters_dir, load_index

    engine = get_engine(engine_name)
    letters, texts = [], []
    scans = [e for e in load_index() if e["scan"]]
    for i, entry in enumerate(scans):
        path = letters_dir() / entry["scan"]
        media = "application/pdf" if path.suffix == ".pdf" else f"image/{path.suffix[1:].replace('jpg', 'jpeg')}"
        pages = [read_page(page, engine).text for page in iter_pages(path, media, PageLimits())]
        letters.append(entry["truth"])
        texts.append(normalize_text("\n\n".join(pages)))
        print(f"ocr {i + 1}/{len(scans)}", file=sys.stderr, end="\r")
    return letters, texts


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--count", type=int, default=2000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--scans", type=int, default=0, help="also render N letters as degraded scans and OCR them")
    ap.add_argument("--engine", default="auto")
    ap.add_argument("--committed", action="store_true",
                    help="also OCR the committed sample scans (samples/letters) and measure fields on them")
    args = ap.parse_args()
    places = Places.from_file(Path(__file__).resolve().parent.parent / "samples" / "places.json")
    letters = generate_letters(args.count, args.seed)
    clean = [normalize_text(x["text"]) for x in letters]
    rng = random.Random(args.seed)
    raw_noisy = [add_noise(x["text"], rng) for x in letters]
    t0 = time.process_time()
    noisy = [normalize_text(t) for t in raw_noisy]
    norm_rate = len(letters) / (time.process_time() - t0)
    out = report(f"Clean generated text ({args.count} letters, seed {args.seed})", *measure(letters, clean, places))
    out += report("Noisy text (spaces, full-width, O/0, l/1, line breaks) after normalize_text",
                  *measure(letters, noisy, places))
    out.append(f"normalize_text on noisy text: {norm_rate:,.0f} letters/s CPU")
    if args.scans:
        subset = letters[: args.scans]
        texts = [normalize_text(t) for t in ocr_texts(subset, args.engine, args.seed)]
        out += [""] + report(f"OCR text of {args.scans} rendered medium/heavy scans ({args.engine}) after normalize_text",
                             *measure(subset, texts, places))
    if args.committed:
        truths, texts = committed_scans(args.engine)
        out += [""] + report(f"Committed sample scans ({len(texts)} letters, every kind and quality), OCR {args.engine}, "
                             "after normalize_text", *measure(truths, texts, places))
    print("\n".join(out))


if __name__ == "__main__":
    main()
