"""The review desk under load: queue page and letter page latency with 100,000 letters in the database.

Synthetic letters are inserted in bulk (web/synthetic.py: 30% waiting for review, 2% urgent, each with a
suggestion, fields with spans and OCR lines). `xinfang web` runs under gunicorn (2 workers x 4 threads,
as deployed) on 127.0.0.1; a thread pool of 20 clients, each logged in as its own reviewer session,
requests the queue page (first page and a deeper page) and letter pages of random letters in review.
The baseline in the same run is /healthz under the same load (no database, no template), so the ratio
shows what the pages cost beyond the server itself. Every letter view writes its audit row ("viewed").

    nice .venv/bin/python bench/bench_web.py --db sqlite postgres --letters 100000
"""

from __future__ import annotations

import argparse
import http.cookiejar
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.synthetic import bulk_letters  # noqa: E402
from xinfang.models import Letter, Status, User  # noqa: E402
from xinfang.models.db import session_scope, upgrade  # noqa: E402

TOKEN = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
PASSWORD = "bench password 1"
DEPARTMENTS = ["人社局", "住建局", "民政局"]


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Client:
    """One reviewer's browser: a cookie jar and a session, loopback only."""

    def __init__(self, base: str, username: str) -> None:
        assert base.startswith("http://127.0.0.1:"), "the bench only talks to the local server"
        self.base = base
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
        html = self.get("/login")[1]
        token = TOKEN.search(html).group(1)
        data = urllib.parse.urlencode({"username": username, "password": PASSWORD, "csrf_token": token}).encode()
        self.opener.open(f"{base}/login", data=data, timeout=30).read()

    def get(self, path: str) -> tuple[float, str]:
        start = time.perf_counter()
        with self.opener.open(f"{self.base}{path}", timeout=60) as response:
            body = response.read().decode("utf-8")
            assert response.status == 200, (path, response.status)
        return time.perf_counter() - start, body


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def prepare(database_url: str, data_dir: Path, letters: int, users: int) -> list[int]:
    upgrade(database_url)
    with session_scope(database_url) as session:
        start = time.perf_counter()
        bulk_letters(session, letters, seed=7)
        print(f"  inserted {letters} letters in {time.perf_counter() - start:.1f}s", flush=True)
        for i in range(users):
            account = User(username=f"rev{i}", role="reviewer", display_name=f"rev{i}")
            account.set_password(PASSWORD)
            session.add(account)
    with session_scope(database_url) as session:
        from sqlalchemy import select

        return list(session.scalars(select(Letter.id).where(Letter.status == Status.review)))


def run_load(clients: list[Client], paths: list[str], concurrency: int) -> list[float]:
    """Closed loop, no think time: 20 clients fire back to back (the server's capacity)."""
    def one(i: int) -> float:
        return clients[i % len(clients)].get(paths[i])[0]

    with ThreadPoolExecutor(concurrency) as pool:
        return list(pool.map(one, range(len(paths))))


def run_reviewers(clients: list[Client], review_ids: list[int], rounds: int, think: float) -> dict[str, list[float]]:
    """20 reviewers at work: each opens the queue, then a letter, pausing `think` seconds (mean) between
    pages, as a person reading does. Latencies per page kind."""
    times: dict[str, list[float]] = {"queue": [], "letter": []}

    def reviewer(index: int) -> None:
        rng = random.Random(index)
        time.sleep(rng.uniform(0, think))  # users do not start in lockstep
        for _ in range(rounds):
            for kind, path in (("queue", "/review"), ("letter", f"/letters/{rng.choice(review_ids)}")):
                times[kind].append(clients[index].get(path)[0])
                time.sleep(rng.uniform(0.5 * think, 1.5 * think))

    with ThreadPoolExecutor(len(clients)) as pool:
        list(pool.map(reviewer, range(len(clients))))
    return times


def summary(times: list[float], wall: float | None = None) -> dict:
    out = {"n": len(times), "p50_ms": 1000 * statistics.median(times), "p95_ms": 1000 * percentile(times, 95)}
    if wall:
        out["rps"] = len(times) / wall
    return out


