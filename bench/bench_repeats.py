"""Repeat-filing index at scale (PostgreSQL): query latency and the recall of planted repeats.

    nice .venv/bin/python -m bench.bench_repeats --size 1000000 --computed 200000

Letters come from `samples.generate` (every style it writes: handwritten, online, 联名, anonymous, OCR-noisy)
in chunks with different seeds; their features are computed from the text with the matcher's own code
(`features.compute`, 2 processes). `--computed` letters are indexed from their own features at random
positions over the whole id range; the other letters are copies of computed rows that keep the copied
letter's LSH bands and unit keys (so popular bands grow long and the `PER_BAND` newest-letters cut is
exercised: a band shared by a template sentence reaches thousands of letters), with fresh identity keys (a
copy is another person). Planted repeats: `--planted` generated (original, repeat) pairs of one person and
one matter, from a separate seed; the originals are indexed at evenly spaced positions across the range,
the repeats are the probes (`find_repeats`, the whole call a worker makes: features + SQL + scoring).
Recall = probes whose repeat link points at their planted original. Unrelated probes (new letters) are
timed too. Baseline in the same run: the cost of `features.compute` alone on the same probes.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import random
import statistics
import sys
import time
import uuid
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.repeats_eval import truth_fields  # noqa: E402
from xinfang.matching.features import UNIT, compute  # noqa: E402
from xinfang.matching.store import PER_BAND  # noqa: E402
from xinfang.matching.text import to_bytes  # noqa: E402

CHUNK = 5000
STAMP = "2026-12-01"


def _features(record: dict) -> tuple:
    """A computed row: (signature bytes, identity JSON, entities JSON, keys, bands, text, id_number)."""
    feats = compute(record["text"], truth_fields(record))
    person = record.get("petitioner") or {}
    return (to_bytes(feats.sig), json.dumps(feats.identity.to_json(), ensure_ascii=False),
            json.dumps(feats.entities.to_json(), ensure_ascii=False),
            sorted({(k, p) for k, p, _ in feats.keys}), sorted(set(feats.bands)), record["text"],
            (person.get("id_number") or None))


def _generated(seed: int, count: int) -> list[dict]:
    from xinfang.samples.generate import generate_letters

    return generate_letters(count, seed)


def received(position: int, size: int) -> date:
    return date(2015, 1, 1) + timedelta(days=position * 3650 // size)


class Loader:
    """COPY rows into the four tables, with the key/band primary keys dropped during the load."""

    def __init__(self, conn) -> None:  # noqa: ANN001
        self.conn = conn
        self.letters: list[tuple] = []
        self.signatures: list[tuple] = []
        self.keys: list[tuple] = []
        self.bands: list[tuple] = []

    def add(self, letter_id: int, size: int, row: tuple, keys: list, bands: list, text: str) -> None:
        sig, identity, entities, _, _, _, id_number = row
        day = received(letter_id, size)
        self.letters.append((letter_id, day, text, "review", id_number, 0, "来信", 0, STAMP, STAMP, False))
        self.signatures.append((letter_id, sig, identity, entities, None, day, STAMP))
        self.keys.extend((k, letter_id, p) for k, p in keys)
        self.bands.extend((b, letter_id) for b in bands)
        if len(self.letters) >= CHUNK:
            self.flush()

    def flush(self) -> None:
        with self.conn.cursor() as cur:
            for sql, rows in (
                ("COPY letters (id, received_date, text, status, id_number, page_count, form, attempts, created_at, "
                 "updated_at, urgent) FROM STDIN", self.letters),
                ("COPY repeat_signatures (letter_id, minhash, identity, entities, matter_group_id, received_date, "
                 "indexed_at) FROM STDIN", self.signatures),
                ("COPY repeat_keys (key, letter_id, person) FROM STDIN", self.keys),
                    ("COPY repeat_bands (band, letter_id) FROM STDIN", self.bands)):
                with cur.copy(sql) as copy:
                    for row in rows:
                        copy.write_row(row)
        self.conn.commit()
        self.letters, self.signatures, self.keys, self.bands = [], [], [], []


def build(conn, args: argparse.Namespace, planted: list[tuple[dict, dict]]) -> dict:  # noqa: ANN001
    """Index `args.size` letters: computed rows, planted originals and copies, at mixed positions."""
    rng = random.Random(args.seed)
    size = args.size
    plant_at = {round((i + 0.5) * size / len(planted)): i for i in range(len(planted))} if planted else {}
    free = [i for i in range(1, size + 1) if i not in plant_at]
    rng.shuffle(free)
    computed_ids = sorted(free[:args.computed])
    copy_ids = free[args.computed:]
    with conn.cursor() as cur:
        cur.execute("ALTER TABLE repeat_bands DROP CONSTRAINT pk_repeat_bands")
        cur.execute("ALTER TABLE repeat_keys DROP CONSTRAINT pk_repeat_keys")
    conn.commit()
    loader = Loader(conn)
    pool_rows: list[tuple] = []  # what a copy needs: signature, identity, entities, unit keys, bands
    t0 = time.perf_counter()
    seeds = iter(range(args.seed * 1000, args.seed * 1000 + 10**6))
    position = 0
    with multiprocessing.Pool(args.processes) as pool:
        while position < len(computed_ids):
            wanted = min(10 * CHUNK, len(computed_ids) - position)
            batch = [r for part in pool.starmap(_generated, [(next(seeds), 2000) for _ in range(-(-wanted // 2000))])
                     for r in part][:wanted]
            for row in pool.imap(_features, batch, chunksize=200):
                letter_id = computed_ids[position]
                loader.add(letter_id, size, row, row[3], row[4], row[5])
                pool_rows.append((row[0], row[1], row[2], [kp for kp in row[3] if kp[1] == UNIT], row[4]))
                position += 1
            print(f"  computed {position}/{len(computed_ids)} ({position / (time.perf_counter() - t0):.0f}/s)",
                  file=sys.stderr, flush=True)
        computed_seconds = time.perf_counter() - t0
        for at, index in plant_at.items():
            row = _features(planted[index][0])
            loader.add(at, size, row, row[3], row[4], row[5])
    loader.flush()
    t1 = time.perf_counter()
    key_rng = np.random.default_rng(args.seed)
    picks = key_rng.integers(0, len(pool_rows), size=len(copy_ids))
    for n, (letter_id, pick) in enumerate(zip(copy_ids, picks, strict=True)):
        sig, identity, entities, unit_keys, bands = pool_rows[pick]
        fresh = [(int(k), 0) for k in key_rng.integers(-2**63, 2**63 - 1, size=3)]  # id, phone, name: a new person
        loader.add(letter_id, size, (sig, identity, entities, None, None, None, None), fresh + unit_keys, bands,
                   "（副本）")
        if n % 100_000 == 0:
            print(f"  copied {n}/{len(copy_ids)}", file=sys.stderr, flush=True)
    loader.flush()
    copy_seconds = time.perf_counter() - t1
    with conn.cursor() as cur:
        cur.execute("ALTER TABLE repeat_bands ADD CONSTRAINT pk_repeat_bands PRIMARY KEY (band, letter_id)")
        cur.execute("ALTER TABLE repeat_keys ADD CONSTRAINT pk_repeat_keys PRIMARY KEY (key, letter_id, person)")
        cur.execute("SELECT setval('letters_id_seq', %s)", (size,))
        cur.execute("SELECT count(*) FROM (SELECT band FROM repeat_bands GROUP BY band HAVING count(*) > %s) AS b",
                    (PER_BAND,))
        long_bands = cur.fetchone()[0]
        cur.execute("SELECT max(n) FROM (SELECT count(*) AS n FROM repeat_bands GROUP BY band) AS b")
        longest = cur.fetchone()[0]
    conn.commit()
    conn.autocommit = True
    conn.execute("VACUUM ANALYZE")  # as a maintained database would be (visibility map for index-only scans)
    conn.autocommit = False
    return {"computed_letters_per_s": round(len(computed_ids) / computed_seconds),
            "copied_letters_per_s": round(len(copy_ids) / copy_seconds) if copy_ids else None,
            "bands_longer_than_PER_BAND": long_bands, "longest_band": longest,
            "planted_at": sorted(plant_at)}


def planted_pairs(count: int, seed: int) -> list[tuple[dict, dict]]:
    """(original, repeat) pairs of one person and one matter, from generated letters of another seed."""
    pairs: list[tuple[dict, dict]] = []
    batch_seed = seed
    while len(pairs) < count:
        records = _generated(batch_seed, 3000)
        by_id = {r["id"]: r for r in records}
        for r in records:
            first = by_id.get(r["repeat_of"] or "")
            if first is not None and (r.get("petitioner") or {}).get("id_number") and len(pairs) < count:
                pairs.append((first, r))
        batch_seed += 1
    return pairs


def probe(factory, planted: list[tuple[dict, dict]], plant_at: list[int], unrelated: list[dict],  # noqa: ANN001
          warmup: int) -> dict:
    from xinfang.matching.service import find_repeats
    from xinfang.models import Letter

    def letter_of(record: dict, j: int) -> Letter:
        fields = truth_fields(record)
        value = lambda key: (fields.get(key) or {}).get("value")  # noqa: E731
        return Letter(id=-(j + 1), text=record["text"], fields=fields, id_number=value("id_number"),
                      phone=value("phone"), petitioner_name=value("name"), received_date=date(2025, 6, 1))

    def timed(record: dict, j: int) -> tuple[float, float, list]:
        letter = letter_of(record, j)
        with factory() as session:
            t0 = time.perf_counter()
            decisions = find_repeats(session, letter)
            seconds = time.perf_counter() - t0
        t1 = time.perf_counter()
        compute(record["text"], truth_fields(record))
        return seconds, time.perf_counter() - t1, decisions

    for j, record in enumerate(unrelated[:warmup]):
        timed(record, 10**6 + j)
    times, base, found, kinds = [], [], 0, Counter()
    order = [("planted", i) for i in range(len(planted))] + [("new", i) for i in range(warmup, len(unrelated))]
    random.Random(3).shuffle(order)
    for kind, i in order:
        record = planted[i][1] if kind == "planted" else unrelated[i]
        seconds, features_only, decisions = timed(record, i if kind == "planted" else 10**5 + i)
        times.append(seconds)
        base.append(features_only)
        if kind == "planted":
            linked = {d.earlier_id for d in decisions if d.kind == "repeat"}
            found += plant_at[i] in linked
        kinds[kind] += 1

    def p95(values: list[float]) -> float:
        return 1000 * sorted(values)[int(0.95 * len(values)) - 1]

    return {"probes": dict(kinds), "p50_ms": round(1000 * statistics.median(times), 1),
            "p95_ms": round(p95(times), 1), "max_ms": round(1000 * max(times), 1),
            "features_only_p95_ms": round(p95(base), 1),
            "planted_recall": f"{found}/{len(planted)} = {found / max(1, len(planted)):.3f}"}


def main() -> None:
    import psycopg
    from sqlalchemy.orm import sessionmaker

    from xinfang.models.db import get_engine, upgrade

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--size", type=int, default=1_000_000)
    parser.add_argument("--computed", type=int, default=200_000)
    parser.add_argument("--planted", type=int, default=300)
    parser.add_argument("--unrelated", type=int, default=250, help="new-letter probes (the first --warmup untimed)")
    parser.add_argument("--warmup", type=int, default=50)
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--admin", default="postgresql://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--keep", action="store_true", help="keep the database")
    args = parser.parse_args()
    args.computed = min(args.computed, args.size - args.planted)

    name = f"bench_repeats_{uuid.uuid4().hex[:6]}"
    with psycopg.connect(args.admin, autocommit=True) as admin:
        admin.execute(f"CREATE DATABASE {name}")
    url = f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"
    try:
        upgrade(url)
        compute("预热", {})  # load jieba's dictionary and IDF table before timing
        planted = planted_pairs(args.planted, 900 + args.seed)
        unrelated = _generated(800 + args.seed, args.unrelated)
        t0 = time.perf_counter()
        with psycopg.connect(f"postgresql://postgres@127.0.0.1:5432/{name}") as conn:
            built = build(conn, args, planted)
        build_seconds = time.perf_counter() - t0
        plant_at = built.pop("planted_at")
        engine = get_engine(url)
        stats = probe(sessionmaker(engine), planted, plant_at, unrelated, args.warmup)
        engine.dispose()
        row = {"letters": args.size, "computed": args.computed, "planted": len(planted),
               "build_s": round(build_seconds), **built, **stats}
        print(json.dumps(row, ensure_ascii=False), flush=True)
    finally:
        get_engine(url).dispose()
        if not args.keep:
            with psycopg.connect(args.admin, autocommit=True) as admin:
                admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


if __name__ == "__main__":
    main()
