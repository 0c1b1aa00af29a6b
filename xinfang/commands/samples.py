"""`xinfang samples generate`: make a set of letters with ground truth, optionally with scans."""

from __future__ import annotations

import time
from pathlib import Path

import click

from xinfang.samples.export import scan_entry, scan_plan, text_entry, write_index, write_jsonl
from xinfang.samples.generate import generate_letters


@click.group("samples")
def samples_group() -> None:
    """Sample petition letters with ground truth."""


@samples_group.command("generate")
@click.option("--count", default=100, show_default=True, type=click.IntRange(1, 10_000_000), help="Letters to make.")
@click.option("--seed", default=1, show_default=True, type=int, help="Same seed and count give the same letters.")
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="Folder to write letters.jsonl (and scans with index.json) into.")
@click.option("--scans", is_flag=True, help="Also render every letter as a scan (about 1 s a letter).")
def generate(count: int, seed: int, out_dir: Path, scans: bool) -> None:
    """Generate COUNT letters: letters.jsonl with ground truth; with --scans also images/PDFs and index.json."""
    started = time.perf_counter()
    records = generate_letters(count, seed)
    out_dir.mkdir(parents=True, exist_ok=True)
    write_jsonl(records, out_dir / "letters.jsonl")
    click.echo(f"{len(records)} letters in {time.perf_counter() - started:.1f} s -> {out_dir / 'letters.jsonl'}")
    if not scans:
        return
    entries = []
    with click.progressbar(list(zip(records, scan_plan(count, seed), strict=True)), label="rendering") as bar:
        for record, (kind, quality) in bar:
            if record["form"] == "网上信访":
                entries.append(text_entry(record, out_dir))
            else:
                entries.append(scan_entry(record, kind, quality, out_dir, salt=seed))
    write_index(out_dir, entries, [])
    click.echo(f"{len(entries)} files and index.json in {out_dir} ({time.perf_counter() - started:.0f} s)")
