"""`xinfang web` and `xinfang worker`: the two long-running processes of a deployment."""

from __future__ import annotations

import logging

import click

from xinfang.core.config import load_settings


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--workers", default=2, show_default=True, type=int, help="gunicorn worker processes")
@click.option("--threads", default=4, show_default=True, type=int)
def web(host: str, port: int, workers: int, threads: int) -> None:
    """Serve the web UI and the API with gunicorn."""
    from xinfang.server import serve  # start-up: loaded only when this command runs

    serve(load_settings(), host, port, workers, threads)


@click.command()
@click.option("--burst", is_flag=True, help="Stop when the queue is empty.")
def worker(burst: bool) -> None:
    """Run one rq worker that processes letters."""
    from xinfang.intake.jobs import check_redis  # start-up: loaded only when this command runs
    from xinfang.intake.worker import run_worker  # start-up: loaded only when this command runs
    from xinfang.models.db import check_connection  # start-up: loaded only when this command runs

    settings = load_settings()
    check_connection(settings.database_url)
    check_redis(settings)
    # Our own messages (warm-up, models loaded, letters requeued) next to rq's, in the worker's log.
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(name)s %(levelname)s %(message)s"))
    ours = logging.getLogger("xinfang")
    ours.addHandler(handler)
    ours.setLevel(logging.INFO)
    ours.propagate = False
    run_worker(settings, burst=burst)