def bench_one(kind: str, letters: int, requests: int, concurrency: int, rounds: int, think: float) -> dict:
    with ExitStack() as stack:
        data_dir = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="bench-web-")))
        if kind == "postgres":
            from tests.services import postgres_database

            database_url = stack.enter_context(postgres_database())
        else:
            database_url = f"sqlite:///{data_dir / 'xinfang.db'}"
        print(f"{kind}: preparing {letters} letters", flush=True)
        review_ids = prepare(database_url, data_dir, letters, concurrency)
        from sqlalchemy import text

        from xinfang.models.db import get_engine

        with get_engine(database_url).begin() as conn:  # fresh statistics after the bulk insert, as in production
            conn.execute(text("ANALYZE"))
        port = free_port()
        env = dict(os.environ, XINFANG_DATA_DIR=str(data_dir), DATABASE_URL=database_url, PYTHONPATH=str(ROOT),
                   REDIS_URL="redis://127.0.0.1:6379/15")
        log = (data_dir / "web.log").open("wb")
        server = subprocess.Popen([sys.executable, "-m", "xinfang", "web", "--port", str(port), "--workers", "2",
                                   "--threads", "4"], env=env, stdout=log, stderr=subprocess.STDOUT, cwd=ROOT)
        stack.callback(lambda: (server.terminate(), server.wait(20)))
        base = f"http://127.0.0.1:{port}"
        for _ in range(150):
            try:
                urllib.request.urlopen(f"{base}/healthz", timeout=2).read()
                break
            except OSError:
                time.sleep(0.2)
        clients = [Client(base, f"rev{i}") for i in range(concurrency)]
        rng = random.Random(3)
        result = {"kind": kind, "letters": letters,
                  "in_review": len(review_ids)}
        scenarios = {
            "healthz": ["/healthz"] * requests,
            "queue": ["/review" if i % 2 == 0 else f"/review?page={rng.randrange(2, 40)}" for i in range(requests)],
            "queue_filtered": [f"/review?department={urllib.parse.quote(rng.choice(DEPARTMENTS))}"
                               for _ in range(requests // 2)],
            "letter": [f"/letters/{rng.choice(review_ids)}" for _ in range(requests)],
        }
        for name, paths in scenarios.items():
            run_load(clients, paths[: concurrency * 2], concurrency)  # warm caches and connections
            start = time.perf_counter()
            times = run_load(clients, paths, concurrency)
            result[name] = summary(times, time.perf_counter() - start)
            print(f"  closed {name:15s} p50 {result[name]['p50_ms']:7.1f} ms  p95 {result[name]['p95_ms']:7.1f} ms  "
                  f"{result[name]['rps']:6.1f} req/s", flush=True)
        for name, times in run_reviewers(clients, review_ids, rounds, think).items():
            result[f"reviewers_{name}"] = summary(times)
            print(f"  reviewers {name:12s} p50 {result[f'reviewers_{name}']['p50_ms']:7.1f} ms  "
                  f"p95 {result[f'reviewers_{name}']['p95_ms']:7.1f} ms", flush=True)
        return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", nargs="+", default=["sqlite", "postgres"], choices=["sqlite", "postgres"])
    parser.add_argument("--letters", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=400)
    parser.add_argument("--concurrency", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=10, help="queue+letter pairs per simulated reviewer")
    parser.add_argument("--think", type=float, default=1.0, help="mean pause between a reviewer's pages (s)")
    args = parser.parse_args()
    results = [bench_one(kind, args.letters, args.requests, args.concurrency, args.rounds, args.think)
               for kind in args.db]
    print("\n| database | letters | page | p50 ms | p95 ms | req/s | p95 / healthz p95 (closed loop) |")
    print("|---|---|---|---|---|---|---|")
    for r in results:
        for name in ("healthz", "queue", "queue_filtered", "letter", "reviewers_queue", "reviewers_letter"):
            x = r[name]
            rps = f"{x['rps']:.1f}" if "rps" in x else "—"
            print(f"| {r['kind']} | {r['letters']} | {name} | {x['p50_ms']:.1f} | {x['p95_ms']:.1f} | {rps} | "
                  f"{x['p95_ms'] / r['healthz']['p95_ms']:.1f}x |")


if __name__ == "__main__":
    main()
