"""OCR bench on samples/: character error rate and seconds per page per engine and policy, per scan quality
and kind; preprocessing ablation; overhead against the bare `tesseract` command; 1-vs-2 worker scaling.

    nice .venv/bin/python bench/bench_ocr.py pages --engines tesseract,rapidocr,auto,rapidocr-own@2400
                                                  # all 44 scans, ~10 min on a quiet 2-core box (cached)
    nice .venv/bin/python bench/bench_ocr.py report             # tables from the cache (no OCR)
    nice .venv/bin/python bench/bench_ocr.py report --variant +deskew   # ... for another preprocessing
    nice .venv/bin/python bench/bench_ocr.py ablation --per-quality 2   # ~10 min
    nice .venv/bin/python bench/bench_ocr.py overhead --pages 8
    nice .venv/bin/python bench/bench_ocr.py scaling

Engine names: tesseract, rapidocr, auto (as configured in intake/ocr); rapidocr@N (detection at long side N),
rapidocr+cls@N (with RapidOCR's per-line orientation classifier), rapidocr-own@N (RapidOCR's own pipeline
with max_side_len N, as the engine was before).

`pages` runs, for every page of every committed scan (batch PDFs aside), one after the other on the same
preprocessed image: the bare `tesseract page.png - -l chi_sim --psm 6` command (the same-run baseline),
each engine, tesseract's orientation check (OSD) and the `auto` engine as shipped. Every result (lines,
confidences, seconds) is kept in bench/out/ocr_pages.json, so a second run only adds what is missing and
`report` replays the policies (which engine reads which page) from the cache.

Timing on a shared machine is noisy: wall and CPU seconds (this process's threads plus its tesseract
children; CPU time varies far less with other load) are both kept, and both are also given as a ratio to
the bare tesseract command run on the same page right before. Runs added in a later `pages` call have that
call's baseline; CPU time still drifts ~15% between calls, so compare engines measured in the same call.

CER = Levenshtein distance / truth length, on NFKC-normalised text with all whitespace removed, over the
letter (all its pages), averaged over letters. Two CERs are reported:
- "page": everything the engine read, against the letter's text (the truth is the letter only);
- "letter": the same, without text that really is printed on the page but is not the letter: the envelope
  page of an `envelope` scan, and lines that are the printed letterhead of 信纸/red-header paper or the
  text of a rubber stamp (the exact strings the sample renderer draws, matched line by line). This is the
  engine's error on the letter; "page" minus "letter" is text the truth file leaves out.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Callable
from multiprocessing import get_context
from pathlib import Path

os.environ.setdefault("OMP_THREAD_LIMIT", "1")  # as in the worker: one core per OCR job
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from rapidfuzz.distance import Levenshtein  # noqa: E402

from xinfang.intake.filetypes import sniff  # noqa: E402
from xinfang.intake.pages import PageLimits, iter_pages  # noqa: E402
from xinfang.intake.preprocess import DEFAULT_STEPS, preprocess  # noqa: E402
from xinfang.samples import letters_dir as _committed_dir  # noqa: E402

OUT = ROOT / "bench" / "out"
CACHE = OUT / "ocr_pages.json"
QUALITIES = ("clean", "light", "medium", "heavy")
ABLATION = {
    "gray only": (),
    "+contrast+borders": ("contrast", "borders"),
    "+resolution": ("contrast", "borders", "resolution"),
    "+deskew": ("contrast", "borders", "resolution", "deskew"),
    "+flatten+deskew": ("contrast", "borders", "resolution", "flatten", "deskew"),
    "+flatten+deskew+denoise": ("contrast", "borders", "resolution", "flatten", "deskew", "denoise"),
    "+flatten+deskew+binarise": ("contrast", "borders", "resolution", "flatten", "deskew", "binarise"),
}
DEFAULT_VARIANT = next(name for name, steps in ABLATION.items() if steps == DEFAULT_STEPS)
# Printed on the paper but not part of the letter: letterheads (samples/render/scan.py HEADERS) and stamps.
FURNITURE = ("清河县信访局来信专用纸", "人民来信", "信笺", "清河县柳林镇人民政府", "临川市第二中学",
             "清河县信访局收文专用章", "清河县信访局", "柳林镇人民政府", "收文")


def letters_dir() -> Path:
    """samples/letters, or a snapshot of it (BENCH_SAMPLES=dir) so a rebuild cannot change pages mid-run."""
    return Path(os.environ.get("BENCH_SAMPLES") or _committed_dir())


def load_index() -> list[dict]:
    return json.loads((letters_dir() / "index.json").read_text(encoding="utf-8"))


def norm(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).split())


def cer(hyp: str, truth: str) -> float:
    truth_n = norm(truth)
    return Levenshtein.distance(norm(hyp), truth_n) / max(1, len(truth_n))


def is_furniture(line: str) -> bool:
    """A line that is a letterhead or stamp text, a piece of one, or the characters of a round seal in any
    order (they stand on a circle), not writing."""
    text = norm(line)
    if not text:
        return True
    return any(Counter(text) <= Counter(f) or (len(text) <= len(f) + 2 and
                                                Levenshtein.normalized_distance(text, f) <= 0.34)
               for f in FURNITURE)


def letter_text(entry: dict, pages: list[list[str]]) -> str:
    """The OCR lines that belong to the letter: the envelope page and letterhead/stamp lines left out
    (a line that reads like a letterhead but is in the letter, e.g. the salutation 清河县信访局：, stays)."""
    if entry["kind"] == "envelope":
        pages = pages[1:]
    truth = norm(entry["truth"]["text"])
    return "\n".join(line for page in pages for line in page if not is_furniture(line) or norm(line) in truth)


def scanned_samples(per_quality: int | None) -> list[dict]:
    """Scans (images and PDFs), `per_quality` of each quality level, each of a different kind if possible."""
    entries = [e for e in load_index() if e.get("scan") and e.get("quality") in QUALITIES
               and not e["kind"].startswith("batch")]
    if per_quality is None:
        return entries
    chosen: list[dict] = []
    for quality in QUALITIES:
        kinds_seen: set[str] = set()
        for entry in (e for e in entries if e["quality"] == quality):
            if len([c for c in chosen if c["quality"] == quality]) < per_quality and entry["kind"] not in kinds_seen:
                kinds_seen.add(entry["kind"])
                chosen.append(entry)
    return chosen


def page_images(entry: dict) -> list:
    path = letters_dir() / entry["scan"]
    return [p.image for p in iter_pages(path, sniff(path.read_bytes()[:4096]), PageLimits()) if p.image is not None]


# ---------------------------------------------------------------------------------------------- measuring


class RapidOwnPipeline:
    """RapidOCR's own pipeline as the engine used it before (page shrunk to `max_side`, line classifier on,
    crops cut from the shrunk page): the baseline for the changes in intake/ocr/rapid.py."""

    name = "rapidocr"

    def __init__(self, max_side: int) -> None:
        from rapidocr_onnxruntime import RapidOCR

        self._ocr = RapidOCR(intra_op_num_threads=1, inter_op_num_threads=1, max_side_len=max_side)

    def read(self, image, index: int = 0):  # noqa: ANN001, ANN201
        import numpy as np

        from xinfang.intake.ocr.base import OcrLine, OcrPage, blank_page
        from xinfang.intake.ocr.rapid import _box, merge_lines

        blank = blank_page(image, index, self.name)
        if blank is not None:
            return blank
        result, _ = self._ocr(np.asarray(image.convert("RGB"))[:, :, ::-1])
        runs = [OcrLine(text, float(score), _box(points)) for points, text, score in result or [] if text.strip()]
        return OcrPage(index, self.name, image.width, image.height, merge_lines(runs))


def make_engines(names: list[str]) -> dict[str, object]:
    """Engines by bench name: tesseract, rapidocr and auto (as configured); rapidocr@N (detection at long
    side N), rapidocr+cls@N (with RapidOCR's line classifier); rapidocr-own@N (RapidOCR's own pipeline at
    max_side_len N, as before)."""
    from xinfang.intake.ocr import get_engine
    from xinfang.intake.ocr.rapid import RapidOcrEngine

    engines: dict[str, object] = {}
    for name in names:
        if name.startswith("rapidocr-own@"):
            engines[name] = RapidOwnPipeline(int(name.split("@")[1]))
        elif name.startswith(("rapidocr@", "rapidocr+cls@")):
            engines[name] = RapidOcrEngine(det_side=int(name.split("@")[1]), use_cls="+cls" in name)
        else:
            engines[name] = get_engine(name)
    return engines


def cpu_seconds() -> float:
    """CPU time of this process (all its threads) and of its finished children (tesseract runs): on a
    machine shared with other jobs it varies far less than wall-clock time."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def bare_tesseract(image, tmp: Path) -> tuple[float, float]:  # noqa: ANN001
    """Wall and CPU seconds of `tesseract page.png - -l chi_sim --psm 6` on the image (PNG write not counted)."""
    file = tmp / "page.png"
    image.save(file)
    started, cpu = time.perf_counter(), cpu_seconds()
    subprocess.run(["tesseract", str(file), "-", "-l", "chi_sim", "--psm", "6"], capture_output=True, check=True)
    return time.perf_counter() - started, cpu_seconds() - cpu


