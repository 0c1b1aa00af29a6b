"""Benchmark the sample generator: speed, template overlap, label counts, and Tesseract CER per scan quality.

Run once (it OCRs about 60 pages, several minutes on 2 cores):
    nice .venv/bin/python bench/bench_samples.py [--write]
With --write the "## Samples" section of bench/RESULTS.md is replaced by the results.
"""

from __future__ import annotations

import argparse
import platform
import random
import re
import statistics
import sys
import time
import unicodedata
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import pypdfium2 as pdfium  # noqa: E402
import pytesseract  # noqa: E402
from PIL import Image  # noqa: E402
from rapidfuzz.distance import Levenshtein  # noqa: E402

from xinfang.samples import letters_dir, load_index  # noqa: E402
from xinfang.samples.generate import generate_letters  # noqa: E402
from xinfang.samples.overlap import longest_common_substring, overlap_stats  # noqa: E402
from xinfang.samples.render.scan import QUALITIES, render_letter  # noqa: E402


def normalise(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def cer(reference: str, hypothesis: str) -> float:
    ref = normalise(reference)
    return Levenshtein.distance(ref, normalise(hypothesis)) / max(len(ref), 1)


def ocr(image: Image.Image) -> str:
    return pytesseract.image_to_string(image.convert("L"), lang="chi_sim", config="--psm 6")


def pages_of(path: Path) -> list[Image.Image]:
    if path.suffix == ".pdf":
        pdf = pdfium.PdfDocument(str(path))
        images = [page.render(scale=200 / 72).to_pil() for page in pdf]
        pdf.close()
        return images
    return [Image.open(path)]


def bench_speed() -> dict:
    started = time.perf_counter()
    generate_letters(10_000, 1)
    base = time.perf_counter() - started
    started = time.perf_counter()
    records = generate_letters(100_000, 1)
    full = time.perf_counter() - started
    return {"base_10k_s": base, "full_100k_s": full, "ratio": full / base, "per_letter_ms": full / len(records) * 1000}


def bench_overlap() -> dict:
    records = generate_letters(3000, 20261122)
    stats = overlap_stats(records, pairs=5000, seed=1)
    by_id = {r["id"]: r for r in records}
    repeat_lcs = [len(longest_common_substring(r["text"], by_id[r["repeat_of"]]["text"]))
                  for r in records if r["repeat_of"]]
    stats["repeat_median"] = statistics.median(repeat_lcs)
    stats["lengths"] = sorted(len(r["text"]) for r in records)
    return stats


def bench_committed_ocr() -> tuple[dict, dict]:
    per_quality: dict[str, list[float]] = defaultdict(list)
    per_kind: dict[str, list[float]] = defaultdict(list)
    for item in load_index():
        if not item["scan"]:
            continue
        images = pages_of(letters_dir() / item["scan"])
        if item["kind"] == "envelope":
            images = images[1:]
        value = cer(item["truth"]["text"], "\n".join(ocr(img) for img in images))
        per_quality[item["quality"]].append(value)
        per_kind[item["kind"]].append(value)
    return per_quality, per_kind


def bench_controlled_ocr(n: int = 3) -> dict:
    """The same letters, printed, at every quality level: CER as a function of damage alone."""
    letters = [r for r in generate_letters(60, 77) if r["form"] == "来信" and len(r["text"]) < 500][:n]
    out: dict[str, list[float]] = defaultdict(list)
    for quality in QUALITIES:
        for i, record in enumerate(letters):
            pages = render_letter(record["text"], "printed", quality, random.Random(i))
            out[quality].append(cer(record["text"], "\n".join(ocr(p) for p in pages)))
    return out


def summarise(values: list[float]) -> str:
    return f"{statistics.mean(values) * 100:.1f}% (median {statistics.median(values) * 100:.1f}%, n={len(values)})"


def report(speed: dict, overlap: dict, controlled: dict, per_quality: dict, per_kind: dict) -> str:
    index = load_index()
    truths = [i["truth"] for i in index]
    size = sum(p.stat().st_size for p in letters_dir().iterdir()) / 1e6
    lines = [
        "## Samples", "",
        "Script: `bench/bench_samples.py`. Machine: 2 cores (shared with other jobs), 24 GiB, Debian 12, "
        f"Python {platform.python_version()}. Date: 2026-11-23.", "",
        "### Generation speed (text letters, `generate_letters`)", "",
        f"- 10,000 letters (baseline): {speed['base_10k_s']:.1f} s; 100,000 letters: {speed['full_100k_s']:.1f} s "
        f"(ratio {speed['ratio']:.1f} for 10x the letters; {speed['per_letter_ms']:.2f} ms a letter).", "",
        "### Template overlap (longest common substring, characters, whitespace removed)", "",
        f"- {overlap['pairs']} random pairs of letters of the same 一级 category about different matters, from "
        "`generate_letters(3000, 20261122)` (the starter-model training set):",
        f"  median {overlap['median']}, p95 {overlap['p95']:.0f}, p99 {overlap['p99']:.0f}, max {overlap['max']}.",
        f"- Longest shared run found: “{overlap['longest']}”.",
        f"- For reference, a repeat filing against the letter it repeats (same facts, reworded): median "
        f"{overlap['repeat_median']}.",
        f"- Letter length (characters): p5 {overlap['lengths'][len(overlap['lengths']) // 20]}, median "
        f"{statistics.median(overlap['lengths'])}, max {overlap['lengths'][-1]}.", "",
        "### Tesseract 5 (chi_sim, --psm 6) character error rate per scan quality", "",
        "CER = Levenshtein distance / reference length after NFKC folding and removing whitespace.", "",
        "| quality | same 3 printed letters at each level | committed scans (all kinds) |", "|---|---|---|",
    ]
    for quality in QUALITIES:
        lines.append(f"| {quality} | {summarise(controlled[quality])} | {summarise(per_quality[quality])} |")
    lines += ["", "Committed scans by kind: " + "; ".join(f"{kind} {statistics.mean(v) * 100:.0f}%"
                                                          for kind, v in sorted(per_kind.items())) + ".", ""]
    lines += ["### Committed set (samples/letters)", "",
              f"- {len(index)} letters ({sum(1 for i in index if i['scan'])} scans, "
              f"{sum(1 for i in index if i['kind'] == 'text')} text, {sum(1 for i in index if 'batch' in i)} in 2 batch "
              f"PDFs), {size:.1f} MB.",
              "- 一级: " + ", ".join(f"{k} {v}" for k, v in Counter(t["category"] for t in truths).most_common()) + ".",
              "- Purpose: " + ", ".join(f"{k} {v}" for k, v in Counter(t["purpose"] for t in truths).most_common()) + ".",
              "- Department: " + ", ".join(f"{k} {v}" for k, v in Counter(t["department"] for t in truths).most_common())
              + ".",
              f"- Repeats {sum(1 for t in truths if t['repeat_of'])}, same matter by another person "
              f"{sum(1 for t in truths if t['same_matter_as'] and not t['repeat_of'])}, anonymous "
              f"{sum(t['anonymous'] for t in truths)}, 联名 {sum(len(t['cosigners']) >= 5 for t in truths)}, "
              f"扬言 {sum(t['urgent'] for t in truths)}.",
              "- Scan kinds: " + ", ".join(f"{k} {v}" for k, v in sorted(Counter(i["kind"] for i in index).items()))
              + "; quality: " + ", ".join(f"{k} {v}" for k, v in
                                          sorted(Counter(str(i["quality"]) for i in index).items())) + ".", ""]
    return "\n".join(lines)


def write_section(text: str) -> None:
    path = ROOT / "bench" / "RESULTS.md"
    content = path.read_text(encoding="utf-8")
    start = content.index("## Samples")
    nxt = content.find("\n## ", start + 5)
    content = content[:start] + text.rstrip() + "\n" + (content[nxt:] if nxt != -1 else "")
    path.write_text(content, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args()
    speed = bench_speed()
    print(speed, flush=True)
    overlap = bench_overlap()
    print({k: v for k, v in overlap.items() if k != "lengths"}, flush=True)
    controlled = bench_controlled_ocr()
    print(dict(controlled), flush=True)
    per_quality, per_kind = bench_committed_ocr()
    text = report(speed, overlap, controlled, per_quality, per_kind)
    print(text)
    if args.write:
        write_section(text)


if __name__ == "__main__":
    main()
