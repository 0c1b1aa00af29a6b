"""Office knowledge, its validation, the blend with the model, calibration numbers and fading generated letters."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from xinfang.classifier.calibration import apply_calibration, load_calibration
from xinfang.classifier.heads import blend, fit_blend
from xinfang.classifier.knowledge import ADDRESSEE, Knowledge
from xinfang.classifier.persist import load_model
from xinfang.classifier.retrain import BASE_SIZE, FADE_OUT, generated_share, in_taxonomy, mix_training
from xinfang.classifier.routing_table import STARTER, load_office, validate_office
from xinfang.classifier.rules import apply_rules
from xinfang.classifier.salutation import salutation
from xinfang.core.errors import OfficeDataError


def starter_data() -> dict:
    return json.loads(STARTER.read_text(encoding="utf-8"))


def test_the_starter_office_file_is_valid_and_carries_knowledge_for_every_label():
    data = starter_data()
    assert validate_office(data) == []
    assert set(data["duties"]) == set(data["departments"])
    assert all(spec["duty"] and spec["cues"] for spec in data["duties"].values())
    assert set(data["purpose_cues"]) == set(data["purposes"])
    assert set(data["category_cues"]) == set(data["categories"])


def test_validation_names_each_problem_and_loading_refuses_a_broken_file(tmp_path: Path):
    data = starter_data()
    data["duties"]["国土局"] = {"duty": "旧名", "cues": ["征地"]}
    data["purpose_cues"]["求决"] = "要求"  # a string, not a list
    data["locality"]["unit"] = "镇政府"
    data["rule_words"]["threats"] = ["跳楼"]
    data["abstain_threshold"] = 3
    problems = validate_office(data)
    assert any("国土局" in p for p in problems)
    assert any("purpose_cues「求决」" in p for p in problems)
    assert any("镇政府" in p for p in problems)
    assert any("threats" in p for p in problems)
    assert any("abstain_threshold" in p for p in problems)
    assert validate_office([]) == ["办公室数据应是一个 JSON 对象（{…}）"]
    path = tmp_path / "office.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(OfficeDataError, match="国土局"):
        load_office(path)


def test_cues_find_a_clerks_reasons_in_raw_and_segmented_text():
    knowledge = Knowledge.from_office(load_office())
    found = knowledge.found("我对法院的判决不服，申请复查。")
    assert "不服" in found["purpose"]["申诉"] and "判决" in found["purpose"]["申诉"]
    assert "法院" in found["department"]["法院"]
    assert "低保" in knowledge.found("我 家 低保 被 取消")["department"]["民政局"]  # spaces do not hide a phrase
    village = knowledge.found("村里的村务一直不公开，一事一议的钱不知去向")
    assert {"村务", "一事一议"} <= set(village["department"]["乡镇人民政府"])  # 属地
    assert "乡镇人民政府" not in knowledge.found("村支书贪污低保金").get("department", {})  # the accused is no 属地
    scores = knowledge.scores("purpose", [found, {}], ["申诉", "咨询"])
    assert scores[0, 0] == pytest.approx(np.log1p(len(found["purpose"]["申诉"]))) and scores[1].sum() == 0
    edited = Knowledge(cues={"department": {"人社局": ["工资", "社保"], "组织部": ["工资"]}})
    shared = edited.scores("department", [edited.found("工资和社保")], ["人社局", "组织部"])
    assert shared[0].tolist() == pytest.approx([np.log1p(1.5), np.log1p(0.5)])  # shared by two: half each


def test_the_greeting_names_the_unit_a_letter_is_for():
    assert salutation("\n尊敬的县教育局领导：\n我是大圩乡圩东村周德明") == "尊敬的县教育局领导"
    assert salutation("关于孙子上学的咨询\n\n教育局领导您好：我是一名退伍老兵") == "教育局领导您好"
    assert salutation("致县纪委：\n我实名举报") == salutation("致：县纪委\n我实名举报") == "致县纪委"
    # OCR broke the greeting after its opening word, or inside a name
    assert salutation("尊敬的\n县教育局领导：\n我是") == salutation("尊敬的县教\n育局领导：\n我是") == "尊敬的县教育局领导"
    # the writer's own employer after the greeting is not whom the letter is for
    assert salutation("尊敬的领导我是县教育局退休教师，反映待遇问题") == "尊敬的领导"
    # a body clause, a title, or 致使 is no greeting, though it names a unit and ends in 负责人, 同志 or 领导们
    for body in ("希望市委市政府以及市教育局的领导们能管一下幼儿园乱收费的情况", "希望市教育局的领导们，能管一下",
                 "标题：关于南关街夜市的一点建议\n我家也在南关街，夜市确实吵",
                 "关于县公安局民警不作为的投诉\n我去县公安局找了负责人，他说再等等",
                 "我们找到了县公安局的王同志，他说再等等", "村里的事\n\n致使县环保局多次来查也没用"):
        assert salutation(body) == "", body


def test_a_unit_in_the_greeting_is_a_department_cue_worth_two_phrases():
    knowledge = Knowledge.from_office(load_office())

    def greeted(found: dict) -> list[str]:
        return [p for labels in found.values() for ps in labels.values() for p in ps if p.startswith(ADDRESSEE)]

    found = knowledge.found("尊敬的县自然资源和规划局领导：\n我们村的学校旁边要建加油站。")
    assert greeted(found) == ["抬头：自然资源和规划局"]  # the longest name, once, and no category cue
    assert found["department"]["自然资源局"][0] == "抬头：自然资源和规划局"  # first: the page shows the first few
    plain = {"department": {"自然资源局": [p for p in found["department"]["自然资源局"] if not p.startswith(ADDRESSEE)]}}
    with_greeting, without = knowledge.scores("department", [found, plain], ["自然资源局"])[:, 0]
    assert np.expm1(with_greeting) - np.expm1(without) == pytest.approx(2.0)  # beside the name's ordinary cues
    assert greeted(knowledge.found("领导你好：\n我去自然资源局问过三次，没人管。")) == []  # the body: an ordinary cue
    assert greeted(knowledge.found("尊敬的老村干部们：\n大家好")) == []  # people are no unit
    # one department greeted by two of its names counts once
    assert greeted(knowledge.found("尊敬的县纪委、县监委领导：\n我实名举报村支书")) == ["抬头：纪委"]
    # the precedence rules weigh what the letter says, not whom it is written to
    kept = knowledge.found("尊敬的县住建局领导：\n学校旁边的工地夜里施工，噪音很大。")
    assert kept["department"]["住建局"][0] == "抬头：住建局"


def test_a_unit_name_two_departments_list_is_a_greeting_cue_of_both():
    knowledge = Knowledge(cues={"department": {"公安局": ["派出所"], "司法局": ["派出所", "司法所"]}})
    found = knowledge.found("尊敬的城关派出所领导：\n我家的事")
    assert found["department"]["公安局"][0] == found["department"]["司法局"][0] == "抬头：派出所"
    scores = knowledge.scores("department", [found], ["公安局", "司法局"])[0]
    assert scores.tolist() == pytest.approx([np.log1p(2.5), np.log1p(2.5)])  # the greeting 2 each, 派出所 ½ each


def test_a_page_of_notes_is_not_a_petition_but_a_complaint_is():
    knowledge = Knowledge.from_office(load_office())
    notes = "今天天气晴，最高气温十八度，最低气温六度，东南风三级。明天多云转小雨。数学作业第三十五页。"
    assert not knowledge.is_petition(notes, knowledge.found(notes))
    letter = "我家的低保被村干部取消了，请求领导帮助解决。"
    assert knowledge.is_petition(letter, knowledge.found(letter))


def test_the_blend_learns_to_trust_informative_cues_and_ignores_noise():
    rng = np.random.default_rng(0)
    truth = rng.integers(0, 3, 600)
    scores = rng.normal(0, 1, (600, 3))
    scores[np.arange(600), truth] += 0.5  # a weak model
    informative = np.zeros((600, 3))
    informative[np.arange(600), truth] = np.log1p(2)
    informative[rng.random(600) < 0.3] = 0  # cues are missing in some letters
    scale, weight = fit_blend(scores, truth, informative)
    assert weight > 1.0
    better = (blend(scores, scale, informative, weight).argmax(1) == truth).mean()
    assert better > (scores.argmax(1) == truth).mean() + 0.1
    noise = np.zeros((600, 3))
    noise[np.arange(600), rng.integers(0, 3, 600)] = np.log1p(1)
    assert fit_blend(scores, truth, noise)[1] < 0.3


def test_office_rule_words_extend_the_built_in_patterns():
    assert not apply_rules("日子过不下去了，天天去县委大院门口坐着。").urgent
    found = apply_rules("日子过不下去了，天天去县委大院门口坐着。", {"threat": ["过不下去", "门口坐着"]})
    assert found.urgent and found.matched["urgent"] == ["过不下去", "门口坐着"]
    assert apply_rules("再不解决我就去北京上访。", {"threat": ["静坐"]}).urgent  # built-ins stay


def test_suggestions_show_reasons_and_notes_are_other_at_low_confidence(starter_model_dir: Path):
    router = load_model(starter_model_dir)
    result = router.suggest("村里的低保名额被村干部优亲厚友，我家困难却评不上低保，请求解决。")
    assert "低保" in result["department"]["reasons"] or "低保" in result["category"]["reasons"]
    notes = router.suggest("今天天气晴，最高气温十八度，最低气温六度，东南风三级。明天多云转小雨，记得带伞。")
    assert notes["category"]["label"] == "其他" and notes["category"]["probability"] <= 0.2
    assert notes["department"]["probability"] <= 0.2
    assert notes["flags"]["needs_routing"] and notes["flags"]["not_petition"]


def test_the_abstain_threshold_comes_from_the_office_then_the_model_then_the_deployment(starter_model_dir: Path):
    router = load_model(starter_model_dir)
    router.threshold = None
    assert router.abstain_threshold(0.7) == 0.7
    text = "小区门口的路灯坏了很久，晚上出行不便，请尽快修理。"
    assert router.suggest(text, threshold=1.0)["flags"]["needs_routing"]
    assert not router.suggest(text, threshold=0.0)["flags"]["needs_routing"]
    router.threshold = 0.4
    assert router.abstain_threshold(0.7) == 0.4


def test_calibration_numbers_set_each_heads_temperature_and_knowledge_weight(starter_model_dir: Path):
    router = load_model(starter_model_dir)
    apply_calibration(router, {"heads": {"purpose": {"scale": 0.5, "knowledge_weight": 1.5}},
                               "abstain_threshold": 0.45})
    assert router.heads["purpose"].scale == 0.5 and router.heads["purpose"].knowledge_weight == 1.5
    assert router.threshold == 0.45
    shipped = load_calibration()
    assert set(shipped["heads"]) == {"category", "purpose", "department"}
    assert all(v["scale"] > 0 and v["knowledge_weight"] >= 0 for v in shipped["heads"].values())


def test_generated_letters_fade_as_confirmed_letters_arrive_and_foreign_labels_drop():
    assert generated_share(0) == BASE_SIZE
    shares = [generated_share(n) for n in (0, 100, 500, 1000, 2000, FADE_OUT - 1, FADE_OUT, 10_000)]
    assert shares == sorted(shares, reverse=True) and shares[2] == BASE_SIZE // 2 and shares[-2:] == [0, 0]
    office = load_office()
    base = [{"text": f"生成信{i}", "category": "国土资源", "purpose": "求决", "department": "自然资源局"}
            for i in range(BASE_SIZE)]
    base[0] = dict(base[0], department="国土局")  # a name this office does not use
    assert not in_taxonomy(base[0], office) and in_taxonomy(base[1], office)
    own = [{"id": i, "text": f"本单位信{i}", "category": "民政", "purpose": "求决", "department": "民政局"}
           for i in range(600)]
    mixed = mix_training(base, own, office)
    generated = [r for r in mixed if r["text"].startswith("生成信")]
    assert len(generated) == generated_share(600) < BASE_SIZE // 2
    assert all(r["department"] != "国土局" for r in generated)
    assert len(mixed) - len(generated) == 600 * 3
    assert [r for r in mix_training(base, own * 5, office) if r["text"].startswith("生成信")] == []


def test_a_negated_threat_is_not_urgent():
    assert not apply_rules("我是讲道理的人，绝不会去北京上访，只想讨个公道。").urgent
    assert apply_rules("再不解决，我就去北京上访。").urgent


def test_a_model_trained_on_department_labels_only_still_suggests():
    """An office whose records carry only the handling unit (as the Teddy replies do) gets a department."""
    from xinfang.classifier.training import fit_router
    from xinfang.samples.generate import generate_letters

    records = [{"text": r["text"], "department": r["department"]} for r in generate_letters(80, 3)]
    router = fit_router(records)
    result = router.suggest(records[0]["text"])
    assert "category" not in result and result["department"]["label"] in {r["department"] for r in records}


def test_cue_search_finds_every_phrase_a_full_scan_finds_in_file_order() -> None:
    """The bigram-indexed search must find exactly what testing every phrase would: single characters,
    overlapping and nested phrases, a phrase at the very end, and A+B pairs."""
    phrases = ["欠", "拖欠工资", "工资", "欠薪", "拖欠", "资", "承包+地界", "地界纠纷", "小区", "区门口"]
    knowledge = Knowledge(cues={"category": {"劳动": phrases}})
    text = "老板拖欠工资，小区门口的地界纠纷，承包的地也欠资"
    brute = [p for p in phrases if all(part in text for part in p.split("+"))]
    assert knowledge.found(text)["category"]["劳动"] == brute
    assert knowledge.found("无关的话") == {}
