"""How a clerk reads cues: precedence between purposes, rules as evidence, the addressee, threats, confidence."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from xinfang.classifier.confidence import FEATURES, Confidence, evidence, fit_confidence, rescaled_top
from xinfang.classifier.knowledge import Knowledge
from xinfang.classifier.persist import load_model
from xinfang.classifier.routing_table import STARTER, load_office, validate_office
from xinfang.classifier.rules import apply_rules


@pytest.fixture(scope="module")
def knowledge() -> Knowledge:
    return Knowledge.from_office(load_office())


def test_question_words_are_no_enquiry_once_the_letter_demands_appeals_or_reports(knowledge: Knowledge):
    enquiry = knowledge.found("请问失地农民养老保险的政策是什么？需要什么材料，去哪里办理？")
    assert enquiry["purpose"].get("咨询")
    demand = knowledge.found("请问你们什么时候处理？我们强烈要求赔偿损失，恳请领导主持公道。")
    assert "咨询" not in demand["purpose"] and len(demand["purpose"]["求决"]) >= 2
    appeal = knowledge.found("请问凭什么这样处理？我对处理结果不服，申请复查。")
    assert "咨询" not in appeal["purpose"] and appeal["purpose"]["申诉"]
    # one weak demand word (解决 in "如何解决") does not silence an enquiry
    assert knowledge.found("请问这种情况如何解决，政策上怎么规定？")["purpose"].get("咨询")
    # 建议…严肃处理 is a demand to punish, not a suggestion
    punish = knowledge.found("该厂长期偷排污水，建议对其严肃处理。")
    assert "意见建议" not in punish["purpose"] and punish["purpose"]["揭发控告"]


def test_a_fired_discipline_rule_is_evidence_for_a_report_about_a_discipline_matter(knowledge: Knowledge):
    text = "村支书把低保名额优亲厚友，给了自己亲戚。"
    rules = apply_rules(text, load_office().rule_words)
    assert rules.discipline
    found = knowledge.found(text, rules)
    assert "优亲厚友" in found["purpose"]["揭发控告"]
    assert "优亲厚友" in found["category"]["纪检监察"] and "优亲厚友" in found["department"]["纪委监委"]
    scores = knowledge.scores("purpose", [found], ["揭发控告", "求决"])
    assert scores[0, 0] > 0  # a rule word that no cue list holds still counts


def test_the_addressee_is_not_the_accused_and_appointments_stay_with_the_organisation_department():
    assert not apply_rules("尊敬的张书记：您好！小区物业乱收好处费。").discipline
    assert not apply_rules("县长您好，物业收红包才给修电梯。").discipline
    assert apply_rules("县长您好，村主任收受红包才给盖章。").discipline
    assert apply_rules("村支书贪污惠农补贴。").discipline
    assert not apply_rules("镇干部作风霸道，却在任前公示中被提拔。").discipline


def test_a_report_written_to_the_discipline_body_is_a_discipline_matter():
    """Addressed to 纪委/监委 and reporting someone: the rule fires without a misconduct word of ours."""
    found = apply_rules("县纪委：\n我要反映我村村主任把集体的钱用到自己家里。")
    assert found.discipline and "写给纪委" in found.matched["discipline"]
    assert apply_rules("标题\n尊敬的纪委监委领导您好！我实名举报镇里某人。").discipline
    assert apply_rules("特向县纪委举报王某长期不上班。").discipline
    # a 纪委 mentioned in passing, or a letter to 纪委 about no one, is not a report to it
    assert not apply_rules("我去找了纪委，纪委说不管：我们村村长的路没修。").discipline
    assert not apply_rules("县纪委：\n我们小区的路灯坏了。").discipline
    assert not apply_rules("致县纪委：\n干部任用前应当任前公示，某人被提拔却没有公示，特此举报。").discipline


def test_compound_cues_and_precedence_over_named_phrases():
    knowledge = Knowledge(
        cues={"category": {"农村农业": ["承包地", "承包+地界"], "国土资源": ["地界", "确权"]},
              "purpose": {"申诉": ["不服", "错误"], "求决": ["要求", "恳请"]}},
        precedence={"category": {"国土资源": {"农村农业": (1, frozenset({"承包+地界"}))}},
                    "purpose": {"求决": {"申诉": (1, frozenset({"不服"}))}}})
    boundary = knowledge.found("我家承包地的地界被邻居挪了，确权时也没改。")
    assert boundary["category"] == {"农村农业": ["承包地", "承包+地界"]}
    title = knowledge.found("宅基地的地界和确权有争议。")
    assert set(title["category"]) == {"国土资源"}
    assert "承包+地界" not in knowledge.found("承包了一片鱼塘。").get("category", {}).get("农村农业", [])
    appeal = knowledge.found("对复查结果不服，恳请重新处理。")
    assert set(appeal["purpose"]) == {"申诉"}
    weak = knowledge.found("处理错误，恳请领导解决，要求赔偿。")
    assert set(weak["purpose"]) == {"申诉", "求决"}  # a weak appeal word does not silence the demand
    office = Knowledge.from_office(load_office())
    assert office.precedence and all(isinstance(n, int | tuple) for labels in office.precedence.values()
                                     for over in labels.values() for n in over.values())


def test_threats_include_conditional_escalation_but_not_idioms_or_traffic():
    assert apply_rules("如果再不解决，我们就去省里上访。").urgent
    assert apply_rules("否则，全体业主将静坐市政府。").urgent
    assert apply_rules("实在不行我就到北京去反映。").urgent
    assert apply_rules("有时都想把医保局炸了。").urgent
    assert not apply_rules("早晚高峰拥堵路段太多，建议增设红绿灯。").urgent
    assert not apply_rules("采石场的炸药味很重，粉尘大。").urgent
    assert not apply_rules("只许州官放火，不许百姓点灯。", load_office().rule_words).urgent
    assert not apply_rules("幸好火势被扑灭，不然后果严重。").urgent
    assert apply_rules("再不管，我们就去政府门口讨说法。", {"escalation": ["政府门口"]}).urgent


def test_the_starter_office_knows_threats_a_clerk_knows_and_not_descriptions_of_unrest():
    words = load_office().rule_words
    assert apply_rules("事情再拖下去，我只有一头撞死在你们门口。", words).urgent
    assert apply_rules("逼急了我就吃安眠药一了百了。", words).urgent
    assert apply_rules("问题不解决，我们全村就到省城上访。", words).urgent
    assert not apply_rules("家长们愤怒归愤怒，但没有过激行为。", words).urgent
    assert not apply_rules("市人社局约集访谈了你，并依法要求你提供证据。", words).urgent


def test_new_knowledge_sections_are_validated():
    data = json.loads(STARTER.read_text(encoding="utf-8"))
    assert validate_office(data) == []
    data["cue_precedence"] = {"purpose": {"咨询": {"求助": 1}}, "科室": {}}
    data["rule_cues"] = {"discipline": {"category": "纪检"}, "threat": {}}
    problems = validate_office(data)
    assert any("求助" in p for p in problems) and any("科室" in p for p in problems)
    data["cue_precedence"] = {"purpose": {"求决": {"申诉": {"n": 1, "phrases": ["不服"]}}}}
    data["rule_cues"] = {}
    assert validate_office(data) == []
    data["cue_precedence"] = {"purpose": {"求决": {"申诉": {"n": 0, "phrases": "不服"}}}}
    assert any("求决" in p for p in validate_office(data))
    data = json.loads(STARTER.read_text(encoding="utf-8"))
    data["cue_precedence"] = {"purpose": {"咨询": {"求助": 1}}, "科室": {}}
    assert any("纪检" in p for p in problems) and any("threat" in p for p in problems)


def test_confidence_weights_turn_evidence_into_a_probability_and_keep_the_label():
    blended, model = np.array([0.6, 0.3, 0.1]), np.array([0.5, 0.4, 0.1])
    cues = np.array([np.log1p(2), 0.0, 0.0])
    features = evidence(blended, model, cues, 0, rule=False)
    assert len(features) == len(FEATURES)
    named = dict(zip(FEATURES, features, strict=True))
    assert named["model_agrees"] == 1 and named["cues_agree"] == 1 and named["no_cues"] == 0
    assert named["margin"] == pytest.approx(0.3)
    rng = np.random.default_rng(0)
    agree = rng.random(800) < 0.6
    correct = rng.random(800) < np.where(agree, 0.9, 0.4)
    x = np.zeros((800, len(FEATURES)))
    x[:, FEATURES.index("cues_agree")] = agree
    coef, intercept = fit_confidence(x, correct)
    confidence = Confidence({"department": (coef, intercept)})
    sure = confidence.probability("department", x[agree.argmax()], 0.5)
    unsure = confidence.probability("department", x[(~agree).argmax()], 0.5)
    assert 0.8 < sure < 0.97 and 0.3 < unsure < 0.5
    assert confidence.probability("purpose", features, 0.42) == 0.42  # a head without weights keeps its own
    top = rescaled_top([["民政局", 0.6], ["人社局", 0.3], ["住建局", 0.1]], "民政局", 0.6, 0.8)
    assert top[0] == ["民政局", 0.8] and sum(p for _, p in top) == pytest.approx(1.0)
    assert Confidence.from_numbers({"features": ["other"], "heads": {"x": {}}}) is None
    earlier = Confidence.from_numbers({"features": list(FEATURES[:-1]),
                                       "heads": {"department": {"coef": coef[:-1], "intercept": intercept}}})
    assert earlier is not None and earlier.probability("department", x[agree.argmax()], 0.5) == pytest.approx(sure)


def test_confidence_fitted_on_a_noisy_reading_says_how_often_the_suggestion_is_truly_right():
    """Labels read with accuracy 0.9 (a department read from a reply): the plain fit learns the reading's
    errors as the model's; the fit told the reading accuracy recovers the true rate."""
    rng = np.random.default_rng(1)
    n = 4000
    agree = rng.random(n) < 0.5
    right = rng.random(n) < np.where(agree, 0.95, 0.6)
    read_right = rng.random(n) < 0.9
    matches = right & read_right  # a wrong reading never names the suggested unit
    x = np.zeros((n, len(FEATURES)))
    x[:, FEATURES.index("cues_agree")] = agree
    plain = Confidence({"d": fit_confidence(x, matches)})
    told = Confidence({"d": fit_confidence(x, matches, label_accuracy=0.9)})
    sure = x[agree.argmax()]
    assert plain.probability("d", sure, 0.5) == pytest.approx(0.95 * 0.9, abs=0.03)
    assert told.probability("d", sure, 0.5) == pytest.approx(0.95, abs=0.03)
    unsure = x[(~agree).argmax()]
    assert told.probability("d", unsure, 0.5) == pytest.approx(0.6, abs=0.05)