def _run(engine, image) -> dict:  # noqa: ANN001
    started, cpu = time.perf_counter(), cpu_seconds()
    page = engine.read(image)
    seconds, cpu = time.perf_counter() - started, cpu_seconds() - cpu
    return {"s": round(seconds, 3), "cpu": round(cpu, 3), "conf": round(page.mean_confidence, 4),
            "engine": page.engine, "notes": page.notes,
            "lines": [[line.text, line.confidence, list(line.box)] for line in page.lines]}


def run_pages(entries: list[dict], names: list[str], variant: str = DEFAULT_VARIANT, osd: bool = True) -> dict:
    """OCR each page of `entries` with each engine in `names` (those not cached yet), with the bare
    tesseract command run on the same page right before, so every run has its own baseline."""
    from xinfang.intake.preprocess import detect_rotation

    cache = json.loads(CACHE.read_text()) if CACHE.exists() else {}
    engines: dict[str, object] = {}
    steps = ABLATION[variant]
    with tempfile.TemporaryDirectory() as tmp:
        for entry in entries:
            for index, image in enumerate(page_images(entry)):
                key = f"{entry['id']}|{index}|{variant}"
                record = cache.setdefault(key, {"id": entry["id"], "page": index, "variant": variant,
                                                "quality": entry["quality"], "kind": entry["kind"], "runs": {}})
                todo = [n for n in names if n not in record["runs"]] + (["osd"] if osd and "osd" not in record
                                                                       else [])
                if not todo:
                    continue
                started = time.perf_counter()
                prepared = preprocess(image, steps)
                record["prep_s"] = round(time.perf_counter() - started, 3)
                record["size"] = list(prepared.size)
                bare, bare_cpu = (round(x, 3) for x in bare_tesseract(prepared, Path(tmp)))
                for name in todo:
                    if name == "osd":
                        started, cpu = time.perf_counter(), cpu_seconds()
                        record["osd"] = {"degrees": detect_rotation(prepared),
                                         "s": round(time.perf_counter() - started, 3),
                                         "cpu": round(cpu_seconds() - cpu, 3), "bare_s": bare, "bare_cpu": bare_cpu}
                        continue
                    if name not in engines:
                        engines.update(make_engines([name]))
                        engines[name].read(prepared)  # warm up: the first call loads models / caches
                    record["runs"][name] = {**_run(engines[name], prepared), "bare_s": bare, "bare_cpu": bare_cpu}
                    run = record["runs"][name]
                    print(f"  {key} {name}: {run['s']:.1f}s (bare {bare:.1f}s) conf {run['conf']:.2f}",
                          file=sys.stderr, flush=True)
                OUT.mkdir(parents=True, exist_ok=True)
                CACHE.write_text(json.dumps(cache, ensure_ascii=False))
    return cache


