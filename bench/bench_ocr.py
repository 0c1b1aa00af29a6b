"""OCR bench on samples/: CER per engine, policy, preprocessing step and quality; overhead against the bare
`tesseract` command; 1-vs-2 worker scaling.

    nice .venv/bin/python bench/bench_ocr.py all            # everything (~30-40 min on a quiet 2-core box)
    nice .venv/bin/python bench/bench_ocr.py scaling        # only the 1-vs-2 worker run (single command)

CER = Levenshtein distance / truth length, on NFKC-normalised text with all whitespace removed, over the
letter (all its pages). Results are printed as markdown for bench/RESULTS.md (section "OCR").
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import unicodedata
from collections import defaultdict
from multiprocessing import get_context
from pathlib import Path

os.environ.setdefault("OMP_THREAD_LIMIT", "1")  # as in the worker: one core per OCR job
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from rapidfuzz.distance import Levenshtein  # noqa: E402

from intake.filetypes import sniff  # noqa: E402
from intake.pages import PageLimits, iter_pages  # noqa: E402
from intake.preprocess import DEFAULT_STEPS, preprocess  # noqa: E402
from samples import letters_dir as _committed_dir  # noqa: E402


def letters_dir() -> Path:
    """samples/letters, or a snapshot of it (BENCH_SAMPLES=dir) so a rebuild cannot change pages mid-run."""
    return Path(os.environ.get("BENCH_SAMPLES") or _committed_dir())


def load_index() -> list[dict]:
    return json.loads((letters_dir() / "index.json").read_text(encoding="utf-8"))


CACHE = Path(tempfile.gettempdir()) / "xinfang-bench-ocr.json"
QUALITIES = ("clean", "light", "medium", "heavy")
ABLATION = {
    "gray only": (),
    "+contrast+borders": ("contrast", "borders"),
    "+resolution": ("contrast", "borders", "resolution"),
    "+orient (OSD)": ("contrast", "borders", "resolution", "orient"),
    "+deskew (default)": DEFAULT_STEPS,
    "+orient+deskew": ("contrast", "borders", "resolution", "orient", "deskew"),
    "default+denoise": (*DEFAULT_STEPS, "denoise"),
    "default+binarise": (*DEFAULT_STEPS, "binarise"),
}


def norm(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).split())


def cer(hyp: str, truth: str) -> float:
    truth_n = norm(truth)
    return Levenshtein.distance(norm(hyp), truth_n) / max(1, len(truth_n))


def scanned_samples(per_quality: int | None) -> list[dict]:
    """Scans (images and PDFs), `per_quality` of each quality level, each of a different kind if possible."""
    entries = [e for e in load_index() if e.get("scan") and e.get("quality") in QUALITIES
               and not e["kind"].startswith("batch")]
    if per_quality is None:
        return entries
    chosen: list[dict] = []
    for quality in QUALITIES:
        pool = [e for e in entries if e["quality"] == quality]
        kinds_seen: set[str] = set()
        for entry in pool:
            if len([c for c in chosen if c["quality"] == quality]) < per_quality and entry["kind"] not in kinds_seen:
                kinds_seen.add(entry["kind"])
                chosen.append(entry)
    return chosen


def page_images(entry: dict) -> list:
    path = letters_dir() / entry["scan"]
    return [p.image for p in iter_pages(path, sniff(path.read_bytes()[:4096]), PageLimits()) if p.image is not None]


def _engines() -> dict:
    from intake.ocr import get_engine

    return {"tesseract": get_engine("tesseract"), "rapidocr": get_engine("rapidocr")}


def run_cer(per_quality: int | None, ablation: bool) -> dict:
    """OCR every chosen page once per (variant, engine); results cached so reruns only add what's new."""
    cache = json.loads(CACHE.read_text()) if CACHE.exists() else {}
    engines = _engines()
    variants = ABLATION if ablation else {"+deskew (default)": DEFAULT_STEPS}
    for entry in scanned_samples(per_quality):
        images = page_images(entry)
        for variant, steps in variants.items():
            names = ["tesseract", "rapidocr"] if steps == DEFAULT_STEPS or variant == "gray only" else ["tesseract"]
            for name in names:
                key = f"{entry['id']}|{variant}|{name}"
                if key in cache:
                    continue
                texts, confs, seconds = [], [], 0.0
                for image in images:
                    started = time.perf_counter()
                    page = engines[name].read(preprocess(image, steps))
                    seconds += time.perf_counter() - started
                    texts.append(page.text)
                    confs.append(page.mean_confidence)
                cache[key] = {"id": entry["id"], "quality": entry["quality"], "kind": entry["kind"],
                              "variant": variant, "engine": name, "pages": len(images), "seconds": seconds,
                              "cer": cer("\n".join(texts), entry["truth"]["text"]), "conf": confs}
                CACHE.write_text(json.dumps(cache))
                print(f"  {key}: cer {cache[key]['cer']:.3f} in {seconds:.1f}s", file=sys.stderr, flush=True)
    return cache


