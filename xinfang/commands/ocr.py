"""`xinfang ocr`: the office's own OCR test set, made of the lines its people corrected."""

from __future__ import annotations

from pathlib import Path

import click

from xinfang.core.config import load_settings
from xinfang.intake.corrections import export_corrected_lines


@click.group("ocr")
def ocr_group() -> None:
    """OCR test sets from corrected letters."""


@ocr_group.command("export-corrections")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), required=True,
              help="Folder to write the line images (.png), their corrected text (.txt) and manifest.jsonl.")
def export_corrections(out: Path) -> None:
    """Write every corrected line with its crop, as an OCR test set.

    Measure the engine policies on it with `python -m bench.bench_ocr_real --set DIR`. The set holds
    petitioners' writing and identity numbers: keep it inside the office.
    """
    count = export_corrected_lines(load_settings(), out)
    click.echo(f"wrote {count} corrected lines to {out}")
