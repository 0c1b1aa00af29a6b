"""Repeat-filing index at scale: query latency at 10k / 100k / 1M indexed letters, build speed, memory.

Synthetic letters (no real data): filler words drawn by frequency from jieba's dictionary, with a
person (valid 身份证号, phone, name, village of 清河县), and a matter (village, unit, amount, year,
demand). Probes are 50% rewritten letters of an indexed person (reworded, reordered, words dropped)
and 50% new letters. The index is built in PostgreSQL (the deployment several workers share) with COPY,
using the same feature code as `index_letter`; the latency is the whole `find_repeats` call a worker
makes (features + SQL + scoring). Baseline in the same run: a brute-force in-memory numpy scan of all
signatures (not shareable between workers, shown for scale).

    nice .venv/bin/python bench/bench_repeats.py --sizes 10000 100000 1000000
"""

from __future__ import annotations

import argparse
import bisect
import json
import multiprocessing
import pickle
import random
import statistics
import sys
import time
import uuid
from datetime import date, timedelta
from itertools import accumulate
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from xinfang.core.idcard import make  # noqa: E402
from xinfang.matching.features import compute  # noqa: E402
from xinfang.matching.text import to_bytes  # noqa: E402

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
GIVEN = ["建国", "国强", "志刚", "永红", "海涛", "卫东", "德胜", "富贵", "秀英", "桂兰", "玉梅", "春花", "淑珍", "凤霞", "丽娟", "伟", "勇", "军", "强", "芳", "娟"]
SUFFIX = ["化工厂", "建筑公司", "养殖场", "物业公司", "小学", "砖厂", "合作社", "卫生院"]
DEMANDS = ["请求有关部门尽快解决{u}的问题并赔偿损失{a}元", "要求{u}退还多收的{a}元", "希望政府责令{u}整改",
           "恳请领导督促{u}补发拖欠的{a}元"]


class Synth:
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        words, freqs = [], []
        for line in (Path(__import__("jieba").__file__).parent / "dict.txt").open(encoding="utf-8"):
            word, freq, *_ = line.split()
            if all("\u4e00" <= ch <= "\u9fff" for ch in word) and int(freq) > 50:
                words.append(word)
                freqs.append(int(freq))
        self.words, self.cum = words, list(accumulate(freqs))
        places = json.loads((ROOT / "samples" / "places.json").read_text(encoding="utf-8"))
        self.villages = [(t["name"], v) for t in places["townships"] for v in t["villages"]]

    def word(self) -> str:
        return self.words[bisect.bisect(self.cum, self.rng.random() * self.cum[-1])]

    def person(self, i: int) -> dict:
        rng = self.rng
        town, village = rng.choice(self.villages)
        return {"name": rng.choice(SURNAMES) + rng.choice(GIVEN),
                "id_number": make("371523", date(1940, 1, 1) + timedelta(days=rng.randrange(25000)), i % 1000),
                "phone": f"1{rng.choice('3589')}{rng.randrange(10**9):09d}", "address": f"清河县{town}{village}",
                "township": town}

    def matter(self) -> dict:
        rng = self.rng
        town, village = rng.choice(self.villages)
        unit = self.word() + self.word()[:2] + rng.choice(SUFFIX)
        amount = str(rng.randrange(1000, 200000))
        sentences = ["".join(self.word() for _ in range(rng.randrange(6, 14))) for _ in range(rng.randrange(6, 12))]
        sentences.insert(1, f"{town}{village}的{unit}从{rng.randrange(2015, 2025)}年起{self.word()}{self.word()}")
        sentences.append(rng.choice(DEMANDS).format(u=unit, a=amount))
        return {"sentences": sentences}

    def text(self, person: dict, matter: dict, rewrite: bool = False) -> str:
        rng = self.rng
        sentences = list(matter["sentences"])
        if rewrite:
            head, tail = sentences[:2], sentences[2:]
            rng.shuffle(tail)
            sentences = ["我再次反映"] + head + [s for s in tail if rng.random() > 0.25]
            sentences = ["".join(ch for ch in s if rng.random() > 0.08) for s in sentences]
        return (f"尊敬的领导：我叫{person['name']}，身份证号{person['id_number']}，电话{person['phone']}，"
                f"住{person['address']}。" + "。".join(sentences) + "。此致敬礼")


def fields_of(person: dict) -> dict:
    return {k: {"value": person[k], "confidence": 0.9} for k in ("name", "id_number", "phone", "address", "township")}