def _table(rows: list[dict], label: str) -> list[str]:
    out = [f"| {label} | " + " | ".join(QUALITIES) + " | all | s/page |", "|---" * (len(QUALITIES) + 3) + "|"]
    groups: dict[str, list[dict]] = defaultdict(list)
    for row in rows:
        groups[row["name"]].append(row)
    for name, items in groups.items():
        cells = []
        for quality in QUALITIES:
            values = [r["cer"] for r in items if r["quality"] == quality]
            cells.append(f"{100 * statistics.mean(values):.1f}%" if values else "-")
        pages = sum(r["pages"] for r in items)
        cells.append(f"{100 * statistics.mean(r['cer'] for r in items):.1f}%")
        cells.append(f"{sum(r['seconds'] for r in items) / pages:.1f}")
        out.append(f"| {name} | " + " | ".join(cells) + " |")
    return out


def auto_rows(cache: dict, threshold: float) -> list[dict]:
    """The auto policy replayed from cached runs: Tesseract's result when its page confidence is high
    enough, else RapidOCR's (and the time of both)."""
    rows = []
    for key, tess in cache.items():
        if not key.endswith("|+deskew (default)|tesseract"):
            continue
        rapid = cache.get(key.replace("|tesseract", "|rapidocr"))
        if rapid is None:
            continue
        low = min(tess["conf"] or [0.0]) < threshold
        pick = rapid if low else tess
        rows.append({**pick, "name": f"auto@{threshold:.2f}",
                     "seconds": tess["seconds"] + (rapid["seconds"] if low else 0.0)})
    return rows


def report_cer(cache: dict) -> list[str]:
    lines = ["### Character error rate by engine/policy and scan quality (default preprocessing)", ""]
    rows = []
    for row in cache.values():
        if row["variant"] == "+deskew (default)":
            rows.append({**row, "name": row["engine"]})
    best = None
    for threshold in (0.70, 0.80, 0.85, 0.90, 0.95):
        auto = auto_rows(cache, threshold)
        if not auto:
            continue
        rows += auto
        err = statistics.mean(r["cer"] for r in auto)
        secs = sum(r["seconds"] for r in auto) / sum(r["pages"] for r in auto)
        if best is None or err * secs < best[1]:
            best = (threshold, err * secs)
    lines += _table(rows, "engine / policy")
    if best:
        lines += ["", f"Lowest error x seconds per page: auto@{best[0]:.2f}."]
    ablation = [{**r, "name": f"{r['variant']} / {r['engine']}"} for r in cache.values()]
    if len({r["variant"] for r in ablation}) > 1:
        lines += ["", "### Preprocessing ablation (each row adds one step; same pages)", ""]
        lines += _table(sorted(ablation, key=lambda r: (r["engine"], list(ABLATION).index(r["variant"]))), "steps")
    return lines


