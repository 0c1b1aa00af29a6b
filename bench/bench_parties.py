"""住址 and 被反映对象 on the blind letters (measure only): how often the address is exact, how often a value
is given but wrong, and how many 被反映对象 values start with a demand verb (责令…) or are not parties (如下,
无果) — the mistakes seen at the desk. With --baseline PATH the same figures for another checkout (e.g. main)
are measured in the same run, in a child process importing that checkout.

    python -m bench.bench_parties [--baseline ../../main]
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
from pathlib import Path

from bench.data import ROOT, shared

NOT_PARTY = re.compile(r"^(?:责令|责成|督促|要求|请|让)|^(?:如下|无果|未果)")


def measure() -> dict[str, dict[str, int]]:
    # Imported here, after --xinfang-from may have put the baseline's package first on the path.
    from xinfang.intake.fields import extract_fields
    from xinfang.intake.normalize import normalize_text

    out = {}
    for part in sorted(shared("letters_blind").glob("part_*.jsonl")):
        row = dict.fromkeys(("letters", "address_truth", "address_exact", "address_wrong", "accused", "not_party"), 0)
        for line in part.read_text(encoding="utf-8").splitlines():
            record = json.loads(line)
            fields = extract_fields(normalize_text(record["text"]), None)
            truth = (record.get("petitioner") or {}).get("address")
            given = fields["address"]["value"]
            row["letters"] += 1
            row["address_truth"] += bool(truth)
            row["address_exact"] += bool(truth and given == truth)
            row["address_wrong"] += bool(given and given != truth)
            value = fields["accused"]["value"]
            values = value if isinstance(value, list) else [value] if value else []
            row["accused"] += len(values)
            row["not_party"] += sum(1 for v in values if NOT_PARTY.search(v))
        out[part.stem] = row
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--baseline", type=Path, help="another checkout to measure in the same run")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--xinfang-from", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.json:
        if args.xinfang_from:  # the baseline's package, this checkout's measuring code
            sys.path.insert(0, str(args.xinfang_from.resolve()))
        print(json.dumps(measure()))
        return
    runs = {"this checkout": measure()}
    if args.baseline:
        child = subprocess.run([sys.executable, "-m", "bench.bench_parties", "--json", "--xinfang-from",
                                str(args.baseline)], cwd=ROOT, capture_output=True, text=True, check=True)
        runs = {"baseline": json.loads(child.stdout), **runs}
    print("| run | part | address exact / with truth | address given but wrong | 被反映对象 values | verb-led or not a party |")
    print("|---|---|---|---|---|---|")
    for name, parts in runs.items():
        for part, r in parts.items():
            print(f"| {name} | {part} | {r['address_exact']} / {r['address_truth']} | {r['address_wrong']} | "
                  f"{r['accused']} | {r['not_party']} |")
    print(f"(checkout {ROOT})")


if __name__ == "__main__":
    main()
