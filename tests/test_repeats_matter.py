"""The matter of a letter as it survives rewording: anchors, history cues, cited days, bounded cost."""

from __future__ import annotations

import time
from datetime import date

from xinfang.core.idcard import make
from xinfang.matching.features import compute
from xinfang.matching.matter import (
    anchor_overlap,
    anchors,
    followup,
    key_anchors,
    keyword_overlap,
    keywords,
    keywords_top,
    month_days,
    name_variants,
    new_matter,
    place_conflict,
)
from xinfang.matching.score import Candidate, decide

ID = make("371523", date(1951, 2, 8), 31)
FIRST = ("县信访局的领导你们好，我是白岩镇石门坎村四组的罗德贵。前年工业园区扩建征了我家大垭口一亩八分茶园，"
         "土地补偿款收到了，茶树和看茶房子的地上附着物补偿一直没有。请领导帮我把茶树补偿要回来。\n"
         "罗德贵 电话15185473302\n2024年1月26日")
AGAIN = ("信访局领导 我是石门坎村的罗德贵 1月26日我写过信来 说茶树补偿的事 到现在没人管 同一坡王家李家的都补了"
         "我家的为哪样不补 你们不给我个说法我就一直写\n罗德贵 电话15185473302\n3月25号")
OTHER = ("领导您好：我还是石门坎村的罗德贵，这回不是茶树的事，想问问看病报销的政策，我老伴住院花了八千多，"
         "新农合能报多少？\n罗德贵 15185473302\n2024年5月6日")


def fields(name, phone):
    return {"name": {"value": name}, "phone": {"value": phone}}


def test_named_places_and_units_are_anchors_without_the_words_before_them():
    found = anchors("他老婆名下滨河苑的房子，前进街道锦绣家园3号楼电梯坏了，鑫泰化工厂偷排，包工头耿二虎跑了")
    assert {"滨河苑", "锦绣家园", "鑫泰化工厂", "3号楼", "耿二虎"} <= set(found)
    assert "老婆名下滨河苑" not in found and "进街道锦绣家园" not in found
    assert {"滨河苑", "锦绣家园", "鑫泰化工厂"} <= set(key_anchors(found, limit=10))


def test_a_firm_name_holding_a_word_the_scan_stops_on_is_kept_whole():
    """建材, 再生, 开发, 建筑 open a word of the firm's registered name: the scan goes on over 建, 再, 开."""
    assert {"恒泰新型建材有限公司", "恒泰新型建材"} <= set(anchors("恒泰新型建材有限公司天天夜里偷排废水"))
    assert "鑫源再生塑料颗粒厂" in anchors("举报鑫源再生塑料颗粒厂烧塑料")
    assert "生塑料颗粒厂" not in anchors("举报鑫源再生塑料颗粒厂烧塑料")
    assert "华祥房地产开发有限公司" in anchors("华祥房地产开发有限公司拖欠工程款")
    assert "顺阳建筑劳务公司" in anchors("顺阳建筑劳务公司不给钱")
    assert {"王家坪村", "向阳路"} <= set(anchors("王家坪村到向阳路这段路坏了"))


def test_a_function_word_or_a_word_of_the_sentence_before_a_name_still_ends_it():
    assert anchors("我们村的路坏了，这条路也坏了，一条路都没修好") == []
    assert anchors("我在宏达化工上班")[:2] == ["宏达化工", "宏达"]
    assert anchors("县城建材市场乱收费") == [] and anchors("现在建材市场很乱") == []
    assert not any("县" in a for a in anchors("县城宏达化工厂"))
    assert anchors("开具社区证明") == [] and anchors("依法依纪严肃办理村支书") == []
    assert anchors("请尽快开通周楠中学站") == anchors("请尽快通周楠中学站")  # the verb is not part of the name
    assert "元东路" in anchors("在开元东路与黄金路口")  # 开元 is an ordinary word: 开元东 would be dropped


