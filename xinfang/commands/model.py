"""`xinfang train`, `xinfang evaluate` and `xinfang model ...` (list, promote, rollback, retrain)."""

from __future__ import annotations

import json
import time
from pathlib import Path

import click

from xinfang.core.errors import BadInputError, ModelError

HEAD_NAMES = {"category": "category", "一级": "category", "内容分类": "category", "label": "category",
              "subcategory": "subcategory", "二级": "subcategory", "purpose": "purpose", "信访目的": "purpose",
              "目的": "purpose", "department": "department", "责任单位": "department"}
ORDER = ("category", "purpose", "department", "subcategory")


def label_columns(values: tuple[str, ...]) -> dict[str, str]:
    """`--label-col` values -> {head: column}: `head=COL`, a known column name, or by position."""
    mapping: dict[str, str] = {}
    for position, value in enumerate(values):
        if "=" in value:
            head, column = value.split("=", 1)
        else:
            column = value
            head = HEAD_NAMES.get(value) or next(h for h in ORDER[position:] + ORDER if h not in mapping)
        if head not in ORDER:
            raise BadInputError(f"未知的标签 {head}；可用：{'、'.join(ORDER)}。")
        mapping[head] = column
    return mapping


def _load(data: Path, text_col: str, title_col: str | None, label_col: tuple[str, ...]) -> tuple[list, bool, dict]:
    # start-up: loaded only when this command runs
    from xinfang.classifier.dataio import check_columns, read_table, to_records
    from xinfang.classifier.segment import looks_segmented  # start-up: loaded only when this command runs

    rows = read_table(data)
    heads = label_columns(label_col)
    check_columns(rows, [text_col, title_col or "", *heads.values()], data)
    records = to_records(rows, text_col, title_col, heads)
    segmented = looks_segmented([r["text"] for r in records])
    return records, segmented, heads


@click.command("train")
@click.option("--data", "data", type=click.Path(path_type=Path), required=True, help="CSV or XLSX")
@click.option("--text-col", required=True, help="column with the letter text (raw, or space-separated tokens)")
@click.option("--title-col", default=None)
@click.option("--label-col", multiple=True, required=True, help="COL, or head=COL (category, purpose, ...)")
@click.option("--out", type=click.Path(path_type=Path), required=True, help="model directory to write")
def train_command(data: Path, text_col: str, title_col: str | None, label_col: tuple[str, ...], out: Path) -> None:
    """Train a classifier from an office's records."""
    from xinfang.classifier.training import train_from_records  # start-up: loaded only when this command runs

    records, segmented, heads = _load(data, text_col, title_col, label_col)
    click.echo(f"{len(records)} records, labels {heads}, text {'pre-segmented' if segmented else 'raw'}")
    started = time.perf_counter()
    metrics = train_from_records(records, out, segmented=segmented)
    click.echo(f"model {metrics['version']} written to {out} in {time.perf_counter() - started:.1f} s")
    for head, report in metrics.get("heads", {}).items():
        click.echo(f"  held-out {head}: accuracy {report['accuracy']:.4f}, macro-F1 {report['macro_f1']:.4f}")


@click.command("evaluate")
@click.option("--data", "data", type=click.Path(path_type=Path), required=True)
@click.option("--model", "model_dir", type=click.Path(path_type=Path), required=True)
@click.option("--text-col", required=True)
@click.option("--title-col", default=None)
@click.option("--label-col", multiple=True, required=True)
@click.option("--json", "as_json", is_flag=True, help="print the report as JSON")
def evaluate_command(data: Path, model_dir: Path, text_col: str, title_col: str | None, label_col: tuple[str, ...],
                     as_json: bool) -> None:
    """Accuracy, macro-F1, per-class scores and the confusion matrix of a model on labelled records."""
    # start-up: loaded only when this command runs
    from xinfang.classifier.persist import ModelMismatchError, load_model
    from xinfang.classifier.training import evaluate_router  # start-up: loaded only when this command runs

    records, segmented, heads = _load(data, text_col, title_col, label_col)
    try:
        model = load_model(model_dir)
    except (ModelMismatchError, FileNotFoundError) as exc:
        raise ModelError(str(exc)) from exc
    started = time.perf_counter()
    report = evaluate_router(model, records, segmented)
    seconds = time.perf_counter() - started
    per_head = {head: report["heads"][head] for head in heads if head in report["heads"]}
    if not per_head:
        raise BadInputError("模型没有这些标签的分类器：" + "、".join(heads))
    first = per_head[next(iter(per_head))]
    if as_json:
        keys = ("n", "accuracy", "macro_f1", "per_class", "confusion", "reliability", "ece", "abstain_curve")
        payload = {k: first[k] for k in keys} | {"heads": per_head, "seconds": round(seconds, 3)}
        click.echo(json.dumps(payload, ensure_ascii=False, indent=1))
        return
    for head, result in per_head.items():
        _print_report(head, result)
    click.echo(f"{len(records)} letters in {seconds:.2f} s ({len(records) / seconds:.0f} letters/s)")


