"""`xinfang ingest`, `export`, `requeue`, `reindex`: feeding letters in and getting records out."""

from __future__ import annotations

import csv
import json
import sys
import time
from datetime import date
from pathlib import Path

import click
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from xinfang.core.config import Settings, load_settings
from xinfang.core.errors import BadInputError, NoWorkerError
from xinfang.core.spreadsheet import safe_cell
from xinfang.models import Letter, Status
from xinfang.models.db import session_scope, upgrade

SKIP_NAMES = {".DS_Store", "Thumbs.db", "index.json"}
WAITING = (Status.received, Status.queued, Status.processing)
WORKER_CHECK_SECONDS = 30


def _files(paths: tuple[Path, ...]) -> list[Path]:
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found.extend(p for p in sorted(path.rglob("*"))
                         if p.is_file() and p.name not in SKIP_NAMES and not p.name.startswith(".")
                         and not p.name.endswith(".truth.json"))
        else:
            found.append(path)
    return found


@click.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--wait", is_flag=True, help="Show a progress bar until every letter is processed.")
@click.option("--workers", "own_workers", type=click.IntRange(0, 64), default=0,
              help="Start N workers for this run and stop them when it is done (implies --wait).")
@click.option("--received", type=click.DateTime(["%Y-%m-%d"]), default=None, help="Date received (default today).")
@click.option("--form", default=None, help="信访形式 for these files (default 来信, or 网上信访 for text).")
def ingest(paths: tuple[Path, ...], wait: bool, own_workers: int, received: object, form: str | None) -> None:
    """Register files or folders of letters and queue them. Safe to run again: stored files are skipped."""
    from xinfang.intake.jobs import check_redis, live_workers  # start-up: loaded only when this command runs

    settings = load_settings()
    upgrade(settings.database_url)
    check_redis(settings)
    if own_workers:
        from xinfang.commands.local_workers import (  # start-up: loaded only when this command runs
            local_workers,  # rq is imported only when used: CLI start-up
        )

        with local_workers(settings, own_workers) as processes:
            letter_ids = _ingest(settings, paths, received, form, own_workers)
            if letter_ids:
                _wait(settings, letter_ids, processes)
        return
    workers = live_workers(settings)
    if wait and workers == 0:
        raise NoWorkerError("no worker is running: start `xinfang worker` (or add --workers N to process the "
                            "letters here). Nothing was ingested.")
    letter_ids = _ingest(settings, paths, received, form, workers)
    if wait and letter_ids:
        _wait(settings, letter_ids)


def _ingest(settings: Settings, paths: tuple[Path, ...], received: object, form: str | None,
            workers: int) -> list[int]:
    """Store each file, queueing its letters as it goes: scans a few to a job, fewer as the run ends
    (`scan_batch_size`), so the workers start at once and finish together."""
    from xinfang.intake.ingest import ingest_path  # start-up: loaded only when this command runs
    from xinfang.intake.jobs import (  # start-up: loaded only when this command runs
        enqueue_letters,
        scan_batch_size,
    )

    received_date = received.date() if received else date.today()  # type: ignore[attr-defined]
    files = _files(paths)
    letter_ids: list[int] = []
    new = duplicates = refused = 0
    waiting: list[int] = []  # stored, to be queued: scans leave a file at a time and share a job a few at once
    for done, path in enumerate(files):
        try:
            with session_scope(settings.database_url) as session:
                result = ingest_path(session, settings, path, received=received_date, form=form)
                # A run stopped between storing a file and queueing it left letters in `received`: a rerun
                # finds the file stored (duplicate) and queues those letters now, so nothing waits forever.
                waiting += _unqueued(session, result.file_id)
        except BadInputError as exc:  # not a letter's file type, too large: the rest of the folder goes on
            click.secho(f"refused {path}: {exc.message}", fg="yellow", err=True)
            refused += 1
            continue
        letter_ids.extend(result.letter_ids)
        if result.duplicate_of is not None:
            duplicates += 1
        else:
            new += 1
        batch = scan_batch_size(len(files) - done - 1 + len(waiting), workers)
        if len(waiting) >= batch:
            enqueue_letters(settings, waiting, batch)
            waiting = []
    enqueue_letters(settings, waiting, 1)
    click.echo(f"{len(files)} files: {new} new, {duplicates} already stored, {refused} refused; "
               f"{len(letter_ids)} letters")
    return letter_ids


def _unqueued(session: Session, file_id: int) -> list[int]:
    return list(session.scalars(select(Letter.id).where(Letter.file_id == file_id,
                                                        Letter.status == Status.received)))