def letter_row(synth: Synth, i: int, people: list[dict], matters: list[dict]) -> tuple[str, dict]:
    rng = synth.rng
    if people and rng.random() < 0.3:
        person = rng.choice(people)  # an earlier person writes again (new matter or the same)
    else:
        person = synth.person(i)
        people.append(person)
    matter = rng.choice(matters) if matters and rng.random() < 0.2 else synth.matter()
    matters.append(matter)
    return synth.text(person, matter, rewrite=rng.random() < 0.5), person


def _features(item: tuple[str, dict]):  # noqa: ANN202
    text, person = item
    return compute(text, fields_of(person))


def copy_rows(cur, sql: str, rows: list[tuple]) -> None:
    with cur.copy(sql) as copy:
        for row in rows:
            copy.write_row(row)


def _copy_all(cur, letters, signatures, keys, bands) -> None:
    copy_rows(cur, "COPY letters (id, received_date, text, status, id_number, page_count, form, attempts, "
              "created_at, updated_at, urgent) FROM STDIN",
              [(*row, 0, "来信", 0, "2026-11-23", "2026-11-23", False) for row in letters])
    copy_rows(cur, "COPY repeat_signatures (letter_id, minhash, identity, entities, matter_group_id, received_date, "
              "indexed_at) FROM STDIN", [(*row, "2026-11-23") for row in signatures])
    copy_rows(cur, "COPY repeat_keys (key, letter_id, person) FROM STDIN", keys)
    copy_rows(cur, "COPY repeat_bands (band, letter_id) FROM STDIN", bands)


