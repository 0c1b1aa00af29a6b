"""Letters per hour through the real queue: `xinfang ingest --wait` with two warm `xinfang worker`s.

What an office with a backlog does: two workers run (as deployed, warmed up), a JSON-lines file of online
petitions (or a folder of scans) goes through `xinfang ingest FILE --wait`, and the clock runs from the
command's start until every letter is in review. The baseline in the same run is the same stages in one
process without the queue (ingest, then `process_letter` for each letter, warmed the same way).
Both are timed in wall seconds and in CPU seconds (the workers' parents and their reaped work horses; the
baseline's own process): the CPU figures vary far less on a machine shared with other work.

    python -m bench.bench_throughput text --count 10000 --db sqlite postgres   # generated petitions
    python -m bench.bench_throughput text --real --db sqlite                    # teddy2020c replies.csv
    python -m bench.bench_throughput scans --count 200 --rounds 2               # scans, OCR alone as baseline
    python -m bench.bench_throughput text --before /work/main --count 100       # the code of another checkout

`scans` also measures the desk: the first view of each scanned letter's page (images made at intake),
against making it on request as before. Every run prints memory per worker (parent and horse, RSS and
PSS, from /proc/<pid>/smaps_rollup) and, for text, a profile of the in-process run (top functions).
"""

from __future__ import annotations

import argparse
import cProfile
import csv
import io
import json
import os
import pstats
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from multiprocessing import Pool
from pathlib import Path