def _print_report(head: str, report: dict) -> None:
    click.echo(f"== {head}: n {report['n']}  accuracy {report['accuracy']:.4f}  macro-F1 {report['macro_f1']:.4f}"
               f"  ECE {report['ece']:.4f}")
    click.echo(f"{'class':<16}{'precision':>10}{'recall':>10}{'f1':>10}{'support':>9}")
    for label, row in report["per_class"].items():
        click.echo(f"{label:<16}{row['precision']:>10.4f}{row['recall']:>10.4f}{row['f1']:>10.4f}{row['support']:>9}")
    labels = report["confusion"]["labels"]
    click.echo("confusion (rows = truth, columns = predicted, in the order above):")
    for label, row in zip(labels, report["confusion"]["matrix"], strict=True):
        click.echo(f"  {label:<14}" + " ".join(f"{v:>5}" for v in row))
    click.echo("reliability: " + "; ".join(f"{r['bin']} n={r['n']} conf={r['mean_confidence']:.2f} "
                                          f"acc={r['accuracy']:.2f}" for r in report["reliability"]))


@click.group("model")
def model_group() -> None:
    """Classifier versions: list, promote, roll back, retrain from confirmed letters."""


@model_group.command("list")
def list_command() -> None:
    # start-up: loaded only when this command runs
    from xinfang.classifier.versions import current_version, versions
    from xinfang.core.config import load_settings  # start-up: loaded only when this command runs

    root = load_settings().models_root
    now = current_version(root)
    for meta in versions(root):
        heads = meta.get("metrics", {}).get("heads", {})
        scores = " ".join(f"{h} {v['accuracy']:.3f}" for h, v in heads.items() if "accuracy" in v)
        click.echo(f"{'*' if meta['version'] == now else ' '} {meta['version']}  {meta.get('created', '')}  "
                   f"n={meta.get('training_size')}  {scores}")
    if now is None:
        click.echo("(no current model)")


@model_group.command("promote")
@click.argument("version")
def promote_command(version: str) -> None:
    from xinfang.classifier.versions import promote  # start-up: loaded only when this command runs
    from xinfang.core.config import load_settings  # start-up: loaded only when this command runs

    meta = promote(load_settings().models_root, version)
    click.echo(f"current model is now {meta['version']}")


@model_group.command("rollback")
def rollback_command() -> None:
    from xinfang.classifier.versions import rollback  # start-up: loaded only when this command runs
    from xinfang.core.config import load_settings  # start-up: loaded only when this command runs

    meta = rollback(load_settings().models_root)
    click.echo(f"rolled back; current model is now {meta['version']}")


@model_group.command("starter")
@click.option("--size", default=3000, show_default=True, type=click.IntRange(200, 20000),
              help="Generated letters the starter model learns from.")
@click.option("--force", is_flag=True, help="train and promote it even when a model is already promoted")
def starter_command(size: int, force: bool) -> None:
    """Give the office the starter model (generated letters, office knowledge, real-data calibration)."""
    # start-up: loaded only when this command runs
    from xinfang.commands.starter import ensure_starter_model, train_starter
    from xinfang.core.config import load_settings  # start-up: loaded only when this command runs

    settings = load_settings()
    if force:
        metrics = train_starter(settings, size)
        click.echo(f"starter model {metrics['version']} promoted")
    elif not ensure_starter_model(settings, size):
        click.echo("a model is already promoted; use --force to replace it with a new starter")


@model_group.command("retrain")
@click.option("--now", "now", is_flag=True, help="run here instead of queueing an rq job")
@click.option("--force", is_flag=True, help="promote even if the new model is worse on held-out letters")
def retrain_command(now: bool, force: bool) -> None:
    from xinfang.classifier.retrain import retrain  # start-up: loaded only when this command runs
    from xinfang.core.config import load_settings  # start-up: loaded only when this command runs
    from xinfang.intake.jobs import enqueue_retrain  # start-up: loaded only when this command runs

    settings = load_settings()
    if not now:
        click.echo(f"retrain queued as job {enqueue_retrain(settings)}")
        return
    result = retrain(settings, force=force)
    click.echo(f"{result['version']}: {'promoted' if result['promoted'] else 'not promoted'} ({result['reason']}); "
               f"{result['confirmed']} confirmed letters, {result['heldout']} held out")