# ------------------------------------------------------------------------------------- policies (replayed)


Pick = tuple[dict, dict] | None  # the run whose text a policy keeps, and what the page cost


def _cost(*parts: dict) -> dict:
    """Wall and CPU seconds of the runs (and OSD checks) a policy made on one page, and the page's bare
    tesseract baseline (the mean over those runs, as each run has the baseline of the sweep it came from)."""
    runs = [p for p in parts if "bare_s" in p]
    return {"s": sum(p["s"] for p in parts), "cpu": sum(p.get("cpu", float("nan")) for p in parts),
            "bare_s": statistics.mean(p["bare_s"] for p in runs),
            "bare_cpu": statistics.mean(p.get("bare_cpu", float("nan")) for p in runs)}


def _sure(run: dict, threshold: float) -> bool:
    return "blank page" in run["notes"] or (bool(run["lines"]) and run["conf"] >= threshold)


def _engine_policy(name: str) -> Callable[[dict], Pick]:
    def pick(record: dict) -> Pick:
        run = record["runs"].get(name)
        return (run, _cost(run)) if run else None
    return pick


def _fallback_policy(first: str, second: str, threshold: float) -> Callable[[dict], Pick]:
    """`first`; on a page it reads with mean confidence below `threshold`, tesseract's orientation check
    (OSD; these pages are upright, so it never turns one) and then `second`."""
    def pick(record: dict) -> Pick:
        a, b = record["runs"].get(first), record["runs"].get(second)
        if a is None or b is None or "osd" not in record:
            return None
        if _sure(a, threshold):
            return a, _cost(a)
        return b, _cost(a, record["osd"], b)
    return pick