def _received(i: int) -> date:
    return date(2015, 1, 1) + timedelta(days=i * 3650 // 1_000_000)


def build(conn, pool, synth: Synth, start: int, stop: int, people: list, matters: list, sigs: list,
          pool_rows: list) -> float:
    """Index letters [start, stop) with COPY (features computed by `pool`); returns the seconds spent."""
    t0 = time.perf_counter()
    chunk = 5000
    with conn.cursor() as cur:
        for lo in range(start, stop, chunk):
            letters, signatures, keys, bands = [], [], [], []
            items = [letter_row(synth, i, people, matters) for i in range(lo, min(stop, lo + chunk))]
            for i, (text, person), feats in zip(range(lo, stop), items, pool.map(_features, items, chunksize=100),
                                                strict=False):
                letter_id = i + 1
                letters.append((letter_id, _received(i), text, "review", person["id_number"]))
                row = (to_bytes(feats.sig), json.dumps(feats.identity.to_json(), ensure_ascii=False),
                       json.dumps(feats.entities.to_json(), ensure_ascii=False))
                signatures.append((letter_id, *row, i % 50000, _received(i)))
                keys.extend({(k, letter_id, p) for k, p, _ in feats.keys})
                bands.extend((b, letter_id) for b in set(feats.bands))
                sigs.append(feats.sig)
                pool_rows.append((text, person["id_number"], row, len({k for k, _, _ in feats.keys}),
                                  len(set(feats.bands))))
            _copy_all(cur, letters, signatures, keys, bands)
            conn.commit()
            print(f"  indexed {min(stop, lo + chunk)}", file=sys.stderr, flush=True)
        cur.execute("SELECT setval('letters_id_seq', %s)", (stop,))
        cur.execute("ANALYZE")
    conn.commit()
    return time.perf_counter() - t0


def fill(conn, start: int, stop: int, pool_rows: list, sigs: list, seed: int) -> float:
    """Filler letters [start, stop): copies of computed rows (text, signature, identity, entities) with fresh
    random identity and band keys, bulk-loaded with the key/band primary keys dropped and rebuilt after
    (how a 1M-letter `reindex` would load). Lookups read at most LIMIT rows per key and band, so what
    matters for latency is the depth of the indexes and the table sizes, which these rows give."""
    rng = np.random.default_rng(seed)
    t0 = time.perf_counter()
    chunk = 20000
    with conn.cursor() as cur:
        cur.execute("ALTER TABLE repeat_bands DROP CONSTRAINT pk_repeat_bands")
        cur.execute("ALTER TABLE repeat_keys DROP CONSTRAINT pk_repeat_keys")
        conn.commit()
        for lo in range(start, stop, chunk):
            letters, signatures, keys, bands = [], [], [], []
            picks = rng.integers(0, len(pool_rows), size=min(stop, lo + chunk) - lo)
            for i, pick in zip(range(lo, stop), picks, strict=False):
                text, id_number, row, n_keys, n_bands = pool_rows[pick]
                letter_id = i + 1
                letters.append((letter_id, _received(i), text, "review", id_number))
                signatures.append((letter_id, *row, i % 50000, _received(i)))
                keys.extend((int(k), letter_id, 0) for k in rng.integers(-2**63, 2**63 - 1, size=n_keys))
                bands.extend((int(b), letter_id) for b in rng.integers(-2**63, 2**63 - 1, size=n_bands))
                sigs.append(sigs[pick])
            _copy_all(cur, letters, signatures, keys, bands)
            conn.commit()
            print(f"  filled {min(stop, lo + chunk)}", file=sys.stderr, flush=True)
        cur.execute("ALTER TABLE repeat_bands ADD CONSTRAINT pk_repeat_bands PRIMARY KEY (band, letter_id)")
        cur.execute("ALTER TABLE repeat_keys ADD CONSTRAINT pk_repeat_keys PRIMARY KEY (key, letter_id, person)")
        cur.execute("SELECT setval('letters_id_seq', %s)", (stop,))
        cur.execute("ANALYZE")
    conn.commit()
    return time.perf_counter() - t0


def sizes(conn) -> dict[str, int]:
    with conn.cursor() as cur:
        out = {}
        for table in ("repeat_signatures", "repeat_keys", "repeat_bands"):
            cur.execute("SELECT pg_total_relation_size(%s)", (table,))
            out[table] = cur.fetchone()[0]
    return out


def probe(session_factory, synth: Synth, people: list, matters: list, n: int, sigs: np.ndarray,
          compare: bool = False) -> dict:
    """Time `find_repeats` on n probe letters. With `compare`, also the previous query path (three round
    trips: keys and bands, signatures, records) on the same letters, alternating which path goes first."""
    from xinfang.matching import service
    from xinfang.models import Letter

    letters, expected_ids = [], []
    for j in range(n):
        repeat = j % 2 == 0
        if repeat:
            k = synth.rng.randrange(len(matters))
            # the k-th indexed letter's person is not kept per letter; rewrite its matter as a new person
            person = synth.rng.choice(people)
            matter = matters[k]
        else:
            person, matter = synth.person(10**6 + j), synth.matter()
        text = synth.text(person, matter, rewrite=True)
        letters.append((Letter(id=-(j + 1), text=text, fields=fields_of(person), id_number=person["id_number"],
                               phone=person["phone"], petitioner_name=person["name"],
                               received_date=date(2026, 1, 1)), person))
        if repeat:
            expected_ids.append(j)

    def timed(letter: Letter, one_trip: bool) -> tuple[float, bool]:
        service.ONE_TRIP = one_trip
        try:
            with session_factory() as session:
                t0 = time.perf_counter()
                decisions = service.find_repeats(session, letter)
                return time.perf_counter() - t0, bool(decisions)
        finally:
            service.ONE_TRIP = True

    times, old_times, base_times, found = [], [], [], 0
    for j, (letter, person) in enumerate(letters):
        order = (True, False) if j % 2 == 0 else (False, True)
        for one_trip in order if compare else (True,):
            seconds, linked = timed(letter, one_trip)
            (times if one_trip else old_times).append(seconds)
            if one_trip and j % 2 == 0:
                found += linked
        if sigs is not None:
            t0 = time.perf_counter()
            feats = compute(letter.text, fields_of(person))
            _ = np.count_nonzero(sigs == feats.sig, axis=1).argmax()
            base_times.append(time.perf_counter() - t0)

    def p95(values: list[float]) -> float:
        values = sorted(values)
        return 1000 * values[int(0.95 * len(values)) - 1]

    out = {"p50_ms": 1000 * statistics.median(times), "p95_ms": p95(times), "max_ms": 1000 * max(times),
           "same_matter_probes_linked": f"{found}/{len(expected_ids)}"}
    if old_times:
        out.update(before_p50_ms=1000 * statistics.median(old_times), before_p95_ms=p95(old_times))
    if base_times:
        out["bruteforce_p95_ms"] = p95(base_times)
    return out


OUT = ROOT / "bench" / "out"


def reprobe(args: argparse.Namespace) -> None:
    """Probe a kept database again (after a change to the query side), migrating it first."""
    from sqlalchemy import text
    from sqlalchemy.orm import sessionmaker

    from xinfang.models.db import get_engine, upgrade

    url = f"postgresql+psycopg://postgres@127.0.0.1:5432/{args.reuse}"
    state = pickle.loads((OUT / f"{args.reuse}.pkl").read_bytes())
    upgrade(url)
    compute("预热", {})
    engine = get_engine(url)
    with engine.connect() as conn:
        size = conn.execute(text("SELECT count(*) FROM repeat_signatures")).scalar_one()
    factory = sessionmaker(engine)
    synth = Synth(int(time.time()))
    try:
        if args.warmup:
            probe(factory, synth, state["people"], state["matters"], args.warmup, None)
        stats = probe(factory, synth, state["people"], state["matters"], args.probes, None, compare=True)
    finally:
        engine.dispose()
    print(json.dumps({"letters": size, "reused": args.reuse, **{k: round(v, 1) if isinstance(v, float) else v
                                                                for k, v in stats.items()}}, ensure_ascii=False))


def main() -> None:
    import psycopg
    from sqlalchemy.orm import sessionmaker

    from xinfang.models.db import get_engine, upgrade

    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--probes", type=int, default=200)
    parser.add_argument("--warmup", type=int, default=50, help="probes run first and not timed (a warm index)")
    parser.add_argument("--baseline-max", type=int, default=100_000,
                        help="largest size with the brute-force baseline (it scans every signature in memory)")
    parser.add_argument("--admin", default="postgresql://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--processes", type=int, default=2, help="processes computing features for the build")
    parser.add_argument("--computed", type=int, default=50_000,
                        help="letters with features computed from text; the rest are filler copies")
    parser.add_argument("--keep", action="store_true",
                        help="keep the database (and the probe state in bench/out/) for --reuse")
    parser.add_argument("--reuse", help="probe a database kept by --keep again (no build)")
    args = parser.parse_args()
    if args.reuse:
        reprobe(args)
        return

    name = f"bench_repeats_{uuid.uuid4().hex[:6]}"
    with psycopg.connect(args.admin, autocommit=True) as admin:
        admin.execute(f"CREATE DATABASE {name}")
    url = f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"
    results = []
    try:
        upgrade(url)
        compute("预热", {})  # load jieba's IDF table before timing
        factory = sessionmaker(get_engine(url))
        synth = Synth(7)
        people: list[dict] = []
        matters: list[dict] = []
        sigs: list[np.ndarray] = []
        done = 0
        with psycopg.connect(f"postgresql://postgres@127.0.0.1:5432/{name}") as conn, \
                multiprocessing.Pool(args.processes) as pool:
            pool_rows: list = []
            for size in args.sizes:
                real_stop = min(size, max(done, args.computed))
                seconds = build(conn, pool, synth, done, real_stop, people, matters, sigs, pool_rows)
                real_rate = (real_stop - done) / seconds if real_stop > done else None
                fill_rate = None
                if size > real_stop:
                    fill_seconds = fill(conn, real_stop, size, pool_rows, sigs, size)
                    fill_rate = (size - real_stop) / fill_seconds
                rate = {"computed_letters_per_s": round(real_rate) if real_rate else None,
                        "bulk_filler_letters_per_s": round(fill_rate) if fill_rate else None}
                done = size
                stored = sizes(conn)
                matrix = np.vstack(sigs) if size <= args.baseline_max else None
                print(f"  probing {size}", file=sys.stderr, flush=True)
                if args.warmup:
                    probe(factory, synth, people, matters, args.warmup, None)
                stats = probe(factory, synth, people, matters, args.probes, matrix, compare=True)
                row = {"letters": size, "computed": min(size, args.computed), **rate, **{k: round(v, 1) if isinstance(v, float) else v
                                                                             for k, v in stats.items()},
                       "bytes_per_letter": {k: round(v / size) for k, v in stored.items()},
                       "bytes_per_letter_total": round(sum(stored.values()) / size)}
                results.append(row)
                print(f"  probed {size}", file=sys.stderr, flush=True)
                print(json.dumps(row, ensure_ascii=False), flush=True)
                del matrix
        if args.keep:
            OUT.mkdir(exist_ok=True)
            (OUT / f"{name}.pkl").write_bytes(pickle.dumps({"people": people, "matters": matters}))
            print(f"kept database {name}", file=sys.stderr)
    finally:
        get_engine(url).dispose()
        if not args.keep:
            with psycopg.connect(args.admin, autocommit=True) as admin:
                admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    print(json.dumps(results, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