from xinfang.core.config import Settings

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data"
REDIS = os.environ.get("XINFANG_BENCH_REDIS", "redis://127.0.0.1:6379/15")
PG_ADMIN = os.environ.get("XINFANG_BENCH_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
WORKERS = 2


# ---------------------------------------------------------------- inputs

def generated_jsonl(out: Path, count: int, seed: int = 11) -> Path:
    from xinfang.samples.export import write_jsonl
    from xinfang.samples.generate import generate_letters

    path = out / f"generated-{count}.jsonl"
    write_jsonl(generate_letters(count, seed), path)
    return path


def teddy_jsonl(out: Path, limit: int | None = None) -> Path:
    source = DATA / "teddy2020c" / "replies.csv"
    if not source.exists():
        raise SystemExit(f"missing {source}: the shared data folder must sit next to the checkout")
    path = out / "teddy-replies.jsonl"
    with source.open(encoding="utf-8-sig", newline="") as handle, path.open("w", encoding="utf-8") as dst:
        for number, row in enumerate(csv.DictReader(handle)):
            if limit is not None and number >= limit:
                break
            day = row["time"].split()[0].replace("/", "-")
            y, m, d = (int(part) for part in day.split("-"))
            dst.write(json.dumps({"id": f"T{row['id']}", "title": row["title"], "text": row["text"],
                                  "received": f"{y:04d}-{m:02d}-{d:02d}"}, ensure_ascii=False) + "\n")
    return path


def count_lines(path: Path) -> int:
    return sum(1 for line in path.open(encoding="utf-8") if line.strip())


# ---------------------------------------------------------------- one office (data dir + database)

@contextmanager
def office(base: Path, db: str, model: Path) -> Iterator[dict[str, str]]:
    """A fresh data directory and database with the starter model; yields the environment of its processes."""
    data_dir = base / f"office-{uuid.uuid4().hex[:6]}"
    data_dir.mkdir()
    shutil.copytree(model, Settings(data_dir, "", "").model_dir)
    shutil.copytree(model, data_dir / "classifiers" / "current", dirs_exist_ok=True)  # where --before code looks
    env = {**os.environ, "XINFANG_DATA_DIR": str(data_dir), "REDIS_URL": REDIS,
           "XINFANG_QUEUE": f"bench-{uuid.uuid4().hex[:8]}", "PYTHONPATH": str(ROOT),
           "XINFANG_MAINTENANCE_SECONDS": "60"}
    if db == "sqlite":
        env["DATABASE_URL"] = f"sqlite:///{data_dir / 'xinfang.db'}"
        yield env
        return
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    admin = create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
    name = f"xinfang_bench_{uuid.uuid4().hex[:8]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    env["DATABASE_URL"] = make_url(PG_ADMIN).set(database=name).render_as_string(hide_password=False)
    try:
        yield env
    finally:
        from xinfang.models.db import get_engine

        get_engine(env["DATABASE_URL"]).dispose()
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def settings_of(env: dict[str, str]) -> Settings:
    return Settings(data_dir=Path(env["XINFANG_DATA_DIR"]), database_url=_sa_url(env["DATABASE_URL"]),
                    redis_url=env["REDIS_URL"], queue_name=env["XINFANG_QUEUE"])


def _sa_url(url: str) -> str:
    return "postgresql+psycopg://" + url[len("postgresql://"):] if url.startswith("postgresql://") else url


def statuses(env: dict[str, str]) -> dict[str, int]:
    from sqlalchemy import func, select

    from xinfang.models import Letter
    from xinfang.models.db import session_scope

    with session_scope(_sa_url(env["DATABASE_URL"])) as session:
        return {str(k): v for k, v in session.execute(select(Letter.status, func.count()).group_by(Letter.status))}


# ---------------------------------------------------------------- processes: CPU and memory

def _stat_cpu(pid: int) -> float:
    """utime + stime + reaped children's (the work horses) of a process, in seconds."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return sum(int(v) for v in fields[11:15]) / os.sysconf("SC_CLK_TCK")


def _children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            found += [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            continue
    return found


def _rollup(pid: int) -> tuple[int, int]:
    """(RSS, PSS) in MB."""
    values = {}
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()[1:]:
        key, _, rest = line.partition(":")
        values[key] = int(rest.split()[0])
    return values.get("Rss", 0) // 1024, values.get("Pss", 0) // 1024


def _rss(pid: int) -> int:
    """Resident MB from /proc/<pid>/status: cheap, unlike smaps_rollup."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) // 1024
    return 0


class MemorySampler(threading.Thread):
    """Largest RSS/PSS seen for worker parents and their horses.

    RSS every 0.5 s; PSS (smaps_rollup, which walks the page tables: tens of ms for a horse of a gigabyte,
    and it holds the horse's memory map meanwhile) only every 5 s, so the sampling does not slow the run
    it measures.
    """

    RSS_EVERY, PSS_EVERY = 0.5, 5.0

    def __init__(self, pids: list[int]) -> None:
        super().__init__(daemon=True)
        self.pids, self.stop_event = pids, threading.Event()
        self.parent, self.horse = [0, 0], [0, 0]

    def run(self) -> None:
        last_pss = 0.0
        while not self.stop_event.wait(self.RSS_EVERY):
            pss_now = time.monotonic() - last_pss >= self.PSS_EVERY
            if pss_now:
                last_pss = time.monotonic()
            for pid in self.pids:
                try:
                    self._sample(pid, "parent", pss_now)
                    for child in _children(pid):
                        self._sample(child, "horse", pss_now)
                except (OSError, ValueError):
                    continue

    def _sample(self, pid: int, kind: str, pss_now: bool) -> None:
        seen = getattr(self, kind)
        rss, pss = _rollup(pid) if pss_now else (_rss(pid), 0)
        seen[0], seen[1] = max(seen[0], rss), max(seen[1], pss)


class Workers:
    """`xinfang worker` processes as deployed, started and warmed before the clock runs."""

    def __init__(self, env: dict[str, str], count: int, cwd: Path = ROOT) -> None:
        self.log = Path(env["XINFANG_DATA_DIR"]) / "workers.log"
        handle = self.log.open("ab")
        self.processes = [subprocess.Popen([sys.executable, "-m", "xinfang", "worker"], env=env, cwd=cwd,
                                           stdout=handle, stderr=subprocess.STDOUT) for _ in range(count)]
        self.env = env

    def wait_warm(self, timeout: float = 600) -> float:
        """Seconds until every worker listens and, where the checkout has it, has warmed up."""
        started = time.monotonic()
        marker = ("worker warmed up" if (Path(self.env["PYTHONPATH"]) / "intake" / "warm.py").exists()
                  else "Listening on")
        while self.log.read_text(errors="replace").count(marker) < len(self.processes):
            if any(p.poll() is not None for p in self.processes):
                raise SystemExit(f"a worker stopped: {self.log.read_text()[-2000:]}")
            if time.monotonic() - started > timeout:
                raise SystemExit("workers did not start")
            time.sleep(0.5)
        return time.monotonic() - started

    def cpu(self) -> float:
        return sum(_stat_cpu(p.pid) for p in self.processes)

    def stop(self) -> None:
        for process in self.processes:
            process.terminate()
        for process in self.processes:
            process.wait(timeout=120)


def through_queue(env: dict[str, str], path: Path, cwd: Path = ROOT) -> dict:
    workers = Workers(env, WORKERS, cwd)
    try:
        warm = workers.wait_warm()
        cpu0 = workers.cpu()
        sampler = MemorySampler([p.pid for p in workers.processes])
        sampler.start()
        started, children0 = time.perf_counter(), resource.getrusage(resource.RUSAGE_CHILDREN)
        run = subprocess.run([sys.executable, "-m", "xinfang", "ingest", str(path), "--wait"], env=env, cwd=cwd,
                             capture_output=True, text=True, timeout=7200)
        wall = time.perf_counter() - started
        children = resource.getrusage(resource.RUSAGE_CHILDREN)
        sampler.stop_event.set()
        ingest_cpu = (children.ru_utime - children0.ru_utime) + (children.ru_stime - children0.ru_stime)
        cpu = workers.cpu() - cpu0 + ingest_cpu  # the workers (and their horses) and the ingest command
    finally:
        workers.stop()
    if run.returncode != 0:
        raise SystemExit(f"ingest failed: {run.stderr[-2000:]}")
    return {"wall": wall, "cpu": cpu, "warm_up": warm, "memory": {"parent": sampler.parent, "horse": sampler.horse}}


def in_process(env: dict[str, str], path: Path, profile: int = 0) -> dict:
    """The same stages, one process, no queue: ingest, then process every letter in turn."""
    from xinfang.intake.ingest import ingest_path
    from xinfang.intake.pipeline import process_letter
    from xinfang.intake.warm import warm_up
    from xinfang.models.db import session_scope, upgrade

    settings = settings_of(env)
    upgrade(settings.database_url)
    warm_up(settings)  # as the queue's workers are, before the clock runs
    cpu0, started = time.process_time(), time.perf_counter()
    files = sorted(p for p in path.rglob("*") if p.is_file() and p.suffix != ".json") if path.is_dir() else [path]
    ids: list[int] = []
    for file in files:
        with session_scope(settings.database_url) as session:
            ids += ingest_path(session, settings, file).letter_ids
    profiler = cProfile.Profile() if profile else None
    for number, letter_id in enumerate(ids):
        if profiler and number == 0:
            profiler.enable()
        process_letter(settings, letter_id)
        if profiler and number + 1 == profile:
            profiler.disable()
    result = {"wall": time.perf_counter() - started, "cpu": time.process_time() - cpu0}
    if profiler:
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(r"xinfang|sqlalchemy/orm/session", 18)
        result["profile"] = out.getvalue()
    return result


# ---------------------------------------------------------------- commands

def run_text(args: argparse.Namespace, base: Path, model: Path) -> None:
    path = teddy_jsonl(base, args.limit) if args.real else generated_jsonl(base, args.count)
    letters = count_lines(path)
    label = (f"teddy2020c replies.csv (real{', first ' + str(args.limit) if args.limit else ''})" if args.real
             else "generated, seed 11")
    print(f"\n## text letters: {label}, {letters} letters, {WORKERS} workers\n")
    print("| database | queue letters/s (wall) | in-process letters/s | ratio wall | ratio CPU | queue 10k letters | "
          "warm-up s |")
    print("|---|---|---|---|---|---|---|")
    profile = ""
    for db in args.db:
        with office(base, db, model) as env:
            if args.before:
                env["PYTHONPATH"] = str(Path(args.before).resolve())
            queue = through_queue(env, path, Path(args.before) if args.before else ROOT)
            counts = statuses(env)
            assert sum(counts.values()) == letters and counts.get("review", 0) + counts.get("failed", 0) == letters, counts
        if args.before:
            print(f"| {db} (code of {args.before}) | {letters / queue['wall']:.2f} | | | | "
                  f"{10000 / (letters / queue['wall']) / 60:.0f} min | {queue['warm_up']:.0f} |")
            print(f"\nCPU per letter: queue {queue['cpu'] / letters * 1000:.0f} ms")
            continue
        with office(base, db, model) as env:
            base_run = in_process(env, path, profile=min(letters, 1000) if db == args.db[0] else 0)
            profile = profile or base_run.get("profile", "")
        q_rate, b_rate = letters / queue["wall"], letters / base_run["wall"]
        print(f"| {db} | {q_rate:.1f} | {b_rate:.1f} | {q_rate / b_rate:.2f} | "
              f"{base_run['cpu'] / queue['cpu']:.2f} | {10000 / q_rate / 60:.1f} min | {queue['warm_up']:.0f} |")
        print(f"\nCPU per letter: queue {queue['cpu'] / letters * 1000:.0f} ms, in-process "
              f"{base_run['cpu'] / letters * 1000:.0f} ms; 10,000 letters on {WORKERS} idle cores: "
              f"{10000 * queue['cpu'] / letters / WORKERS / 60:.1f} min")
        print(f"\nmemory per worker (MB, max during the run): parent RSS {queue['memory']['parent'][0]} / "
              f"PSS {queue['memory']['parent'][1]}; horse RSS {queue['memory']['horse'][0]} / "
              f"PSS {queue['memory']['horse'][1]}; {counts}\n")
    if profile:
        print("\nprofile of the in-process run (cumulative, first 1000 letters):\n```\n" + profile.strip() + "\n```")


def _ocr_file(path: str) -> tuple[int, float]:
    from xinfang.core.config import load_settings
    from xinfang.intake.filetypes import sniff
    from xinfang.intake.pages import PageLimits, iter_pages
    from xinfang.intake.stages import ocr_engine, read_page

    engine = ocr_engine(load_settings())
    media = sniff(Path(path).read_bytes()[:4096])
    started = time.perf_counter()
    pages = [read_page(page, engine) for page in iter_pages(Path(path), media, PageLimits())]
    return len(pages), time.perf_counter() - started


def _ocr_warm(tuned: bool) -> None:
    from xinfang.core.config import load_settings
    from xinfang.intake.malloc_tuning import keep_freed_memory
    from xinfang.intake.stages import ocr_engine

    if tuned:  # the malloc tuning the workers apply, so the baseline is the engine at its best
        keep_freed_memory()
    ocr_engine(load_settings())


def ocr_alone(files: list[Path], tuned: bool) -> tuple[int, float, float]:
    """(pages, wall s, CPU s) of OCR alone on as many processes as workers, engines built beforehand."""
    with Pool(WORKERS, initializer=_ocr_warm, initargs=(tuned,)) as pool:
        pool.map(_noop, range(WORKERS))
        pids = [p.pid for p in pool._pool]  # noqa: SLF001 - the pool's own processes, to read their CPU
        cpu0 = sum(_stat_cpu(pid) for pid in pids)
        started = time.perf_counter()
        done = pool.map(_ocr_file, [str(f) for f in files], chunksize=1)
        wall = time.perf_counter() - started
        cpu = sum(_stat_cpu(pid) for pid in pids) - cpu0
    return sum(n for n, _ in done), wall, cpu


def _noop(_: int) -> None:
    return None


def run_scans(args: argparse.Namespace, base: Path, model: Path) -> None:
    out = base / "scans"
    subprocess.run([sys.executable, "-m", "xinfang", "samples", "generate", "--count", str(args.count), "--seed",
                    "5", "--out", str(out), "--scans"], check=True, env={**os.environ, "PYTHONPATH": str(ROOT)},
                   capture_output=True)
    index = json.loads((out / "index.json").read_text(encoding="utf-8"))
    scans = [out / entry["scan"] for entry in index if entry.get("scan")]
    folder = base / "scan-files"
    folder.mkdir()
    for scan in scans:
        shutil.copy(scan, folder / scan.name)
    print(f"\n## scans: {len(scans)} generated scanned letters (`samples generate --scans`, seed 5), "
          f"{WORKERS} workers\n")
    if args.before:  # the queue of another checkout's code on the same scans: its letters per hour
        with office(base, args.db[0], model) as env:
            env["PYTHONPATH"] = str(Path(args.before).resolve())
            queue = through_queue(env, folder, Path(args.before))
            counts = statuses(env)
        print(f"| code of {args.before} | {len(scans)} letters | queue {queue['wall']:.0f} s wall, "
              f"{3600 * len(scans) / queue['wall']:.0f} letters/hour | CPU {queue['cpu']:.0f} s | {counts} |")
        return
    files = sorted(folder.iterdir())
    # The machine's speed drifts by a tenth or more over minutes (shared host): the baseline and the queue
    # alternate, round after round, and each round's ratio compares neighbours in time.
    print("| round | pages | OCR alone s/page (wall, 2 processes; glibc malloc as it comes) | OCR alone, malloc "
          "tuned as the workers | queue s/page (wall, end to end) | queue / OCR alone (tuned) | queue / OCR alone "
          "(as it comes) | CPU s/page: OCR as it comes / tuned / queue |")
    print("|---|---|---|---|---|---|---|---|")
    ratios: list[tuple[float, float]] = []
    for number in range(1, args.rounds + 1):
        pages, plain_wall, plain_cpu = ocr_alone(files, tuned=False)
        _, ocr_wall, ocr_cpu = ocr_alone(files, tuned=True)
        with office(base, args.db[0], model) as env:
            queue = through_queue(env, folder)
            counts = statuses(env)
            if number == 1:
                opened = page_views(env)
        ratios.append((queue["wall"] / ocr_wall, queue["wall"] / plain_wall))
        print(f"| {number} | {pages} | {plain_wall / pages:.2f} | {ocr_wall / pages:.2f} | {queue['wall'] / pages:.2f} "
              f"| {ratios[-1][0]:.2f} | {ratios[-1][1]:.2f} | {plain_cpu / pages:.2f} / {ocr_cpu / pages:.2f} / "
              f"{queue['cpu'] / pages:.2f} |", flush=True)
    if len(ratios) > 1:
        print(f"\nmedian over {len(ratios)} rounds: queue / OCR alone (tuned) "
              f"{statistics.median(r[0] for r in ratios):.2f}, (as it comes) {statistics.median(r[1] for r in ratios):.2f}")
    print(f"\nletters per hour through the queue (last round): {3600 * len(scans) / queue['wall']:.0f} "
          f"({3600 * pages / queue['wall']:.0f} pages/hour); queue CPU counts workers, horses and ingest")
    print(f"\nletters: {counts}; memory per worker (MB): parent RSS {queue['memory']['parent'][0]} / PSS "
          f"{queue['memory']['parent'][1]}; horse RSS {queue['memory']['horse'][0]} / PSS {queue['memory']['horse'][1]}")
    print(f"\nopening a scanned letter's first page, first view ({opened['n']} letters): p95 {opened['intake']:.0f} ms "
          f"with images made at intake; made on request as a JPEG: p95 {opened['on_request']:.0f} ms; the viewer "
          f"before (decode + optimised PNG on request, without the web request): p95 {opened['png']:.0f} ms")


def page_views(env: dict[str, str]) -> dict:
    """p95 of the first view of page 0 of every scanned letter, then again with the images removed."""
    from sqlalchemy import select

    from xinfang.models import Letter, Status, User
    from xinfang.models.db import session_scope
    from xinfang.web import create_app

    settings = settings_of(env)
    with session_scope(settings.database_url) as session:
        user = User(username="bench", role="supervisor", display_name="bench")
        user.set_password("bench password 1")
        session.add(user)
        ids = list(session.scalars(select(Letter.id).where(Letter.status == Status.review,
                                                           Letter.ocr_engine != "text")))
    app = create_app(settings, {"WTF_CSRF_ENABLED": False, "TESTING": True})
    client = app.test_client()
    assert client.post("/login", data={"username": "bench", "password": "bench password 1"}).status_code == 302

    def p95() -> float:
        times = []
        for letter_id in ids:
            started = time.perf_counter()
            response = client.get(f"/letters/{letter_id}/pages/0.png")
            times.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, response.status_code
        return statistics.quantiles(times, n=20)[-1] if len(times) > 1 else times[0]

    intake = p95()
    shutil.rmtree(settings.derived_dir)
    on_request = p95()
    return {"intake": intake, "on_request": on_request, "png": _old_png_p95(settings, ids), "n": len(ids)}


def _old_png_p95(settings, ids: list[int]) -> float:  # noqa: ANN001
    """The viewer as it was: decode the original on request and encode an optimised PNG."""
    from PIL import Image

    from xinfang.intake.page_images import VIEW_WIDTH, _decode
    from xinfang.models import Letter
    from xinfang.models.db import session_scope

    times = []
    with session_scope(settings.database_url) as session:
        for letter_id in ids:
            letter = session.get(Letter, letter_id)
            started = time.perf_counter()
            image = _decode(settings, letter.file, (letter.page_numbers or [0])[0])
            if image.width > VIEW_WIDTH:
                image = image.resize((VIEW_WIDTH, round(image.height * VIEW_WIDTH / image.width)), Image.LANCZOS)
            image.convert("L").save(io.BytesIO(), format="PNG", optimize=True)
            times.append((time.perf_counter() - started) * 1000)
    return statistics.quantiles(times, n=20)[-1] if len(times) > 1 else times[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("what", choices=["text", "scans"])
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--real", action="store_true", help="teddy2020c replies.csv instead of generated letters")
    parser.add_argument("--limit", type=int, default=None, help="with --real: only the first N messages")
    parser.add_argument("--db", nargs="+", default=["sqlite"], choices=["sqlite", "postgres"])
    parser.add_argument("--before", default=None, help="run the workers and ingest from this checkout instead")
    parser.add_argument("--rounds", type=int, default=1, help="scans: OCR alone and the queue, alternated")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    from xinfang.classifier.training import train_from_records
    from xinfang.samples.generate import generate_letters

    with tempfile.TemporaryDirectory(prefix="bench-throughput-") as tmp:
        base = Path(tmp)
        model = base / "model" / "current"
        train_from_records(generate_letters(800, 7), model)
        print(f"machine: {os.cpu_count()} cores, load {os.getloadavg()[0]:.1f}; {time.strftime('%Y-%m-%d %H:%M')}")
        (run_text if args.what == "text" else run_scans)(args, base, model)


if __name__ == "__main__":
    main()
