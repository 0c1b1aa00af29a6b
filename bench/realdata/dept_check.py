"""Is the unit that answered a real message the department a county 信访 desk would route it to?

The router's department confidence is fitted on real messages whose department is read out of the
official reply (`sources.replies`, calibration half, without the 乡镇人民政府 rows). The reply reading was
hand-checked for "is this the unit that replied"; this module samples the same letters to check the other
half of the label's truth: whether that unit is the clerk's choice (`right`), one of two defensible units
(`ambiguous`), or not the desk's choice / misread (`wrong`). Verdicts are kept, ids and labels only, in
`tests/fixtures/dept_label_check.csv`; the message text stays in the shared data.

    python -m bench.realdata.dept_check --print   # the sample, for reading by hand
    python -m bench.realdata.dept_check --score   # figures from the verdict fixture
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import random
import sys
from collections import Counter, defaultdict
from pathlib import Path

from bench.realdata import reply_units, sources
from bench.realdata.label_check import VERDICTS
from bench.realdata.label_check import (
    accuracy as figures,  # P(right), P(right) + P(ambiguous)/2, as that check
)
from bench.realdata.label_check import weighted as label_weighted

ROOT = Path(__file__).resolve().parents[2]
STARTER = ROOT / "classifier" / "office" / "starter.json"
CHECKED = ROOT / "tests" / "fixtures" / "reply_units_checked.csv"
FIXTURE = ROOT / "tests" / "fixtures" / "dept_label_check.csv"
SEED = 20261202
PER_DEPARTMENT = 15


def departments() -> list[str]:
    """The office's own department list: the label space the confidence is fitted in."""
    return list(json.loads(STARTER.read_text(encoding="utf-8"))["departments"])


def fitted_on() -> list[dict]:
    """The letters the department confidence is fitted on: calibration half, county departments only."""
    township = json.loads(STARTER.read_text(encoding="utf-8"))["rules"]["township_unit"]
    return [r for r in sources.replies(set(departments()))
            if sources.half(r["id"]) == 0 and r["department"] != township]


def sample(records: list[dict], seed: int = SEED, per: int = PER_DEPARTMENT) -> list[dict]:
    """Up to `per` letters per department read, drawn with a fixed seed so the fixture can be re-read."""
    by_dept: dict[str, list[dict]] = defaultdict(list)
    for r in sorted(records, key=lambda r: int(r["id"])):
        by_dept[r["department"]].append(r)
    rng = random.Random(seed)
    out: list[dict] = []
    for dept in sorted(by_dept):
        rows = by_dept[dept]
        out.extend(rows if len(rows) <= per else sorted(rng.sample(rows, per), key=lambda r: int(r["id"])))
    return out


def checked_ids() -> set[str]:
    """Ids whose reply reading was already hand-checked (reply_units round 1 and 2)."""
    with CHECKED.open(encoding="utf-8", newline="") as fh:
        return {row["id"] for row in csv.DictReader(fh)}


def _replies() -> dict[str, dict]:
    return {row["id"]: row for row in reply_units._rows()}


def print_sample(limit_text: int = 500, limit_reply: int = 200) -> None:
    rows = sample(fitted_on())
    raw = _replies()
    done = checked_ids()
    for i, r in enumerate(rows):
        reply = raw[r["id"]].get("reply", "")
        unit, _ = reply_units.read_unit(reply)
        flag = " [checked]" if r["id"] in done else ""
        text = " ".join(r["text"].split())
        print(f"#{i} id={r['id']} label={r['department']} unit={unit}{flag}")
        print(f"  T: {r['title']}")
        print(f"  M: {text[:limit_text]}")
        print(f"  R: {' '.join(reply.split())[:limit_reply]}")
        print()


def read_fixture(path: Path = FIXTURE) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    bad = [r["id"] for r in rows if r["verdict"] not in VERDICTS]
    if bad:
        raise SystemExit(f"dept_check: unknown verdict for ids {bad[:5]}")
    return rows


def wilson(k: float, n: int, z: float = 1.96) -> tuple[float, float]:
    """95% interval for a share: with ~150 letters the figure moves by several points, say so."""
    if n == 0:
        return 0.0, 1.0
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return centre - half, centre + half


def weighted(rows: list[dict[str, str]], population: Counter) -> dict:
    """The same two figures reweighted by how often each department occurs in the fitted-on letters."""
    by_dept: dict[str, list[dict[str, str]]] = defaultdict(list)
    for r in rows:
        by_dept[r["label"]].append(r)
    return label_weighted({d: figures(rs) for d, rs in by_dept.items()}, population)


def score(path: Path = FIXTURE) -> None:
    rows = read_fixture(path)
    population = Counter(r["department"] for r in fitted_on())
    f = figures(rows)
    w = weighted(rows, population)
    print(f"sampled {f['n']} of {sum(population.values())} letters the department confidence is fitted on")
    print(f"overall: right {f['right']}, ambiguous {f['ambiguous']}, wrong {f['wrong']}; "
          f"P(right) = {f['p_right']:.3f}, P(right) + 0.5·P(ambiguous) = {f['p_right_half_ambiguous']:.3f}")
    lo, hi = wilson(f["right"], f["n"])
    lo2, hi2 = wilson(f["right"] + 0.5 * f["ambiguous"], f["n"])
    print(f"95% intervals: P(right) {lo:.3f}-{hi:.3f}; P(right) + 0.5·P(ambiguous) {lo2:.3f}-{hi2:.3f}")
    misread = sum(1 for r in rows if r["verdict"] == "wrong" and "misread" in r["note"])
    print(f"wrong: {misread} because the reply's unit was misread, {f['wrong'] - misread} because the unit that "
          f"answered is not the desk's choice")
    print(f"weighted by department frequency: P(right) = {w['p_right']:.3f}, "
          f"P(right) + 0.5·P(ambiguous) = {w['p_right_half_ambiguous']:.3f}")
    print(f"{'department':<10} {'pop':>4} {'n':>3} {'right':>5} {'amb':>4} {'wrong':>5} {'P(r)':>6} {'P(r)+.5a':>8}")
    by_dept: dict[str, list[dict[str, str]]] = defaultdict(list)
    for r in rows:
        by_dept[r["label"]].append(r)
    for dept in sorted(by_dept, key=lambda d: -population[d]):
        g = figures(by_dept[dept])
        print(f"{dept:<10} {population[dept]:>4} {g['n']:>3} {g['right']:>5} {g['ambiguous']:>4} {g['wrong']:>5} "
              f"{g['p_right']:>6.3f} {g['p_right_half_ambiguous']:>8.3f}")
    confusions = Counter((r["label"], r["better_label"], r["verdict"]) for r in rows if r["verdict"] != "right")
    print("confusions (label -> better label, verdict):")
    for (label, better, verdict), k in confusions.most_common():
        print(f"  {k:>3}  {label} -> {better or '?'} ({verdict})")
    inside = [r for r in rows if r["in_reply_check"] == "1"]
    if inside:
        g = figures(inside)
        print(f"ids also in reply_units_checked.csv: {g['n']}, P(right) = {g['p_right']:.3f}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--print", dest="show", action="store_true", help="print the sample for reading")
    parser.add_argument("--score", action="store_true", help="figures from the verdict fixture")
    args = parser.parse_args(argv)
    if args.show:
        print_sample()
    if args.score:
        score()
    if not (args.show or args.score):
        parser.print_help()
    return 0


if __name__ == "__main__":
    sys.exit(main())
