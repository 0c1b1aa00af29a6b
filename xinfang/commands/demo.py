"""`xinfang demo`: everything a newcomer needs to see the desk working, on the embedded defaults.

Creates the database, demo users, a starter classifier trained from the sample generator, starts a
local Redis if none answers, one worker and the web UI, and feeds in a few sample letters.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time

import click
from redis import Redis
from redis.exceptions import ConnectionError as RedisConnectionError
from sqlalchemy import select

from xinfang.commands.starter import ensure_starter_model
from xinfang.core.config import Settings, load_settings
from xinfang.models import Role, User
from xinfang.models.db import session_scope, upgrade

DEMO_USERS = [  # username, role, display name, password (demo only: printed at start)
    ("clerk", Role.clerk, "登记员 小王", "clerk-demo-2026"),
    ("reviewer", Role.reviewer, "审核员 老李", "reviewer-demo-2026"),
    ("supervisor", Role.supervisor, "科长 张主任", "supervisor-demo-2026"),
    ("admin", Role.admin, "管理员", "admin-demo-2026"),
]


def ensure_demo_users(settings: Settings) -> None:
    with session_scope(settings.database_url) as session:
        for username, role, name, password in DEMO_USERS:
            if session.scalar(select(User).where(User.username == username)) is None:
                account = User(username=username, role=role, display_name=name)
                account.set_password(password)
                session.add(account)


def ensure_redis(settings: Settings, processes: list[subprocess.Popen]) -> Settings:
    """Use the configured Redis; on the default URL with nothing listening, start a private one."""
    try:
        Redis.from_url(settings.redis_url).ping()
        return settings
    except RedisConnectionError:
        if os.environ.get("REDIS_URL"):
            raise click.ClickException(f"REDIS_URL is set but Redis does not answer at {settings.redis_url}") from None
    server = shutil.which("redis-server")
    if server is None:
        raise click.ClickException("Redis is not running and redis-server is not installed (apt install redis-server)")
    port = 6390
    redis_dir = settings.data_dir / "redis"
    redis_dir.mkdir(parents=True, exist_ok=True)
    processes.append(subprocess.Popen([server, "--port", str(port), "--bind", "127.0.0.1", "--dir", str(redis_dir),
                                       "--appendonly", "yes", "--save", ""], stdout=subprocess.DEVNULL))
    url = f"redis://127.0.0.1:{port}/0"
    for _ in range(50):
        try:
            Redis.from_url(url).ping()
            break
        except RedisConnectionError:
            time.sleep(0.1)
    click.echo(f"started a local Redis at {url} (data in {redis_dir})")
    os.environ["REDIS_URL"] = url
    return settings.with_(redis_url=url)


def ingest_samples(settings: Settings, count: int) -> int:
    from xinfang.intake.ingest import ingest_path  # start-up: loaded only when this command runs
    from xinfang.intake.jobs import enqueue_letter  # start-up: loaded only when this command runs
    from xinfang.samples import letters_dir, load_index  # start-up: loaded only when this command runs

    queued = 0
    for item in load_index()[:count]:
        path = letters_dir() / (item.get("scan") or item.get("file"))
        with session_scope(settings.database_url) as session:
            result = ingest_path(session, settings, path)
        if result.duplicate_of is None:
            for letter_id in result.letter_ids:
                enqueue_letter(settings, letter_id)
                queued += 1
    return queued


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--letters", "letter_count", default=12, show_default=True, help="Sample letters to ingest.")
@click.option("--no-serve", is_flag=True, help="Set everything up and ingest, then exit (for scripts).")
@click.option("--check", is_flag=True,
              help="Run everything once in a throwaway directory (worker, web, sample letters), fetch the "
                   "review queue over HTTP, stop; exit 0 if it all works.")
@click.option("--timeout", default=900, show_default=True, type=int, help="Seconds the --check may take.")
def demo(host: str, port: int, letter_count: int, no_serve: bool, check: bool, timeout: int) -> None:
    """Set up and run the whole desk on this machine with sample letters."""
    if check:
        from xinfang.commands.demo_check import run_check  # start-up: loaded only when this command runs

        run_check(timeout)
        return
    settings = load_settings()
    processes: list[subprocess.Popen] = []
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    upgrade(settings.database_url)
    ensure_demo_users(settings)
    ensure_starter_model(settings)
    settings = ensure_redis(settings, processes)
    try:
        env = dict(os.environ, XINFANG_DATA_DIR=str(settings.data_dir), REDIS_URL=settings.redis_url)
        if not no_serve:
            processes.append(subprocess.Popen([sys.executable, "-m", "xinfang", "worker"], env=env))
        queued = ingest_samples(settings, letter_count)
        click.echo(f"queued {queued} sample letters")
        if no_serve:
            return
        _print_welcome(host, port, settings)
        from xinfang.server import serve  # start-up: loaded only when this command runs

        serve(settings, host, port, workers=2, threads=4)
    finally:
        for process in processes:
            process.send_signal(signal.SIGTERM)
        for process in processes:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()


def _print_welcome(host: str, port: int, settings: Settings) -> None:
    click.secho(f"\n  xinfang demo is running: http://{host}:{port}/\n", fg="green", bold=True)
    for username, role, _name, password in DEMO_USERS:
        click.echo(f"  {role:<11} login: {username:<11} password: {password}")
    click.echo(f"\n  data: {settings.data_dir}   stop: Ctrl-C\n")



