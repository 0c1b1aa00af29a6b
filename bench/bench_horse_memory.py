"""What a forked work horse pays for a scanned letter beyond OCR itself, with and without the malloc tuning.

The worker forks one horse per job (a few scanned letters). This runs OCR (`read_page`, as the pipeline does)
on the same scans twice in one process: once in a fresh fork per letter (the horse's first letter, and what
every scan paid when scans went one per job) and once in the process itself,
and reports CPU seconds and minor page faults per letter. `--tuned` applies `keep_freed_memory` first, as
the workers do before warming up. Run both ways to see what the tuning buys:

    python -m bench.bench_horse_memory            # glibc malloc as it comes
    python -m bench.bench_horse_memory --tuned    # as the workers run
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tuned", action="store_true")
    parser.add_argument("--count", type=int, default=30, help="generated letters (about 3 in 4 are scans)")
    args = parser.parse_args()

    from xinfang.core.config import Settings
    from xinfang.intake import stages, warm
    from xinfang.intake.filetypes import sniff
    from xinfang.intake.malloc_tuning import keep_freed_memory
    from xinfang.intake.pages import PageLimits, iter_pages

    with tempfile.TemporaryDirectory(prefix="bench-horse-") as tmp:
        out = Path(tmp) / "scans"
        subprocess.run([sys.executable, "-m", "xinfang", "samples", "generate", "--count", str(args.count),
                        "--seed", "5", "--out", str(out), "--scans"], check=True, capture_output=True,
                       env={**os.environ, "PYTHONPATH": str(ROOT)})
        files = [out / e["scan"] for e in json.loads((out / "index.json").read_text(encoding="utf-8"))
                 if e.get("scan")]
        settings = Settings(Path(tmp) / "data", "sqlite://", "redis://127.0.0.1:6379/0")
        if args.tuned:
            keep_freed_memory()
        warm._warm_ocr(settings)  # as the worker's parent: sessions built and run once
        import gc

        gc.collect()
        gc.freeze()

        def job(path: Path) -> None:
            engine = stages.ocr_engine(settings)
            for page in iter_pages(path, sniff(path.read_bytes()[:4096]), PageLimits()):
                stages.read_page(page, engine)

        horse_cpu = horse_faults = 0.0
        for path in files:
            pid = os.fork()
            if pid == 0:
                job(path)
                os._exit(0)
            _, _, usage = os.wait4(pid, 0)
            horse_cpu += usage.ru_utime + usage.ru_stime
            horse_faults += usage.ru_minflt
        before, cpu0 = resource.getrusage(resource.RUSAGE_SELF), time.process_time()
        for path in files:
            job(path)
        cpu = time.process_time() - cpu0
        faults = resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before.ru_minflt
    n = len(files)
    print(f"{n} scans, malloc {'tuned' if args.tuned else 'as it comes'}: in a fresh fork per letter "
          f"{horse_cpu / n:.2f} CPU s and {horse_faults / n:,.0f} minor faults a letter; in the process itself "
          f"{cpu / n:.2f} CPU s and {faults / n:,.0f} faults")


if __name__ == "__main__":
    main()