def _checked_policy(name: str, threshold: float) -> Callable[[dict], Pick]:
    """`name` alone, plus the orientation check (OSD) on pages it reads with confidence below `threshold`."""
    def pick(record: dict) -> Pick:
        run = record["runs"].get(name)
        if run is None or "osd" not in record:
            return None
        return run, _cost(run) if _sure(run, threshold) else _cost(run, record["osd"])
    return pick


def policies(records: list[dict]) -> dict[str, Callable[[dict], Pick]]:
    runs = sorted({name for r in records for name in r["runs"]})
    out = {name: _engine_policy(name) for name in runs}
    if "tesseract" in runs and "rapidocr-own@2400" in runs:
        out["before: tesseract, rapidocr-own@2400 if conf < 0.85 (+OSD)"] = _fallback_policy(
            "tesseract", "rapidocr-own@2400", 0.85)
    if "tesseract" in runs and "rapidocr" in runs:
        for threshold in (0.80, 0.85, 0.90):
            out[f"tesseract, rapidocr if conf < {threshold:.2f} (+OSD)"] = _fallback_policy(
                "tesseract", "rapidocr", threshold)
    if "rapidocr" in runs:
        out["rapidocr, OSD if conf < 0.90"] = _checked_policy("rapidocr", 0.90)
    return out


def replay(records: list[dict], entries: dict[str, dict], policy: Callable[[dict], Pick]) -> list[dict] | None:
    """Per letter: CER (page and letter), seconds and bare-tesseract seconds, under one policy."""
    by_letter: dict[str, list[dict]] = defaultdict(list)
    for record in records:
        by_letter[record["id"]].append(record)
    rows = []
    for letter_id, pages in by_letter.items():
        entry = entries[letter_id]
        picked = [policy(r) for r in sorted(pages, key=lambda r: r["page"])]
        if any(p is None for p in picked) or len(picked) != entry["pages"]:
            continue
        texts = [[line[0] for line in run["lines"]] for run, _ in picked]
        truth = entry["truth"]["text"]
        rows.append({"id": letter_id, "quality": entry["quality"], "kind": entry["kind"], "pages": len(picked),
                     "cer_page": cer("\n".join("\n".join(t) for t in texts), truth),
                     "cer": cer(letter_text(entry, texts), truth),
                     **{key: sum(cost[key] for _, cost in picked) for key in ("s", "cpu", "bare_s", "bare_cpu")},
                     "engines": [run["engine"] for run, _ in picked]})
    return rows or None


def _pct(values: list[float]) -> str:
    return f"{100 * statistics.mean(values):.1f}%" if values else "-"


def _per_page(rows: list[dict], key: str) -> float:
    return sum(r[key] for r in rows) / sum(r["pages"] for r in rows)


