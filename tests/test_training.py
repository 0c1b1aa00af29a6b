"""Learning from reviewers: CLI training from office files, versions, promotion, rollback, retraining."""

from __future__ import annotations

import csv
import json
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from xinfang.classifier.persist import load_model
from xinfang.classifier.training import train_from_records
from xinfang.classifier.versions import current_version, history, promote, rollback, versions
from xinfang.commands.model import evaluate_command, train_command
from xinfang.core.config import Settings
from xinfang.core.errors import NotFoundError

ROWS = [("噪音", "晚上工地施工噪音太大，吵得睡不着觉", "环境保护"),
        ("污水", "化工厂往河里偷排污水，河水发臭", "环境保护"),
        ("欠薪", "包工头拖欠农民工工资半年不给", "劳动和社会保障"),
        ("社保", "公司不给职工缴纳社会保险", "劳动和社会保障"),
        ("入学", "孩子上小学划片不合理，离家太远", "教育文体"),
        ("教师", "乡村教师的工资补贴一直没有发放", "教育文体")] * 4


def _records(rows: list[tuple[str, str, str]]) -> list[dict]:
    return [{"title": t, "text": x, "category": c, "purpose": "求决"} for t, x, c in rows]


def test_train_and_evaluate_from_gb18030_csv(tmp_path: Path) -> None:
    data = tmp_path / "records.csv"
    with data.open("w", encoding="gb18030", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["标题", "内容", "一级"])
        writer.writerows(ROWS)
    runner = CliRunner()
    out = tmp_path / "model"
    trained = runner.invoke(train_command, ["--data", str(data), "--text-col", "内容", "--title-col", "标题",
                                            "--label-col", "一级", "--out", str(out)])
    assert trained.exit_code == 0, trained.output
    assert (out / "meta.json").exists() and "written to" in trained.output
    shown = runner.invoke(evaluate_command, ["--data", str(data), "--model", str(out), "--text-col", "内容",
                                             "--title-col", "标题", "--label-col", "一级", "--json"])
    assert shown.exit_code == 0, shown.output
    report = json.loads(shown.output)
    assert {"accuracy", "macro_f1", "per_class", "confusion"} <= set(report)
    assert report["accuracy"] >= 0.9 and set(report["per_class"]) == {"环境保护", "劳动和社会保障", "教育文体"}
    text = runner.invoke(evaluate_command, ["--data", str(data), "--model", str(out), "--text-col", "内容",
                                            "--label-col", "一级"])
    assert "macro-F1" in text.output and "confusion" in text.output


def test_pre_segmented_tokens_are_used_as_tokens(tmp_path: Path) -> None:
    data = tmp_path / "tokens.csv"
    with data.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["tokens", "label"])
        writer.writerows([(" ".join(x), c) for _, x, c in ROWS])  # one character per token
    result = CliRunner().invoke(train_command, ["--data", str(data), "--text-col", "tokens", "--label-col", "label",
                                                "--out", str(tmp_path / "m")])
    assert result.exit_code == 0 and "pre-segmented" in result.output


def test_missing_column_is_explained(tmp_path: Path) -> None:
    from xinfang.core.errors import BadInputError

    data = tmp_path / "r.csv"
    data.write_text("a,b\n1,2\n", encoding="utf-8")
    result = CliRunner().invoke(train_command, ["--data", str(data), "--text-col", "内容", "--label-col", "b",
                                                "--out", str(tmp_path / "m")])
    assert isinstance(result.exception, BadInputError) and "内容" in result.exception.message


def test_promote_and_rollback(tmp_path: Path) -> None:
    root = tmp_path / "models"
    first = train_from_records(_records(ROWS), root / "v1")["version"]
    second = train_from_records(_records(ROWS[:12]), root / "v2")["version"]
    (root / "v1").rename(root / first)
    (root / "v2").rename(root / second)
    assert [m["version"] for m in versions(root)] == [first, second]
    promote(root, first)
    promote(root, second)
    assert current_version(root) == second
    assert load_model(root / "current").version == second
    assert rollback(root)["version"] == first
    assert current_version(root) == first and load_model(root / "current").version == first
    assert [e["version"] for e in history(root)] == [first, second, first]
    with pytest.raises(NotFoundError):
        promote(root, "no-such-version")


