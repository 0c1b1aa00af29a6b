"""Hand check of the labels the router's confidence is calibrated on: Teddy's category, the 人民网 poster's type.

    python -m bench.realdata.label_check --print teddy|rmw [--label 城乡建设] [--chars 400]
    python -m bench.realdata.label_check --score

A noisy label makes a right suggestion count as wrong, so the confidence fit learns to doubt itself; the
fit can allow for that (LABEL_ACCURACY in bench/calibrate_routing.py) once the label's accuracy is known.
This draws, per label and with a fixed seed, from exactly the letters the calibration fits on, prints them for
reading by a person (never through the router: the verdict must not see its suggestion), and scores the
verdicts kept in tests/fixtures (ids and labels only, no message text). Stdlib and bench.realdata.sources only,
so it runs without the project's model dependencies.
"""

from __future__ import annotations

import argparse
import csv
import random
from collections import Counter, defaultdict
from pathlib import Path

from bench.realdata import sources

SEED = 20261202
TEDDY_SAMPLE = 2000  # as bench/calibrate_routing.py (not imported: that pulls in the model stack)
PER_LABEL = {"teddy": 20, "rmw": 50}
HEAD = {"teddy": "category", "rmw": "purpose"}
FIXTURES = Path(__file__).resolve().parents[2] / "tests" / "fixtures"
VERDICTS = ("right", "ambiguous", "wrong")
FIELDS = ("id", "label", "verdict", "better_label", "note")


def calibration_letters(source: str) -> list[dict]:
    """The letters `calibration_sets` fits the head on: Teddy's fixed shuffled sample, rmw's calibration half."""
    if source == "teddy":
        teddy = sources.teddy_train()
        random.Random(0).shuffle(teddy)
        return teddy[:TEDDY_SAMPLE]
    return [r for r in sources.rmw() if sources.half(r["id"]) == 0]


def sample(source: str) -> list[dict]:
    """PER_LABEL letters per label (all of a label that has fewer), each label drawn with its own seeded
    generator, so the draw of one label does not move when another label's count changes."""
    head = HEAD[source]
    by_label: dict[str, list[dict]] = defaultdict(list)
    for record in calibration_letters(source):
        by_label[record[head]].append(record)
    out = []
    for label in sorted(by_label):
        group = sorted(by_label[label], key=lambda r: r["id"])
        out += random.Random(f"{SEED}:{label}").sample(group, min(PER_LABEL[source], len(group)))
    return out


def show(record: dict, head: str, chars: int) -> str:
    text = " ".join(f"{record.get('title') or ''} {record['text']}".split())
    return f"## {record['id']} [{record[head]}]\n{text[:chars]}{'…' if len(text) > chars else ''}\n"


def read_fixture(source: str) -> list[dict[str, str]]:
    with (FIXTURES / f"label_check_{source}.csv").open(encoding="utf-8", newline="") as rows:
        return list(csv.DictReader(rows))


def accuracy(rows: list[dict[str, str]]) -> dict:
    """P(right), and P(right) + P(ambiguous)/2: a right suggestion matches a label with two defensible
    readings about half the time."""
    counts = Counter(r["verdict"] for r in rows)
    unknown = set(counts) - set(VERDICTS)
    if unknown:
        raise SystemExit(f"label_check: unknown verdicts {sorted(unknown)}")
    n = len(rows)
    return {"n": n, **{v: counts[v] for v in VERDICTS},
            "p_right": round(counts["right"] / n, 3) if n else None,
            "p_right_half_ambiguous": round((counts["right"] + counts["ambiguous"] / 2) / n, 3) if n else None}


def weighted(labels: dict[str, dict], population: Counter) -> dict:
    """The per-label figures weighted by each label's share of the calibration letters: the sample is
    stratified (equal counts per label), while the fit sees the labels in their own proportions."""
    total = sum(population[label] for label in labels)
    return {key: round(sum(population[label] * a[key] for label, a in labels.items()) / total, 3)
            for key in ("p_right", "p_right_half_ambiguous")} | {"letters": total}


def score(source: str) -> dict:
    """Label accuracy for the sample, per label and weighted by the calibration set's label shares, and the
    confusions (given -> better) by count."""
    rows = read_fixture(source)
    by_label: dict[str, list[dict[str, str]]] = defaultdict(list)
    for row in rows:
        by_label[row["label"]].append(row)
    labels = {label: accuracy(group) for label, group in sorted(by_label.items())}
    population = Counter(r[HEAD[source]] for r in calibration_letters(source))
    confusions = Counter((r["label"], r["better_label"], r["verdict"]) for r in rows if r["verdict"] != "right")
    return {"all": accuracy(rows), "weighted": weighted(labels, population), "labels": labels,
            "population": dict(population),
            "confusions": [f"{given} -> {better} ({verdict}): {n}"
                           for (given, better, verdict), n in confusions.most_common()]}


def print_score(source: str, result: dict) -> None:
    def line(name: str, a: dict) -> str:
        return (f"{name:<10} n={a['n']:>3}  right {a['right']:>3}  ambiguous {a['ambiguous']:>3}  "
                f"wrong {a['wrong']:>3}  P(right) {a['p_right']:.3f}  +half ambiguous {a['p_right_half_ambiguous']:.3f}")
    print(f"# {source} ({HEAD[source]})")
    print(line("sample", result["all"]))
    w = result["weighted"]
    print(f"{'weighted':<10} by the label shares of {w['letters']} calibration letters:  P(right) {w['p_right']:.3f}  "
          f"+half ambiguous {w['p_right_half_ambiguous']:.3f}")
    for label, a in result["labels"].items():
        print(line(label, a) + f"  (calibration letters {result['population'][label]})")
    print("confusions:")
    for c in result["confusions"]:
        print(f"  {c}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--print", dest="source", choices=sorted(HEAD))
    parser.add_argument("--label", help="print only the sampled letters with this label")
    parser.add_argument("--chars", type=int, default=400)
    parser.add_argument("--ids", action="store_true", help="print id and label only")
    parser.add_argument("--score", action="store_true")
    args = parser.parse_args()
    if args.source:
        head = HEAD[args.source]
        for record in sample(args.source):
            if args.label is None or record[head] == args.label:
                print(f"{record['id']},{record[head]}" if args.ids else show(record, head, args.chars))
    if args.score:
        for source in sorted(HEAD, reverse=True):
            print_score(source, score(source))
    if not (args.source or args.score):
        parser.print_help()


if __name__ == "__main__":
    main()