def test_history_cues_and_cited_days():
    assert followup(AGAIN) and not followup(FIRST)
    assert new_matter(OTHER) and not new_matter(AGAIN)
    assert not new_matter("亲戚朋友都劝我算了，可这不是钱的事，是理的事。") and not new_matter("网站信息几年不更新的问题")
    assert month_days("三月五号我就给你们写过信，今年3月19日又去了") == ["03-05", "03-19"]


def test_the_subject_place_of_two_template_letters_conflicts():
    assert place_conflict(["东关小区", "东关"], ["西园小区", "西园"]) == 1.0
    assert place_conflict(["锦绣家园", "锦绣"], ["前进街道", "锦绣家园"]) == 0.0


def test_a_unit_named_with_and_without_its_place_prefix_is_one_unit():
    assert place_conflict(["滨河鑫泰化工", "滨河鑫泰"], ["鑫泰化工", "鑫泰"]) == 0.0
    share, shared = anchor_overlap(["滨河鑫泰化工", "滨河鑫泰"], ["鑫泰化工", "鑫泰"])
    assert share > 0 and "滨河鑫泰化工" in shared
    # an ordinary word inside a name is not a name: two markets are two places
    assert place_conflict(["杨家农贸市场"], ["李庄农贸市场"]) == 1.0


def test_a_key_name_without_its_place_word_is_keyed_too():
    assert name_variants(["滨河鑫泰化工", "后屯村"]) == ["鑫泰化工"]
    # a name that is one word, or whose rest is an ordinary word, has no other key
    assert name_variants(["锦绣家园", "白岩工业园区", "鑫泰化工"]) == []
    # what is left is an ordinary word or a kind of place: a key shared by unrelated letters
    assert name_variants(["阳光花园小区", "第一人民医院", "城关中心小学", "滨河安置小区"]) == []


def test_a_shorter_angrier_rewording_keeps_the_rarer_words_and_another_matter_does_not():
    first = keywords("罗巷集镇的规划什么时候公布？集镇扩建要征收我们组的地，安置房建在哪里，补偿标准是多少？")
    again = keywords("上次问的罗巷集镇规划到现在还没有下文，扩建到底征不征地？")
    other = keywords("我家孩子明年上小学，户口在外地，请问入学要准备哪些材料？")
    low, high, shared = keyword_overlap(again, first)
    assert "罗巷" in shared and high >= 0.4
    assert keyword_overlap(other, first)[1] < 0.2
    assert "领导" not in keywords("领导您好，领导辛苦了")


def test_letter_form_words_dates_and_the_writers_village_are_no_matter_words():
    # (the writer's name is cut out of the text before keywords, as `entities` does)
    school = ("本人，马桥镇高家洼村人。现将有关情况反映如下：学校食堂饭菜又贵又差，孩子吃了闹肚子。此致敬礼！"
              "具名： 住址：清河县马桥镇高家洼村6组43号 二〇二三年十一月三日")
    fired = ("本人，马桥镇高家洼村人。现将有关情况反映如下：厂里没任何理由就把我辞退了，要求支付赔偿金。此致敬礼！"
             "具名： 住址：清河县马桥镇高家洼村6组43号 二〇二三年七月二十一日")
    for word in ("此致敬礼", "具名", "住址", "现将", "二三年"):
        assert word not in keywords(school)
    home = frozenset({"高家洼", "马桥"})
    assert keyword_overlap(keywords(school), keywords(fired), home)[1] == 0.0
    assert keywords_top(keywords(school), keywords(fired), home) == 0.0
    assert keywords_top(keywords(school), keywords(school.replace("孩子", "娃")), home) == 0.75  # 3 of at most 4


def _candidate(letter_id, text, flds, received):
    feats = compute(text, flds)
    return Candidate(letter_id, feats.sig, feats.identity, feats.entities, text, None, None, None, received)


