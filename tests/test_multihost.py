"""A city's deployment, run as it would run: web, two worker hosts, Redis and PostgreSQL on hosts of their own.

Each host is a network namespace on a private bridge (tests/netns.py); the originals live in a folder all
hosts share (the NFS mount of a real deployment; here the same directory). Redis and a PostgreSQL cluster
of the test's own run in their namespaces. A backlog of online petitions is ingested on the web host, and
one worker host is cut off mid-batch (link down, then up again): every letter must reach review exactly
once. Needs root (CI runs as root); XINFANG_MULTIHOST_LETTERS sets the backlog (default 2,000).
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

import pytest

from tests import services
from tests.conftest import ROOT, wait_for
from tests.netns import Network, available
from tests.test_faults import TEXTS
from xinfang.core.config import Settings

pytestmark = [pytest.mark.slow, pytest.mark.multihost]

LETTERS = int(os.environ.get("XINFANG_MULTIHOST_LETTERS", "2000"))
HOSTS = ["redis", "pg", "web", "w1", "w2"]
PG_BIN = sorted(Path("/usr/lib/postgresql").glob("*/bin/postgres"))
CUT_SECONDS = 75  # longer than a letter's lock (30 s) plus a sweep round (5 s here) plus rq's heartbeat


@pytest.fixture
def city(tmp_path, starter_model_dir):  # noqa: ANN001, ANN201
    reason = available() or (None if shutil.which("redis-server") else "redis-server is not installed") or (
        None if PG_BIN else "PostgreSQL server binaries are not installed")
    if reason:
        services.unavailable(reason)
    net = Network(HOSTS)
    pgdir = Path(tempfile.mkdtemp(prefix="xinfang-pg-"))  # outside tmp_path: the postgres user must reach it
    try:
        shutil.chown(pgdir, "postgres", "postgres")
        logs = tmp_path / "logs"
        logs.mkdir()
        net.start("redis", ["redis-server", "--bind", net.address("redis"), "--port", "6379", "--save", "",
                            "--appendonly", "no", "--protected-mode", "no", "--dir", str(tmp_path)], logs / "redis.log")
        initdb = net.run("pg", [str(PG_BIN[-1].parent / "initdb"), "-D", str(pgdir / "data"), "-A", "trust",
                                "-U", "postgres", "--no-sync"], user="postgres")
        assert initdb.returncode == 0, initdb.stderr
        with (pgdir / "data" / "pg_hba.conf").open("a") as hba:  # the other hosts, on the private bridge only
            hba.write("host all all 10.200.0.0/24 trust\n")
        net.start("pg", [str(PG_BIN[-1]), "-D", str(pgdir / "data"), "-c", f"listen_addresses={net.address('pg')}",
                         "-c", f"unix_socket_directories={pgdir}", "-c", "fsync=off", "-c", "max_connections=100"],
                  logs / "pg.log", user="postgres")
        wait_for(lambda: net.run("web", ["pg_isready", "-h", net.address("pg")]).returncode == 0, timeout=60,
                 message="PostgreSQL in its namespace")
        created = net.run("web", ["createdb", "-h", net.address("pg"), "-U", "postgres", "xinfang"])
        assert created.returncode == 0, created.stderr
        data_dir = tmp_path / "shared"  # the originals' shared folder, mounted on every host
        env = {"PATH": os.environ["PATH"], "PYTHONPATH": str(ROOT), "XINFANG_DATA_DIR": str(data_dir),
               "DATABASE_URL": f"postgresql://postgres@{net.address('pg')}:5432/xinfang",
               "REDIS_URL": f"redis://{net.address('redis')}:6379/0", "XINFANG_MAINTENANCE_SECONDS": "5",
               "XINFANG_SECRET_KEY": "multihost test key"}
        shutil.copytree(starter_model_dir, Settings(data_dir, "", "").model_dir)
        yield net, env, logs, tmp_path
    finally:
        net.close()
        shutil.rmtree(pgdir, ignore_errors=True)


def _psql(net: Network, sql: str) -> list[list[str]]:
    run = net.run("web", ["psql", "-h", net.address("pg"), "-U", "postgres", "-d", "xinfang", "-AtF", "\t", "-c", sql])
    assert run.returncode == 0, run.stderr
    return [line.split("\t") for line in run.stdout.splitlines() if line]


def _counts(net: Network) -> dict[str, int]:
    return {status: int(n) for status, n in _psql(net, "SELECT status, count(*) FROM letters GROUP BY status")}


def test_a_worker_host_cut_off_mid_batch_loses_and_repeats_no_letter(city):
    net, env, logs, tmp_path = city
    python = [sys.executable, "-m", "xinfang"]
    init = net.run("web", [*python, "init"], env=env)
    assert init.returncode == 0, init.stderr
    net.start("web", [*python, "web", "--host", net.address("web"), "--port", "8000", "--workers", "1"],
              logs / "web.log", env=env)
    for host in ("w1", "w2"):
        net.start(host, [*python, "worker"], logs / f"{host}.log", env=env)
    wait_for(lambda: all("worker warmed up" in (logs / f"{h}.log").read_text(errors="replace") for h in ("w1", "w2")),
             timeout=600, message="both worker hosts to warm up")

    backlog = tmp_path / "backlog.jsonl"
    backlog.write_text("\n".join(json.dumps({"id": f"C-{n}", "text": f"{TEXTS[n % len(TEXTS)]}（编号{n}）",
                                             "received": "2024-06-01"}, ensure_ascii=False)
                                 for n in range(LETTERS)), encoding="utf-8")
    ingest = net.run("web", [*python, "ingest", str(backlog)], env=env, timeout=600)
    assert ingest.returncode == 0, ingest.stderr
    assert f"{LETTERS} letters" in ingest.stdout

    wait_for(lambda: _counts(net).get("review", 0) >= LETTERS // 5, timeout=900, interval=2,
             message="a fifth of the backlog")
    in_hand = _psql(net, "SELECT count(*) FROM letters WHERE status = 'processing'")[0][0]
    net.cut("w1")
    cut_at = time.monotonic()
    time.sleep(CUT_SECONDS)
    during = _counts(net)
    net.restore("w1")
    wait_for(lambda: sum(_counts(net).get(s, 0) for s in ("received", "queued", "processing")) == 0,
             timeout=1500, interval=3, message="the whole backlog")
    elapsed = time.monotonic() - cut_at

    counts = _counts(net)
    assert counts == {"review": LETTERS}, counts
    # Exactly once: one suggestion, one move to review and one repeat-index entry per letter.
    assert _psql(net, "SELECT count(*), count(DISTINCT letter_id) FROM suggestions")[0] == [str(LETTERS)] * 2
    reviews = _psql(net, "SELECT letter_id, count(*) FROM audit_events WHERE action = 'status' "
                         "AND detail->>'status' = 'review' GROUP BY letter_id HAVING count(*) <> 1")
    assert reviews == [], reviews[:10]
    assert _psql(net, "SELECT count(*), count(DISTINCT letter_id) FROM repeat_signatures")[0] == [str(LETTERS)] * 2
    # Both hosts worked, and the one cut off came back and took letters again.
    w1_log = (logs / "w1.log").read_text(errors="replace")
    assert "letters" in w1_log and "letters" in (logs / "w2.log").read_text(errors="replace")
    assert during.get("review", 0) > LETTERS // 5, "the other worker host stopped while one was cut off"
    healthz = net.run("web", ["curl", "-s", "-o", "/dev/null", "-w", "%{http_code}",
                              f"http://{net.address('web')}:8000/healthz"])
    assert healthz.stdout == "200", healthz
    print(f"\n{LETTERS} letters; {in_hand} in processing at the cut; all in review {elapsed:.0f} s after it; "
          f"requeued: {_psql(net, 'SELECT count(*) FROM audit_events WHERE action = ' + chr(39) + 'requeued' + chr(39))}")