def test_evidence_says_whether_the_department_fits_the_category_in_the_routing_table():
    blended, model = np.array([0.6, 0.4]), np.array([0.6, 0.4])
    fits = dict(zip(FEATURES, evidence(blended, model, None, 0, rule=False), strict=True))
    odd = dict(zip(FEATURES, evidence(blended, model, None, 0, rule=False, table_ok=False), strict=True))
    assert fits["table_ok"] == 1.0 and odd["table_ok"] == 0.0 and fits["no_cues"] == 1.0


def test_the_discipline_rule_sets_the_category_with_the_unit_and_confidence_is_calibrated(starter_model_dir: Path):
    from xinfang.classifier.calibration import apply_calibration, load_calibration

    router = load_model(starter_model_dir)
    apply_calibration(router, load_calibration())
    assert router.confidence is not None
    result = router.suggest("反映马桥镇马桥村村支书贪污惠农补贴、吃拿卡要的问题，请求依法依纪严肃处理。")
    assert result["department"]["label"] == "纪委监委"
    assert result["category"]["label"] == "纪检监察" and result["purpose"]["label"] == "揭发控告"
    for head in ("category", "purpose", "department"):
        assert 0.0 < result[head]["probability"] < 1.0
    notes = router.suggest("今天天气晴，最高气温十八度，最低气温六度，东南风三级。明天多云转小雨。")
    assert notes["category"]["label"] == "其他" and notes["category"]["probability"] <= 0.2
    evidence_kept = router.suggest_many(["村里的低保评定不公平，请求重新评定。"], with_evidence=True)[0]
    assert len(evidence_kept["department"]["evidence"]) == len(FEATURES)


def test_the_place_of_the_writer_yields_to_the_object_of_the_complaint(knowledge: Knowledge):
    """小区/业主 say where the writer lives; a school, a bus or 医保 is what the letter is about."""
    school = knowledge.found("我们小区的业主反映，小区配套的小学学位不够，孩子入学难。")["department"]
    assert "住建局" not in school and school["教育局"]
    bus = knowledge.found("小区业主几千人，希望开通一条公交线路。")["department"]
    assert "住建局" not in bus and bus["交通运输局"]
    insurance = knowledge.found("在县医院住院，病人的医药费医保报销比例太低。")["department"]
    assert "卫健委" not in insurance and insurance["医保局"]
    # with no object named, the place words still count
    assert knowledge.found("小区物业乱收费，业主要求更换物业公司。")["department"]["住建局"]


def test_a_unit_named_by_its_common_or_former_name_is_a_cue_for_it(knowledge: Knowledge):
    found = knowledge.found("向环保局反映多次，又找过国土局和工商局，都说不归他们管。")["department"]
    assert found["生态环境局"] and found["自然资源局"] and found["市场监管局"]