def report(cache: dict, variant: str = DEFAULT_VARIANT) -> list[str]:
    records = [r for r in cache.values() if r["variant"] == variant]
    entries = {e["id"]: e for e in load_index()}
    # Only letters every engine has read, so all rows are over the same pages.
    complete = {r["id"] for r in records}
    for r in records:
        if not {"tesseract", "rapidocr"} <= set(r["runs"]) or "osd" not in r:
            complete.discard(r["id"])
    records = [r for r in records if r["id"] in complete]
    if not records:
        return ["(no complete pages in the cache: run `bench_ocr.py pages` first)"]
    results = {name: rows for name, policy in policies(records).items()
               if (rows := replay(records, entries, policy)) is not None and len(rows) == len(complete)}
    counts = {q: len({r["id"] for r in records if r["quality"] == q}) for q in QUALITIES}
    bare = results["tesseract"]
    lines = [f"{len(complete)} scanned letters, {len(records)} pages (" +
             ", ".join(f"{q} {n}" for q, n in counts.items()) + f"); preprocessing `{variant}`. "
             f"Bare `tesseract` on these pages: {_per_page(bare, 'bare_s'):.2f} s/page wall, "
             f"{_per_page(bare, 'bare_cpu'):.2f} s/page CPU.", ""]
    lines += ["### CER by engine/policy and scan quality (letter CER; page CER in brackets)", "",
              "| engine / policy | " + " | ".join(QUALITIES) + " | all |", "|---" * (len(QUALITIES) + 2) + "|"]
    for name, rows in results.items():
        cells = [f"{_pct([r['cer'] for r in rows if r['quality'] == q])} "
                 f"({_pct([r['cer_page'] for r in rows if r['quality'] == q])})" for q in QUALITIES]
        cells.append(f"**{_pct([r['cer'] for r in rows])}** ({_pct([r['cer_page'] for r in rows])})")
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    lines += ["", "### Seconds per page (CPU per quality; wall and CPU over all pages, and as a multiple of the "
              "bare tesseract command on the same pages in the same run)", "",
              "| engine / policy | " + " | ".join(f"{q} CPU" for q in QUALITIES) +
              " | all wall | all CPU | x bare (wall) | x bare (CPU) | CER x CPU s |",
              "|---" * (len(QUALITIES) + 6) + "|"]
    summary = []
    for name, rows in results.items():
        cells = []
        for quality in QUALITIES:
            sub = [r for r in rows if r["quality"] == quality]
            cells.append(f"{_per_page(sub, 'cpu'):.2f}" if sub else "-")
        err = statistics.mean(r["cer"] for r in rows)
        cpu = _per_page(rows, "cpu")
        summary.append((err * cpu if cpu == cpu else float("inf"), name))  # nan (no CPU time) sorts last
        cells += [f"{_per_page(rows, 's'):.2f}", f"{cpu:.2f}",
                  f"{sum(r['s'] for r in rows) / sum(r['bare_s'] for r in rows):.2f}",
                  f"{cpu / _per_page(rows, 'bare_cpu'):.2f}", f"{100 * err * cpu:.2f}"]
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    best = min(summary)[1]
    lines += ["", f"Lowest mean letter CER x CPU seconds per page: **{best}**.", ""]
    kinds = sorted({r["kind"] for r in records})
    lines += ["### Letter CER by scan kind (page CER in brackets)", "",
              "| engine / policy | " + " | ".join(kinds) + " |", "|---" * (len(kinds) + 1) + "|"]
    for name, rows in results.items():
        cells = [f"{_pct([r['cer'] for r in rows if r['kind'] == k])} "
                 f"({_pct([r['cer_page'] for r in rows if r['kind'] == k])})" for k in kinds]
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    lines += ["", f"### Worst letters under {best}", "", "| letter | kind | quality | letter CER | page CER |",
              "|---|---|---|---|---|"]
    for row in sorted(results[best], key=lambda r: -r["cer"])[:6]:
        lines.append(f"| {row['id']} | {row['kind']} | {row['quality']} | {100 * row['cer']:.1f}% | "
                     f"{100 * row['cer_page']:.1f}% |")
    return lines


def report_ablation(cache: dict) -> list[str]:
    """Letter CER per preprocessing variant and engine, on the letters measured in every variant."""
    entries = {e["id"]: e for e in load_index()}
    ids = None
    for variant in ABLATION:
        have = {r["id"] for r in cache.values() if r["variant"] == variant}
        ids = have if ids is None else ids & have
    if not ids:
        return ["(no ablation in the cache: run `bench_ocr.py ablation` first)"]
    lines = ["### Preprocessing ablation (letter CER; same letters in every row)", "",
             f"{len(ids)} letters: {', '.join(sorted(ids))}.", "",
             "| steps | engine | " + " | ".join(QUALITIES) + " | all | preprocess s/page |",
             "|---" * (len(QUALITIES) + 4) + "|"]
    for engine in ("tesseract", "rapidocr"):
        for variant in ABLATION:
            records = [r for r in cache.values() if r["variant"] == variant and r["id"] in ids]
            rows = replay(records, entries, _engine_policy(engine))
            if not rows:
                continue
            cells = [_pct([r["cer"] for r in rows if r["quality"] == q]) for q in QUALITIES]
            prep = statistics.mean(r.get("prep_s", 0.0) for r in records)
            lines.append(f"| {variant} | {engine} | " + " | ".join(cells) +
                         f" | {_pct([r['cer'] for r in rows])} | {prep:.2f} |")
    return lines


# --------------------------------------------------------------------------------------- overhead, scaling


