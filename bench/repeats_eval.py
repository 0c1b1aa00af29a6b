"""Measure repeat detection on generated letters with ground truth (samples.generate).

    .venv/bin/python -m bench.repeats_eval --count 1000 --seed 11
    .venv/bin/python -m bench.repeats_eval --count 2000 --seed 23

Letters go through the same calls as the pipeline (find_repeats, RepeatLink, index_letter) in date
order, on a real database. Without OCR, the fields come from `intake.fields.extract_fields` when it
exists, else from the truth *as written* (the 身份证号 with its spaces, full-width digits or slip).
"""

from __future__ import annotations

import argparse
import json
import tempfile
from collections import Counter
from datetime import date
from itertools import combinations
from pathlib import Path

from sqlalchemy import select

from xinfang.intake.fields import Places, extract_fields
from xinfang.matching.features import gazetteer
from xinfang.matching.service import find_repeats, index_letter
from xinfang.models import Letter, RepeatLink, Status
from xinfang.models.db import session_scope, upgrade
from xinfang.models.repeat_index import RepeatSignature


def truth_fields(record: dict) -> dict:
    """The fields an extractor would give, from the generator's truth (as-written identity forms)."""
    def item(value: object) -> dict:
        return {"value": value, "confidence": 0.9}

    person = record.get("petitioner") or {}
    out = {"township": item(record.get("township")), "village": item(record.get("village"))}
    if person:
        out.update(name=item(person.get("name")), id_number=item(person.get("id_number_as_written")),
                   phone=item(person.get("phone_as_written")), address=item(person.get("address")))
    if record.get("cosigners"):
        out["cosigners"] = item(record["cosigners"])
    if record.get("accused"):
        out["accused"] = item(record["accused"])
    out["anonymous"] = item(bool(record.get("anonymous")))
    return out


SAMPLE_PLACES = Path(__file__).resolve().parents[1] / "samples" / "places.json"  # the generated letters' county


def extracted_fields(record: dict) -> tuple[dict, str]:
    return extract_fields(record["text"], Places.from_file(SAMPLE_PLACES)), "extractor"


def _getter(fields: dict):  # noqa: ANN202
    return lambda key: (fields.get(key) or {}).get("value")


def run(records: list[dict], url: str, use_extractor: bool = True) -> tuple[dict[str, int], str]:
    """Feed the letters in date order; returns {record id: letter id} and the field source used."""
    upgrade(url)
    ids: dict[str, int] = {}
    source = "truth"
    places = gazetteer(str(SAMPLE_PLACES))
    for record in sorted(records, key=lambda r: (r["received"], r["id"])):
        fields, source = extracted_fields(record) if use_extractor else (truth_fields(record), "truth")
        value = _getter(fields)
        with session_scope(url) as session:
            id_number = value("id_number")
            letter = Letter(external_id=record["id"], received_date=date.fromisoformat(record["received"]),
                            text=record["text"], fields=fields, status=Status.review,
                            id_number=str(id_number)[:18] if id_number else None,
                            phone=str(value("phone"))[:20] if value("phone") else None,
                            petitioner_name=str(value("name"))[:50] if value("name") else None)
            session.add(letter)
            session.flush()
            for decision in find_repeats(session, letter, places=places):
                session.add(RepeatLink(letter_id=letter.id, **decision.to_link()))
            index_letter(session, letter, places=places)
            ids[record["id"]] = letter.id
    return ids, source