def _wait(settings: Settings, letter_ids: list[int], own: list | None = None) -> None:
    """Poll the database until no letter of this run is waiting; split batches add letters as they go.

    Says so, instead of waiting silently, when no worker is left to do the work.
    """
    from xinfang.intake.jobs import live_workers  # start-up: loaded only when this command runs

    checked = time.monotonic()
    with Progress(TextColumn("[bold]processing"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                  TextColumn("{task.fields[failed]} failed"), transient=False,
                  refresh_per_second=2) as progress:  # the workers need the cores more than the bar
        task = progress.add_task("letters", total=len(letter_ids), failed=0)
        file_ids: set[int] = set()
        with session_scope(settings.database_url) as session:
            file_ids = set(session.scalars(select(Letter.file_id).where(Letter.id.in_(letter_ids))))
        while True:
            with session_scope(settings.database_url) as session:
                counts = dict(session.execute(select(Letter.status, func.count()).where(
                    Letter.file_id.in_(file_ids)).group_by(Letter.status)).all())
            total = sum(counts.values())
            pending = sum(counts.get(s, 0) for s in WAITING)
            progress.update(task, total=total, completed=total - pending, failed=counts.get(Status.failed, 0))
            if pending == 0:
                break
            if own is not None and all(process.poll() is not None for process in own):
                raise NoWorkerError("the workers started for this run stopped; see var/logs/ingest-workers.log. "
                                    "The letters left are queued: run `xinfang worker`.")
            if own is None and time.monotonic() - checked > WORKER_CHECK_SECONDS:
                checked = time.monotonic()
                if live_workers(settings) == 0:
                    progress.console.print("[yellow]no worker is running: start `xinfang worker`; "
                                           "the letters wait in the queue")
            time.sleep(1)
    with session_scope(settings.database_url) as session:
        failed = session.execute(select(Letter.id, Letter.failure_stage, Letter.failure_reason).where(
            Letter.file_id.in_(file_ids), Letter.status == Status.failed)).all()
    for row in failed:
        click.secho(f"letter {row.id} failed in {row.failure_stage}: {row.failure_reason}", fg="yellow")


@click.command()
@click.option("--format", "fmt", type=click.Choice(["jsonl", "csv"]), default="jsonl", show_default=True)
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=None, help="File (default stdout).")
@click.option("--status", default=None, help="Only letters with this status.")
def export(fmt: str, out: Path | None, status: str | None) -> None:
    """Write one record per letter (stable field names; see README)."""
    from xinfang.web.records import (  # start-up: the web package is loaded only when this command runs
        EXPORT_FIELDS,
        letter_record,
    )

    settings = load_settings()
    stream = out.open("w", encoding="utf-8", newline="") if out else sys.stdout
    try:
        writer = csv.DictWriter(stream, fieldnames=EXPORT_FIELDS, extrasaction="ignore") if fmt == "csv" else None
        if writer:
            writer.writeheader()
        with session_scope(settings.database_url) as session:
            query = select(Letter).order_by(Letter.id).execution_options(yield_per=500)
            if status:
                query = query.where(Letter.status == status)
            for letter in session.scalars(query):
                item = letter_record(letter)
                if writer:
                    writer.writerow({k: safe_cell(json.dumps(v, ensure_ascii=False) if isinstance(v, dict | list)
                                                  else v) for k, v in item.items()})
                else:
                    stream.write(json.dumps(item, ensure_ascii=False) + "\n")
    finally:
        if out:
            stream.close()


@click.command()
@click.option("--failed", is_flag=True, help="Also retry letters that failed.")
def requeue(failed: bool) -> None:
    """Queue again every letter that waits without a live job (e.g. after Redis lost its data)."""
    from xinfang.intake.recovery import requeue_stranded  # start-up: loaded only when this command runs

    ids = requeue_stranded(load_settings(), include_failed=failed)
    click.echo(f"requeued {len(ids)} letters")


@click.command()
def reindex() -> None:
    """Rebuild the repeat-filing index from every processed letter."""
    from xinfang.intake.stages import (  # start-up: loaded only when this command runs
        office_gazetteer,
        office_lexicon,
    )
    from xinfang.matching.service import reindex as rebuild  # start-up: loaded only when this command runs

    settings = load_settings()
    with session_scope(settings.database_url) as session:
        count = rebuild(session, places=office_gazetteer(settings), lexicon=office_lexicon(settings))
    click.echo(f"indexed {count} letters")
