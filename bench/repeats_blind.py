"""Repeat filings and petitioner fields on the blind letters (`../shared/data/letters_blind`), per part.

Measure only: nothing here is fitted on these letters. Each part is one invented county, fed in id order
(chronological) through the pipeline's calls on a fresh SQLite database: `extract_fields` (no places file:
the counties are not in any gazetteer the project holds), `find_repeats` → `RepeatLink` → `index_letter`.
The received date is the date the letter gives, when it gives one (else the day after the previous letter).

    .venv/bin/python -m bench.repeats_blind            # all parts, summary
    .venv/bin/python -m bench.repeats_blind --errors   # ... and every miss

Scores: petitioner name / 身份证号 / phone recall and precision against the truth (a letter whose truth is
null and which yields a value counts against precision); repeat links (correct when the earlier letter is
in the same chain of `repeat_of`); same-matter groups, pairwise over letters of different people: a pair is
true when the two letters are in one matter (`repeat_of` ∪ `same_matter_as`, transitively) and predicted
when they share a matter group.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from datetime import date, timedelta
from itertools import combinations
from pathlib import Path

from sqlalchemy import select

from xinfang.intake.fields import extract_fields
from xinfang.matching.identity import normalize_id, normalize_name, normalize_phone
from xinfang.matching.service import find_repeats, index_letter
from xinfang.models import Letter, RepeatLink, Status
from xinfang.models.db import session_scope, upgrade
from xinfang.models.repeat_index import RepeatSignature

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "letters_blind"
PARTS = ("P", "Q", "R", "S")


def load(part: str) -> list[dict]:
    path = DATA / f"part_{part}.jsonl"
    if not path.exists():
        raise SystemExit(f"blind letters not found at {path}: run from a worktree beside ../shared/data")
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _value(fields: dict, key: str) -> object:
    return (fields.get(key) or {}).get("value")


def run_part(records: list[dict], url: str) -> tuple[dict[str, int], dict[str, dict]]:
    upgrade(url)
    ids: dict[str, int] = {}
    extracted: dict[str, dict] = {}
    day = date(2024, 1, 1)
    for record in records:
        fields = extract_fields(record["text"])
        extracted[record["id"]] = fields
        day = _received(fields, day)
        with session_scope(url) as session:
            id_number, phone, name = (_value(fields, k) for k in ("id_number", "phone", "name"))
            letter = Letter(external_id=record["id"], received_date=day,
                            text=record["text"], fields=fields, status=Status.review,
                            id_number=str(id_number)[:18] if id_number else None,
                            phone=str(phone)[:20] if phone else None,
                            petitioner_name=str(name)[:50] if name else None)
            session.add(letter)
            session.flush()
            for decision in find_repeats(session, letter):
                session.add(RepeatLink(letter_id=letter.id, **decision.to_link()))
            index_letter(session, letter)
            ids[record["id"]] = letter.id
    return ids, extracted


def _received(fields: dict, previous: date) -> date:
    """The date the letter gives (as the office stamps it on arrival); else the day after the previous one."""
    written = _value(fields, "date_written")
    try:
        found = date.fromisoformat(str(written)) if written else None
    except ValueError:
        found = None
    return found if found and found >= previous else previous + timedelta(days=1)


def _root(record_id: str, parent: dict[str, str | None]) -> str:
    while parent.get(record_id):
        record_id = parent[record_id]  # type: ignore[assignment]
    return record_id


def field_scores(records: list[dict], extracted: dict[str, dict]) -> dict:
    """Per field: (correct, truth non-null, predicted non-null) and the misses."""
    norm = {"name": normalize_name, "id_number": normalize_id, "phone": normalize_phone}
    out: dict = {}
    for key, truth_key in (("name", "name"), ("id_number", "id_number"), ("phone", "phone")):
        correct = truth_n = pred_n = 0
        misses = []
        for r in records:
            truth = (r.get("petitioner") or {}).get(truth_key)
            got = _value(extracted[r["id"]], key)
            truth_v = (str(truth) if key == "name" else norm[key](truth)) if truth else None
            got_v = (str(got) if key == "name" else norm[key](got)) if got else None
            truth_n += truth_v is not None
            pred_n += got_v is not None
            ok = truth_v is not None and got_v == truth_v
            correct += ok
            if truth_v != got_v:
                misses.append((r["id"], truth_v, got_v))
        out[key] = {"correct": correct, "truth": truth_n, "predicted": pred_n, "misses": misses}
    return out


def link_scores(records: list[dict], ids: dict[str, int], url: str) -> dict:
    by_letter = {ids[r["id"]]: r for r in records}
    parent = {r["id"]: r["repeat_of"] for r in records}
    matter_parent = {r["id"]: r["repeat_of"] or r["same_matter_as"] for r in records}
    with session_scope(url) as session:
        links = session.execute(select(RepeatLink.letter_id, RepeatLink.earlier_id, RepeatLink.kind,
                                       RepeatLink.score, RepeatLink.reason)).all()
        groups = dict(session.execute(select(RepeatSignature.letter_id, RepeatSignature.matter_group_id)).all())
    repeat_pred = repeat_ok = 0
    found: set[str] = set()
    errors: list[str] = []
    for letter_id, earlier_id, kind, value, reason in links:
        new, old = by_letter[letter_id], by_letter[earlier_id]
        if kind != "repeat":
            continue
        repeat_pred += 1
        ok = bool(new["repeat_of"]) and _root(new["id"], parent) == _root(old["id"], parent)
        repeat_ok += ok
        if ok:
            found.add(new["id"])
        else:
            errors.append(f"false repeat {new['id']} -> {old['id']} ({value:.2f}, {(reason or {}).get('identity')})")
    truth_repeats = [r["id"] for r in records if r["repeat_of"]]
    errors += [f"missed repeat {rid} -> {parent[rid]}" for rid in truth_repeats if rid not in found]
    # Group pairs among letters of different truth people (a repeat pair is already counted above).
    person = {r["id"]: _root(r["id"], parent) for r in records}
    matter = {r["id"]: _root(r["id"], matter_parent) for r in records}
    truth_pairs, pred_pairs = set(), set()
    for a, b in combinations(records, 2):
        if person[a["id"]] == person[b["id"]]:
            continue
        pair = (a["id"], b["id"])
        if matter[a["id"]] == matter[b["id"]]:
            truth_pairs.add(pair)
        ga, gb = groups.get(ids[a["id"]]), groups.get(ids[b["id"]])
        if ga is not None and ga == gb:
            pred_pairs.add(pair)
    both = truth_pairs & pred_pairs
    errors += [f"false group pair {a} ~ {b}" for a, b in sorted(pred_pairs - truth_pairs)]
    errors += [f"missed group pair {a} ~ {b}" for a, b in sorted(truth_pairs - pred_pairs)]
    return {"repeat_pred": repeat_pred, "repeat_ok": repeat_ok, "repeat_truth": len(truth_repeats),
            "repeat_found": len(found), "group_pred": len(pred_pairs), "group_truth": len(truth_pairs),
            "group_ok": len(both), "errors": errors}


def _ratio(a: int, b: int) -> str:
    return f"{a / b:.3f} ({a}/{b})" if b else "—"


def evaluate(parts: tuple[str, ...] = PARTS) -> dict:
    totals: dict[str, int] = {}
    report: dict = {"parts": {}}
    with tempfile.TemporaryDirectory() as tmp:
        for part in parts:
            records = load(part)
            url = f"sqlite:///{tmp}/blind_{part}.db"
            ids, extracted = run_part(records, url)
            fields = field_scores(records, extracted)
            links = link_scores(records, ids, url)
            report["parts"][part] = {"fields": fields, "links": links}
            for key, value in fields.items():
                for k in ("correct", "truth", "predicted"):
                    totals[f"{key}_{k}"] = totals.get(f"{key}_{k}", 0) + value[k]
            for k, v in links.items():
                if k != "errors":
                    totals[k] = totals.get(k, 0) + v
    report["totals"] = totals
    return report


def _line(label: str, t: dict) -> str:
    cells = [label]
    for key in ("name", "id_number", "phone"):
        cells.append(f"{_ratio(t[f'{key}_correct'], t[f'{key}_truth'])} / {_ratio(t[f'{key}_correct'], t[f'{key}_predicted'])}")
    cells.append(f"{_ratio(t['repeat_ok'], t['repeat_pred'])} / {_ratio(t['repeat_found'], t['repeat_truth'])}")
    cells.append(f"{_ratio(t['group_ok'], t['group_pred'])} / {_ratio(t['group_ok'], t['group_truth'])}")
    return "| " + " | ".join(cells) + " |"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--parts", nargs="*", default=list(PARTS))
    parser.add_argument("--errors", action="store_true")
    args = parser.parse_args()
    report = evaluate(tuple(args.parts))
    print("| part | name R / P | 身份证号 R / P | phone R / P | repeat P / R | group pairs P / R |")
    print("|---|---|---|---|---|---|")
    for part, result in report["parts"].items():
        t = {f"{k}_{m}": v[m] for k, v in result["fields"].items() for m in ("correct", "truth", "predicted")}
        t.update({k: v for k, v in result["links"].items() if k != "errors"})
        print(_line(part, t))
    print(_line("all", report["totals"]))
    if args.errors:
        for part, result in report["parts"].items():
            for key, value in result["fields"].items():
                for miss in value["misses"]:
                    print(f"{part} {key} miss: {miss}")
            for error in result["links"]["errors"]:
                print(f"{part} {error}")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
