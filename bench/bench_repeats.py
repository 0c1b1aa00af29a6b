"""Repeat-filing index at scale (SQLite or PostgreSQL): query latency and the recall of planted repeats.

    nice .venv/bin/python -m bench.bench_repeats --size 1000000 --computed 200000
    nice .venv/bin/python -m bench.bench_repeats --size 1000000 --computed 200000 --db postgresql

Letters come from `samples.generate` (every style it writes: handwritten, online, 联名, anonymous, OCR-noisy)
in chunks with different seeds; their features are computed from the text with the matcher's own code
(`features.compute`, `--processes` processes; cached in `bench/out/` by seed, count and the matcher's source,
so a rebuild does not recompute them). `--computed` letters are indexed from their own features at random
positions over the whole id range; the other letters are copies of computed rows that keep the copied
letter's LSH bands and unit keys (so popular bands grow long: a band shared by a template sentence reaches
thousands of letters, which is what the band-size cap of the look-up is for), with fresh identity keys (a
copy is another person). Planted repeats: `--planted` generated (original, repeat) pairs of one person and
one matter, from a separate seed; the originals are indexed at evenly spaced positions across the range,
the repeats are the probes (`find_repeats`, the whole call a worker makes: features + SQL + scoring).
Recall = probes whose repeat link points at their planted original; a miss is split (untimed, after the
timed run) into *not retrieved* (the original is not among the index's candidates), *retrieved, not kept*
(a candidate the MinHash shortlist dropped) and *scored below threshold* (compared, not linked). Unrelated
probes (new letters) are timed too. Baseline in the same run: the cost of `features.compute` alone.

`--keep PATH` keeps the database (SQLite file or PostgreSQL database name); `--reuse PATH` probes a kept one
without building (the index layout does not depend on the look-up, so look-up changes can be re-measured).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import multiprocessing
import os
import pickle
import random
import sqlite3
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
from xinfang.matching.text import to_bytes  # noqa: E402

OUT = ROOT / "bench" / "out"
CHUNK = 20_000
GENERATE = 2000  # letters per generator call (one seed each)
STAMP = "2026-12-01 00:00:00"


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


def _generated_rows(seed: int) -> list[tuple]:
    return [_features(r) for r in _generated(seed, GENERATE)]


_NOT_FEATURES = {"store.py", "service.py", "score.py", "stage.py", "pair_models.json"}


def _source_hash() -> str:
    """The source of the features and of the generator: computed rows are reused only while it is unchanged
    (the look-up and the scoring, which do not change a row, are left out)."""
    digest = hashlib.sha256()
    for folder in ("matching", "samples", "core"):
        for path in sorted((ROOT / folder).rglob("*")):
            if path.is_file() and path.suffix in (".py", ".json", ".txt") and path.name not in _NOT_FEATURES:
                digest.update(path.read_bytes())
    return digest.hexdigest()[:10]


def computed_rows(count: int, seed: int, processes: int) -> tuple[list[tuple], float]:
    """`count` computed rows (cached), and letters/s when they were computed now (0 when read back)."""
    chunks = -(-count // GENERATE)
    source = _source_hash()
    cache = OUT / f"repeats_rows_{seed}_{chunks * GENERATE}_{source}.pkl"
    for kept in sorted(OUT.glob(f"repeats_rows_{seed}_*_{source}.pkl")):
        if int(kept.name.split("_")[3]) >= count:  # the same seeds, in the same order: a longer run serves
            with kept.open("rb") as f:
                return pickle.load(f)[:count], 0.0
    t0 = time.perf_counter()
    rows: list[tuple] = []
    with multiprocessing.Pool(processes) as pool:
        for part in pool.imap(_generated_rows, range(seed * 1000, seed * 1000 + chunks)):
            rows.extend(part)
            print(f"  computed {len(rows)}/{chunks * GENERATE} ({len(rows) / (time.perf_counter() - t0):.0f}/s)",
                  file=sys.stderr, flush=True)
    rate = len(rows) / (time.perf_counter() - t0)
    OUT.mkdir(parents=True, exist_ok=True)
    with cache.open("wb") as f:
        pickle.dump(rows, f, protocol=pickle.HIGHEST_PROTOCOL)
    return rows[:count], rate


def received(position: int, size: int) -> date:
    return date(2015, 1, 1) + timedelta(days=position * 3650 // size)


class Writer:
    """Letters and signatures in id order; keys and bands gathered, sorted, and written at the end."""

    def __init__(self) -> None:
        self.letters: list[tuple] = []
        self.signatures: list[tuple] = []
        self.keys: list[np.ndarray] = []
        self.bands: list[np.ndarray] = []

    def add(self, letter_id: int, size: int, row: tuple, keys: list, bands: list, text: str) -> None:
        sig, identity, entities, _, _, _, id_number = row
        day = received(letter_id, size)
        self.letters.append((letter_id, day.isoformat(), text, "review", id_number, 0, "来信", 0, STAMP, STAMP, False,
                             False))
        self.signatures.append((letter_id, sig, identity, entities, None, day.isoformat(), STAMP))
        if keys:
            self.keys.append(np.array([(k, letter_id, p) for k, p in keys], dtype=np.int64))
        if bands:
            self.bands.append(np.array([(b, letter_id) for b in bands], dtype=np.int64))
        if len(self.letters) >= CHUNK:
            self.flush()

    def flush(self) -> None:
        self.write_letters(self.letters, self.signatures)
        self.letters, self.signatures = [], []

    def finish(self) -> None:
        self.flush()
        keys = np.concatenate(self.keys)
        keys = keys[np.lexsort((keys[:, 2], keys[:, 1], keys[:, 0]))]
        bands = np.concatenate(self.bands)
        bands = bands[np.lexsort((bands[:, 1], bands[:, 0]))]
        self.keys, self.bands = [], []
        self.write_index(keys, bands)

    def write_letters(self, letters: list[tuple], signatures: list[tuple]) -> None:
        raise NotImplementedError

    def write_index(self, keys: np.ndarray, bands: np.ndarray) -> None:
        raise NotImplementedError


class SqliteWriter(Writer):
    """Plain executemany in key order (B-tree appends), as one transaction per chunk."""

    def __init__(self, path: str) -> None:
        super().__init__()
        self.conn = sqlite3.connect(path)
        self.conn.execute("PRAGMA journal_mode=WAL")
        self.conn.execute("PRAGMA synchronous=OFF")
        self.conn.execute("PRAGMA cache_size=-1000000")

    def write_letters(self, letters: list[tuple], signatures: list[tuple]) -> None:
        with self.conn:
            self.conn.executemany(
                "INSERT INTO letters (id, received_date, text, status, id_number, page_count, form, attempts, "
                "created_at, updated_at, urgent, transcribed_by_hand) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)", letters)
            self.conn.executemany(
                "INSERT INTO repeat_signatures (letter_id, minhash, identity, entities, matter_group_id, "
                "received_date, indexed_at) VALUES (?,?,?,?,?,?,?)", signatures)

    def write_index(self, keys: np.ndarray, bands: np.ndarray) -> None:
        for sql, rows in (("INSERT INTO repeat_keys (key, letter_id, person) VALUES (?,?,?)", keys),
                          ("INSERT INTO repeat_bands (band, letter_id) VALUES (?,?)", bands)):
            for start in range(0, len(rows), 1_000_000):
                with self.conn:
                    self.conn.executemany(sql, rows[start:start + 1_000_000].tolist())
        self.conn.execute("ANALYZE")
        self.conn.commit()
        self.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        self.conn.close()


class PgWriter(Writer):
    """COPY rows, with the key/band primary keys dropped during the load."""

    def __init__(self, conn) -> None:  # noqa: ANN001
        super().__init__()
        self.conn = conn
        with conn.cursor() as cur:
            cur.execute("SELECT pg_backend_pid()")
            os.setpriority(os.PRIO_PROCESS, cur.fetchone()[0], os.getpriority(os.PRIO_PROCESS, 0))  # the load is niced too
            cur.execute("SET max_parallel_maintenance_workers = 0")
            cur.execute("ALTER TABLE repeat_bands DROP CONSTRAINT pk_repeat_bands")
            cur.execute("ALTER TABLE repeat_keys DROP CONSTRAINT pk_repeat_keys")
        conn.commit()

    def _copy(self, sql: str, rows: object) -> None:
        with self.conn.cursor() as cur, cur.copy(sql) as copy:
            for row in rows:  # type: ignore[attr-defined]
                copy.write_row(row)

    def write_letters(self, letters: list[tuple], signatures: list[tuple]) -> None:
        self._copy("COPY letters (id, received_date, text, status, id_number, page_count, form, attempts, created_at, "
                   "updated_at, urgent, transcribed_by_hand) FROM STDIN", letters)
        self._copy("COPY repeat_signatures (letter_id, minhash, identity, entities, matter_group_id, received_date, "
                   "indexed_at) FROM STDIN", signatures)
        self.conn.commit()

    def _copy_ints(self, sql: str, rows: np.ndarray) -> None:
        """Integer rows as COPY text in large blocks (a Python call per row would take most of the build)."""
        with self.conn.cursor() as cur, cur.copy(sql) as copy:
            for start in range(0, len(rows), 500_000):
                block = rows[start:start + 500_000].tolist()
                copy.write("".join("\t".join(map(str, row)) + "\n" for row in block))
        self.conn.commit()

    def write_index(self, keys: np.ndarray, bands: np.ndarray) -> None:
        self._copy_ints("COPY repeat_keys (key, letter_id, person) FROM STDIN", keys)
        self._copy_ints("COPY repeat_bands (band, letter_id) FROM STDIN", bands)
        with self.conn.cursor() as cur:
            cur.execute("ALTER TABLE repeat_bands ADD CONSTRAINT pk_repeat_bands PRIMARY KEY (band, letter_id)")
            cur.execute("ALTER TABLE repeat_keys ADD CONSTRAINT pk_repeat_keys PRIMARY KEY (key, letter_id, person)")
            cur.execute("SELECT setval('letters_id_seq', (SELECT max(id) FROM letters))")
        self.conn.commit()
        self.conn.autocommit = True
        self.conn.execute("VACUUM ANALYZE")  # as a maintained database would be (visibility map for index-only scans)
        self.conn.close()


def build(writer: Writer, args: argparse.Namespace, planted: list[tuple[dict, dict]]) -> dict:
    """Index `args.size` letters in id order: computed rows, planted originals and copies, at mixed positions."""
    rng = random.Random(args.seed)
    size = args.size
    plant_at = {round((i + 0.5) * size / len(planted)): i for i in range(len(planted))} if planted else {}
    free = [i for i in range(1, size + 1) if i not in plant_at]
    rng.shuffle(free)
    computed_ids = free[:args.computed]  # computed row n goes to computed_ids[n]: random positions
    t0 = time.perf_counter()
    rows, rate = computed_rows(args.computed, args.seed, args.processes)
    feature_seconds = time.perf_counter() - t0
    at_position = {letter_id: n for n, letter_id in enumerate(computed_ids)}
    pool_units = [[kp for kp in row[3] if kp[1] == UNIT] for row in rows]
    key_rng = np.random.default_rng(args.seed)
    t1 = time.perf_counter()
    for letter_id in range(1, size + 1):
        if letter_id in plant_at:
            row = _features(planted[plant_at[letter_id]][0])
            writer.add(letter_id, size, row, row[3], row[4], row[5])
        elif letter_id in at_position:
            row = rows[at_position[letter_id]]
            writer.add(letter_id, size, row, row[3], row[4], row[5])
        else:
            pick = int(key_rng.integers(0, len(rows)))
            sig, identity, entities, _, bands, _, _ = rows[pick]
            fresh = [(int(k), 0) for k in key_rng.integers(-2**63, 2**63 - 1, size=3)]  # id, phone, name: a new person
            writer.add(letter_id, size, (sig, identity, entities, None, None, None, None), fresh + pool_units[pick],
                       bands, "（副本）")
        if letter_id % 100_000 == 0:
            print(f"  written {letter_id}/{size}", file=sys.stderr, flush=True)
    writer.finish()
    return {"computed_letters_per_s": round(rate) if rate else "cached",
            "features_s": round(feature_seconds), "load_s": round(time.perf_counter() - t1),
            "planted_at": sorted(plant_at)}


def band_stats(session, cap: int) -> dict:  # noqa: ANN001
    from sqlalchemy import text

    sizes = [n for (n,) in session.execute(text("SELECT count(*) FROM repeat_bands GROUP BY band"))]
    return {"bands": len(sizes), "bands_longer_than_cap": sum(n > cap for n in sizes), "longest_band": max(sizes),
            "band_rows_in_long_bands": round(sum(n for n in sizes if n > cap) / sum(sizes), 3)}


def planted_pairs(count: int, seed: int) -> list[tuple[dict, dict]]:
    """(original, repeat) pairs of one person and one matter, from generated letters of another seed."""
    pairs: list[tuple[dict, dict]] = []
    batch_seed = seed
    while len(pairs) < count:
        records = _generated(batch_seed, 3000)
        by_id = {r["id"]: r for r in records}
        used: set[str] = set()  # one repeat per original: an original planted twice would be two right answers
        for r in records:
            first = by_id.get(r["repeat_of"] or "")
            if (first is not None and first["id"] not in used and (r.get("petitioner") or {}).get("id_number")
                    and len(pairs) < count):
                pairs.append((first, r))
                used.add(first["id"])
        batch_seed += 1
    return pairs


def _letter_of(record: dict, j: int):  # noqa: ANN202
    from xinfang.models import Letter

    fields = truth_fields(record)
    value = lambda key: (fields.get(key) or {}).get("value")  # noqa: E731
    return Letter(id=-(j + 1), text=record["text"], fields=fields, id_number=value("id_number"),
                  phone=value("phone"), petitioner_name=value("name"), received_date=date(2025, 6, 1))


def probe(factory, planted: list[tuple[dict, dict]], plant_at: list[int], unrelated: list[dict],  # noqa: ANN001
          warmup: int) -> tuple[dict, list[int]]:
    from xinfang.matching.service import find_repeats

    def timed(record: dict, j: int) -> tuple[float, float, float, list]:
        letter = _letter_of(record, j)
        with factory() as session:
            t0, c0 = time.perf_counter(), time.process_time()
            decisions = find_repeats(session, letter)
            seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
        t1 = time.perf_counter()
        compute(record["text"], truth_fields(record))
        return seconds, cpu, time.perf_counter() - t1, decisions

    for j, record in enumerate(unrelated[:warmup]):
        timed(record, 10**6 + j)
    times, cpus, base, missed, kinds = [], [], [], [], Counter()
    order = [("planted", i) for i in range(len(planted))] + [("new", i) for i in range(warmup, len(unrelated))]
    random.Random(3).shuffle(order)
    for kind, i in order:
        record = planted[i][1] if kind == "planted" else unrelated[i]
        seconds, cpu, features_only, decisions = timed(record, i if kind == "planted" else 10**5 + i)
        times.append(seconds)
        cpus.append(cpu)
        base.append(features_only)
        if kind == "planted" and plant_at[i] not in {d.earlier_id for d in decisions if d.kind == "repeat"}:
            missed.append(i)
        kinds[kind] += 1

    def pct(values: list[float], q: float) -> float:
        return round(1000 * sorted(values)[max(0, int(q * len(values)) - 1)], 1)

    found = len(planted) - len(missed)
    return {"probes": dict(kinds), "p50_ms": round(1000 * statistics.median(times), 1), "p95_ms": pct(times, 0.95),
            "p99_ms": pct(times, 0.99), "max_ms": round(1000 * max(times), 1), "features_only_p95_ms": pct(base, 0.95),
            # this process's CPU time (SQLite runs in it; PostgreSQL's share is the server's): load-independent
            "cpu_p50_ms": round(1000 * statistics.median(cpus), 1), "cpu_p95_ms": pct(cpus, 0.95),
            "planted_recall": f"{found}/{len(planted)} = {found / max(1, len(planted)):.3f}"}, missed


def retrieval(factory, planted: list[tuple[dict, dict]], plant_at: list[int], missed: list[int]) -> dict:  # noqa: ANN001
    """Untimed, every planted repeat: how its original was found (identity key, text bands), and why each
    missed one was missed: not retrieved, retrieved but not kept, or scored below the threshold."""
    from xinfang.matching.service import features_of, find_repeats, retrieve

    kinds: Counter[str] = Counter()
    ways: Counter[str] = Counter()
    examples: dict[str, list] = {}
    for i in range(len(planted)):
        letter, original = _letter_of(planted[i][1], i), plant_at[i]
        feats = features_of(letter)
        with factory() as session:
            found, kept = retrieve(session, feats, letter.id)
            decisions = find_repeats(session, letter, feats) if i in missed else []
        ways["by_identity_key"] += original in found.strong
        ways["by_bands"] += original in found.text
        ways["by_bands_and_kept"] += original in found.text and original in kept
        if i not in missed:
            continue
        if original not in found.strong | found.weak | set(found.text):
            kind = "not_retrieved"
        elif original not in kept:
            kind = "retrieved_not_kept"
        elif decisions and decisions[0].kind == "repeat":
            kind = "linked_to_another_letter"
        else:
            kind = "scored_below_threshold"
        kinds[kind] += 1
        examples.setdefault(kind, []).append(i)
    return {"originals_found": dict(ways), "missed": len(missed), **dict(kinds),
            "examples": {k: v[:8] for k, v in examples.items()}}


def main() -> None:
    from sqlalchemy.orm import sessionmaker

    from xinfang.matching.store import BAND_CAP
    from xinfang.models.db import get_engine, upgrade

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--size", type=int, default=1_000_000)
    parser.add_argument("--computed", type=int, default=200_000)
    parser.add_argument("--planted", type=int, default=300)
    parser.add_argument("--unrelated", type=int, default=250, help="new-letter probes (the first --warmup untimed)")
    parser.add_argument("--warmup", type=int, default=50)
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--db", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--admin", default="postgresql://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--keep", metavar="PATH", help="keep the database: a SQLite file or a PostgreSQL db name")
    parser.add_argument("--reuse", metavar="PATH", help="probe a kept database (same --size/--planted/--seed)")
    parser.add_argument("--build-only", action="store_true")
    args = parser.parse_args()
    args.computed = min(args.computed, args.size - args.planted)

    import psycopg

    target = args.reuse or args.keep or (str(OUT / f"bench_repeats_{uuid.uuid4().hex[:6]}.db") if args.db == "sqlite"
                                         else f"bench_repeats_{uuid.uuid4().hex[:6]}")
    url = (f"sqlite:///{target}" if args.db == "sqlite" else f"postgresql+psycopg://postgres@127.0.0.1:5432/{target}")
    compute("预热", {})  # load jieba's dictionary and IDF table before timing
    planted = planted_pairs(args.planted, 900 + args.seed)
    unrelated = _generated(800 + args.seed, args.unrelated)
    try:
        built: dict = {}
        if not args.reuse:
            if args.db == "postgresql":
                with psycopg.connect(args.admin, autocommit=True) as admin:
                    admin.execute(f"CREATE DATABASE {target}")
            else:
                OUT.mkdir(parents=True, exist_ok=True)
            upgrade(url)
            t0 = time.perf_counter()
            writer: Writer = (SqliteWriter(target) if args.db == "sqlite" else
                              PgWriter(psycopg.connect(f"postgresql://postgres@127.0.0.1:5432/{target}")))
            built = build(writer, args, planted)
            built["build_s"] = round(time.perf_counter() - t0)
        size = args.size
        plant_at = built.pop("planted_at", None) or [round((i + 0.5) * size / len(planted))
                                                     for i in range(len(planted))]
        engine = get_engine(url)
        factory = sessionmaker(engine)
        with factory() as session:
            built.update(band_stats(session, BAND_CAP))
        if args.build_only:
            print(json.dumps(built, ensure_ascii=False), flush=True)
            return
        load = os.getloadavg()
        stats, missed = probe(factory, planted, plant_at, unrelated, args.warmup)
        load = [round(max(a, b), 1) for a, b in zip(load, os.getloadavg(), strict=True)]
        row = {"db": args.db, "letters": args.size, "computed": args.computed, "planted": len(planted), **built,
               **stats, "load_average": load, "retrieval": retrieval(factory, planted, plant_at, missed)}
        engine.dispose()
        print(json.dumps(row, ensure_ascii=False), flush=True)
    finally:
        get_engine(url).dispose()
        if not (args.keep or args.reuse):
            if args.db == "postgresql":
                with psycopg.connect(args.admin, autocommit=True) as admin:
                    admin.execute(f"DROP DATABASE IF EXISTS {target} WITH (FORCE)")
            else:
                for suffix in ("", "-wal", "-shm"):
                    Path(target + suffix).unlink(missing_ok=True)


if __name__ == "__main__":
    main()