def test_reworded_follow_up_is_a_repeat_and_another_matter_of_the_same_person_is_not():
    earlier = _candidate(1, FIRST, fields("罗德贵", "15185473302"), date(2024, 1, 26))
    again = compute(AGAIN, fields("罗德贵", "15185473302"))
    decisions = decide(2, AGAIN, again.identity, again.sig, again.entities, [earlier], received=date(2024, 3, 25))
    assert [d.kind for d in decisions] == ["repeat"] and decisions[0].reason["identity"] == "手机号相同"
    other = compute(OTHER, fields("罗德贵", "15185473302"))
    assert decide(3, OTHER, other.identity, other.sig, other.entities, [earlier], received=date(2024, 5, 6)) == []


WAGES_FIRST = ("信访局领导：我叫张大山，在城南新区安置房工地干泥瓦工。包工头耿二虎欠我们班组九个人的工钱十二万多，"
               "我自己两万三。找开发商说钱早拨给总包了，总包又让找包工头，人也找不到。请领导帮我们把血汗钱要回来。\n"
               "张大山 电话13912345678\n2024年1月5日")
WAGES_AGAIN = "工钱还是没给！上回写信到现在两个月了，包工头耿二虎躲着不见人。到底有没有人管？\n张大山 13912345678"
WAGES_OTHER = ("领导好，我是张大山，这回不是工钱的事。我家老房子漏雨，村支书李德明说危房改造的名额给别人了，"
               "请问我家够不够条件？\n张大山 13912345678")


def test_a_short_follow_up_naming_the_same_foreman_is_a_repeat():
    """Angry and short, it keeps little wording: the person complained about, named with the role, is the fact
    that stays (a different person named in another matter of the same writer is not)."""
    earlier = _candidate(1, WAGES_FIRST, fields("张大山", "13912345678"), date(2024, 1, 5))
    assert "耿二虎" in earlier.entities.people
    again = compute(WAGES_AGAIN, fields("张大山", "13912345678"))
    decisions = decide(2, WAGES_AGAIN, again.identity, again.sig, again.entities, [earlier],
                       received=date(2024, 3, 8))
    assert [d.kind for d in decisions] == ["repeat"] and decisions[0].reason["followup_anchor"] > 0
    other = compute(WAGES_OTHER, fields("张大山", "13912345678"))
    assert decide(3, WAGES_OTHER, other.identity, other.sig, other.entities, [earlier],
                  received=date(2024, 4, 2)) == []


def test_son_writing_for_his_father_is_linked_as_a_household_not_a_repeat():
    son_text = ("我是罗建军，在浙江宁波打工。我父亲罗德贵，白岩镇石门坎村四组，前年工业园区征了我家茶园，"
                "茶树补偿一直没有，我爸年前写了信，到现在没人给个说法，请尽快补到位。\n联系电话：13586629047（罗建军）")
    son_fields = {"name": {"value": "罗建军", "on_behalf_of": {"value": "罗德贵"}}, "phone": {"value": "13586629047"}}
    earlier = _candidate(1, FIRST, fields("罗德贵", "15185473302"), date(2024, 1, 26))
    son = compute(son_text, son_fields)
    decisions = decide(2, son_text, son.identity, son.sig, son.entities, [earlier], received=date(2024, 4, 17))
    assert [d.kind for d in decisions] == ["same_matter"]
    assert decisions[0].reason["identity"].startswith("代亲属反映")


def test_a_200k_character_letter_is_matched_in_bounded_time():
    huge = ("我反映的问题一直没有人解决村里的路坏了" * 11_000)[:200_000]  # no punctuation at all
    start = time.perf_counter()
    feats = compute(huge, fields("罗德贵", "15185473302"))
    earlier = _candidate(1, FIRST, fields("罗德贵", "15185473302"), date(2024, 1, 26))
    decide(2, huge, feats.identity, feats.sig, feats.entities, [earlier])
    assert time.perf_counter() - start < 2.0