def run_overhead(pages: int, repeats: int, policy: str) -> list[str]:
    """TesseractEngine.read and the `policy` engine against `tesseract page.png - -l chi_sim --psm 6` on the
    same preprocessed pages, interleaved so load from other processes hits all alike; wall and CPU time."""
    from xinfang.intake.ocr import get_engine

    engines = {"tesseract": get_engine("tesseract"), policy: get_engine(policy)}
    images = []
    for entry in scanned_samples(None):
        images += [preprocess(im) for im in page_images(entry)]
        if len(images) >= pages:
            break
    images = images[:pages]
    for engine in engines.values():
        engine.read(images[0])  # warm up
    wall: dict[str, float] = defaultdict(float)
    cpu: dict[str, float] = defaultdict(float)
    with tempfile.TemporaryDirectory() as tmp:
        for _ in range(repeats):
            for image in images:
                seconds, used = bare_tesseract(image, Path(tmp))
                wall["bare"] += seconds
                cpu["bare"] += used
                for name, engine in engines.items():
                    started, used = time.perf_counter(), cpu_seconds()
                    engine.read(image)
                    wall[name] += time.perf_counter() - started
                    cpu[name] += cpu_seconds() - used
    n = len(images) * repeats
    out = ["### Overhead against the bare tesseract command", "",
           f"{len(images)} preprocessed pages x {repeats} rounds, interleaved, OMP_THREAD_LIMIT=1, "
           f"load {os.getloadavg()[0]:.1f}.", "",
           "| | wall s/page | CPU s/page | wall vs bare | CPU vs bare |", "|---|---|---|---|---|",
           f"| bare `tesseract` command | {wall['bare'] / n:.2f} | {cpu['bare'] / n:.2f} | | |"]
    for name in engines:
        out.append(f"| `{name}` engine | {wall[name] / n:.2f} | {cpu[name] / n:.2f} | "
                   f"{100 * (wall[name] / wall['bare'] - 1):+.1f}% | {100 * (cpu[name] / cpu['bare'] - 1):+.1f}% |")
    return out


def _work(path_and_index: tuple[str, int]) -> float:
    from xinfang.intake.ocr import get_engine

    engine = _work.engine = getattr(_work, "engine", None) or get_engine(os.environ.get("BENCH_ENGINE", "auto"))
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
            f"{len(jobs)} pages, engine {os.environ.get('BENCH_ENGINE', 'auto')}, best of 2 runs each: "
            f"1 worker {one:.3f} pages/s, 2 workers {two:.3f} pages/s, **x{two / one:.2f}** (target >= 1.8). "
            f"Load average before/after: {load_before[0]:.1f} / {load_after[0]:.1f} "
            f"(other processes on the same {os.cpu_count()} cores)."]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("what", choices=["pages", "report", "ablation", "overhead", "scaling", "all"])
    parser.add_argument("--per-quality", type=int, default=None, help="scans per quality level (default all)")
    parser.add_argument("--engines", default="tesseract,rapidocr,auto",
                        help="engines for `pages` (see the module docstring for the names)")
    parser.add_argument("--variant", default=DEFAULT_VARIANT, choices=list(ABLATION),
                        help="preprocessing for `pages` and `report` (default: intake.preprocess.DEFAULT_STEPS)")
    parser.add_argument("--pages", type=int, default=8)
    parser.add_argument("--policy", default="auto", help="engine compared with bare tesseract in `overhead`")
    args = parser.parse_args()
    out = [f"Run {time.strftime('%Y-%m-%d %H:%M')} UTC, {os.cpu_count()} cores, "
           f"load {os.getloadavg()[0]:.1f}.", ""]
    entries = scanned_samples(args.per_quality)
    if args.what in ("pages", "all"):
        run_pages(entries, args.engines.split(","), args.variant)
    if args.what in ("ablation", "all"):
        for variant in ABLATION:
            run_pages(entries, ["tesseract", "rapidocr"], variant, osd=False)
    cache = json.loads(CACHE.read_text()) if CACHE.exists() else {}
    if args.what in ("pages", "report", "all"):
        out += report(cache, args.variant) + [""]
    if args.what in ("ablation", "report", "all"):
        out += report_ablation(cache) + [""]
    if args.what in ("overhead", "all"):
        out += run_overhead(args.pages, 2, args.policy) + [""]
    if args.what in ("scaling", "all"):
        out += run_scaling(args.pages) + [""]
    print("\n".join(out))


if __name__ == "__main__":
    main()