def run_overhead(pages: int, repeats: int) -> list[str]:
    """Our TesseractEngine.read against `tesseract page.png - -l chi_sim --psm 6` on the same PNGs."""
    from intake.ocr import get_engine

    engine = get_engine("tesseract")
    images = []
    for entry in scanned_samples(None):
        images += [preprocess(im) for im in page_images(entry)]
        if len(images) >= pages:
            break
    images = images[:pages]
    ours, bare = [], []
    with tempfile.TemporaryDirectory() as tmp:
        files = []
        for i, image in enumerate(images):
            files.append(Path(tmp) / f"p{i}.png")
            image.save(files[-1])
        for _ in range(repeats):  # interleaved, so load from other processes hits both alike
            for image, file in zip(images, files, strict=True):
                started = time.perf_counter()
                subprocess.run(["tesseract", str(file), "-", "-l", "chi_sim", "--psm", "6"],
                               capture_output=True, check=True)
                bare.append(time.perf_counter() - started)
                started = time.perf_counter()
                engine.read(image)
                ours.append(time.perf_counter() - started)
    ratio = sum(ours) / sum(bare)
    return ["### Overhead of our OCR stage against the bare tesseract command", "",
            f"{len(images)} preprocessed pages x {repeats} rounds, interleaved, OMP_THREAD_LIMIT=1: bare "
            f"{sum(bare) / len(bare):.2f} s/page, ours {sum(ours) / len(ours):.2f} s/page, "
            f"**overhead {100 * (ratio - 1):+.1f}%** (target < 10%)."]


def _work(path_and_index: tuple[str, int]) -> float:
    from intake.ocr import get_engine

    engine = _work.engine = getattr(_work, "engine", None) or get_engine(os.environ.get("BENCH_ENGINE", "tesseract"))
    path, index = path_and_index
    started = time.perf_counter()
    engine.read(preprocess(_load(path, index)), index)
    return time.perf_counter() - started


def _load(path: str, index: int):  # noqa: ANN202
    file = Path(path)
    return next(iter_pages(file, sniff(file.read_bytes()[:4096]), PageLimits(), only=[index])).image


def run_scaling(pages: int) -> list[str]:
    """Pages per second with one worker process and with two (each single-threaded), same pages."""
    jobs = []
    for entry in scanned_samples(None):
        for index in range(entry["pages"]):
            jobs.append((str(letters_dir() / entry["scan"]), index))
    jobs = jobs[:pages]
    load_before = os.getloadavg()
    rates = {}
    for workers in (1, 2, 1, 2):
        with get_context("fork").Pool(workers) as pool:
            pool.map(_work, jobs[:workers])  # warm up: engines loaded
            started = time.perf_counter()
            pool.map(_work, jobs, chunksize=1)
            rates.setdefault(workers, []).append(len(jobs) / (time.perf_counter() - started))
    load_after = os.getloadavg()
    one, two = max(rates[1]), max(rates[2])
    return ["### Scaling: one vs two workers", "",
            f"{len(jobs)} pages, engine {os.environ.get('BENCH_ENGINE', 'tesseract')}, best of 2 runs each: "
            f"1 worker {one:.3f} pages/s, 2 workers {two:.3f} pages/s, **x{two / one:.2f}** (target >= 1.8). "
            f"Load average before/after: {load_before[0]:.1f} / {load_after[0]:.1f} "
            f"(other processes on the same {os.cpu_count()} cores)."]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("what", choices=["cer", "ablation", "overhead", "scaling", "all"])
    parser.add_argument("--per-quality", type=int, default=None, help="scans per quality level (default all)")
    parser.add_argument("--pages", type=int, default=12)
    args = parser.parse_args()
    out = [f"Run {time.strftime('%Y-%m-%d %H:%M')} UTC, {os.cpu_count()} cores, load {os.getloadavg()[0]:.1f}.", ""]
    if args.what in ("cer", "ablation", "all"):
        out += report_cer(run_cer(args.per_quality, ablation=args.what != "cer")) + [""]
    if args.what in ("overhead", "all"):
        out += run_overhead(min(args.pages, 8), 2) + [""]
    if args.what in ("scaling", "all"):
        out += run_scaling(args.pages) + [""]
    print("\n".join(out))


if __name__ == "__main__":
    main()
