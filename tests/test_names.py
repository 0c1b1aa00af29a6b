"""The petitioner as a clerk reads a letter: label, signature block, self-introduction, 联名 head, relatives."""

from __future__ import annotations

import pytest

from xinfang.intake.fields import extract_fields
from xinfang.intake.fields.names import is_name, on_behalf_of


def name(text: str) -> str | None:
    return extract_fields(text)["name"]["value"]


@pytest.mark.parametrize(("text", "expected"), [
    ("县信访局领导：\n包工头欠我工钱两万元，请政府做主！\n杨光福 13985412276\n24.2.27", "杨光福"),
    ("领导你们好 我是白岩镇石门坎村四组的罗德贵今年七十三岁了 茶树补偿一直没给", "罗德贵"),
    ("尊敬的县教育局领导：\n我是烟坪乡中心小学语文教师何丽萍，2008年参加工作。", "何丽萍"),
    ("区领导：\n我刘长海4月8号写的申诉信到现在没有回音。", "刘长海"),
    ("请领导督促一下，别让老实人寒了心。\n老陈 13930587216\n2024-07-15", "老陈"),
    ("方便居民出行。谢谢！\n小营社区居民 黄女士 18330915276", "黄女士"),
    ("请依法处理。\n前湾村三组 陈海根\n身份证320989195609140317\n电话13951462083\n腊月初五", "陈海根"),
    ("请县里直接派人来测量。\n张寨村老张（张明德）13592047836\n24.7.9", "张明德"),
    ("标题：帮我父亲问问补偿\n内容：我父亲的事请领导答复。\n联系电话：13586629047（罗建军）", "罗建军"),
    ("后岗村孙德旺，房子叫煤矿挖裂的事第三回反映了还没人管！13703812976", "孙德旺"),
])
def test_petitioner_read_from_signature_intro_and_titles(text, expected):
    assert name(text) == expected


def test_pseudonym_and_ghostwriter_are_not_the_petitioner():
    assert name("我不敢写真名，怕遭报复。\n举报人：王老实（化名）\n2024年5月14日") is None
    text = "请领导还我一个公道。\n潘玉兰\n孙子王磊代写 电话17785430618\n2024年10月9日"
    assert name(text) == "潘玉兰"


def test_joint_letter_head_is_the_petitioner_with_their_phone_and_not_a_cosigner():
    text = ("请环保部门把检测结果公开。\n联名人：赵春梅（联系电话15885470236）、陈德福、王秀兰、刘安全\n2024年3月6日")
    fields = extract_fields(text)
    assert fields["name"]["value"] == "赵春梅"
    assert fields["phone"]["value"] == "15885470236"
    assert [c["name"] for c in fields["cosigners"]["value"]] == ["陈德福", "王秀兰", "刘安全"]


def test_writer_for_a_parent_names_the_parent():
    behalf = on_behalf_of("领导好，我是海丰镇南堤村王小军，替我母亲刘桂英反映情况。", "王小军")
    assert behalf == {"value": "刘桂英", "relation": "母亲", "span": [20, 23]}
    assert on_behalf_of("我是北关村三组刘长海的儿子刘伟，在市里上班。", "刘伟")["value"] == "刘长海"
    field = extract_fields("我是北关村三组刘长海的儿子刘伟，替我父亲反映。\n刘伟 18713958820")["name"]
    assert field["value"] == "刘伟" and field["on_behalf_of"]["value"] == "刘长海"


def test_ordinary_words_are_not_names():
    assert not is_name("居民") and not is_name("党员") and is_name("万学文") and is_name("赵丽")


def test_phone_written_in_characters_after_a_cue():
    text = "求领导给俺们做主 杨家庄村杨福贵 有事打俺儿子电话一三九三二七八五四零六 腊月十二"
    assert extract_fields(text)["phone"]["value"] == "13932785406"
    assert extract_fields("一三九三二七八五四零六")["phone"]["value"] is None  # no cue: not a guess
