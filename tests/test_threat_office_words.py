"""An office's own 扬言 words, read once per letter: the letter's urgency field (the letter page, the desk) shows
them, and the router's urgent flag says the same, through the stages a worker runs."""

from __future__ import annotations

import io
import json
from datetime import date

import pytest

from tests.conftest import install_model
from xinfang.classifier import rules
from xinfang.classifier.routing_table import STARTER, load_office, save_office
from xinfang.classifier.rules import apply_rules
from xinfang.intake.fields import extract_fields
from xinfang.intake.fields.urgency import found_threats, urgency_field
from xinfang.intake.ingest import ingest_stream
from xinfang.intake.pipeline import process_letter
from xinfang.models import Letter
from xinfang.models.db import session_scope

OFFICE_WORD = "县委大院门口坐着"  # no built-in phrasing reads it as a threat
LETTER = ("尊敬的县信访局领导：我叫{name}，家住柳林镇大王庄村。村委会拖欠我家土地补偿款三万元，多次反映无人处理。"
          "要是再没人管，我就天天去县委大院门口坐着。此致 敬礼 {name}")


def _add_office_word(settings, word: str) -> None:  # noqa: ANN001
    data = json.loads(STARTER.read_text(encoding="utf-8"))
    data["rule_words"]["threat"].append(word)
    save_office(data, settings.data_dir)


def _run(settings, name: str) -> tuple[dict, bool, dict]:  # noqa: ANN001
    """A typed letter through ingest and every worker stage: (urgency field, letter.urgent, suggestion flags)."""
    with session_scope(settings.database_url) as session:
        stream = io.BytesIO(LETTER.format(name=name).encode("utf-8"))
        letter_id = ingest_stream(session, settings, stream, f"{name}.txt", received=date.today()).letter_ids[0]
        session.commit()
    assert process_letter(settings, letter_id) == "review"
    with session_scope(settings.database_url) as session:
        letter = session.get(Letter, letter_id)
        urgency = letter.fields["urgency"]
        for item in urgency["items"]:  # the spans are the desk's highlights: they must point at the phrase
            start, end = item["span"]
            assert letter.text[start:end] == item["value"]
        return urgency, bool(letter.urgent), letter.suggestion.detail["flags"]


@pytest.fixture
def worker_settings(settings, starter_model_dir, monkeypatch):  # noqa: ANN001, ANN201
    """A promoted model, and the environment a worker has (the router reads the office of XINFANG_DATA_DIR)."""
    install_model(settings, starter_model_dir)
    monkeypatch.setenv("XINFANG_DATA_DIR", str(settings.data_dir))
    return settings


def test_an_office_threat_word_reaches_the_urgency_field_and_agrees_with_the_flag(worker_settings):
    before, urgent, flags = _run(worker_settings, "张三")
    assert before["value"] is False and before["items"] == []
    assert urgent is False and flags["urgent"] is False

    _add_office_word(worker_settings, OFFICE_WORD)  # the administrator's edit: no restart
    field, urgent, flags = _run(worker_settings, "李四")
    assert field["value"] is True
    assert [item["value"] for item in field["items"]] == [OFFICE_WORD]
    assert urgent is True and flags["urgent"] is True
    assert any(note.startswith("扬言") and OFFICE_WORD in note for note in flags["notes"])


def test_a_letter_is_read_for_threats_once(worker_settings, monkeypatch):  # noqa: ANN001
    _add_office_word(worker_settings, OFFICE_WORD)
    calls: list[str] = []
    real = rules.find_threats

    def counted(text: str, *args: tuple[str, ...]) -> list[tuple[str, int, int]]:
        calls.append(text)
        return real(text, *args)

    monkeypatch.setattr(rules, "find_threats", counted)
    field, urgent, flags = _run(worker_settings, "王五")
    assert len(calls) == 1
    assert field["value"] is True and urgent is True and flags["urgent"] is True


def test_field_and_rule_read_the_office_words_alike() -> None:
    words = load_office(STARTER).rule_words
    texts = ["工资拖了一年，我想结束自己的生命。", "再不解决，我就告到北京去。", "小区门口的路灯坏了，请尽快修理。",
             LETTER.format(name="张三")]
    for text in texts:
        field = extract_fields(text, None, words)["urgency"]
        rule = apply_rules(text, words)
        assert field["value"] is rule.urgent, text
        assert [item["value"] for item in field["items"]] == rule.matched.get("urgent", []), text
    # the starter's own words (结束自己的生命) are threats to the field too, not only to the rule
    assert urgency_field(texts[0], words)["value"] is True


def test_the_rule_takes_the_fields_reading_unless_a_reviewer_corrected_it() -> None:
    text = LETTER.format(name="张三")
    field = urgency_field(text, {"threat": [OFFICE_WORD]})
    handed = found_threats(field)
    assert handed == [OFFICE_WORD]
    assert apply_rules(text, threats=handed).urgent           # the office's word, without the words passed again
    assert not apply_rules(text, threats=[]).urgent           # an empty reading is no threat: nothing is read again
    corrected = {**field, "value": False, "corrected_by": 1, "note": "审核人更正"}
    assert found_threats(corrected) is None                   # the rule reads the letter itself
    assert found_threats({"value": True, "confidence": 1.0}) is None and found_threats(None) is None