@pytest.mark.slow
def test_a_correction_in_the_review_ui_changes_the_next_model(settings: Settings, starter_model_dir: Path) -> None:
    from tests.webutil import add_user, csrf_token, login
    from xinfang.classifier.retrain import retrain
    from xinfang.models import Letter, Status
    from xinfang.models.db import session_scope
    from xinfang.samples.generate import generate_letters
    from xinfang.web import create_app

    letters = generate_letters(30, 31)
    with session_scope(settings.database_url) as session:
        for item in letters:
            session.add(Letter(received_date=date(2026, 11, 1), status=Status.review, text=item["text"]))
    target_id = next(i for i in range(1, 31) if i % 5 and letters[i - 1]["category"] != "退役军人事务")
    target = letters[target_id - 1]
    starter = load_model(starter_model_dir)
    assert starter.suggest(target["text"])["department"]["model_label"] != "退役军人事务局"

    add_user(settings, "rev1", "reviewer")
    app = create_app(settings, {"TESTING": True})
    client = app.test_client()
    login(client, "rev1")
    for letter_id, item in enumerate(letters, start=1):
        chosen = dict(item)
        if letter_id == target_id:  # the reviewer corrects the routing of this one
            chosen.update(category="退役军人事务", department="退役军人事务局")
        token = csrf_token(client, f"/letters/{letter_id}")
        response = client.post(f"/letters/{letter_id}/review", data={
            "csrf_token": token, "category": chosen["category"], "purpose": chosen["purpose"],
            "department": chosen["department"]})
        assert response.status_code == 302

    result = retrain(settings, base=generate_letters(300, 7))
    assert result["confirmed"] == 30 and result["heldout"] == 6
    new = load_model(settings.models_root / result["version"])
    suggestion = new.suggest(target["text"])
    assert suggestion["category"]["label"] == "退役军人事务"
    assert suggestion["department"]["model_label"] == "退役军人事务局"
    # no earlier model: the first retrain is promoted and becomes the current model
    assert result["promoted"] and current_version(settings.models_root) == result["version"]
    meta = json.loads((settings.models_root / result["version"] / "meta.json").read_text())
    assert meta["heldout_confirmed"]["promoted"] is True and meta["confirmed_letters"] == 24

    # a worse model (trained on letters whose labels are all wrong) is kept out of production
    spoiled = [dict(r, category="其他", department="县政府办", purpose="其他") for r in generate_letters(300, 7)]
    worse = retrain(settings, base=spoiled * 3)
    assert worse["promoted"] is False and worse["new_score"] < worse["current_score"]
    assert current_version(settings.models_root) == result["version"]
    assert (settings.models_root / worse["version"] / "meta.json").exists()  # kept, can still be promoted


def test_retrain_is_scheduled_with_rq(tmp_path: Path, redis_url: str) -> None:
    from datetime import timedelta

    from rq.registry import ScheduledJobRegistry

    from tests.conftest import make_settings
    from xinfang.intake.jobs import SCHEDULED_RETRAIN_JOB_ID as SCHEDULED_JOB_ID
    from xinfang.intake.jobs import enqueue_retrain, get_queue, retrain_job, schedule_retrain

    settings = make_settings(tmp_path / "var", redis_url=redis_url)
    queue = get_queue(settings)
    try:
        assert schedule_retrain(settings, timedelta(hours=24)) == SCHEDULED_JOB_ID
        schedule_retrain(settings, timedelta(hours=24))  # re-scheduling replaces, never doubles
        registry = ScheduledJobRegistry(queue=queue)
        assert registry.get_job_ids() == [SCHEDULED_JOB_ID]
        job = queue.fetch_job(enqueue_retrain(settings))
        assert job.func is retrain_job and job.args == (False,)
    finally:
        queue.empty()
        ScheduledJobRegistry(queue=queue).remove(SCHEDULED_JOB_ID, delete_job=True)