def score(records: list[dict], ids: dict[str, int], url: str) -> dict:
    """Precision/recall of repeat links and same-matter links; pairwise quality of matter groups."""
    by_letter = {ids[r["id"]]: r for r in records}
    with session_scope(url) as session:
        links = session.execute(select(RepeatLink.letter_id, RepeatLink.earlier_id, RepeatLink.kind,
                                       RepeatLink.score)).all()
        groups = dict(session.execute(select(RepeatSignature.letter_id, RepeatSignature.matter_group_id)).all())
    person = lambda r: r["person_id"] or "anon"  # noqa: E731
    counts: Counter[str] = Counter()
    errors: list[dict] = []
    found_repeat: set[int] = set()
    for letter_id, earlier_id, kind, value in links:
        new, old = by_letter[letter_id], by_letter[earlier_id]
        same_matter = new["matter_id"] == old["matter_id"]
        if kind == "repeat":
            ok = same_matter and person(new) == person(old)
            counts["repeat_predicted"] += 1
            counts["repeat_correct"] += ok
            if ok:
                found_repeat.add(letter_id)
            else:
                errors.append({"kind": "false repeat", "letter": new["id"], "earlier": old["id"], "score": value})
        else:
            counts["same_predicted"] += 1
            counts["same_correct"] += same_matter
            if not same_matter:
                errors.append({"kind": "false same_matter", "letter": new["id"], "earlier": old["id"], "score": value})
    truth_repeats = [ids[r["id"]] for r in records if r["repeat_of"]]
    for letter_id in truth_repeats:
        if letter_id not in found_repeat:
            r = by_letter[letter_id]
            errors.append({"kind": "missed repeat", "letter": r["id"], "earlier": r["repeat_of"]})
    # Pairwise grouping quality over letters that share a matter in truth or in prediction.
    truth_pairs, pred_pairs = set(), set()
    by_matter: dict[str, list[int]] = {}
    by_group: dict[int, list[int]] = {}
    for letter_id, r in by_letter.items():
        by_matter.setdefault(r["matter_id"], []).append(letter_id)
        by_group.setdefault(groups.get(letter_id, -letter_id), []).append(letter_id)
    for members in by_matter.values():
        truth_pairs.update(combinations(sorted(members), 2))
    for members in by_group.values():
        pred_pairs.update(combinations(sorted(members), 2))
    both = len(truth_pairs & pred_pairs)
    neighbours = [r for r in records if r["same_matter_as"] and not r["repeat_of"]]
    return {
        "letters": len(records), "true_repeats": len(truth_repeats), "neighbour_letters": len(neighbours),
        "repeat_precision": counts["repeat_correct"] / max(1, counts["repeat_predicted"]),
        "repeat_recall": len(found_repeat) / max(1, len(truth_repeats)),
        "repeat_links": counts["repeat_predicted"],
        "same_matter_precision": counts["same_correct"] / max(1, counts["same_predicted"]),
        "same_matter_links": counts["same_predicted"],
        "group_pair_precision": both / max(1, len(pred_pairs)), "group_pair_recall": both / max(1, len(truth_pairs)),
        "errors": errors,
    }


def teddy_records(path: str) -> list[dict]:
    """The 泰迪杯 messages as records: the platform's user id stands for the identity (as a phone key),
    so two messages of one user are 同人 and the detector has to decide 同事 from the text alone."""
    import csv
    import zlib
    from datetime import datetime

    records = []
    with open(path, encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            stamp = datetime.strptime(row["time"].strip(), "%Y/%m/%d %H:%M:%S")
            phone = f"139{zlib.crc32(row['user'].encode()) % 10**8:08d}"
            records.append({
                "id": row["id"], "text": f"{row['title']}。{row['text']}", "township": None, "village": None,
                "petitioner": {"name": None, "id_number_as_written": None, "phone_as_written": phone,
                               "address": None},
                "cosigners": [], "accused": None, "anonymous": False, "received": stamp.date().isoformat(),
                "user": row["user"], "label": row["label"]})
    return records


def main() -> None:
    from xinfang.samples.generate import generate_letters

    parser = argparse.ArgumentParser(description="repeat detection on generated letters (SQLite)")
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--truth-fields", action="store_true", help="fields from the truth, not the extractor")
    args = parser.parse_args()
    records = generate_letters(args.count, args.seed)
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/eval.db"
        ids, source = run(records, url, use_extractor=not args.truth_fields)
        result = score(records, ids, url)
    errors = Counter(e["kind"] for e in result.pop("errors"))
    print(json.dumps({"seed": args.seed, "fields": source, **{k: round(v, 3) if isinstance(v, float) else v
                                                              for k, v in result.items()},
                      "errors": dict(errors)}, ensure_ascii=False))


if __name__ == "__main__":
    main()
