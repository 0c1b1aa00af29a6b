"""OCR engine policies on real images: ../shared/data/ocr_real (printed and handwritten pages and lines)
and the committed scans (samples/letters), one run, every policy beside the bare RapidOCR engine.

    nice /work/main/.venv/bin/python -m bench.bench_ocr_real                     # all groups, all policies
    nice /work/main/.venv/bin/python -m bench.bench_ocr_real --groups lines_hw,pages_hw
    nice /work/main/.venv/bin/python -m bench.bench_ocr_real --set DIR          # an office's own test set
    nice /work/main/.venv/bin/python -m bench.bench_ocr_real --scans 2          # 2 scans per quality

A policy reads an image the way a user's upload is read (intake.stages.read_page: blank check, page
clean-up, engine), except `bare` and `bare-rec`: RapidOCR 1.4.4 as it comes (`RapidOCR()(image)`, its
detection at min side 736, line classifier on; `-rec`: use_det=False), on the image as it is, text in the
order RapidOCR returns it. `before` is the pipeline as it was (clean-up of every image, detection on every
image, runs read top-down, orientation check below confidence 0.90). Every engine runs on one onnxruntime
thread, so seconds compare like with like; each figure is also a ratio to `bare` on the same images.

An office's set (`--set DIR`, as written by `xinfang ocr export-corrections`, or ocr_real/lines_*): images
with a same-named UTF-8 .txt each; every image is one group.

CER = Levenshtein distance / truth length on NFKC text without whitespace, summed over a group's files
(micro); "mean" is the mean of per-file CERs. For committed scans: the letter CER of bench/bench_ocr.py
(letterhead and stamps left out), averaged over letters.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("OMP_THREAD_LIMIT", "1")  # as in the worker: one core per OCR job
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
from PIL import Image, ImageDraw  # noqa: E402

from bench.bench_ocr import cer, cpu_seconds, letter_text, letters_dir, norm, scanned_samples  # noqa: E402
from xinfang.intake.filetypes import sniff  # noqa: E402
from xinfang.intake.ocr.auto import AutoEngine  # noqa: E402
from xinfang.intake.ocr.base import OcrLine, OcrPage  # noqa: E402
from xinfang.intake.ocr.rapid import RapidOcrEngine, _box  # noqa: E402
from xinfang.intake.pages import Page, PageLimits, iter_pages  # noqa: E402
from xinfang.intake.preprocess import preprocess  # noqa: E402
from xinfang.intake.stages import read_page  # noqa: E402

DATA = ROOT.parent / "shared" / "data"
REAL = DATA / "ocr_real"
OUT = ROOT / "bench" / "out"
GROUPS = ("pages_printed", "pages_hw", "lines_printed", "lines_hw", "scans")
IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".tif", ".tiff", ".bmp", ".webp")
# On a line image these read exactly as `auto` does (recognition only, no clean-up, no orientation check).
SAME_ON_LINES = ("rapidocr@960", "rapidocr@1200", "rapidocr@1600", "rapidocr@1200-nocolumns")
# Bounded runs on a shared 2-core box: the other detection sizes only where the choice is open (the small
# handwritten pages; printed pages are far larger than any of them), the old pipeline not on line images
# (7 s a line there: the issue measured it on these same lines) nor on printed pages (there it reads what
# rapidocr@1200 reads, in top-down order: `--orders` gives both orders of the same runs).
ONLY_ON = {"rapidocr@960": ("pages_hw", "set"), "rapidocr@1600": ("pages_hw", "set"),
           "before": ("pages_hw", "scans", "set")}
POLICIES = ("bare", "bare-rec", "before", "rapidocr@960", "rapidocr@1200", "rapidocr@1600",
            "rapidocr@1200-nocolumns", "auto")


class Bare:
    """RapidOCR as it comes, on the image as it is."""

    def __init__(self, rec_only: bool = False) -> None:
        from rapidocr_onnxruntime import RapidOCR

        self.rec_only = rec_only
        self._ocr = RapidOCR(intra_op_num_threads=1, inter_op_num_threads=1)

    def read(self, image: Image.Image, index: int = 0) -> OcrPage:
        bgr = np.ascontiguousarray(np.asarray(image.convert("RGB"))[:, :, ::-1])
        result, _ = self._ocr(bgr, use_det=not self.rec_only)
        lines = []
        for item in result or []:
            if self.rec_only:
                text, score = item[0], item[1]
                box = (0, 0, image.width, image.height)
            else:
                points, text, score = item
                box = _box(points)
            lines.append(OcrLine(text, float(score), box))
        return OcrPage(index, "bare", image.width, image.height, lines)


class Before:
    """The pipeline before this change: every image cleaned up and read by the full auto policy."""

    def __init__(self) -> None:
        self.engine = AutoEngine(RapidOcrEngine(lines=False, columns=False), lines=False)

    def read(self, image: Image.Image, index: int = 0) -> OcrPage:
        return self.engine.read(preprocess(image), index)


class Pipeline:
    """An engine through the path an upload takes (intake.stages.read_page)."""

    def __init__(self, engine: object) -> None:
        self.engine = engine

    def read(self, image: Image.Image, index: int = 0) -> OcrPage:
        return read_page(Page(index, image), self.engine)  # type: ignore[arg-type]


def make_policy(name: str) -> object:
    if name == "bare":
        return Bare()
    if name == "bare-rec":
        return Bare(rec_only=True)
    if name == "before":
        return Before()
    if name == "auto":
        return Pipeline(AutoEngine(RapidOcrEngine()))
    if name.startswith("rapidocr@"):
        side, _, rest = name.split("@")[1].partition("-")
        return Pipeline(RapidOcrEngine(det_side=int(side), columns=rest != "nocolumns"))
    raise SystemExit(f"unknown policy {name!r}: use {', '.join(POLICIES)}")


def _masked(image_path: Path) -> Image.Image:
    """The page with its figure/table regions (no transcription) painted white, as ocr_real prescribes."""
    image = Image.open(image_path)
    image.load()
    mask = image_path.with_suffix(".mask.json")
    if mask.exists():
        image = image.convert("RGB")
        draw = ImageDraw.Draw(image)
        for poly in json.loads(mask.read_text(encoding="utf-8")).get("polys", []):
            points = poly["poly"]
            draw.polygon(list(zip(points[::2], points[1::2], strict=True)), fill="white")
    return image


def labelled(folder: Path) -> list[tuple[str, Path, str]]:
    """(name, image, truth) for every image with a same-named .txt in `folder`."""
    items = []
    for image in sorted(p for p in folder.iterdir() if p.suffix.lower() in IMAGE_SUFFIXES):
        truth = image.with_suffix(".txt")
        if truth.exists():
            items.append((image.name, image, truth.read_text(encoding="utf-8")))
    return items


def real_items(group: str) -> list[tuple[str, Path, str]]:
    if not REAL.is_dir():
        raise SystemExit(f"{REAL} is missing: this bench needs the shared real OCR set (see HELPERS.md).")
    if group.startswith("pages"):
        hand = group == "pages_hw"
        return [item for item in labelled(REAL / "pages") if ("notes" in item[0]) == hand]
    return labelled(REAL / group)


def timed(policy: object, image: Image.Image) -> tuple[OcrPage, float, float]:
    started, cpu = time.perf_counter(), cpu_seconds()
    page = policy.read(image)  # type: ignore[attr-defined]
    return page, time.perf_counter() - started, cpu_seconds() - cpu


def _save(rows: list[dict], out: Path | None) -> None:
    """Rows written after every file, so a run cut short (a busy shared machine) still reports."""
    if out is not None:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(rows, ensure_ascii=False, indent=1), encoding="utf-8")


def run_images(items: list[tuple[str, Path, str]], group: str, policies: dict[str, object],
               done: list[dict] | None = None, out: Path | None = None) -> list[dict]:
    rows: list[dict] = []
    for name, path, truth in items:
        image = _masked(path)
        for policy_name, policy in policies.items():
            if policy_name == "bare-rec" and not group.startswith("lines") and group != "set":
                continue  # recognition alone is for line images only
            if group.startswith("lines") and policy_name in SAME_ON_LINES:
                continue  # a line image is recognised without detection: the detection size cannot matter
            if policy_name in ONLY_ON and group not in ONLY_ON[policy_name]:
                continue
            page, wall, cpu = timed(policy, image)
            rows.append({"group": group, "file": name, "policy": policy_name, "text": page.text, "truth": truth,
                         "s": round(wall, 3), "cpu": round(cpu, 3), "conf": round(page.mean_confidence, 3),
                         "notes": page.notes})
        _save((done or []) + rows, out)
        print(f"  {group} {name}", flush=True)
    return rows


def run_scans(per_quality: int | None, policies: dict[str, object], done: list[dict] | None = None,
              out: Path | None = None) -> list[dict]:
    rows: list[dict] = []
    for entry in scanned_samples(per_quality):
        path = letters_dir() / entry["scan"]
        images = [p.image for p in iter_pages(path, sniff(path.read_bytes()[:4096]), PageLimits())
                  if p.image is not None]
        for policy_name, policy in policies.items():
            if policy_name == "bare-rec":
                continue
            pages, wall, cpu, notes = [], 0.0, 0.0, []
            for image in images:
                page, s, c = timed(policy, image)
                pages.append(page.text.splitlines())
                wall, cpu, notes = wall + s, cpu + c, notes + page.notes
            rows.append({"group": "scans", "file": entry["id"], "policy": policy_name,
                         "cer": cer(letter_text(entry, pages), entry["truth"]["text"]),
                         "pages": len(images), "s": round(wall, 3), "cpu": round(cpu, 3), "notes": notes})
        _save((done or []) + rows, out)
        print(f"  scans {entry['id']}", flush=True)
    return rows


def reading_orders() -> list[str]:
    """CER of the same RapidOCR runs (detection at 1200, after page clean-up) read top-down as before and
    column by column as now: what the column-aware order alone changes."""
    from xinfang.intake.ocr.layout import column_blocks
    from xinfang.intake.ocr.rapid import merge_lines

    engine = RapidOcrEngine()
    lines = ["| page | top-down | columns |", "|---|---|---|"]
    for group in ("pages_hw", "pages_printed"):
        for name, path, truth in real_items(group):
            runs = engine.runs(preprocess(_masked(path)))
            before = "\n".join(line.text for line in merge_lines(runs))
            after = "\n".join(line.text for block in column_blocks(runs) for line in merge_lines(block))
            lines.append(f"| {name} | {cer(before, truth):.3f} | {cer(after, truth):.3f} |")
            print(lines[-1], flush=True)
    return lines


def _group_table(rows: list[dict], policies: list[str]) -> list[str]:
    lines = ["| group | files | policy | CER (micro) | mean file CER | s/image | CPU s/image | x bare (CPU) |",
             "|---|---|---|---|---|---|---|---|"]
    for group in dict.fromkeys(r["group"] for r in rows):
        sub = [r for r in rows if r["group"] == group]
        bare = [r for r in sub if r["policy"] == "bare"]
        bare_cpu = sum(r["cpu"] for r in bare) or float("nan")
        for policy in policies:
            mine = [r for r in sub if r["policy"] == policy]
            if not mine:
                continue
            files = len(mine)
            if group == "scans":
                micro = sum(r["cer"] for r in mine) / files
                mean = micro
                per = sum(r["pages"] for r in mine)
            else:
                ref = sum(len(norm(r["truth"])) for r in mine)
                micro = sum(cer(r["text"], r["truth"]) * len(norm(r["truth"])) for r in mine) / max(1, ref)
                mean = sum(cer(r["text"], r["truth"]) for r in mine) / files
                per = files
            cpu = sum(r["cpu"] for r in mine)
            lines.append(f"| {group} | {files} | {policy} | {micro:.3f} | {mean:.3f} | "
                         f"{sum(r['s'] for r in mine) / per:.2f} | {cpu / per:.2f} | {cpu / bare_cpu:.2f} |")
    return lines


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--groups", default=",".join(GROUPS), help="comma-separated: " + ", ".join(GROUPS))
    parser.add_argument("--policies", default=",".join(POLICIES))
    parser.add_argument("--scans", type=int, default=None, help="committed scans per quality (default: all)")
    parser.add_argument("--set", type=Path, default=None, help="a folder of images with .txt truth")
    parser.add_argument("--limit", type=int, default=None, help="at most this many files per group, spread")
    parser.add_argument("--out", type=Path, default=OUT / "ocr_real.json")
    parser.add_argument("--report", type=Path, nargs="*", default=None,
                        help="only print the tables of earlier runs' --out files (no OCR)")
    parser.add_argument("--no-bare", action="store_true", help="leave out the bare engine (CER only, no ratios)")
    parser.add_argument("--orders", action="store_true", help="only compare reading orders on the real pages")
    args = parser.parse_args(argv)
    if args.orders:
        reading_orders()
        return
    if args.report is not None:
        rows = [row for path in args.report for row in json.loads(path.read_text(encoding="utf-8"))]
        print("\n".join(_group_table(rows, list(dict.fromkeys(r["policy"] for r in rows)))))
        return
    names = [p for p in args.policies.split(",") if p]
    if "bare" not in names and not args.no_bare:
        names.insert(0, "bare")  # every figure is also given against the bare engine
    policies = {name: make_policy(name) for name in names}
    warm = Image.new("RGB", (320, 48), "white")
    ImageDraw.Draw(warm).text((10, 10), "warm up", fill="black")
    for policy in policies.values():
        policy.read(warm)  # type: ignore[attr-defined]
    rows: list[dict] = []
    if args.set is not None:
        if not args.set.is_dir():
            raise SystemExit(f"{args.set} is not a folder of images with .txt transcriptions.")
        items = labelled(args.set)
        if not items:
            raise SystemExit(f"{args.set} has no image with a same-named .txt transcription.")
        rows += run_images(items, "set", policies)
    else:
        for group in args.groups.split(","):
            if group == "scans":
                rows += run_scans(args.scans, policies, rows, args.out)
            elif group in GROUPS:
                items = real_items(group)
                if args.limit:
                    items = items[::max(1, len(items) // args.limit)][:args.limit]  # spread over the set
                rows += run_images(items, group, policies, rows, args.out)
            else:
                raise SystemExit(f"unknown group {group!r}: use {', '.join(GROUPS)}")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(rows, ensure_ascii=False, indent=1), encoding="utf-8")
    print("\n".join(["", *_group_table(rows, names)]))


if __name__ == "__main__":
    main()
