"""Leave-one-style-out on the generator (generated letters, labelled as such): train without a voice, score on it.

    python -m bench.bench_styles [--size 2400] [--train 1500]

Letters are generated with every voice of samples/styles.py mixed in; for each style the router is trained
on up to `--train` letters of the other styles (plain included) and scored on the held-out style's letters,
beside a model that saw all styles (same training size) scored on the same letters: the gap is what the
voice costs a model that never met it. Subcategory is left out to keep the runs short.
"""

from __future__ import annotations

import os

for _name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_name, "1")

import argparse  # noqa: E402
import random  # noqa: E402
from pathlib import Path  # noqa: E402

from bench.data import emit  # noqa: E402
from bench.routing_eval import score  # noqa: E402
from xinfang.classifier.training import fit_router  # noqa: E402
from xinfang.samples.generate import generate_letters  # noqa: E402
from xinfang.samples.styles import STYLES  # noqa: E402

HEADS = ("category", "purpose", "department")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=2400)
    parser.add_argument("--train", type=int, default=1500)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    letters = [dict(r, subcategory=None) for r in generate_letters(args.size, 777, styles=True)]
    rng = random.Random(5)
    results: dict = {"size": args.size, "train": args.train, "styles": {}}
    for style in STYLES:
        held = [r for r in letters if r["style"] == style]
        others = [r for r in letters if r["style"] != style]
        test = held[: len(held) // 2]  # the half no model trains on
        tested = {r["id"] for r in test}
        seen = [r for r in letters if r["id"] not in tested]
        without = fit_router(rng.sample(others, min(args.train, len(others))))
        with_style = fit_router(rng.sample(seen, min(args.train, len(seen))))
        row = {"n_test": len(test)}
        for name, router in (("left_out", without), ("seen", with_style)):
            report = score(router, test)
            row[name] = {h: report[h]["accuracy"] for h in HEADS if h in report}
        results["styles"][style] = row
        print(style, row, flush=True)
    emit(results, args.json)


if __name__ == "__main__":
    main()
